"""Reconciliation: the reference case, the exception workflow, incremental = full."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.domain.catalog import products
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger import shipments, transfers
from portal.domain.ledger.adjustments import AdjustmentReason, post_adjustment
from portal.domain.ledger.shipments import LineInput
from portal.domain.reconciliation import exceptions
from portal.domain.reconciliation.dirty import clear_dirty, mark_dirty
from portal.domain.reconciliation.recompute import drain_dirty, full_recompute
from portal.domain.reporting import submissions
from portal.jobs.kinds import RECONCILE
from portal.models import (
    ExceptionEvent,
    Job,
    LedgerEntry,
    OutboxEvent,
    ReconcileDirty,
    ReconciliationRow,
)
from portal.models.enums import (
    ExceptionReason,
    ExceptionStatus,
    JobStatus,
    LedgerKind,
    ReconciliationStatus,
    SubmissionKind,
)
from tests.jobs import run_jobs
from tests.ledger_fixtures import build_channel, ship_to_w1
from tests.ledger_fixtures import pos_line as pos

TODAY = date(2026, 11, 5)  # before October's due date


async def reference_case(app):  # type: ignore[no-untyped-def]
    ch = await build_channel()
    await ship_to_w1(ch, 1000)
    await submissions.submit(
        ch.d1, app.state.queue, kind=SubmissionKind.POS, period="2026-10", lines=[pos(700)]
    )
    await run_jobs(app)  # posted before the stock report arrives, as in DOMAIN's example
    await submissions.submit(
        ch.d1,
        app.state.queue,
        kind=SubmissionKind.STOCK,
        period="2026-10",
        lines=[{"warehouse_code": "W1", "sku": "SKU-A", "quantity": 240}],
    )
    await run_jobs(app)
    await drain_dirty(today=TODAY)
    return ch


async def test_a_stock_report_refreshes_the_products_it_leaves_out(app) -> None:
    """A product a reported warehouse holds and the report leaves out is reported as 0:
    its row is recomputed with the report, as a full recompute computes it."""
    ch = await build_channel()
    await ship_to_w1(ch, 1000)
    await products.create_product(ch.admin, sku="SKU-B", name="B")
    await shipments.receive_shipment(
        ch.admin,
        (
            await shipments.record_shipment(
                ch.admin,
                partner_code="D1",
                warehouse_code="W1",
                document_no="INV-B",
                shipped_on=date(2026, 10, 1),
                lines=[LineInput("SKU-B", 50)],
            )
        ).id,
        received_on=date(2026, 10, 2),
    )
    await drain_dirty(today=TODAY)
    await submissions.submit(
        ch.d1,
        app.state.queue,
        kind=SubmissionKind.STOCK,
        period="2026-10",
        lines=[{"warehouse_code": "W1", "sku": "SKU-A", "quantity": 1000}],
    )
    await run_jobs(app)
    await drain_dirty(today=TODAY)
    left_out = await ReconciliationRow.get(period="2026-10", product__sku="SKU-B")
    assert (left_out.calculated, left_out.reported, left_out.gap) == (50, 0, 50)
    incremental = await ReconciliationRow.all().order_by("id").values()
    await full_recompute(ch.admin.manufacturer_id, "2026-10", today=TODAY)
    full = await ReconciliationRow.all().order_by("id").values()
    figures = ("warehouse_id", "product_id", "period", "calculated", "reported", "status")
    assert [[r[f] for f in figures] for r in incremental] == [[r[f] for f in figures] for r in full]


async def test_reference_case_exception_and_correction(app) -> None:
    ch = await reference_case(app)
    row = await ReconciliationRow.get(period="2026-10", warehouse__code="W1")
    assert (row.opening, row.sell_in, row.sell_through, row.calculated, row.reported, row.gap) == (
        0,
        1000,
        700,
        300,
        240,
        60,
    )
    assert row.status is ReconciliationStatus.EXCEPTION
    assert row.exception_status is ExceptionStatus.OPEN
    assert await OutboxEvent.filter(event_type="exception.opened").count() == 1

    with pytest.raises(DomainError) as partner_resolves:  # a partner comments, it does not resolve
        await exceptions.update_exception(ch.d1, row.id, status=ExceptionStatus.RESOLVED)
    assert partner_resolves.value.code is ErrorCode.ROLE_NOT_ALLOWED
    assert (await ReconciliationRow.get(id=row.id)).exception_status is ExceptionStatus.OPEN
    await exceptions.update_exception(ch.d1, row.id, note="Two pallets were damaged in transit.")
    await exceptions.update_exception(
        ch.admin, row.id, status=ExceptionStatus.INVESTIGATING, owner_email="planner@acme.test"
    )
    row = await exceptions.update_exception(
        ch.admin,
        row.id,
        status=ExceptionStatus.RESOLVED,
        reason=ExceptionReason.DAMAGE,
        correction_quantity=-60,
    )
    assert (row.calculated, row.reported, row.gap, row.adjustments) == (240, 240, 0, -60)
    assert (
        row.status is ReconciliationStatus.OK and row.exception_status is ExceptionStatus.RESOLVED
    )
    assert await LedgerEntry.filter(kind=LedgerKind.ADJUSTMENT, quantity=-60).count() == 1
    actions = (
        await ExceptionEvent.filter(row_id=row.id).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["OPENED", "COMMENT", "STATUS", "OWNER", "CORRECTED", "STATUS", "REASON"]


async def test_resubmitted_pos_updates_the_row_and_later_periods(app) -> None:
    ch = await reference_case(app)
    await post_adjustment(
        ch.admin,
        warehouse_code="W1",
        sku="SKU-A",
        quantity=5,
        reason=AdjustmentReason.OTHER,
        business_date=date(2026, 11, 3),
    )
    await drain_dirty(today=TODAY)
    november = await ReconciliationRow.get(period="2026-11", warehouse__code="W1")
    assert (november.opening, november.calculated) == (300, 305)

    await submissions.submit(
        ch.d1, app.state.queue, kind=SubmissionKind.POS, period="2026-10", lines=[pos(760)]
    )
    await run_jobs(app)  # validation, then the reconcile job it chains: no manual step
    assert await Job.filter(kind=RECONCILE, status=JobStatus.DONE).exists()
    october = await ReconciliationRow.get(period="2026-10", warehouse__code="W1")
    assert (october.sell_through, october.calculated, october.gap, october.status) == (
        760,
        240,
        0,
        ReconciliationStatus.OK,
    )
    november = await ReconciliationRow.get(period="2026-11", warehouse__code="W1")
    assert (november.opening, november.calculated) == (240, 245)  # later periods follow


async def test_missing_report_after_due_date(app) -> None:
    ch = await build_channel()
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D2",
        warehouse_code="W3",
        document_no="INV-2",
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-A", 10)],
    )
    await shipments.receive_shipment(ch.admin, shipment.id, received_on=date(2026, 10, 1))
    await drain_dirty(today=date(2026, 11, 20))
    row = await ReconciliationRow.get(period="2026-10", warehouse__code="W3")
    assert (row.reported, row.status) == (None, ReconciliationStatus.MISSING_REPORT)


async def test_incremental_equals_full_on_generated_data(app) -> None:
    ch = await build_channel()
    rng = random.Random(7)
    today = datetime.now(UTC).date()  # as the reconcile jobs chained by validation use
    day = date(2026, 7, 1)
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="G-0",
        shipped_on=day,
        lines=[LineInput("SKU-A", 5000)],
    )
    await shipments.receive_shipment(ch.admin, shipment.id, received_on=day)
    for n in range(40):
        when = day + timedelta(days=rng.randrange(0, 120))
        choice = rng.random()
        if choice < 0.4:
            await post_adjustment(
                ch.admin,
                warehouse_code=rng.choice(["W1", "W2"]),
                sku="SKU-A",
                quantity=rng.randint(1, 30),
                reason=AdjustmentReason.OTHER,
                business_date=when,
            )
        elif choice < 0.7:
            t = await transfers.raise_transfer(
                ch.d1,
                from_warehouse_code="W1",
                to_warehouse_code="W2",
                lines=[LineInput("SKU-A", rng.randint(1, 20))],
            )
            await transfers.ship_transfer(ch.d1, t.id, shipped_on=when)
            await transfers.receive_transfer(ch.d1, t.id, received_on=when + timedelta(days=2))
        else:
            period = f"2026-{when.month:02d}"
            await submissions.submit(
                ch.d1,
                app.state.queue,
                kind=SubmissionKind.STOCK,
                period=period,
                lines=[{"warehouse_code": "W1", "sku": "SKU-A", "quantity": rng.randint(0, 5000)}],
            )
            await run_jobs(app)
        if n % 7 == 0:
            await drain_dirty(today=today)
    await run_jobs(app)
    await drain_dirty(today=today)
    fields = (
        "warehouse_id",
        "product_id",
        "period",
        "opening",
        "sell_in",
        "sell_through",
        "transfers_in",
        "transfers_out",
        "adjustments",
        "calculated",
        "reported",
        "gap",
        "status",
    )
    incremental = (
        await ReconciliationRow.all().order_by("warehouse_id", "period").values_list(*fields)
    )
    await ReconciliationRow.all().delete()
    for month in range(7, 12):
        await full_recompute(ch.admin.manufacturer_id, f"2026-{month:02d}", today=today)
    full = await ReconciliationRow.all().order_by("warehouse_id", "period").values_list(*fields)
    assert len(incremental) >= 8
    assert incremental == full


async def test_a_key_marked_again_during_a_drain_stays_dirty(db) -> None:
    day = date(2026, 10, 3)
    await mark_dirty(1, [(7, 9, day)])
    seen = [(d.id, d.version) for d in await ReconcileDirty.all()]
    await mark_dirty(1, [(7, 9, day)])  # the same key and date, committed mid-recompute
    await clear_dirty(1, seen)
    left = await ReconcileDirty.all()
    assert [(d.warehouse_id, d.product_id, d.from_date) for d in left] == [(7, 9, day)]
    await clear_dirty(1, [(d.id, d.version) for d in left])
    assert await ReconcileDirty.all().count() == 0


async def test_full_recompute_of_a_period_range(app) -> None:
    ch = await reference_case(app)
    fields = ("period", "opening", "calculated", "reported", "gap", "status")
    before = await ReconciliationRow.all().order_by("period").values_list(*fields)
    with pytest.raises(DomainError) as refused:
        await full_recompute(ch.admin.manufacturer_id, "2026-10", through="2026-09")
    assert refused.value.code is ErrorCode.INVALID
    assert await ReconciliationRow.all().order_by("period").values_list(*fields) == before
    await ReconciliationRow.all().delete()
    written = await full_recompute(
        ch.admin.manufacturer_id, "2026-10", through="2026-11", today=TODAY
    )
    after = await ReconciliationRow.all().order_by("period").values_list(*fields)
    assert written == len(after) == 2
    assert after[0] == before[0]  # October: calculated 300, reported 240, gap 60
    assert after[1][:3] == ("2026-11", 300, 300)
