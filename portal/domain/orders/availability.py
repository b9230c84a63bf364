"""Available = on hand - reserved by orders - held for others, per supplier warehouse.

    rows = await availability(principal, sku="SKU-A", supplier_code="DIST-NA")
    [AvailabilityRow(warehouse_code="DIST-NA-MAIN", on_hand=120, reserved=20, available=100)]

The same computation serves the query (unlocked) and the reservation of an order (under
the ``SupplyStock`` lock, :func:`available_locked`). Quantities held by mechanisms other
than orders — inventory-contract buffers (WBS, CBS) promised to one beneficiary and
hidden from everyone else — are subtracted in exactly one place, :func:`held_for_others`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from portal.domain.access.principal import Action, Principal
from portal.domain.catalog.lookups import CODE_LENGTH, get_product
from portal.domain.catalog.tenants import settings_of
from portal.domain.contracts.buffers import buffered_quantities
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.orders.supply import Pair, on_hand, supplier_warehouses
from portal.domain.orders.supply_batches import batch_stock
from portal.models import (
    Partner,
    SupplyStock,
    Warehouse,
)


@dataclass(frozen=True, slots=True)
class BatchAvailability:
    batch_no: str
    on_hand: int
    reserved: int
    available: int


@dataclass(frozen=True, slots=True)
class AvailabilityRow:
    warehouse_code: str
    on_hand: int
    reserved: int
    available: int
    batches: list[BatchAvailability] = field(default_factory=list)


async def held_for_others(
    manufacturer_id: int, beneficiary_partner_id: int | None, pairs: Iterable[Pair]
) -> dict[Pair, int]:
    """Stock of these (warehouse, product) pairs held by other mechanisms than orders and
    promised to someone other than ``beneficiary_partner_id`` (the ordering partner).

    THE place where inventory-contract buffers (WBS at the manufacturer, CBS at a partner)
    are subtracted from what an order may take
    (:func:`portal.domain.contracts.buffers.buffered_quantities`). A WBS buffer whose
    beneficiary is the ordering partner is not held from it; a CBS buffer (promised to an
    end customer) is held from every order."""
    wanted = list(pairs)
    if not wanted:
        return {}
    held = await buffered_quantities(
        manufacturer_id,
        asking_partner_id=beneficiary_partner_id,
        warehouse_ids={w for w, _ in wanted},
        product_ids={p for _, p in wanted},
    )
    return {pair: held.get(pair, 0) for pair in wanted}


def available_of(on_hand_qty: int, reserved: int, held: int) -> int:
    """What an order may still take; never below zero."""
    return max(on_hand_qty - reserved - held, 0)


async def available_locked(
    manufacturer_id: int,
    supplier_id: int | None,
    beneficiary_partner_id: int,
    rows: dict[Pair, SupplyStock],
) -> dict[Pair, int]:
    """Under the ``SupplyStock`` lock: what each (warehouse, product) can still reserve."""
    hand = await on_hand(manufacturer_id, supplier_id, rows, rows)
    held = await held_for_others(manufacturer_id, beneficiary_partner_id, rows)
    return {pair: available_of(hand[pair], row.reserved, held[pair]) for pair, row in rows.items()}


async def resolve_supplier(
    principal: Principal, supplier_code: str | None, orderer: Partner | None
) -> Partner | None:
    """The supplier named by ``supplierPartnerCode`` (null: the manufacturer). A partner
    orders from the manufacturer or from its parent; any other code is ``NOT_FOUND``."""
    if not supplier_code:
        return None
    supplier = (
        await Partner.get_or_none(manufacturer_id=principal.manufacturer_id, code=supplier_code)
        if len(supplier_code) <= CODE_LENGTH
        else None
    )
    allowed = supplier is not None and (
        (orderer is None and not principal.is_partner)
        or (orderer is not None and orderer.parent_id == supplier.id)
    )
    if supplier is None or not allowed:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            f"No supplier with code '{supplier_code}'.",
            ["supplierPartnerCode"],
        )
    return supplier


async def availability(
    principal: Principal,
    *,
    sku: str,
    supplier_code: str | None = None,
    warehouse_code: str | None = None,
) -> list[AvailabilityRow]:
    """Per warehouse of the supplier, as the principal may see it. A partner sees its own
    suppliers only (the manufacturer, its parent), and nothing when the manufacturer does
    not show availability while ordering."""
    principal.require(Action.VIEW_INVENTORY)
    m = principal.manufacturer_id
    orderer = (
        await Partner.get(manufacturer_id=m, id=principal.partner_id)
        if principal.partner_id is not None
        else None
    )
    if orderer is not None and not (await settings_of(m)).show_availability:
        return []
    supplier = await resolve_supplier(principal, supplier_code, orderer)
    product = await get_product(principal, sku)
    supplier_id = supplier.id if supplier else None
    warehouses: list[Warehouse] = await supplier_warehouses(m, supplier_id)
    if warehouse_code:
        warehouses = [w for w in warehouses if w.code == warehouse_code]
    pairs = [(w.id, product.id) for w in warehouses]
    rows = {
        (r.warehouse_id, r.product_id): r
        for r in await SupplyStock.filter(
            manufacturer_id=m, warehouse_id__in=[w.id for w in warehouses], product_id=product.id
        )
    }
    hand = await on_hand(m, supplier_id, pairs, rows)
    held = await held_for_others(m, principal.partner_id, pairs)
    batches = (
        await batch_stock(m, supplier_id, [w.id for w in warehouses], product.id)
        if product.batch_controlled
        else {}
    )
    result = []
    for warehouse, pair in zip(warehouses, pairs, strict=True):
        reserved = rows[pair].reserved if pair in rows else 0
        available = available_of(hand[pair], reserved, held[pair])
        result.append(
            AvailabilityRow(
                warehouse_code=warehouse.code,
                on_hand=hand[pair],
                reserved=reserved,
                available=available,
                batches=[
                    BatchAvailability(
                        batch_no=batch,
                        on_hand=on,
                        reserved=taken,
                        available=min(available_of(on, taken, 0), available),
                    )
                    for (w, batch), (on, taken) in sorted(batches.items())
                    if w == warehouse.id and (on or taken)
                ],
            )
        )
    return result
