"""Ship & debit through the graph, on both backends: the DOMAIN reference case (a claim of
350 approves 300 x 20.00 = 6,000.00 with OVER_CLAIM), ALREADY_CLAIMED on a second claim,
coded bad input that changes nothing, the credit memo and its CSV, the clawback of a POS
resubmission (-2,000.00) and the liability view."""

from __future__ import annotations

import csv
import io
from typing import Any

from portal.domain.access.tokens import create_token
from portal.models import (
    Claim,
    ClaimAllocation,
    ClaimLine,
    CreditMemo,
    OutboxEvent,
    Partner,
    PriceAgreement,
)
from portal.models.enums import ClaimStatus, Role
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.ledger_fixtures import build_channel

CREATE = """mutation($input: CreatePriceAgreementInput!) { createPriceAgreement(input: $input) {
  priceAgreement { id partnerCode validFrom validTo endCustomer { name }
    lines { sku bookCost authorizedPrice maxQuantity unitCredit } }
  errors { field code message } } }"""
AGREEMENTS = (
    """{ priceAgreements { totalCount edges { node { id partnerCode endCustomer { name } } } } }"""
)
DRAFT = """query($period: String) { claimDraft(kind: SHIP_AND_DEBIT, period: $period) {
  period partnerCode currency lines { sku quantity endCustomerName agreementId unitCredit amount } } }"""
SUBMIT = """mutation($input: SubmitClaimInput!) { submitClaim(input: $input) {
  claim { id status } errors { field code message } } }"""
CLAIM = """query($id: ID!) { claim(id: $id) { id status partnerCode period claimedAmount
  approvedAmount currency reviewNote
  lines { sku quantity approvedQuantity unitCredit amount status codes clawedBackQuantity
    evidence { units soldOn reason } }
  creditMemo { number amount currency kind }
  creditMemos { number amount kind lines { sku quantity unitCredit amount reason } } } }"""
REVIEW = """mutation($input: ReviewClaimInput!) { reviewClaim(input: $input) {
  claim { id status approvedAmount creditMemo { number amount } } errors { field code message } } }"""
SUBMIT_POS = """mutation($input: SubmitPosInput!) { submitPos(input: $input) {
  submission { id } errors { code message } } }"""
PAGE = """query($after: String) { %s(first: 1, after: $after) { totalCount
  pageInfo { hasNextPage endCursor } edges { node { %s } } } }"""
MEMOS = """{ creditMemos { totalCount edges { node { number partnerCode amount kind } } } }"""
LIABILITY = """{ incentiveLiability(first: 1) { totalCount pageInfo { hasNextPage endCursor }
  edges { node { agreement { id } eligibleUnclaimedUnits eligibleUnclaimed
  claimed approved credited } } } }"""
LIABILITY_AFTER = """query($after: String) { incentiveLiability(first: 1, after: $after) {
  edges { node { agreement { id } } } pageInfo { hasNextPage } } }"""


def pos(quantity: int, customer: str, price: str | None = None) -> dict[str, Any]:
    line: dict[str, Any] = {
        "warehouseCode": "W1",
        "sku": "SKU-A",
        "quantity": quantity,
        "soldOn": "2026-10-20",
        "endCustomer": {"name": customer, "country": "US"},
    }
    if price is not None:
        line["unitPrice"] = price
    return line


def agreement(partner: str = "D1", **overrides: Any) -> dict[str, Any]:
    return {
        "partnerCode": partner,
        "endCustomer": {"name": "Acme Robotics", "country": "US"},
        "validFrom": "2026-10-01",
        "validTo": "2026-12-31",
        "lines": [
            {"sku": "SKU-A", "bookCost": "100.00", "authorizedPrice": "80.00", "maxQuantity": 500}
        ],
        **overrides,
    }


def claim_line(quantity: int, **extra: Any) -> dict[str, Any]:
    return {"sku": "SKU-A", "quantity": quantity, "endCustomerName": "Acme Robotics", **extra}


