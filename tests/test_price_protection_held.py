"""Price protection, second part, on both backends (the DOMAIN reference drop of
tests/test_price_protection.py: D1 holds 300 of SKU-A in W1 before 2026-11-01, 100 more
in transit, 100.00 -> 90.00, in-transit included: 400 eligible units).

- A line of a warehouse whose reconciliation row of the effective date's period has a
  missing report or an open exception is held (``HELD_OPEN_EXCEPTION``, approved 0,
  ``PENDING``); its claim cannot be approved; the report's arrival (a recompute) or the
  exception's resolution (``updateException``) records the ``revalidate_held_claim`` job,
  which gives the line its units (idempotent).
- A backdated entry dated before the effective date that lowers the eligible units after
  the claim was drafted caps the validation at the new figure.
- Transfers in transit to a partner's warehouse count, like sell-in shipments.
- Two claims of one partner and program validated at once never approve more than the
  eligible units together (on PostgreSQL: two transactions on two connections).
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from portal.domain.access.principal import Principal
from portal.domain.incentives import claims
from portal.domain.incentives import price_protection_claims as pp
from portal.domain.incentives.price_protection import eligible_units
from portal.domain.incentives.price_protection_held import record_revalidations
from portal.domain.ledger import transfers
from portal.domain.ledger.adjustments import AdjustmentReason, post_adjustment
from portal.domain.ledger.shipments import LineInput
from portal.domain.reconciliation.recompute import drain_dirty
from portal.domain.reporting import submissions
from portal.jobs.kinds import REVALIDATE_HELD_CLAIM
from portal.jobs.sweep import sweep
from portal.models import (
    Claim,
    ClaimLine,
    Job,
    OutboxEvent,
    Partner,
    PriceProtectionProgram,
    ReconciliationRow,
    Warehouse,
)
from portal.models.enums import (
    ClaimKind,
    ExceptionStatus,
    ReconciliationStatus,
    Role,
    SubmissionKind,
)
from tests.graph import Graph
from tests.jobs import ParkedQueue, run_jobs
from tests.test_price_protection import (
    ANNOUNCE,
    DRAFT,
    REVIEW,
    SUBMIT,
    _open_window,
    _setup,
    drop,
    pp_claim,
)

LATE = date(2026, 12, 31)  # November's stock report is overdue
CLAIM = """query($id: ID!) { claim(id: $id) { kind status programId claimedAmount
  approvedAmount lines { sku quantity approvedQuantity amount status codes }
  creditMemo { amount } } }"""
UPDATE = """mutation($input: UpdateExceptionInput!) { updateException(input: $input) {
  row { status exceptionStatus } errors { code message } } }"""


async def _program(manager: Graph, **overrides: Any) -> str:
    made = await manager(ANNOUNCE, input=drop(claimWindowDays=_open_window(), **overrides))
    assert made["announcePriceDrop"]["errors"] == []
    return str(made["announcePriceDrop"]["priceProtectionProgram"]["id"])


async def _submit(graph: Graph, app: Any, payload: dict[str, Any]) -> str:
    made = (await graph(SUBMIT, input=payload))["submitClaim"]
    assert made["errors"] == [], made
    await run_jobs(app)
    return str(made["claim"]["id"])


async def _row(period: str = "2026-11") -> ReconciliationRow:
    return await ReconciliationRow.get(period=period, warehouse__code="W1", product__sku="SKU-A")


async def _report(app: Any, quantity: int) -> None:
    """D1's stock report for November (W1 only), validated, and the rows recomputed."""
    d1 = await Partner.get(code="D1")
    await submissions.submit(
        Principal(d1.manufacturer_id, Role.PARTNER_INVENTORY, d1.id),
        app.state.queue,
        kind=SubmissionKind.STOCK,
        period="2026-11",
        lines=[{"warehouse_code": "W1", "sku": "SKU-A", "quantity": quantity}],
    )
    await run_jobs(app)
    await drain_dirty(today=LATE)


async def _revalidations() -> list[tuple[Any, Any]]:
    return list(
        await Job.filter(kind=REVALIDATE_HELD_CLAIM).order_by("id").values_list("args", "status")
    )


