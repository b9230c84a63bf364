"""Rebate accruals, kept current incrementally.

    await mark_rebates(manufacturer_id, {(partner_id, "2026-10")})   # in the posting
    await accrue_dirty()                     # the ``accrue_rebates`` job: the marked keys only
    await recompute_program(program)         # a new program, or settlement: every key

Every ledger posting that can move a program's measure (sell-in and returns to the
manufacturer, POS sell-through and customer returns, transfers; a superseded POS version
posts the difference, so it marks too) marks its (partner, period) in ``rebate_dirty`` in
the posting's transaction. The job reads the marked keys, recomputes the accrual rows of
the open programs that cover them (a key is also the year-earlier base of a growth
program's period) from the ledger of **those** partners and periods only, and deletes a
key only at the version it read, so a posting that lands meanwhile is not lost.

Measures, from the ledger: ``SELL_IN_VALUE`` = partner-owned ``SELL_IN`` +
``RETURN_TO_MANUFACTURER`` units x the list price on the business date;
``SELL_THROUGH_UNITS`` = -(``SELL_THROUGH`` + ``CUSTOMER_RETURN``) units, and
``SELL_THROUGH_VALUE`` those units x the list price on the sold-on date. An accrual row
holds units and value of the period and of the same period a year earlier.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

from tortoise import connections
from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.incentives.rebates import (
    program_partner_ids,
    program_periods,
    program_product_ids,
    year_earlier,
)
from portal.domain.job_failures import ItemGuard
from portal.domain.ledger.reads import in_periods
from portal.domain.reconciliation.dirty import clear_marked
from portal.domain.tenancy import tenants_with
from portal.jobs.kinds import ACCRUE_REBATES
from portal.models import LedgerEntry, ProductPrice, RebateAccrual, RebateDirty, RebateProgram
from portal.models.enums import LedgerKind, Owner, RebateMeasure, RebateStatus

SELL_IN_KINDS = (LedgerKind.SELL_IN, LedgerKind.RETURN_TO_MANUFACTURER)
SELL_THROUGH_KINDS = (LedgerKind.SELL_THROUGH, LedgerKind.CUSTOMER_RETURN)
# What marks a (partner, period): the measured kinds and transfers (a reseller's sell-in).
MARKING_KINDS = frozenset(
    {*SELL_IN_KINDS, *SELL_THROUGH_KINDS, LedgerKind.TRANSFER_IN, LedgerKind.TRANSFER_OUT}
)
DRAIN_LIMIT = 2000

Key = tuple[int, str]  # (partner id, period)
Volume = tuple[int, Decimal]  # (units, value)

_MARK_PG = """
INSERT INTO rebate_dirty (manufacturer_id, partner_id, period, version)
SELECT $1, p, d, 0 FROM unnest($2::int[], $3::text[]) AS t(p, d)
ON CONFLICT (manufacturer_id, partner_id, period)
DO UPDATE SET version = rebate_dirty.version + 1"""

_MARK_SQLITE = """
INSERT INTO rebate_dirty (manufacturer_id, partner_id, period, version) VALUES (?, ?, ?, 0)
ON CONFLICT (manufacturer_id, partner_id, period)
DO UPDATE SET version = rebate_dirty.version + 1"""


async def mark_rebates(manufacturer_id: int, keys: Iterable[Key]) -> None:
    """Mark (partner, period) keys stale, in the caller's transaction (one statement)."""
    unique = sorted(set(keys))
    if not unique:
        return
    conn = connections.get("default")
    if is_postgres():
        await conn.execute_query(
            _MARK_PG, [manufacturer_id, [k[0] for k in unique], [k[1] for k in unique]]
        )
        return
    await conn.execute_many(_MARK_SQLITE, [[manufacturer_id, p, d] for p, d in unique])


async def _prices(
    manufacturer_id: int, product_ids: set[int], currency: str
) -> dict[int, list[tuple[date, Decimal]]]:
    """List price histories in the program's ``currency`` (prices in another currency are
    not mixed in: a value measure counts them at 0)."""
    history: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    if product_ids:
        for product_id, valid_from, price in (
            await ProductPrice.filter(
                manufacturer_id=manufacturer_id, product_id__in=product_ids, currency=currency
            )
            .order_by("product_id", "valid_from", "id")
            .values_list("product_id", "valid_from", "price")
        ):
            history[int(product_id)].append((valid_from, Decimal(price)))
    return history


def _price_on(history: list[tuple[date, Decimal]], day: date) -> Decimal:
    at = bisect.bisect_right([d for d, _ in history], day)
    return history[at - 1][1] if at else Decimal("0")