async def _state() -> list[Any]:
    return [
        await Claim.all().count(),
        await ClaimLine.all().count(),
        await ClaimAllocation.all().count(),
        await CreditMemo.all().count(),
    ]


async def _setup(client):  # type: ignore[no-untyped-def]
    ch = await build_channel()
    m = ch.admin.manufacturer_id
    d1, d2 = await Partner.get(code="D1"), await Partner.get(code="D2")
    _, manager = await create_token(m, Role.CHANNEL_MANAGER)
    _, partner = await create_token(m, Role.PARTNER_ADMIN, partner_id=d1.id)
    _, other = await create_token(m, Role.PARTNER_ADMIN, partner_id=d2.id)
    return Graph(client, manager), Graph(client, partner), Graph(client, other)


async def test_reference_case_claim_memo_clawback_and_liability(client, app) -> None:
    manager, d1, d2 = await _setup(client)
    # An authorized price not below book cost is refused, and nothing is stored.
    bad = await manager(
        CREATE,
        input=agreement(
            lines=[{"sku": "SKU-A", "bookCost": "100.00", "authorizedPrice": "100.00"}]
        ),
    )
    assert bad["createPriceAgreement"]["errors"][0]["code"] == "INVALID"
    assert await PriceAgreement.all().count() == 0
    made = (await manager(CREATE, input=agreement()))["createPriceAgreement"]
    assert made["errors"] == []
    spa = made["priceAgreement"]
    assert spa["lines"] == [
        {
            "sku": "SKU-A",
            "bookCost": "100.0000",
            "authorizedPrice": "80.0000",
            "maxQuantity": 500,
            "unitCredit": "20.0000",
        }
    ]
    foreign = (await manager(CREATE, input=agreement("D2")))["createPriceAgreement"]
    foreign_id = foreign["priceAgreement"]["id"]
    # Partners see only their own agreements.
    assert (await d1(AGREEMENTS))["priceAgreements"]["totalCount"] == 1
    seen_by_d2 = (await d2(AGREEMENTS))["priceAgreements"]["edges"]
    assert [e["node"]["id"] for e in seen_by_d2] == [foreign_id]

    # POS: 300 to "ACME Robotics, Inc." (the registry's Acme Robotics), 50 to another.
    sent = await d1(
        SUBMIT_POS,
        input={
            "period": "2026-10",
            "lines": [pos(300, "ACME Robotics, Inc."), pos(50, "Globex Labs")],
        },
    )
    assert sent["submitPos"]["errors"] == []
    await run_jobs(app)

    draft = (await d1(DRAFT, period="2026-10"))["claimDraft"]
    assert draft["partnerCode"] == "D1" and draft["currency"] == "USD"
    assert [(x["quantity"], x["unitCredit"], x["amount"]) for x in draft["lines"]] == [
        (300, "20.0000", "6000.00")
    ]
    assert draft["lines"][0]["agreementId"] == spa["id"]

    # Bad input: coded errors, nothing changes.
    before = await _state()
    for lines, period, code in (
        ([claim_line(10, sku="NOPE")], "2026-10", "NOT_FOUND"),
        ([claim_line(-5)], "2026-10", "INVALID_QUANTITY"),
        ([claim_line(10)], "2027-01", "INVALID_PERIOD"),
        ([claim_line(10, agreementId=foreign_id)], "2026-10", "NOT_FOUND"),
    ):
        refused = await d1(
            SUBMIT, input={"kind": "SHIP_AND_DEBIT", "period": period, "lines": lines}
        )
        assert refused["submitClaim"]["claim"] is None
        assert refused["submitClaim"]["errors"][0]["code"] == code, (lines, refused)
    assert await _state() == before

    # The reference claim: 350 for Acme.
    submitted = await d1(
        SUBMIT,
        input={
            "kind": "SHIP_AND_DEBIT",
            "period": "2026-10",
            "lines": [claim_line(350)],
            "idempotencyKey": "claim-1",
        },
    )
    first = submitted["submitClaim"]["claim"]
    assert first["status"] == "SUBMITTED"
    again = await d1(
        SUBMIT,
        input={
            "kind": "SHIP_AND_DEBIT",
            "period": "2026-10",
            "lines": [claim_line(350)],
            "idempotencyKey": "claim-1",
        },
    )
    assert again["submitClaim"]["claim"]["id"] == first["id"]
    await run_jobs(app)
    claim = (await d1(CLAIM, id=first["id"]))["claim"]
    assert claim["status"] == "VALIDATED"
    line = claim["lines"][0]
    assert (line["approvedQuantity"], line["unitCredit"], line["amount"]) == (
        300,
        "20.0000",
        "6000.00",
    )
    assert line["codes"] == ["OVER_CLAIM"] and line["status"] == "PARTIAL"
    assert sum(e["units"] for e in line["evidence"]) == 300
    assert claim["claimedAmount"] == "7000.00" and claim["approvedAmount"] == "6000.00"
    # Another partner sees nothing of it; a partner cannot review.
    assert (await d2(CLAIM, id=first["id"]))["claim"] is None
    forbidden = await d1.errors(REVIEW, input={"id": first["id"], "decision": "APPROVE"})
    assert forbidden[0]["extensions"]["code"] == "FORBIDDEN"
    approved = (await manager(REVIEW, input={"id": first["id"], "decision": "APPROVE"}))[
        "reviewClaim"
    ]
    assert approved["errors"] == []
    # Approved in part; the credit_claim job then issues its memo and the claim is CREDITED.
    assert approved["claim"]["status"] == "PARTIALLY_APPROVED"
    assert approved["claim"]["approvedAmount"] == "6000.00"
    twice = (await manager(REVIEW, input={"id": first["id"], "decision": "APPROVE"}))["reviewClaim"]
    assert twice["errors"][0]["code"] == "INVALID_STATE"
    await run_jobs(app)
    credited = (await d1(CLAIM, id=first["id"]))["claim"]
    assert credited["status"] == "CREDITED"
    assert credited["creditMemo"] == {
        "number": "CM-000001",
        "amount": "6000.00",
        "currency": "USD",
        "kind": "CREDIT",
    }
    assert await CreditMemo.all().count() == 1

    # The same POS claimed again: ALREADY_CLAIMED, nothing approved.
    second = (
        await d1(
            SUBMIT,
            input={"kind": "SHIP_AND_DEBIT", "period": "2026-10", "lines": [claim_line(300)]},
        )
    )["submitClaim"]["claim"]
    await run_jobs(app)
    again_line = (await d1(CLAIM, id=second["id"]))["claim"]["lines"][0]
    assert again_line["approvedQuantity"] == 0 and again_line["codes"] == ["ALREADY_CLAIMED"]
    assert (await d1(DRAFT, period="2026-10"))["claimDraft"]["lines"] == []
    rejected = await manager(
        REVIEW, input={"id": second["id"], "decision": "REJECT", "note": "Nothing proved"}
    )
    assert rejected["reviewClaim"]["claim"]["status"] == "REJECTED"

    # Finance's CSV, and the memo list by partner.
    response = await client.get(
        "/exports/credit-memos.csv",
        params={"period": "2026-10"},
        headers={"Authorization": f"Bearer {manager.token}"},
    )
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["number"], r["partner"], r["sku"], r["quantity"], r["amount"]) for r in rows] == [
        ("CM-000001", "D1", "SKU-A", "300", "6000.00")
    ]
    assert (await d2(MEMOS))["creditMemos"]["totalCount"] == 0

    # A resubmission that drops 100 of the proved units claws them back.
    resent = await d1(
        SUBMIT_POS,
        input={
            "period": "2026-10",
            "lines": [pos(200, "ACME Robotics, Inc."), pos(50, "Globex Labs")],
        },
    )
    assert resent["submitPos"]["errors"] == []
    await run_jobs(app)
    clawed = (await d1(CLAIM, id=first["id"]))["claim"]
    assert clawed["lines"][0]["clawedBackQuantity"] == 100
    assert "CLAWED_BACK" in clawed["lines"][0]["codes"]
    debit = [m for m in clawed["creditMemos"] if m["kind"] == "DEBIT"]
    assert len(debit) == 1 and debit[0]["amount"] == "-2000.00"
    assert debit[0]["number"] == "CM-000002"
    assert debit[0]["lines"][0]["quantity"] == -100
    assert "no longer proves" in debit[0]["lines"][0]["reason"]

    # Claims and memos are listed newest first, one page after the other.
    for field, key, newest_to_oldest in (
        ("claims", "id", [second["id"], first["id"]]),
        ("creditMemos", "number", ["CM-000002", "CM-000001"]),
    ):
        seen, after = [], None
        for _ in newest_to_oldest:
            page = (await d1(PAGE % (field, key), after=after))[field]
            seen += [e["node"][key] for e in page["edges"]]
            after = page["pageInfo"]["endCursor"]
            assert page["totalCount"] == 2
        assert seen == newest_to_oldest and page["pageInfo"]["hasNextPage"] is False
        first_page = (await d1(PAGE % (field, key), after=None))[field]
        assert first_page["pageInfo"]["hasNextPage"] is True

    # A Relay connection: one agreement a page (D1's first, D2's on the next page).
    liability = (await manager(LIABILITY))["incentiveLiability"]
    assert liability["totalCount"] == 2 and liability["pageInfo"]["hasNextPage"] is True
    mine = liability["edges"][0]["node"]
    after = liability["pageInfo"]["endCursor"]
    rest = (await manager(LIABILITY_AFTER, after=after))["incentiveLiability"]
    assert [e["node"]["agreement"]["id"] for e in rest["edges"]] == [foreign_id]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert (await d2(LIABILITY))["incentiveLiability"]["totalCount"] == 1
    assert mine == {
        "agreement": {"id": spa["id"]},
        "eligibleUnclaimedUnits": 0,
        "eligibleUnclaimed": "0.00",
        "claimed": "7000.00",
        "approved": "6000.00",
        "credited": "4000.00",
    }
    assert {
        e
        for e in await OutboxEvent.all().values_list("event_type", flat=True)
        if e.startswith(("claim.", "credit_memo."))
    } == {"claim.validated", "claim.approved", "claim.rejected", "credit_memo.created"}