HELD_LINE = {
    "sku": "SKU-A",
    "quantity": 400,
    "approvedQuantity": 0,
    "amount": "0.00",
    "status": "PENDING",
    "codes": ["HELD_OPEN_EXCEPTION"],
}
RELEASED_LINE = HELD_LINE | {
    "approvedQuantity": 400,
    "amount": "4000.00",
    "status": "APPROVED",
    "codes": [],
}


async def test_missing_report_holds_until_the_report_arrives(client, app) -> None:
    manager, d1 = await _setup(client)
    program_id = await _program(manager)
    await drain_dirty(today=LATE)
    assert (await _row()).status is ReconciliationStatus.MISSING_REPORT

    claim_id = await _submit(d1, app, pp_claim(program_id, 400))
    claim = (await d1(CLAIM, id=claim_id))["claim"]
    assert claim == {
        "kind": "PRICE_PROTECTION",
        "status": "VALIDATED",
        "programId": program_id,
        "claimedAmount": "4000.00",
        "approvedAmount": "0.00",
        "lines": [HELD_LINE],
        "creditMemo": None,
    }
    # Not paid blind: the approval is refused, nothing changes.
    refused = (await manager(REVIEW, input={"id": claim_id, "decision": "APPROVE"}))["reviewClaim"]
    assert [e["code"] for e in refused["errors"]] == ["INVALID_STATE"]
    assert (await d1(CLAIM, id=claim_id))["claim"] == claim
    # A recompute that leaves the row missing its report revalidates nothing.
    await drain_dirty(today=LATE)
    m = (await Claim.get(id=claim_id)).manufacturer_id
    row = await _row()
    assert await record_revalidations(m, {(row.warehouse_id, row.product_id)}) == []
    assert await _revalidations() == []

    # The report arrives (400 in W1 at November's end: no gap): the recompute records the
    # job (once), the sweep hands it over, the line gets its units.
    await _report(app, 400)
    assert (await _row()).status is ReconciliationStatus.OK
    assert await _revalidations() == [({"claim_id": int(claim_id)}, "QUEUED")]
    await sweep(app.state.queue, stale_seconds=300)
    await run_jobs(app)
    assert await _revalidations() == [({"claim_id": int(claim_id)}, "DONE")]
    claim = (await d1(CLAIM, id=claim_id))["claim"]
    assert claim["lines"] == [RELEASED_LINE]
    assert claim["approvedAmount"] == "4000.00" and claim["status"] == "VALIDATED"
    # Idempotent: run again, or triggered again, it changes nothing.
    assert await pp.revalidate_held_claim(int(claim_id)) is not None
    assert (await d1(CLAIM, id=claim_id))["claim"] == claim
    assert await record_revalidations(m, {(row.warehouse_id, row.product_id)}) == []

    approved = await manager(REVIEW, input={"id": claim_id, "decision": "APPROVE"})
    assert approved["reviewClaim"]["claim"] == {"status": "APPROVED", "approvedAmount": "4000.00"}
    await run_jobs(app)
    credited = (await d1(CLAIM, id=claim_id))["claim"]
    assert credited["status"] == "CREDITED" and credited["creditMemo"] == {"amount": "4000.00"}


