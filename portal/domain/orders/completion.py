"""Orders become ``COMPLETED`` when all they ordered shipped and every document that
shipped it is received.

    await complete_received(manufacturer_id, partner_id, supplier_partner_id, warehouse_id)

The ledger calls it when a shipment or a transfer is received (by hand, by the receipt
mode, by the ``AFTER_DAYS`` job), and a shipping notice calls it once it has shipped
(documents received on shipping). Only ``SHIPPED`` orders of the receiving partner, from
that supplier, to that warehouse are candidates; each becomes ``COMPLETED`` by a
conditional update, so that two receipts at once announce ``order.completed`` once.
"""

from __future__ import annotations

from collections import defaultdict

from portal.domain.orders.events import announce
from portal.models import Order, Shipment, ShippingNotice, ShippingNoticeLine, Transfer
from portal.models.enums import OrderStatus, ShipmentStatus, TransferStatus


async def complete_received(
    manufacturer_id: int,
    partner_id: int,
    supplier_partner_id: int | None,
    warehouse_id: int,
) -> list[int]:
    """Complete the candidate orders whose documents are all received; their ids."""
    m = manufacturer_id
    candidates = list(
        await Order.filter(
            manufacturer_id=m,
            partner_id=partner_id,
            supplier_partner_id=supplier_partner_id,
            ship_to_warehouse_id=warehouse_id,
            status=OrderStatus.SHIPPED,
        ).order_by("id")
    )
    if not candidates:
        return []
    notices_of: dict[int, set[int]] = defaultdict(set)
    for order_id, notice_id in await ShippingNoticeLine.filter(
        manufacturer_id=m, order_id__in=[o.id for o in candidates]
    ).values_list("order_id", "notice_id"):
        notices_of[int(order_id)].add(int(notice_id))
    notice_ids = {n for ids in notices_of.values() for n in ids}
    notices = list(await ShippingNotice.filter(manufacturer_id=m, id__in=notice_ids))
    shipment_ids = {n.shipment_id for n in notices if n.shipment_id is not None}
    transfer_ids = {t for n in notices for t in n.transfer_ids}
    received_shipments = {
        int(row["id"])
        for row in await Shipment.filter(
            manufacturer_id=m, id__in=shipment_ids, status=ShipmentStatus.RECEIVED
        ).values("id")
    }
    received_transfers = {
        int(row["id"])
        for row in await Transfer.filter(
            manufacturer_id=m, id__in=transfer_ids, status=TransferStatus.RECEIVED
        ).values("id")
    }
    received_notices = {
        n.id
        for n in notices
        if (n.shipment_id is None or n.shipment_id in received_shipments)
        and all(t in received_transfers for t in n.transfer_ids)
        and (n.shipment_id is not None or n.transfer_ids)
    }
    completed = []
    for order in candidates:
        shipped_by = notices_of.get(order.id, set())
        if not shipped_by or not shipped_by <= received_notices:
            continue
        changed = await Order.filter(
            manufacturer_id=m, id=order.id, status=OrderStatus.SHIPPED
        ).update(status=OrderStatus.COMPLETED)
        if changed:
            order.status = OrderStatus.COMPLETED
            await announce(order, "order.completed")
            completed.append(order.id)
    return completed