async def volumes(
    manufacturer_id: int,
    measure: RebateMeasure,
    products_of: dict[Key, frozenset[int]],
    currency: str = "USD",
) -> dict[Key, Volume]:
    """Units and value per (partner, period) of the products each key counts, from the
    ledger: one grouped query per distinct product set (usually one)."""
    by_products: dict[frozenset[int], list[Key]] = defaultdict(list)
    for key, products in products_of.items():
        if products:
            by_products[products].append(key)
    sell_in = measure is RebateMeasure.SELL_IN_VALUE
    grouped: list[tuple[int, str, int, date, int]] = []
    for products, keys in by_products.items():
        query = LedgerEntry.filter(
            manufacturer_id=manufacturer_id,
            partner_id__in=sorted({k[0] for k in keys}),
            **in_periods(k[1] for k in keys),
            product_id__in=sorted(products),
            kind__in=list(SELL_IN_KINDS if sell_in else SELL_THROUGH_KINDS),
        )
        if sell_in:
            query = query.filter(owner=Owner.PARTNER)
        wanted = set(keys)
        for partner_id, period, product_id, day, total in (
            await query.annotate(total=Sum("quantity"))
            .group_by("partner_id", "period", "product_id", "business_date")
            .values_list("partner_id", "period", "product_id", "business_date", "total")
        ):
            if (int(partner_id), period) in wanted:
                grouped.append((int(partner_id), period, int(product_id), day, int(total or 0)))
    prices = await _prices(manufacturer_id, {g[2] for g in grouped}, currency)
    out: dict[Key, Volume] = {}
    for partner_id, period, product_id, day, total in grouped:
        units = total if sell_in else -total
        value = units * _price_on(prices.get(product_id, []), day)
        was = out.get((partner_id, period), (0, Decimal("0")))
        out[(partner_id, period)] = (was[0] + units, was[1] + value)
    return out


async def _precedence(program: RebateProgram) -> list[tuple[set[int], set[str], set[int]]]:
    """(partners, periods, products) of every older program of the tenant measuring the
    same flow (sell-in, or sell-through): the sales they cover are theirs."""
    sell_in = program.measure is RebateMeasure.SELL_IN_VALUE
    same_flow = (
        [RebateMeasure.SELL_IN_VALUE]
        if sell_in
        else [RebateMeasure.SELL_THROUGH_UNITS, RebateMeasure.SELL_THROUGH_VALUE]
    )
    older = await RebateProgram.filter(
        manufacturer_id=program.manufacturer_id, id__lt=program.id, measure__in=same_flow
    ).order_by("id")
    return [
        (await program_partner_ids(p), set(program_periods(p)), await program_product_ids(p))
        for p in older
    ]


async def key_products(program: RebateProgram, keys: set[Key]) -> dict[Key, frozenset[int]]:
    """The products each (partner, period) key counts: the program's, less those an older
    program of the same flow covers for that partner and period (the fixed precedence)."""
    own = await program_product_ids(program)
    older = await _precedence(program)
    out: dict[Key, frozenset[int]] = {}
    for partner_id, period in keys:
        left = set(own)
        for partners, periods, taken in older:
            if partner_id in partners and period in periods:
                left -= taken
        out[(partner_id, period)] = frozenset(left)
    return out


async def refresh(program: RebateProgram, keys: set[Key]) -> set[int]:
    """Recompute the program's accrual rows of these (partner, period) keys; returns the
    partners whose rows changed. PostgreSQL: set-based (``rebate_recompute_sql``);
    SQLite: row by row (:func:`refresh_rows`), the same rows."""
    if not keys:
        return set()
    products_of = await key_products(program, keys)
    if is_postgres():
        from portal.domain.incentives.rebate_recompute_sql import upsert_keys

        return await upsert_keys(program, products_of)
    return await refresh_rows(program, products_of)


