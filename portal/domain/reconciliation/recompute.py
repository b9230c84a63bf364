"""Reconciliation: calculated against reported inventory per (partner, warehouse,
product, period), kept current by workers.

The figures of a row: :mod:`portal.domain.reconciliation.formula`.

``recompute`` serves both the incremental path (dirty keys from a date on, later periods
included) and the full one (``portal reconcile --period P``); both give the same rows.
On PostgreSQL the rows are computed set-based, a few statements per batch in one
transaction (``sql_path``); on SQLite (embedded scale) by ``_recompute_batch`` below.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from portal.db import in_a_transaction, is_postgres
from portal.domain.bulk import insert_rows
from portal.domain.catalog.tenants import settings_of
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.incentives.price_protection_held import record_revalidations
from portal.domain.job_failures import ItemGuard
from portal.domain.periods import Period, parse_period, period_containing
from portal.domain.reconciliation.dirty import clear_dirty
from portal.domain.reconciliation.formula import classify, component_of, components, gap_value
from portal.domain.reconciliation.sql_path import recompute_set_based
from portal.domain.reconciliation.totals import partners_of, refresh_totals
from portal.domain.reporting.accepted import current_reports
from portal.domain.tenancy import tenants_with
from portal.jobs.kinds import RECONCILE
from portal.models import (
    LedgerEntry,
    ManufacturerSettings,
    ProductPrice,
    ReconcileDirty,
    ReconciliationRow,
    StockBalance,
    StockLine,
    Submission,
    Warehouse,
)
from portal.models.enums import (
    ExceptionStatus,
    LedgerKind,
    ReconciliationStatus,
    SubmissionKind,
)
from portal.models.reconciliation.columns import INSERT_COLUMNS

log = logging.getLogger(__name__)

Key = tuple[int, int]  # warehouse, product
BATCH = 500
SQL_BATCH = 20_000
EXCEPTION_OPENED = "exception.opened"


async def _current_stock_reports(manufacturer_id: int, periods: list[str]) -> dict[str, Submission]:
    rows = await current_reports(manufacturer_id, SubmissionKind.STOCK, periods=periods)
    return {f"{s.partner_id}:{s.period}": s for s in rows}


async def recompute(
    manufacturer_id: int,
    keys: dict[Key, date],
    *,
    until: date | None = None,
    today: date | None = None,
    set_based: bool | None = None,
    concurrency: int = 1,
) -> int:
    """Recompute the rows of ``keys`` (each from the period of its date) through ``until``,
    then rewrite the per partner and period totals of what they touched
    (:mod:`portal.domain.reconciliation.totals`) and record the revalidation of held
    price-protection lines the new rows release
    (:mod:`portal.domain.incentives.price_protection_held`).

    ``set_based`` defaults to the backend (PostgreSQL: yes); tests force each path to
    compare them. ``concurrency``: batches computed at once on PostgreSQL (a full
    recompute's; one batch is ``SQL_BATCH`` keys)."""
    if not keys:
        return 0
    settings = await settings_of(manufacturer_id)
    today = today or datetime.now(UTC).date()
    last = period_containing(until or today, settings.period_granularity)
    if is_postgres() if set_based is None else set_based:
        written = await _recompute_postgres(
            manufacturer_id, keys, last, settings, today, concurrency
        )
    else:
        written = 0
        items = sorted(keys.items())
        for start in range(0, len(items), BATCH):
            written += await _recompute_batch(
                manufacturer_id, dict(items[start : start + BATCH]), last, settings, today
            )
    first = period_containing(min(keys.values()), settings.period_granularity)
    await refresh_totals(
        manufacturer_id,
        await partners_of(manufacturer_id, {w for w, _ in keys}),
        [p.name for p in _periods(first, last)],
    )
    # Held price-protection lines of these keys whose rows no longer hold: revalidated.
    await record_revalidations(manufacturer_id, keys)
    return written


async def _recompute_postgres(
    manufacturer_id: int,
    keys: dict[Key, date],
    last: Period,
    settings: ManufacturerSettings,
    today: date,
    concurrency: int,
) -> int:
    """The same rows, set-based (``sql_path``), in batches of ``SQL_BATCH`` keys, each in
    its own transaction; ``concurrency`` batches at a time on as many pooled connections
    (the batches' keys are disjoint: no two batches write the same row)."""
    granularity = settings.period_granularity
    firsts = {key: period_containing(day, granularity).start for key, day in keys.items()}
    periods = [
        (p.name, p.start, p.end, p.due_on(settings.submission_due_days))
        for p in _periods(period_containing(min(firsts.values()), granularity), last)
    ]
    items = sorted(firsts.items())
    batches = [
        [(w, p, day) for (w, p), day in items[start : start + SQL_BATCH]]
        for start in range(0, len(items), SQL_BATCH)
    ]
    written = 0

    async def run(batch: list[tuple[int, int, date]]) -> None:
        nonlocal written
        async with in_transaction():
            kept = await recompute_set_based(manufacturer_id, batch, periods, settings, today)
        written += kept  # after the await: concurrent lanes add to the same total

    pending = iter(batches)

    async def lane() -> None:  # one pooled connection, one batch's transaction at a time
        for batch in pending:
            await run(batch)

    # inside a caller's transaction every batch shares its one connection: one at a time
    lanes = 1 if in_a_transaction() else min(concurrency, len(batches))
    if lanes <= 1:
        await lane()
        return written
    try:
        async with asyncio.TaskGroup() as group:  # a failing batch cancels the others'
            for _ in range(lanes):
                group.create_task(lane())
    except ExceptionGroup as failed:  # the batch's own error, as one lane would raise it
        raise failed.exceptions[0] from None
    return written


def _periods(first: Period, last: Period) -> list[Period]:
    periods = [first]
    while periods[-1].end < last.end:
        periods.append(periods[-1].next())
    return periods


async def _recompute_batch(
    manufacturer_id: int,
    keys: dict[Key, date],
    last: Period,
    settings: ManufacturerSettings,
    today: date,
) -> int:
    granularity = settings.period_granularity
    first = {key: period_containing(day, granularity) for key, day in keys.items()}
    earliest = min(p.start for p in first.values())
    warehouses = {w.id: w for w in await Warehouse.filter(id__in={k[0] for k in keys})}
    product_ids = {k[1] for k in keys}
    base = LedgerEntry.filter(
        manufacturer_id=manufacturer_id,
        warehouse_id__in=set(warehouses),
        product_id__in=product_ids,
    )
    before = (
        await base.filter(business_date__lt=earliest)
        .annotate(total=Sum("quantity"))
        .group_by("warehouse_id", "product_id")
        .values_list("warehouse_id", "product_id", "total")
    )
    opening = {(w, p): int(t or 0) for w, p, t in before}
    moves = (
        await base.filter(business_date__gte=earliest, business_date__lte=last.end)
        .annotate(total=Sum("quantity"))
        .group_by("warehouse_id", "product_id", "period", "kind")
        .values_list("warehouse_id", "product_id", "period", "kind", "total")
    )
    by_period: dict[tuple[int, int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for w, p, period, kind, total in moves:
        by_period[(w, p, period)][component_of(LedgerKind(kind))] += int(total or 0)

    all_periods = _periods(period_containing(earliest, granularity), last)
    names = [p.name for p in all_periods]
    reports = await _current_stock_reports(manufacturer_id, names)
    reported: dict[tuple[int, int, str], int] = {}
    reported_warehouses: dict[str, set[int]] = defaultdict(set)
    for report in reports.values():
        for w, p, q in await StockLine.filter(submission_id=report.id).values_list(
            "warehouse_id", "product_id", "quantity"
        ):
            reported[(w, p, report.period)] = reported.get((w, p, report.period), 0) + q
            reported_warehouses[f"{report.partner_id}:{report.period}"].add(w)

    prices = await _list_prices(product_ids, all_periods)
    existing = {
        (r.warehouse_id, r.product_id, r.period): r
        for r in await ReconciliationRow.filter(
            manufacturer_id=manufacturer_id,
            warehouse_id__in=set(warehouses),
            product_id__in=product_ids,
            period__in=names,
        )
    }
    written = 0
    writer = _Writer()
    async with in_transaction():
        for key, key_first in first.items():
            warehouse = warehouses.get(key[0])
            if warehouse is None or warehouse.partner_id is None:
                continue
            partner_id: int = warehouse.partner_id
            running = opening.get(key, 0)
            for period in all_periods:
                parts = by_period.get((key[0], key[1], period.name), {})
                net = sum(parts.values())
                period_report = reports.get(f"{partner_id}:{period.name}")
                has_report = (
                    period_report is not None
                    and key[0] in reported_warehouses[f"{partner_id}:{period.name}"]
                )
                figure_opening, running = running, running + net
                if period.start < key_first.start:
                    continue
                row = existing.get((key[0], key[1], period.name))
                if row is None and not parts and figure_opening == 0 and not has_report:
                    continue
                value = reported.get((key[0], key[1], period.name), 0) if has_report else None
                overdue = today > period.due_on(settings.submission_due_days)
                gap = None if value is None else running - value
                status, pct = classify(gap, running, value is None, overdue, settings)
                fields = {
                    "opening": figure_opening,
                    **components(parts),
                    "calculated": running,
                    "reported": value,
                    "gap": gap,
                    "abs_gap": abs(gap or 0),
                    "gap_value": gap_value(gap, prices.get((key[1], period.name), Decimal(0))),
                    "gap_pct": pct,
                    "status": status,
                    "stock_submission_id": period_report.id
                    if has_report and period_report
                    else None,
                }
                writer.add(manufacturer_id, partner_id, key, period.name, row, fields)
                written += 1
        await writer.flush(manufacturer_id)
    return written


async def _list_prices(
    product_ids: set[int], periods: list[Period]
) -> dict[tuple[int, str], Decimal]:
    """The list price of each product valid at each period's end."""
    history = (
        await ProductPrice.filter(product_id__in=product_ids)
        .order_by("valid_from")
        .values_list("product_id", "valid_from", "price")
    )
    prices: dict[tuple[int, str], Decimal] = {}
    for product_id, valid_from, price in history:
        for period in periods:
            if valid_from <= period.end:
                prices[(product_id, period.name)] = Decimal(price)
    return prices


class _Writer:
    """Collects row inserts and updates of a batch and writes them in bulk."""

    def __init__(self) -> None:
        self.new: list[tuple[object, ...]] = []
        self.changed: dict[str, list[ReconciliationRow]] = defaultdict(list)
        self.keys: list[tuple[int, int, str]] = []

    def add(
        self,
        manufacturer_id: int,
        partner_id: int,
        key: Key,
        period: str,
        row: ReconciliationRow | None,
        fields: dict[str, object],
    ) -> None:
        self.keys.append((key[0], key[1], period))
        if row is None:
            values = {
                "manufacturer_id": manufacturer_id,
                "partner_id": partner_id,
                "warehouse_id": key[0],
                "product_id": key[1],
                "period": period,
                "computed_at": datetime.now(UTC),
                **fields,
            }
            self.new.append(
                tuple(getattr(values[name], "value", values[name]) for name in INSERT_COLUMNS)
            )
            return
        changed = sorted(name for name, value in fields.items() if getattr(row, name) != value)
        if changed:
            for name in changed:
                setattr(row, name, fields[name])
            row.computed_at = datetime.now(UTC)
            self.changed[",".join(changed)].append(row)

    async def flush(self, manufacturer_id: int) -> None:
        await insert_rows("reconciliation_row", INSERT_COLUMNS, self.new)
        for names, rows in self.changed.items():
            await ReconciliationRow.bulk_update(
                rows, fields=[*names.split(","), "computed_at"], batch_size=1000
            )
        if self.keys:
            await _open_exceptions(manufacturer_id, self.keys)


async def _open_exceptions(manufacturer_id: int, keys: list[tuple[int, int, str]]) -> None:
    """Rows that became exceptions get an OPEN workflow, an audit event and a webhook event."""
    wanted = set(keys)
    candidates = await ReconciliationRow.filter(
        manufacturer_id=manufacturer_id,
        status=ReconciliationStatus.EXCEPTION,
        exception_status__isnull=True,
        warehouse_id__in={k[0] for k in keys},
        product_id__in={k[1] for k in keys},
        period__in={k[2] for k in keys},
    ).values("id", "warehouse_id", "product_id", "period", "gap", "calculated", "reported")
    opened = [r for r in candidates if (r["warehouse_id"], r["product_id"], r["period"]) in wanted]
    if not opened:
        return
    await ReconciliationRow.filter(id__in=[r["id"] for r in opened]).update(
        exception_status=ExceptionStatus.OPEN
    )
    stamp = datetime.now(UTC)
    await insert_rows(
        "exception_event",
        {
            "manufacturer_id": "int",
            "row_id": "bigint",
            "action": "text",
            "details": "jsonb",
            "at": "timestamptz",
        },
        [
            (manufacturer_id, r["id"], "OPENED", json.dumps({"gap": r["gap"]}), stamp)
            for r in opened
        ],
    )
    await insert_rows(
        "outbox_event",
        {
            "manufacturer_id": "int",
            "event_type": "text",
            "payload": "jsonb",
            "dedupe_key": "text",
            "created_at": "timestamptz",
        },
        [
            (
                manufacturer_id,
                EXCEPTION_OPENED,
                json.dumps(
                    {
                        "rowId": str(r["id"]),
                        "period": r["period"],
                        "gap": r["gap"],
                        "calculated": r["calculated"],
                        "reported": r["reported"],
                    }
                ),
                f"{EXCEPTION_OPENED}:{r['id']}:{stamp.isoformat()}",
                stamp,
            )
            for r in opened
        ],
    )


async def drain_dirty(limit: int = 5000, today: date | None = None) -> int:
    """The reconcile job: recompute what changed since the last run (coalesced).

    Isolated per tenant and per key: a key whose recompute raises (a poisoned row) is
    recorded as a ``job_failure`` of its manufacturer and set aside, found by halving the
    failing batch; every other key and tenant is recomputed in the same run."""
    guard: ItemGuard | None = None
    written = 0
    for manufacturer_id in await tenants_with(ReconcileDirty.all()):
        # each tenant's oldest keys, up to ``limit``: one busy tenant never holds others back
        dirty = (
            await ReconcileDirty.filter(manufacturer_id=manufacturer_id).order_by("id").limit(limit)
        )
        if not dirty:
            continue
        guard = guard or await ItemGuard.open(RECONCILE)
        keys = {(d.warehouse_id, d.product_id): d.from_date for d in dirty}
        written += await _recompute_isolated(guard, manufacturer_id, keys, today)
        # A key marked again meanwhile has a newer version: it stays for the next run. A key
        # set aside is cleared too: its failure is recorded, its next change marks it again.
        await clear_dirty(manufacturer_id, [(d.id, d.version) for d in dirty])
    return written


def dirty_item_key(key: Key) -> str:
    """How a reconcile key is named in ``jobFailures``."""
    return f"warehouse {key[0]} product {key[1]}"


async def _recompute_isolated(
    guard: ItemGuard, manufacturer_id: int, keys: dict[Key, date], today: date | None
) -> int:
    try:
        written = await recompute(manufacturer_id, keys, today=today)
    except Exception as exc:
        if len(keys) == 1:
            ((key, day),) = keys.items()
            log.warning(
                "reconcile: key %s of manufacturer %s from %s failed",
                key,
                manufacturer_id,
                day,
                exc_info=True,
            )
            await guard.fail(manufacturer_id, dirty_item_key(key), exc)
            return 0
        items = sorted(keys.items())
        half = len(items) // 2
        return await _recompute_isolated(
            guard, manufacturer_id, dict(items[:half]), today
        ) + await _recompute_isolated(guard, manufacturer_id, dict(items[half:]), today)
    await guard.resolve(manufacturer_id, [dirty_item_key(k) for k in keys])
    return written


async def full_recompute(
    manufacturer_id: int,
    period: str,
    today: date | None = None,
    through: str | None = None,
    *,
    concurrency: int = 1,
) -> int:
    """Every key of the manufacturer, for one period or, with ``through``, for every period
    from ``period`` to ``through`` at once (``portal reconcile --period P [--through Q]``),
    ``concurrency`` batches at a time on PostgreSQL."""
    settings = await settings_of(manufacturer_id)
    first = parse_period(period, settings.period_granularity)
    last = parse_period(through, settings.period_granularity) if through else first
    if last.start < first.start:
        raise DomainError(ErrorCode.INVALID, "through is before period.", ["through"])
    names = [p.name for p in _periods(first, last)]
    # Every key the ledger ever moved has its balance row (posting creates it): the keys of
    # the entries without reading them (at 2.4M rows, 14 of a 60 s recompute went to
    # reading the ledger's distinct keys). A key moved only after ``through`` has no figures
    # in these periods and keeps no row.
    keys: set[Key] = set(
        await StockBalance.filter(manufacturer_id=manufacturer_id)
        .distinct()
        .values_list("warehouse_id", "product_id")
    )
    reports = await _current_stock_reports(manufacturer_id, names)
    keys.update(
        await StockLine.filter(
            manufacturer_id=manufacturer_id, submission_id__in=[r.id for r in reports.values()]
        )
        .distinct()
        .values_list("warehouse_id", "product_id")
    )
    return await recompute(
        manufacturer_id,
        dict.fromkeys(keys, first.start),
        until=last.end,
        today=today,
        concurrency=concurrency,
    )


def keys_of(lines: Iterable[tuple[int, int]], day: date) -> list[tuple[int, int, date]]:
    return [(w, p, day) for w, p in lines]