async def test_codes_for_expiry_price_caps_and_duplicates(client, app) -> None:
    manager, d1, _ = await _setup(client)
    await manager(
        CREATE,
        input=agreement(
            lines=[
                {
                    "sku": "SKU-A",
                    "bookCost": "100.00",
                    "authorizedPrice": "80.00",
                    "maxQuantity": 35,
                }
            ]
        ),
    )
    await manager(
        CREATE,
        input=agreement(
            endCustomer={"name": "Initech", "country": "US"},
            validFrom="2026-01-01",
            validTo="2026-03-31",
        ),
    )
    # An agreement in euros: one claim is in one currency.
    await manager(
        CREATE,
        input=agreement(endCustomer={"name": "Umbrella Corp", "country": "US"}, currency="EUR"),
    )
    await d1(
        SUBMIT_POS,
        input={
            "period": "2026-10",
            "lines": [
                pos(30, "Acme Robotics"),
                pos(20, "Acme Robotics", price="95.00"),
                pos(10, "Acme Robotics", price="79.00"),
                pos(10, "Umbrella Corp"),
            ],
        },
    )
    await run_jobs(app)
    # The draft holds the first currency's lines only (the euro line is a claim of its own).
    draft = (await d1(DRAFT, period="2026-10"))["claimDraft"]
    assert draft["currency"] == "USD"
    assert [(x["endCustomerName"], x["quantity"]) for x in draft["lines"]] == [
        ("Acme Robotics", 35)
    ]
    sent = await d1(
        SUBMIT,
        input={
            "kind": "SHIP_AND_DEBIT",
            "period": "2026-10",
            "lines": [
                claim_line(50),
                claim_line(5),
                {"sku": "SKU-A", "quantity": 5, "endCustomerName": "Initech"},
                {"sku": "SKU-A", "quantity": 5, "endCustomerName": "Nobody Ltd"},
                {"sku": "SKU-A", "quantity": 5, "endCustomerName": "Umbrella Corp"},
            ],
        },
    )
    await run_jobs(app)
    claim = (await d1(CLAIM, id=sent["submitClaim"]["claim"]["id"]))["claim"]
    assert [(x["approvedQuantity"], x["codes"]) for x in claim["lines"]] == [
        (35, ["OVER_CLAIM", "CAP_EXCEEDED", "RESALE_ABOVE_AUTHORIZED"]),
        (0, ["DUPLICATE_LINE"]),
        (0, ["AGREEMENT_EXPIRED"]),
        (0, ["NO_AGREEMENT"]),
        (0, ["CURRENCY_MISMATCH"]),
    ]
    assert claim["currency"] == "USD" and claim["approvedAmount"] == "700.00"
    # The euro units stay claimable in a euro claim.
    euro = await d1(
        SUBMIT,
        input={
            "kind": "SHIP_AND_DEBIT",
            "period": "2026-10",
            "lines": [{"sku": "SKU-A", "quantity": 10, "endCustomerName": "Umbrella Corp"}],
        },
    )
    await run_jobs(app)
    claim = (await d1(CLAIM, id=euro["submitClaim"]["claim"]["id"]))["claim"]
    assert claim["currency"] == "EUR" and claim["approvedAmount"] == "200.00"
    assert [(x["approvedQuantity"], x["codes"]) for x in claim["lines"]] == [(10, [])]