async def test_open_exception_holds_until_resolved(client, app) -> None:
    manager, d1 = await _setup(client)
    program_id = await _program(manager)
    await _report(app, 200)  # 400 calculated, 200 reported: an exception opens
    row = await _row()
    assert row.status is ReconciliationStatus.EXCEPTION
    assert row.exception_status is ExceptionStatus.OPEN

    claim_id = await _submit(d1, app, pp_claim(program_id, 450))
    claim = (await d1(CLAIM, id=claim_id))["claim"]
    assert claim["lines"] == [HELD_LINE | {"quantity": 450}]
    assert claim["approvedAmount"] == "0.00"
    # Investigating is still open: no revalidation.
    moved = await manager(UPDATE, input={"rowId": str(row.id), "status": "INVESTIGATING"})
    assert moved["updateException"]["errors"] == []
    assert await _revalidations() == []
    refused = (await manager(REVIEW, input={"id": claim_id, "decision": "APPROVE"}))["reviewClaim"]
    assert [e["code"] for e in refused["errors"]] == ["INVALID_STATE"]

    # Resolved: the job is recorded with the resolution, then validates the line again.
    resolved = await manager(
        UPDATE, input={"rowId": str(row.id), "status": "RESOLVED", "reason": "DAMAGE"}
    )
    assert resolved["updateException"]["row"]["exceptionStatus"] == "RESOLVED"
    assert await _revalidations() == [({"claim_id": int(claim_id)}, "QUEUED")]
    await sweep(app.state.queue, stale_seconds=300)
    await run_jobs(app)
    claim = (await d1(CLAIM, id=claim_id))["claim"]
    assert claim["lines"] == [
        {
            "sku": "SKU-A",
            "quantity": 450,
            "approvedQuantity": 400,
            "amount": "4000.00",
            "status": "PARTIAL",
            "codes": ["EXCEEDS_ELIGIBLE_INVENTORY"],
        }
    ]
    approved = await manager(REVIEW, input={"id": claim_id, "decision": "APPROVE"})
    assert approved["reviewClaim"]["claim"] == {
        "status": "PARTIALLY_APPROVED",
        "approvedAmount": "4000.00",
    }
    # A reviewed claim is never revalidated (a late job finds it reviewed).
    await pp.revalidate_held_claim(int(claim_id))
    assert (await ClaimLine.get(claim_id=int(claim_id))).approved_quantity == 400


async def test_a_rejected_held_claim_stays_rejected_and_other_warehouses_are_not_held(
    client, app
) -> None:
    manager, d1 = await _setup(client)
    program_id = await _program(manager)
    await _report(app, 200)
    claim_id = await _submit(d1, app, pp_claim(program_id, 400))
    # Rejecting a held claim is allowed (with its reason).
    rejected = await manager(REVIEW, input={"id": claim_id, "decision": "REJECT", "note": "no"})
    assert rejected["reviewClaim"]["claim"]["status"] == "REJECTED"
    row = await _row()
    await manager(UPDATE, input={"rowId": str(row.id), "status": "RESOLVED"})
    assert await _revalidations() == []
    # The hold is per warehouse: W2 (no row of November with an exception) is not held.
    w2 = await Warehouse.get(code="W2")
    held = await ReconciliationRow.filter(warehouse_id=w2.id, period="2026-11").first()
    assert held is None or held.exception_status is None


async def test_backdated_adjustment_after_the_draft_caps_the_validation(client, app) -> None:
    manager, d1 = await _setup(client)
    program_id = await _program(manager)
    draft = (await d1(DRAFT, programId=program_id))["claimDraft"]
    assert [(x["warehouseCode"], x["quantity"]) for x in draft["lines"]] == [("W1", 400)]
    partner = await Partner.get(code="D1")
    # The drafted claim is submitted (its job parked), then 50 damaged units are posted
    # dated 2026-10-20, before the effective date: 350 eligible now.
    submitted = await claims.submit_claim(
        Principal(partner.manufacturer_id, Role.PARTNER_ADMIN, partner.id),
        ParkedQueue(),
        kind=ClaimKind.PRICE_PROTECTION,
        period=None,
        program_id=int(program_id),
        lines=[claims.ClaimLineInput("SKU-A", 400, "", warehouse_code="W1")],
    )
    await post_adjustment(
        Principal(partner.manufacturer_id, Role.ADMIN),
        warehouse_code="W1",
        sku="SKU-A",
        quantity=-50,
        reason=AdjustmentReason.DAMAGE,
        business_date=date(2026, 10, 20),
    )
    # ... while an adjustment on the effective date itself changes nothing.
    await post_adjustment(
        Principal(partner.manufacturer_id, Role.ADMIN),
        warehouse_code="W1",
        sku="SKU-A",
        quantity=-7,
        reason=AdjustmentReason.DAMAGE,
        business_date=date(2026, 11, 1),
    )
    await claims.validate_claim(submitted.id)
    claim = (await d1(CLAIM, id=str(submitted.id)))["claim"]
    assert claim["lines"] == [
        {
            "sku": "SKU-A",
            "quantity": 400,
            "approvedQuantity": 350,
            "amount": "3500.00",
            "status": "PARTIAL",
            "codes": ["EXCEEDS_ELIGIBLE_INVENTORY"],
        }
    ]
    assert claim["approvedAmount"] == "3500.00"
    assert (await d1(DRAFT, programId=program_id))["claimDraft"]["lines"] == []


