"""Backorders are filled when stock arrives, oldest order first.

    await fill_backorders(manufacturer_id, supplier_id, warehouse_id, product_id, locked_row)

Called with the (warehouse, product) supply row locked, after a manufacturer warehouse's
on hand went up (``adjustSupplyStock``, the ERP's inventory feed). A partner supplier's
receipts do not fill its customers' backorders yet (``adjustReservation`` can).
"""

from __future__ import annotations

from tortoise.expressions import Q

from portal.domain.orders.availability import available_locked
from portal.domain.orders.reservations import add_reservation, set_reserved
from portal.models import Order, OrderLine, SupplyStock
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
    waiting = (
        await OrderLine.filter(
            manufacturer_id=manufacturer_id,
            product_id=product_id,
            backordered__gt=0,
            order__manufacturer_id=manufacturer_id,
            order__supplier_partner_id=supplier_id,
            order__status__in=WAITING,
        )
        .filter(
            Q(order__supply_warehouse_id=warehouse_id) | Q(order__mode=OrderingMode.CONSOLIDATED)
        )
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