async def test_two_claims_validated_at_once_never_share_a_unit(
    client, app, settings, monkeypatch
) -> None:
    """Two claims of the same 300 proved units, validated concurrently (on PostgreSQL in
    two transactions on two connections): together they are given 300, never more."""
    import asyncio

    from portal.domain.incentives import evidence
    from portal.domain.incentives.claims import validate_claim
    from portal.models import ClaimAllocation, Job

    manager, d1, _ = await _setup(client)
    await manager(CREATE, input=agreement())
    await d1(SUBMIT_POS, input={"period": "2026-10", "lines": [pos(300, "Acme Robotics")]})
    await run_jobs(app)
    # A claim validated and rejected first: the pool row exists (its units released), so
    # the two validations below meet only at its lock, not at the pool's creation.
    warm = await d1(
        SUBMIT,
        input={"kind": "SHIP_AND_DEBIT", "period": "2026-10", "lines": [claim_line(10)]},
    )
    await run_jobs(app)
    rejected = await manager(
        REVIEW,
        input={"id": warm["submitClaim"]["claim"]["id"], "decision": "REJECT", "note": "warm-up"},
    )
    assert rejected["reviewClaim"]["claim"]["status"] == "REJECTED"
    ids = []
    for n in range(2):
        sent = await d1(
            SUBMIT,
            input={"kind": "SHIP_AND_DEBIT", "period": "2026-10", "lines": [claim_line(200 + n)]},
        )
        ids.append(int(sent["submitClaim"]["claim"]["id"]))
    # Validate both at the same moment (the jobs, if they ran, would find them validated).
    # Each validation waits (up to 3 s) after reading what its pool has allocated until the
    # other has read it too: without the pool lock both would read 0 and share units; with
    # it the second blocks on the lock, so the first goes on alone after the wait.
    real_allocated_in = evidence.allocated_in
    arrived: list[int] = []
    both = asyncio.Event()

    async def meet(*args: Any, **kwargs: Any) -> dict[int, int]:
        found = await real_allocated_in(*args, **kwargs)
        arrived.append(1)
        if len(arrived) >= 2:
            both.set()
        try:
            await asyncio.wait_for(both.wait(), 3)
        except TimeoutError:
            pass
        return found

    monkeypatch.setattr(evidence, "allocated_in", meet)
    await asyncio.gather(*(validate_claim(i) for i in ids))
    monkeypatch.undo()
    await run_jobs(app)
    lines = await ClaimLine.filter(claim_id__in=ids).order_by("claim_id")
    approved = [x.approved_quantity for x in lines]
    assert sum(approved) == 300 and sorted(approved) in ([100, 200], [99, 201]), approved
    assert sum(await ClaimAllocation.all().values_list("quantity", flat=True)) == 300
    assert await Job.filter(kind="validate_claim", status="DONE").count() == 3


