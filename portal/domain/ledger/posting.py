"""Posting to the ledger: the only way quantities change.

    async with in_transaction():
        await post(manufacturer_id, [Movement(...), ...], source=("SHIPMENT", 7))

Balances of the touched keys are locked (in key order, ``SELECT ... FOR UPDATE`` on
PostgreSQL), checked (no negative stock unless allowed), then the entries are inserted
and the balances moved, all in the caller's transaction. A backdated entry only touches
its own keys: there is no repost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.catalog.tenants import settings_of
from portal.domain.incentives.rebate_accruals import MARKING_KINDS, mark_rebates
from portal.domain.ledger import balance_store as store
from portal.domain.ledger import batches as batch_stock
from portal.domain.ledger import serials as serial_units
from portal.domain.ledger.stock import check_locked
from portal.domain.periods import period_of
from portal.domain.reconciliation.dirty import mark_dirty
from portal.models import LedgerEntry, Warehouse
from portal.models.enums import LedgerKind, Owner, WarehouseKind

Key = store.Key


@dataclass(frozen=True, slots=True)
class Movement:
    warehouse: Warehouse
    product_id: int
    quantity: int
    kind: LedgerKind
    business_date: date
    serials: list[str] = field(default_factory=list)
    reason: str | None = None
    owned_by: Owner | None = None  # an inventory contract's owner; else the warehouse's
    batch_no: str | None = None  # a batch-controlled product's lot

    @property
    def owner(self) -> Owner:
        return self.owned_by if self.owned_by is not None else owner_of(self.warehouse)

    @property
    def key(self) -> Key:
        return (self.warehouse.id, self.product_id, self.owner)

    @property
    def batch_key(self) -> batch_stock.BatchKey | None:
        if self.batch_no is None:
            return None
        return (self.warehouse.id, self.product_id, self.owner, self.batch_no)


def owner_of(warehouse: Warehouse) -> Owner:
    """Stock in a consignment warehouse (and the manufacturer's own) is the manufacturer's."""
    if warehouse.kind is WarehouseKind.CONSIGNMENT or warehouse.partner_id is None:
        return Owner.MANUFACTURER
    return Owner.PARTNER


async def _lock_and_check(
    manufacturer_id: int,
    movements: list[Movement],
    allow_negative: bool,
    keys: list[Key],
) -> tuple[dict[Key, store.BalanceRow], dict[Key, int]]:
    """``keys``: each movement's key (``Movement.key``), in the movements' order."""
    balances = await store.lock(
        manufacturer_id,
        {key: m.warehouse.partner_id for key, m in zip(keys, movements, strict=True)},
    )
    delta: dict[Key, int] = defaultdict(int)
    for key, movement in zip(keys, movements, strict=True):
        delta[key] += movement.quantity
    if not allow_negative:
        await check_locked(
            manufacturer_id,
            ((key[1], balances[key].quantity, change) for key, change in delta.items()),
            ["lines"],
        )
    await batch_stock.move_batches(manufacturer_id, movements, allow_negative=allow_negative)
    return balances, delta


async def post(
    manufacturer_id: int,
    movements: list[Movement],
    *,
    source: tuple[str, int],
    token_id: int | None = None,
    allow_negative: bool = False,
    fill_backorders: bool = True,
) -> None:
    """Post movements in the caller's transaction; ``INSUFFICIENT_STOCK`` changes nothing.

    Stock arriving at a partner's warehouse fills the backorders its customers placed with
    it, oldest first (``portal.domain.orders.backorders``; ``fill_backorders=False``: the
    caller does it, having locked the supply rows first)."""
    if not movements:
        return
    from portal.domain.orders.backorders import fill_arrivals, lock_arrivals

    arrivals = (
        await lock_arrivals(
            manufacturer_id, [(m.warehouse, m.product_id) for m in movements if m.quantity > 0]
        )
        if fill_backorders
        else {}
    )
    granularity = (await settings_of(manufacturer_id)).period_granularity
    keys = [m.key for m in movements]  # (warehouse, product, owner), computed once
    balances, delta = await _lock_and_check(manufacturer_id, movements, allow_negative, keys)
    periods: dict[date, str] = {}
    rows = []
    for key, m in zip(keys, movements, strict=True):
        period = periods.get(m.business_date)
        if period is None:
            period = periods[m.business_date] = period_of(m.business_date, granularity)
        rows.append(
            store.EntryRow(
                m.warehouse.partner_id,
                m.warehouse.id,
                m.product_id,
                key[2],
                m.quantity,
                m.kind,
                m.business_date,
                period,
                m.serials,
                m.reason,
                m.batch_no,
            )
        )
    await store.insert_entries(manufacturer_id, rows, source=source, token_id=token_id)
    await store.add(
        manufacturer_id, "quantity", {balances[key].id: change for key, change in delta.items()}
    )
    await mark_dirty(
        manufacturer_id, ((m.warehouse.id, m.product_id, m.business_date) for m in movements)
    )
    await mark_rebates(
        manufacturer_id,
        (
            (m.warehouse.partner_id, periods[m.business_date])
            for m in movements
            if m.warehouse.partner_id is not None and m.kind in MARKING_KINDS
        ),
    )
    if arrivals:
        await fill_arrivals(manufacturer_id, arrivals)


async def post_one(
    manufacturer_id: int,
    m: Movement,
    *,
    source: tuple[str, int],
    token_id: int | None = None,
    reverses_id: int | None = None,
) -> LedgerEntry:
    """Post one movement and return its entry (adjustments and reversals need its id);
    stock arriving at a partner fills its customers' backorders, as :func:`post` does."""
    from portal.domain.orders.backorders import fill_arrivals, lock_arrivals

    arrivals = await lock_arrivals(
        manufacturer_id, [(m.warehouse, m.product_id)] if m.quantity > 0 else []
    )
    granularity = (await settings_of(manufacturer_id)).period_granularity
    balances, _ = await _lock_and_check(manufacturer_id, [m], False, [m.key])
    entry = await LedgerEntry.create(
        manufacturer_id=manufacturer_id,
        partner_id=m.warehouse.partner_id,
        warehouse_id=m.warehouse.id,
        product_id=m.product_id,
        owner=m.owner,
        quantity=m.quantity,
        kind=m.kind,
        business_date=m.business_date,
        period=period_of(m.business_date, granularity),
        source_type=source[0],
        source_id=source[1],
        serials=m.serials,
        batch_no=m.batch_no,
        reason=m.reason,
        token_id=token_id,
        reverses_id=reverses_id,
    )
    await store.add(manufacturer_id, "quantity", {balances[m.key].id: m.quantity})
    await mark_dirty(manufacturer_id, [(m.warehouse.id, m.product_id, m.business_date)])
    if m.warehouse.partner_id is not None and m.kind in MARKING_KINDS:
        await mark_rebates(manufacturer_id, [(m.warehouse.partner_id, entry.period)])
    if arrivals:
        await fill_arrivals(manufacturer_id, arrivals)
    return entry


async def lock_balances(
    manufacturer_id: int, places: Iterable[tuple[Warehouse, int]]
) -> dict[store.Key, store.BalanceRow]:
    """Lock the balance rows of (warehouse, product) ``places`` at once, in key order (and
    return them): a transaction that moves stock in several steps (a transfer's source,
    then its destination in transit and on arrival) takes all its locks first, so that
    opposite movements wait for each other instead of deadlocking."""
    return await store.lock(
        manufacturer_id, {(w.id, p, owner_of(w)): w.partner_id for w, p in places}
    )


async def move_in_transit(manufacturer_id: int, lines: list[tuple[Warehouse, int, int]]) -> None:
    """Add (or with a negative quantity remove) what is on its way to a warehouse."""
    balances = await lock_balances(manufacturer_id, [(w, p) for w, p, _ in lines])
    deltas: dict[int, int] = defaultdict(int)
    for warehouse, product_id, quantity in lines:
        deltas[balances[(warehouse.id, product_id, owner_of(warehouse))].id] += quantity
    await store.add(manufacturer_id, "in_transit", deltas)


async def arrive(
    manufacturer_id: int,
    warehouse: Warehouse,
    lines: list[Any],
    *,
    kind: LedgerKind,
    day: date,
    source: tuple[str, int],
    token_id: int | None,
) -> None:
    """Goods in transit to ``warehouse`` arrive: out of transit, into the ledger and stock
    (and fill the backorders waiting for them at a partner supplier).

    ``lines`` are document lines with ``product_id``, ``quantity``, ``serials`` and
    ``batch_no``.
    """
    from portal.domain.orders.backorders import fill_arrivals, lock_arrivals

    arrivals = await lock_arrivals(manufacturer_id, [(warehouse, ln.product_id) for ln in lines])
    await move_in_transit(
        manufacturer_id, [(warehouse, ln.product_id, -ln.quantity) for ln in lines]
    )
    await post(
        manufacturer_id,
        [
            Movement(
                warehouse, ln.product_id, ln.quantity, kind, day, ln.serials, batch_no=ln.batch_no
            )
            for ln in lines
        ],
        source=source,
        token_id=token_id,
        fill_backorders=False,
    )
    for line in lines:
        await serial_units.arrive(line.product_id, line.serials, warehouse)
    if arrivals:
        await fill_arrivals(manufacturer_id, arrivals)


def check_positive_quantity(quantity: int, field_path: list[str]) -> None:
    """Document lines move 1 to ``MAX_QUANTITY`` units, or ``INVALID_QUANTITY``."""
    check_quantity(quantity, field_path, sign=Sign.POSITIVE)