async def test_transfers_in_transit_count_like_shipments(client) -> None:
    manager, _ = await _setup(client)
    partner = await Partner.get(code="D1")
    admin = Principal(partner.manufacturer_id, Role.ADMIN)

    async def transfer(quantity: int, shipped: date, received: date | None) -> None:
        made = await transfers.raise_transfer(
            admin,
            from_warehouse_code="W1",
            to_warehouse_code="W3",
            to_partner_code="D2",
            lines=[LineInput("SKU-A", quantity)],
            approved=True,
        )
        await transfers.ship_transfer(admin, made.id, shipped_on=shipped)
        if received is not None:
            await transfers.receive_transfer(admin, made.id, received_on=received)

    await transfer(30, date(2026, 10, 30), date(2026, 11, 3))  # in transit on the date
    await transfer(5, date(2026, 10, 20), date(2026, 10, 21))  # D2's on hand
    await transfer(4, date(2026, 10, 31), None)  # still in transit
    await transfer(9, date(2026, 11, 1), None)  # shipped on the date: still D1's
    await _program(manager)
    reminders = await OutboxEvent.filter(event_type="price_protection.reminder").values_list(
        "payload", flat=True
    )
    # D1: 300 - 30 - 5 - 4 on hand + 100 shipped to it in transit; D2: 5 + 30 + 4.
    assert sorted((p["partnerCode"], p["eligibleUnits"]) for p in reminders) == [  # type: ignore[index]
        ("D1", 361),
        ("D2", 39),
    ]
    program = await PriceProtectionProgram.get(sku="SKU-A")
    w3 = await Warehouse.get(code="W3")
    found = (await eligible_units(program))[(w3.partner_id, w3.id)]  # type: ignore[index]
    assert (found.on_hand, found.in_transit) == (5, 34)
    program.include_in_transit = False  # (not saved) without in-transit units: on hand only
    assert [
        (e.on_hand, e.in_transit, e.units) for e in (await eligible_units(program)).values()
    ] == [(261, 0, 261), (5, 0, 5)]


async def test_two_claims_validated_at_once_never_exceed_the_eligible_units(
    client, app, monkeypatch
) -> None:
    """Two claims of D1 for W1 (400 eligible), 300 each, validated concurrently: each
    validation waits (up to 3 s) after reading what other claims took until the other has
    read it too. Without the program lock both would read 0 and approve 600; with it the
    second waits for the first's commit and gets what is left."""
    manager, _ = await _setup(client)
    program_id = await _program(manager)
    partner = await Partner.get(code="D1")
    ids = []
    for _ in range(2):
        made = await claims.submit_claim(
            Principal(partner.manufacturer_id, Role.PARTNER_ADMIN, partner.id),
            ParkedQueue(),
            kind=ClaimKind.PRICE_PROTECTION,
            period=None,
            program_id=int(program_id),
            lines=[claims.ClaimLineInput("SKU-A", 300, "", warehouse_code="W1")],
        )
        ids.append(made.id)
    real = pp.taken_by_claims
    arrived: list[int] = []
    both = asyncio.Event()

    async def meet(*args: Any, **kwargs: Any) -> dict[int, int]:
        found = await real(*args, **kwargs)
        arrived.append(1)
        if len(arrived) >= 2:
            both.set()
        try:
            await asyncio.wait_for(both.wait(), 3)
        except TimeoutError:
            pass
        return found

    monkeypatch.setattr(pp, "taken_by_claims", meet)
    await asyncio.gather(*(claims.validate_claim(i) for i in ids))
    monkeypatch.undo()
    lines = await ClaimLine.filter(claim_id__in=ids).order_by("claim_id")
    approved = [x.approved_quantity for x in lines]
    assert sum(approved) == 400 and sorted(approved) == [100, 300], approved
    assert sorted(x.codes[0] if x.codes else "" for x in lines) == ["", "ALREADY_CLAIMED"]
    assert await Claim.filter(id__in=ids, status="VALIDATED").count() == 2