async def refresh_rows(program: RebateProgram, products_of: dict[Key, frozenset[int]]) -> set[int]:
    """:func:`refresh` row by row: grouped ledger reads, figures in Python, one update per
    changed row and one bulk insert."""
    m = program.manufacturer_id
    keys = set(products_of)
    wanted: dict[Key, frozenset[int]] = {}
    for (partner_id, period), products in products_of.items():
        wanted[(partner_id, period)] = products
        if program.growth:  # the base: the same products, a year earlier
            wanted[(partner_id, year_earlier(period))] = products
    found = await volumes(m, program.measure, wanted, program.currency)
    zero: Volume = (0, Decimal("0"))
    existing = {
        (row.partner_id, row.period): row
        for row in await RebateAccrual.filter(
            manufacturer_id=m,
            program_id=program.id,
            partner_id__in=sorted({k[0] for k in keys}),
            period__in=sorted({k[1] for k in keys}),
        )
    }
    changed: set[int] = set()
    new_rows = []
    now = datetime.now(UTC)
    for partner_id, period in sorted(keys):
        units, value = found.get((partner_id, period), zero)
        base_units, base_value = (
            found.get((partner_id, year_earlier(period)), zero) if program.growth else zero
        )
        row = existing.get((partner_id, period))
        figures = (units, value, base_units, base_value)
        if row is None:
            if any(figures):
                new_rows.append(
                    RebateAccrual(
                        manufacturer_id=m,
                        program_id=program.id,
                        partner_id=partner_id,
                        period=period,
                        units=units,
                        value=value,
                        base_units=base_units,
                        base_value=base_value,
                    )
                )
                changed.add(partner_id)
        elif (row.units, Decimal(row.value), row.base_units, Decimal(row.base_value)) != figures:
            await RebateAccrual.filter(manufacturer_id=m, id=row.id).update(
                units=units,
                value=value,
                base_units=base_units,
                base_value=base_value,
                updated_at=now,
            )
            changed.add(partner_id)
    if new_rows:
        await RebateAccrual.bulk_create(new_rows)
    return changed


async def recompute_program(program: RebateProgram) -> set[int]:
    """Every accrual row of the program (at creation and at settlement)."""
    partners = await program_partner_ids(program)
    periods = program_periods(program)
    return await refresh(program, {(p, d) for p in partners for d in periods})


async def accrue_dirty(limit: int = DRAIN_LIMIT) -> int:
    """The ``accrue_rebates`` job: recompute the accruals the marked keys touch, for the
    open programs covering them, then clear the keys read (at their version). Returns
    the number of keys drained. ``rebate.accrued`` goes out per program and partner
    whose accrual changed. Each program runs under the job's item guard in its own
    transaction: one that fails is recorded (``jobFailures``) and its tenant's keys stay
    marked for the next run; the other tenants go on."""
    # Each tenant's oldest keys, up to ``limit`` per tenant: a tenant whose program keeps
    # failing (its keys stay marked) never holds the others' keys back.
    dirty: dict[int, list[RebateDirty]] = {}
    for m in await tenants_with(RebateDirty.all()):
        rows = await RebateDirty.filter(manufacturer_id=m).order_by("id").limit(limit)
        if rows:
            dirty[m] = rows
    if not dirty:
        return 0
    per_tenant = {m: {(r.partner_id, r.period) for r in rows} for m, rows in dirty.items()}
    guard = await ItemGuard.open(ACCRUE_REBATES)
    failed: set[int] = set()
    for m, marked in sorted(per_tenant.items()):
        for program in await RebateProgram.filter(
            manufacturer_id=m, status=RebateStatus.OPEN
        ).order_by("id"):

            async def accrue(program: RebateProgram = program, marked: set[Key] = marked) -> bool:
                async with in_transaction():
                    # Under the program's lock, as closing and interim payouts: a program
                    # closed meanwhile keeps the accruals it was settled on.
                    query = RebateProgram.filter(
                        manufacturer_id=program.manufacturer_id, id=program.id
                    )
                    locked = await (query.select_for_update() if is_postgres() else query).first()
                    if locked is not None and locked.status is RebateStatus.OPEN:
                        await _accrue_program(locked, marked)
                return True

            if await guard.run(m, f"rebate program {program.id}", accrue) is None:
                failed.add(m)  # its keys stay marked: retried on the next run
    for m in sorted(set(dirty) - failed):
        await clear_marked("rebate_dirty", m, [(r.id, r.version) for r in dirty[m]])
    return sum(len(rows) for rows in dirty.values())


async def _accrue_program(program: RebateProgram, marked: set[Key]) -> None:
    from portal.domain.incentives.rebate_settlement import announce_accrued

    periods = set(program_periods(program))
    partners = await program_partner_ids(program)
    keys: set[Key] = set()
    for partner_id, period in marked:
        if partner_id not in partners:
            continue
        if period in periods:
            keys.add((partner_id, period))
        if program.growth:  # a base period: the program period a year later
            for later in periods:
                if year_earlier(later) == period:
                    keys.add((partner_id, later))
    for partner_id in sorted(await refresh(program, keys)):
        await announce_accrued(program, partner_id)
