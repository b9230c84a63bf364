"""The two ways of computing reconciliation rows give the same rows.

PostgreSQL computes them set-based (``sql_path``: a few statements per batch), SQLite in
Python (``_recompute_batch``). Both run here on PostgreSQL over the same generated
channel (shipments, intra-partner and downstream transfers, returns, backdated
adjustments, POS with customer returns, stock reports that leave warehouses out or are
superseded, a price change, tolerances): every column must agree, fresh and after an
incremental update of existing rows.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from portal.domain.access.principal import Principal
from portal.domain.catalog import partners, products, tenants, warehouses
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger import returns, shipments, transfers
from portal.domain.ledger.adjustments import AdjustmentReason, post_adjustment
from portal.domain.ledger.shipments import LineInput
from portal.domain.reconciliation import recompute as recompute_module
from portal.domain.reconciliation import sql_path
from portal.domain.reconciliation.recompute import drain_dirty, recompute
from portal.domain.reporting import submissions
from portal.models import (
    ExceptionEvent,
    LedgerEntry,
    OutboxEvent,
    Partner,
    ReconciliationRow,
    ReconciliationTotal,
    StockBalance,
    StockLine,
)
from portal.models.enums import PartnerTier, Role, SubmissionKind
from tests.jobs import run_jobs
from tests.ledger_fixtures import build_channel

TODAY = date(2026, 11, 10)  # October's due date itself: not yet overdue
DRIFT = [0, 0, 1, 3, -3, 4, -4, 25, -60]
FIELDS = (
    "partner_id",
    "warehouse_id",
    "product_id",
    "period",
    "opening",
    "sell_in",
    "customer_returns",
    "sell_through",
    "transfers_in",
    "transfers_out",
    "returns_to_manufacturer",
    "adjustments",
    "calculated",
    "reported",
    "gap",
    "abs_gap",
    "gap_pct",
    "gap_value",
    "status",
    "stock_submission_id",
)


async def generate(app, rng: random.Random):  # type: ignore[no-untyped-def]
    ch = await build_channel()
    await tenants.update_settings(ch.admin, tolerance_units=3, tolerance_percent=Decimal("2"))
    await products.create_product(ch.admin, sku="SKU-B", name="B", list_price=7)
    for sku, price, valid_from in [
        ("SKU-A", "9.50", date(2026, 6, 1)),
        ("SKU-A", "12.35", date(2026, 9, 1)),
        ("SKU-A", "13.10", date(2026, 10, 1)),
        ("SKU-B", "4.25", date(2026, 7, 1)),
    ]:
        await products.set_list_price(ch.admin, sku, price=Decimal(price), valid_from=valid_from)
    for warehouse, partner in (("W1", "D1"), ("W3", "D2")):
        shipment = await shipments.record_shipment(
            ch.admin,
            partner_code=partner,
            warehouse_code=warehouse,
            document_no=f"G-{warehouse}",
            shipped_on=date(2026, 6, 1),
            lines=[LineInput("SKU-A", 4000), LineInput("SKU-B", 900)],
        )
        await shipments.receive_shipment(ch.admin, shipment.id, received_on=date(2026, 6, 2))
    await boundaries(app, ch)
    start = date(2026, 6, 3)
    for n in range(45):
        when = start + timedelta(days=rng.randrange(0, 150))
        sku = rng.choice(["SKU-A", "SKU-B"])
        choice = rng.random()
        if choice < 0.2:
            await post_adjustment(
                ch.admin,
                warehouse_code=rng.choice(["W1", "W2", "W3"]),
                sku=sku,
                quantity=rng.choice([-1, 1]) * rng.randint(1, 25),
                reason=AdjustmentReason.OTHER,
                business_date=when,
            )
        elif choice < 0.4:
            target = rng.choice([("W2", None, ch.d1), ("WR", "R1", ch.r1)])
            t = await transfers.raise_transfer(
                ch.d1,
                from_warehouse_code="W1",
                to_warehouse_code=target[0],
                to_partner_code=target[1],
                lines=[LineInput(sku, rng.randint(1, 30))],
            )
            if target[1]:
                await transfers.approve_transfer(ch.admin, t.id)
            await transfers.ship_transfer(ch.d1, t.id, shipped_on=when)
            await transfers.receive_transfer(target[2], t.id, received_on=when + timedelta(days=3))
        elif choice < 0.5:
            made = await returns.raise_return(
                ch.d2, warehouse_code="W3", lines=[LineInput(sku, rng.randint(1, 10))]
            )
            await returns.receive_return(ch.admin, made.id, received_on=when)
        elif choice < 0.75:
            period = f"2026-{when.month:02d}"
            lines = [
                {
                    "warehouse_code": "W1",
                    "sku": sku,
                    "quantity": rng.choice([-2, 5, 11, 40]),
                    "sold_on": when.isoformat(),
                    "end_customer_name": f"Customer {n}",
                    "end_customer_country": "US",
                    "invoice_no": f"I-{n}",
                }
            ]
            await submissions.submit(
                ch.d1, app.state.queue, kind=SubmissionKind.POS, period=period, lines=lines
            )
        else:
            period = f"2026-{when.month:02d}"
            reporter, warehouses = rng.choice(
                [(ch.d1, ["W1", "W2"]), (ch.d1, ["W1"]), (ch.d2, ["W3"])]
            )
            on_hand = dict(
                (tuple(k), q)
                for *k, q in await StockBalance.all().values_list(
                    "warehouse__code", "product__sku", "quantity"
                )
            )
            lines = [  # near the ledger, so some gaps fall within the tolerances
                {
                    "warehouse_code": w,
                    "sku": s,
                    "quantity": max(0, on_hand.get((w, s), 0) + rng.choice(DRIFT)),
                }
                for w in warehouses
                for s in ("SKU-A", "SKU-B")
                if rng.random() < 0.8
            ]
            if lines:
                await submissions.submit(
                    reporter, app.state.queue, kind=SubmissionKind.STOCK, period=period, lines=lines
                )
        await run_jobs(app)
    return ch


async def boundaries(app, ch) -> None:  # type: ignore[no-untyped-def]
    """A gap of exactly the unit tolerance (3 of 100: 3 %) and exactly the percent one
    (20 of 1,000: 2 %), both WITHIN_TOLERANCE, and none (OK), in a partner of their own."""
    await partners.create_partner(ch.admin, code="D3", name="D3", tier=PartnerTier.DISTRIBUTOR)
    await warehouses.create_warehouse(ch.admin, code="W4", name="W4", partner_code="D3")
    for sku in ("SKU-T", "SKU-U", "SKU-V"):
        await products.create_product(ch.admin, sku=sku, name=sku, list_price=1)
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D3",
        warehouse_code="W4",
        document_no="G-W4",
        shipped_on=date(2026, 7, 1),
        lines=[LineInput("SKU-T", 100), LineInput("SKU-U", 1000), LineInput("SKU-V", 50)],
    )
    await shipments.receive_shipment(ch.admin, shipment.id, received_on=date(2026, 7, 1))
    d3 = Principal(
        ch.admin.manufacturer_id, Role.PARTNER_INVENTORY, (await Partner.get(code="D3")).id
    )
    await submissions.submit(
        d3,
        app.state.queue,
        kind=SubmissionKind.STOCK,
        period="2026-07",
        lines=[
            {"warehouse_code": "W4", "sku": "SKU-T", "quantity": 97},
            {"warehouse_code": "W4", "sku": "SKU-U", "quantity": 980},
            {"warehouse_code": "W4", "sku": "SKU-V", "quantity": 50},
        ],
    )


async def snapshot() -> list[tuple]:  # type: ignore[type-arg]
    rows = await ReconciliationRow.all().order_by("warehouse_id", "product_id", "period")
    return [tuple(getattr(r, f) for f in FIELDS) for r in rows]


async def announced() -> list[tuple]:  # type: ignore[type-arg]
    """The OPENED audit events and exception.opened webhook events, by row key."""
    keys = {
        r.id: (r.warehouse_id, r.product_id, r.period)  # type: ignore[attr-defined]
        for r in await ReconciliationRow.all()
    }
    events = [
        (keys[e.row_id], e.details)  # type: ignore[attr-defined]
        for e in await ExceptionEvent.filter(action="OPENED")
    ]
    outbox = []
    for o in await OutboxEvent.filter(event_type="exception.opened"):
        payload = dict(o.payload)
        outbox.append((keys[int(payload.pop("rowId"))], sorted(payload.items())))
    return sorted(events) + sorted(outbox)


async def totals_match() -> None:
    """The kept per partner and period totals equal the sums of the rows."""
    sums: dict[tuple[int, str], list[int]] = {}
    for (
        partner,
        period,
        sold_in,
        sold,
        calculated,
        reported,
    ) in await ReconciliationRow.all().values_list(
        "partner_id", "period", "sell_in", "sell_through", "calculated", "reported"
    ):
        total = sums.setdefault((partner, period), [0, 0, 0, 0, 0])
        total[0] += sold_in
        total[1] += sold
        total[2] += calculated
        if reported is not None:
            total[3] += reported
            total[4] += 1
    kept = {
        (t.partner_id, t.period): [
            t.sell_in,
            t.sell_through,
            t.calculated,
            t.reported,
            t.reported_count,
        ]
        for t in await ReconciliationTotal.all()
    }
    assert len(sums) >= 10
    assert kept == sums


async def all_keys() -> dict[tuple[int, int], date]:
    keys = set(await LedgerEntry.all().distinct().values_list("warehouse_id", "product_id"))
    keys |= set(await StockLine.all().distinct().values_list("warehouse_id", "product_id"))
    return dict.fromkeys(keys, date(2026, 6, 1))


async def forget_rows() -> None:
    await ExceptionEvent.all().delete()
    await OutboxEvent.filter(event_type="exception.opened").delete()
    await ReconciliationRow.all().delete()


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
@pytest.mark.parametrize("scan", [False, True], ids=["probed moves", "scanned moves"])
async def test_set_based_and_python_rows_agree(app, monkeypatch, scan: bool) -> None:
    if scan:  # the plan of a full recompute's large batches, on this small data
        monkeypatch.setattr(sql_path, "SCAN_KEYS", 1)
    ch = await generate(app, random.Random(11))
    keys = await all_keys()
    mid = ch.admin.manufacturer_id

    await forget_rows()
    python_written = await recompute(mid, keys, today=TODAY, set_based=False)
    python_rows = await snapshot()
    python_opened = await announced()
    await forget_rows()
    sql_written = await recompute(mid, keys, today=TODAY, set_based=True)
    sql_rows = await snapshot()
    assert len(python_rows) >= 30
    status = FIELDS.index("status")
    statuses = {r[status] for r in sql_rows}
    edge = await ReconciliationRow.filter(warehouse__code="W4", period="2026-07").values_list(
        "gap", "status"
    )
    assert sorted(edge) == [(0, "OK"), (3, "WITHIN_TOLERANCE"), (20, "WITHIN_TOLERANCE")]
    october = [r for r in sql_rows if r[FIELDS.index("period")] == "2026-10"]
    assert {r[status] for r in october if r[FIELDS.index("reported")] is None} == {"OK"}
    assert statuses == {"OK", "WITHIN_TOLERANCE", "EXCEPTION", "MISSING_REPORT"}
    assert len({r[FIELDS.index("gap_value")] for r in sql_rows}) > 5  # several prices at work
    assert sql_rows == python_rows
    await totals_match()
    assert sql_written == python_written == len(sql_rows)
    assert await announced() == python_opened
    assert len(python_opened) > 10

    # Existing rows updated in place by the statement equal rows computed afresh.
    await post_adjustment(
        ch.admin,
        warehouse_code="W1",
        sku="SKU-A",
        quantity=-17,
        reason=AdjustmentReason.DAMAGE,
        business_date=date(2026, 7, 9),
    )
    await recompute(mid, dict.fromkeys(keys, date(2026, 7, 9)), today=TODAY, set_based=True)
    updated = await snapshot()
    await totals_match()
    await forget_rows()
    await recompute(mid, keys, today=TODAY, set_based=False)
    assert updated == await snapshot()
    assert updated != sql_rows


async def python_baseline(app: Any) -> tuple[Any, ...]:
    """The generated channel's rows computed afresh by the Python path: the tenant, its
    keys, the rows written, the rows and the announced openings."""
    ch = await generate(app, random.Random(11))
    keys = await all_keys()
    mid = ch.admin.manufacturer_id
    await forget_rows()
    written = await recompute(mid, keys, today=TODAY, set_based=False)
    return mid, keys, written, await snapshot(), await announced()


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_set_based_batches_in_one_outer_transaction_agree(app, monkeypatch) -> None:
    """Batches of the set-based path run inside a caller's transaction: their temporary
    tables then last until the outer commit, and each batch drops the previous batch's
    before making its own; the rows and events are those of the Python path."""
    mid, keys, python_written, python_rows, python_opened = await python_baseline(app)
    await forget_rows()
    monkeypatch.setattr(recompute_module, "SQL_BATCH", 3)
    assert len(keys) > 3 * 3  # four batches or more
    async with in_transaction():
        written = await recompute(mid, keys, today=TODAY, set_based=True)
        again = await recompute(mid, keys, today=TODAY, set_based=True)  # nothing changed
    assert (await snapshot(), await announced()) == (python_rows, python_opened)
    assert written == again == python_written


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_incremental_opens_the_same_exceptions_on_both_paths(app) -> None:
    """Rows that existed and became exceptions (the statement's UPDATE) and new rows (its
    INSERT) are opened once, with their audit and webhook events, as in Python; a row
    whose workflow was already open is not opened again."""
    ch = await generate(app, random.Random(11))
    keys = await all_keys()
    mid = ch.admin.manufacturer_id
    backdated = dict.fromkeys(keys, date(2026, 7, 9))

    async def adjust(quantity: int) -> None:
        await post_adjustment(
            ch.admin,
            warehouse_code="W1",
            sku="SKU-A",
            quantity=quantity,
            reason=AdjustmentReason.COUNT_CORRECTION,
            business_date=date(2026, 7, 9),
        )

    results = []
    for set_based in (True, False):
        await forget_rows()
        await recompute(mid, keys, today=TODAY, set_based=False)  # the same rows before
        before = await announced()
        await adjust(-17)
        await recompute(mid, backdated, today=TODAY, set_based=set_based)
        results.append((await snapshot(), await announced(), before))
        await adjust(17)  # the ledger as it was, for the other path
    (sql_rows, sql_opened, before), (python_rows, python_opened, _) = results
    assert sql_rows == python_rows
    assert sql_opened == python_opened
    assert len(sql_opened) > len(before)  # the change opened exceptions on existing rows


async def test_partner_period_totals_follow_the_rows(app) -> None:
    """channelSummary's totals (one per partner and period) stay equal to the rows' sums
    through the incremental recomputes, backdated ones included (both backends)."""
    ch = await generate(app, random.Random(11))
    await totals_match()
    before = await ReconciliationTotal.filter(period="2026-08").values_list("calculated", flat=True)
    await post_adjustment(
        ch.admin,
        warehouse_code="W1",
        sku="SKU-A",
        quantity=-17,
        reason=AdjustmentReason.DAMAGE,
        business_date=date(2026, 7, 9),
    )
    await drain_dirty(today=TODAY)  # what the periodic reconcile job runs
    await totals_match()
    after = await ReconciliationTotal.filter(period="2026-08").values_list("calculated", flat=True)
    assert sum(after) == sum(before) - 17


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_concurrent_batches_agree_and_a_failing_one_is_raised(app, monkeypatch) -> None:
    """A full recompute's batches computed several at a time (each in its own transaction
    on its own connection) give the rows and events of the Python path; inside a caller's
    transaction they run one at a time; a failing batch's error is raised as it is."""
    mid, keys, python_written, python_rows, python_opened = await python_baseline(app)
    monkeypatch.setattr(recompute_module, "SQL_BATCH", 3)
    assert len(keys) > 3 * 3  # four batches or more

    running, most = 0, 0
    computing = recompute_module.recompute_set_based

    async def counted(*args: object, **kwargs: object) -> int:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            return await computing(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            running -= 1

    monkeypatch.setattr(recompute_module, "recompute_set_based", counted)
    await forget_rows()
    written = await recompute(mid, keys, today=TODAY, set_based=True, concurrency=3)
    assert most == 3
    assert (await snapshot(), await announced()) == (python_rows, python_opened)
    assert written == python_written

    most = 0
    async with in_transaction():  # one connection: the batches one after the other
        again = await recompute(mid, keys, today=TODAY, set_based=True, concurrency=3)
    assert most == 1
    assert again == python_written

    calls = 0

    async def failing(*args: object, **kwargs: object) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise DomainError(ErrorCode.INVALID, "batch three", ["keys"])
        return await computing(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(recompute_module, "recompute_set_based", failing)
    with pytest.raises(DomainError) as raised:
        await recompute(mid, keys, today=TODAY, set_based=True, concurrency=2)
    assert raised.value.message == "batch three"
