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
from portal.models.enums import Role
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
MEMOS = """{ creditMemos { totalCount edges { node { number partnerCode amount kind } } } }"""
LIABILITY = """{ incentiveLiability { agreement { id } eligibleUnclaimedUnits eligibleUnclaimed
  claimed approved credited } }"""


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
    assert approved["claim"]["status"] == "PARTIALLY_APPROVED"
    assert approved["claim"]["creditMemo"] == {"number": "CM-000001", "amount": "6000.00"}
    twice = (await manager(REVIEW, input={"id": first["id"], "decision": "APPROVE"}))["reviewClaim"]
    assert twice["errors"][0]["code"] == "INVALID_STATE"
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

    liability = (await manager(LIABILITY))["incentiveLiability"]
    mine = next(x for x in liability if x["agreement"]["id"] == spa["id"])
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
    await d1(
        SUBMIT_POS,
        input={
            "period": "2026-10",
            "lines": [
                pos(30, "Acme Robotics"),
                pos(20, "Acme Robotics", price="95.00"),
                pos(10, "Acme Robotics", price="79.00"),
            ],
        },
    )
    await run_jobs(app)
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
            ],
        },
    )
    await run_jobs(app)
    lines = (await d1(CLAIM, id=sent["submitClaim"]["claim"]["id"]))["claim"]["lines"]
    assert [(x["approvedQuantity"], x["codes"]) for x in lines] == [
        (35, ["OVER_CLAIM", "CAP_EXCEEDED", "RESALE_ABOVE_AUTHORIZED"]),
        (0, ["DUPLICATE_LINE"]),
        (0, ["AGREEMENT_EXPIRED"]),
        (0, ["NO_AGREEMENT"]),
    ]


async def test_two_claims_validated_at_once_never_share_a_unit(client, app, settings) -> None:
    """Two claims of the same 300 proved units, validated concurrently (on PostgreSQL in
    two transactions on two connections): together they are given 300, never more."""
    import asyncio

    from portal.domain.incentives.claims import validate_claim
    from portal.models import ClaimAllocation, Job

    manager, d1, _ = await _setup(client)
    await manager(CREATE, input=agreement())
    await d1(SUBMIT_POS, input={"period": "2026-10", "lines": [pos(300, "Acme Robotics")]})
    await run_jobs(app)
    ids = []
    for n in range(2):
        sent = await d1(
            SUBMIT,
            input={"kind": "SHIP_AND_DEBIT", "period": "2026-10", "lines": [claim_line(200 + n)]},
        )
        ids.append(int(sent["submitClaim"]["claim"]["id"]))
    # Validate both at the same moment (the jobs, if they ran, would find them validated).
    await asyncio.gather(*(validate_claim(i) for i in ids))
    await run_jobs(app)
    lines = await ClaimLine.filter(claim_id__in=ids).order_by("claim_id")
    approved = [x.approved_quantity for x in lines]
    assert sum(approved) == 300 and sorted(approved) in ([100, 200], [99, 201]), approved
    assert sum(await ClaimAllocation.all().values_list("quantity", flat=True)) == 300
    assert await Job.filter(kind="validate_claim", status="DONE").count() == 2
