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
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tortoise.expressions import F

from portal.db import is_postgres
from portal.domain import serials as serial_units
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.periods import period_of
from portal.domain.tenants import settings_of
from portal.models import LedgerEntry, StockBalance, Warehouse
from portal.models.enums import LedgerKind, Owner, WarehouseKind

Key = tuple[int, int, Owner]  # warehouse, product, owner


@dataclass(frozen=True, slots=True)
class Movement:
    warehouse: Warehouse
    product_id: int
    quantity: int
    kind: LedgerKind
    business_date: date
    serials: list[str] = field(default_factory=list)
    reason: str | None = None

    @property
    def owner(self) -> Owner:
        return owner_of(self.warehouse)

    @property
    def key(self) -> Key:
        return (self.warehouse.id, self.product_id, self.owner)


def owner_of(warehouse: Warehouse) -> Owner:
    """Stock in a consignment warehouse (and the manufacturer's own) is the manufacturer's."""
    if warehouse.kind is WarehouseKind.CONSIGNMENT or warehouse.partner_id is None:  # type: ignore[attr-defined]
        return Owner.MANUFACTURER
    return Owner.PARTNER


async def locked_balances(
    manufacturer_id: int, keys: list[tuple[Warehouse, int]]
) -> dict[Key, StockBalance]:
    """The balance rows of these keys, created if missing and locked, in key order."""
    wanted = sorted({(w.id, p, owner_of(w)): w for w, p in keys}.items())
    await StockBalance.bulk_create(
        [
            StockBalance(
                manufacturer_id=manufacturer_id,
                partner_id=w.partner_id,  # type: ignore[attr-defined]
                warehouse_id=key[0],
                product_id=key[1],
                owner=key[2],
            )
            for key, w in wanted
        ],
        ignore_conflicts=True,
    )
    locked: dict[Key, StockBalance] = {}
    for key, _ in wanted:
        query = StockBalance.filter(warehouse_id=key[0], product_id=key[1], owner=key[2])
        if is_postgres():
            query = query.select_for_update()
        locked[key] = await query.get()
    return locked


async def post(
    manufacturer_id: int,
    movements: list[Movement],
    *,
    source: tuple[str, int],
    token_id: int | None = None,
    allow_negative: bool = False,
    reverses_id: int | None = None,
) -> list[LedgerEntry]:
    """Post movements in the caller's transaction; ``INSUFFICIENT_STOCK`` changes nothing."""
    if not movements:
        return []
    settings = await settings_of(manufacturer_id)
    balances = await locked_balances(
        manufacturer_id, [(m.warehouse, m.product_id) for m in movements]
    )
    delta: dict[Key, int] = defaultdict(int)
    for movement in movements:
        delta[movement.key] += movement.quantity
    for key, change in delta.items():
        if not allow_negative and balances[key].quantity + change < 0:
            raise DomainError(
                ErrorCode.INSUFFICIENT_STOCK,
                f"Only {balances[key].quantity} available, {-change} requested.",
                ["lines"],
            )
    entries = [
        LedgerEntry(
            manufacturer_id=manufacturer_id,
            partner_id=m.warehouse.partner_id,  # type: ignore[attr-defined]
            warehouse_id=m.warehouse.id,
            product_id=m.product_id,
            owner=m.owner,
            quantity=m.quantity,
            kind=m.kind,
            business_date=m.business_date,
            period=period_of(m.business_date, settings.period_granularity),
            source_type=source[0],
            source_id=source[1],
            serials=m.serials,
            reason=m.reason,
            token_id=token_id,
            reverses_id=reverses_id,
        )
        for m in movements
    ]
    if len(entries) == 1:
        await entries[0].save()  # the caller gets its id (bulk inserts do not return ids)
    else:
        await LedgerEntry.bulk_create(entries)
    for key, change in delta.items():
        if change:
            await StockBalance.filter(id=balances[key].id).update(quantity=F("quantity") + change)
    return entries


async def move_in_transit(manufacturer_id: int, lines: list[tuple[Warehouse, int, int]]) -> None:
    """Add (or with a negative quantity remove) what is on its way to a warehouse."""
    balances = await locked_balances(manufacturer_id, [(w, p) for w, p, _ in lines])
    for warehouse, product_id, quantity in lines:
        key = (warehouse.id, product_id, owner_of(warehouse))
        await StockBalance.filter(id=balances[key].id).update(in_transit=F("in_transit") + quantity)


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
    """Goods in transit to ``warehouse`` arrive: out of transit, into the ledger and stock.

    ``lines`` are document lines with ``product_id``, ``quantity`` and ``serials``.
    """
    await move_in_transit(
        manufacturer_id, [(warehouse, ln.product_id, -ln.quantity) for ln in lines]
    )
    await post(
        manufacturer_id,
        [Movement(warehouse, ln.product_id, ln.quantity, kind, day, ln.serials) for ln in lines],
        source=source,
        token_id=token_id,
    )
    for line in lines:
        await serial_units.arrive(line.product_id, line.serials, warehouse)


def check_positive_quantity(quantity: int, field_path: list[str]) -> None:
    if quantity <= 0:
        raise DomainError(ErrorCode.INVALID, "Quantities must be positive.", field_path)
