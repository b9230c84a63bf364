"""Backorders are filled when stock arrives, oldest order first.

    await fill_backorders(manufacturer_id, supplier_id, warehouse_id, product_id, locked_row)

Only the supplier's shippable warehouses (:func:`supplier_warehouses`: active, a partner's
own) fill ``CONSOLIDATED`` orders; a ``SINGLE_WAREHOUSE`` order is filled at the warehouse
it names. Called with the (warehouse, product) supply row locked, after a manufacturer warehouse's
on hand went up (``adjustSupplyStock``, the ERP's inventory feed), and after stock arrived
at a partner supplier's warehouse through the ledger (any positive posting: a received
shipment or transfer, a received customer return, an adjustment):

    rows = await lock_arrivals(manufacturer_id, [(warehouse, product_id), ...])  # first
    ...  # post to the ledger
    await fill_arrivals(manufacturer_id, rows)

:func:`lock_arrivals` locks the supply rows of the pairs whose partner has backordered
customer lines waiting for that product *before* the ledger locks its balances: the same
order a shipping notice takes (supply rows, then balances), so that the two never wait on
each other.
"""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.expressions import Q

from portal.domain.orders.availability import available_locked
from portal.domain.orders.reservations import add_reservation, batch_free, set_reserved
from portal.domain.orders.supply import Pair, lock_supply, supplier_warehouses
from portal.models import Order, OrderLine, SupplyStock, Warehouse
from portal.models.enums import OrderingMode, OrderStatus

WAITING = (OrderStatus.SUBMITTED, OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_SHIPPED)


async def fill_backorders(
    manufacturer_id: int,
    supplier_id: int | None,
    warehouse_id: int,
    product_id: int,
    row: SupplyStock,
) -> int:
    """Reserve what is now available at the warehouse for backordered lines, oldest order
    first; returns the quantity reserved."""
    pair = (warehouse_id, product_id)
    # CONSOLIDATED orders are supplied by the supplier's shippable warehouses only (active;
    # a partner's own, not consignment): stock arriving elsewhere fills none of them.
    supplying = Q(order__supply_warehouse_id=warehouse_id)
    if warehouse_id in {w.id for w in await supplier_warehouses(manufacturer_id, supplier_id)}:
        supplying |= Q(order__mode=OrderingMode.CONSOLIDATED)
    waiting = (
        await OrderLine.filter(
            manufacturer_id=manufacturer_id,
            product_id=product_id,
            backordered__gt=0,
            order__manufacturer_id=manufacturer_id,
            order__supplier_partner_id=supplier_id,
            order__status__in=WAITING,
        )
        .filter(supplying)
        .order_by("order_id", "line_no")
    )
    if not waiting:
        return 0
    filled = 0
    orders: dict[int, int] = {}
    for line in waiting:
        if line.order_id not in orders:
            owner = await Order.get(manufacturer_id=manufacturer_id, id=line.order_id)
            orders[line.order_id] = owner.partner_id
        available = (
            await available_locked(manufacturer_id, supplier_id, orders[line.order_id], {pair: row})
        )[pair]
        take = min(available, line.backordered)
        batch = await batch_free(manufacturer_id, supplier_id, line, [warehouse_id])
        take = min(take, batch.get(warehouse_id, take))  # a line asking for a batch: of it
        if take <= 0:
            continue
        await add_reservation(line, warehouse_id, take)
        line.backordered -= take
        await OrderLine.filter(manufacturer_id=manufacturer_id, id=line.id).update(
            reserved=line.reserved, backordered=line.backordered
        )
        await set_reserved({pair: row}, {pair: take})
        filled += take
    return filled


async def lock_arrivals(
    manufacturer_id: int, arrivals: Iterable[tuple[Warehouse, int]]
) -> dict[Pair, SupplyStock]:
    """Lock the supply rows of the (partner warehouse, product) pairs about to receive stock
    for which the partner has backordered customer lines waiting; ``{}`` when none (one
    query)."""
    owners = {
        (w.id, product_id): int(w.partner_id)
        for w, product_id in arrivals
        if w.partner_id is not None
    }
    if not owners:
        return {}
    waiting = await OrderLine.filter(
        manufacturer_id=manufacturer_id,
        product_id__in=sorted({p for _, p in owners}),
        backordered__gt=0,
        order__manufacturer_id=manufacturer_id,
        order__supplier_partner_id__in=sorted(set(owners.values())),
        order__status__in=WAITING,
    ).values_list("order__supplier_partner_id", "product_id")
    wanted = {(int(s), int(p)) for s, p in waiting}
    pairs = [pair for pair, partner in owners.items() if (partner, pair[1]) in wanted]
    rows: dict[Pair, SupplyStock] = {}
    for partner in sorted({owners[pair] for pair in pairs}):
        rows |= await lock_supply(
            manufacturer_id, partner, [pair for pair in pairs if owners[pair] == partner]
        )
    return rows


async def fill_arrivals(manufacturer_id: int, rows: dict[Pair, SupplyStock]) -> int:
    """After the posting: fill the backorders of the rows :func:`lock_arrivals` locked."""
    filled = 0
    for (warehouse_id, product_id), row in sorted(rows.items()):
        filled += await fill_backorders(
            manufacturer_id, row.partner_id, warehouse_id, product_id, row
        )
    return filled