async def test_validating_while_a_run_lasts_then_validated_and_credited(
    client, app, monkeypatch
) -> None:
    """VALIDATING is stored as soon as a validation starts: a run that dies leaves the claim
    VALIDATING with nothing allocated, the retry validates it; the approval stores APPROVED
    and records the credit_claim job, which issues one memo (run twice at once, on
    PostgreSQL on two connections, and delivered again: still one) and CREDITED."""
    import asyncio

    import pytest

    from portal.domain.access.principal import Principal
    from portal.domain.incentives import claims, evidence
    from portal.models import Job
    from portal.models.enums import ClaimKind
    from tests.jobs import ParkedQueue

    manager, d1, _ = await _setup(client)
    await manager(CREATE, input=agreement())
    await d1(SUBMIT_POS, input={"period": "2026-10", "lines": [pos(300, "Acme Robotics")]})
    await run_jobs(app)
    partner = await Partner.get(code="D1")
    seller = Principal(partner.manufacturer_id, Role.PARTNER_ADMIN, partner.id)
    made = await claims.submit_claim(
        seller,
        ParkedQueue(),
        kind=ClaimKind.SHIP_AND_DEBIT,
        period="2026-10",
        lines=[claims.ClaimLineInput("SKU-A", 300, "Acme Robotics")],
    )
    claim_id = str(made.id)
    assert (await d1(CLAIM, id=claim_id))["claim"]["status"] == "SUBMITTED"

    async def worker_dies(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the worker died mid-run")

    monkeypatch.setattr(evidence, "allocate", worker_dies)  # after pools, locks, proofs
    with pytest.raises(RuntimeError):
        await claims.validate_claim(made.id)
    monkeypatch.undo()
    midway = (await d1(CLAIM, id=claim_id))["claim"]
    assert midway["status"] == "VALIDATING"
    assert [(x["status"], x["approvedQuantity"]) for x in midway["lines"]] == [("PENDING", None)]
    assert await ClaimAllocation.all().count() == 0
    listed = await d1(
        "{ claims(status: VALIDATING) { edges { node { id status } } } }",
    )
    assert [e["node"]["id"] for e in listed["claims"]["edges"]] == [claim_id]

    assert await claims.validate_claim(made.id) is ClaimStatus.VALIDATED  # the job's retry
    assert (await d1(CLAIM, id=claim_id))["claim"]["status"] == "VALIDATED"
    approved = (await manager(REVIEW, input={"id": claim_id, "decision": "APPROVE"}))["reviewClaim"]
    assert approved["errors"] == []
    assert approved["claim"]["status"] == "APPROVED"
    assert approved["claim"]["approvedAmount"] == "6000.00"
    job = await Job.get(kind="credit_claim")
    assert job.args == {"claim_id": made.id}
    # The job's work run twice at the same moment (as two workers given the same job
    # would), then the job itself, then once more (arq delivers at least once): one memo.
    await asyncio.gather(claims.credit_claim(made.id), claims.credit_claim(made.id))
    await run_jobs(app)
    assert await claims.credit_claim(made.id) is ClaimStatus.CREDITED
    assert await CreditMemo.all().count() == 1
    assert await OutboxEvent.filter(event_type="credit_memo.created").count() == 1
    assert await Job.filter(kind="credit_claim", status="DONE").count() == 1
    seen = (await d1(CLAIM, id=claim_id))["claim"]
    assert seen["creditMemo"]["number"] == "CM-000001"
    assert seen["status"] == "CREDITED" and seen["creditMemo"]["amount"] == "6000.00"
    credited = await manager("{ claims(status: CREDITED) { totalCount } }")
    assert credited["claims"]["totalCount"] == 1
    events = await OutboxEvent.filter(event_type="claim.approved").values_list("payload", flat=True)
    assert [e["status"] for e in events] == ["APPROVED"]


REGISTER_DESIGN = """mutation($input: RegisterDesignInput!) { registerDesign(input: $input) {
  designRegistration { id } errors { code message } } }"""
REVIEW_DESIGN = """mutation($input: ReviewDesignInput!) { reviewDesign(input: $input) {
  designRegistration { status expiresOn } errors { code message } } }"""
DESIGN_AGREEMENTS = """{ priceAgreements { totalCount edges { node { partnerCode validTo
  currency designRegistrationId endCustomer { name }
  lines { sku bookCost authorizedPrice maxQuantity unitCredit } } } } }"""


async def test_approving_a_design_with_authorized_prices_creates_its_agreement(client) -> None:
    """reviewDesign(APPROVE, authorizedPrices) creates the design's price agreement: its
    partner and customer, valid until the approval expires, book cost the list price (SKU-A:
    10.00). An authorized price not below the list price, or none, creates nothing."""
    manager, _, d2 = await _setup(client)
    d1 = await Partner.get(code="D1")
    _, sales_token = await create_token(d1.manufacturer_id, Role.PARTNER_SALES, partner_id=d1.id)
    sales = Graph(client, sales_token)

    async def register(customer: str) -> str:
        made = await sales(
            REGISTER_DESIGN,
            input={
                "endCustomer": {"name": customer, "country": "US"},
                "projectName": "Robot arm",
                "expectedCloseOn": "2027-03-01",
                "lines": [{"sku": "SKU-A", "expectedQuantity": 500, "requestedPrice": "8.50"}],
            },
        )
        assert made["registerDesign"]["errors"] == []
        return str(made["registerDesign"]["designRegistration"]["id"])

    async def approve(design_id: str, prices: list[dict[str, str]] | None) -> None:
        decision: dict[str, Any] = {
            "id": design_id,
            "decision": "APPROVE",
            "expiresOn": "2027-06-30",
        }
        if prices is not None:
            decision["authorizedPrices"] = prices
        done = await manager(REVIEW_DESIGN, input=decision)
        assert done["reviewDesign"]["errors"] == []
        assert done["reviewDesign"]["designRegistration"]["status"] == "APPROVED"

    priced = await register("Acme Robotics")
    await approve(priced, [{"sku": "SKU-A", "price": "8.50"}])
    listed = (await manager(DESIGN_AGREEMENTS))["priceAgreements"]
    assert listed["totalCount"] == 1
    assert listed["edges"][0]["node"] == {
        "partnerCode": "D1",
        "validTo": "2027-06-30",
        "currency": "USD",
        "designRegistrationId": priced,
        "endCustomer": {"name": "Acme Robotics"},
        "lines": [
            {
                "sku": "SKU-A",
                "bookCost": "10.0000",
                "authorizedPrice": "8.5000",
                "maxQuantity": None,
                "unitCredit": "1.5000",
            }
        ],
    }
    # The partner sees its agreement; another partner does not.
    assert (await Graph(client, sales_token)(DESIGN_AGREEMENTS))["priceAgreements"][
        "totalCount"
    ] == 1
    assert (await d2(DESIGN_AGREEMENTS))["priceAgreements"]["totalCount"] == 0

    # No authorized price, or one not below the list price: approved, no agreement.
    await approve(await register("Initech"), None)
    await approve(await register("Globex Labs"), [{"sku": "SKU-A", "price": "10.00"}])
    assert (await manager(DESIGN_AGREEMENTS))["priceAgreements"]["totalCount"] == 1
    assert await PriceAgreement.all().count() == 1
