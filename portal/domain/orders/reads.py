"""Batched reads behind the graph's order loaders (one statement per batch)."""

from __future__ import annotations

from collections.abc import Sequence

from portal.domain.batches import group_under
from portal.models import (
    DeliveryDifference,
    OrderLine,
    Product,
    Reservation,
    Shipment,
    ShippingNoticeLine,
    Transfer,
)


async def lines_of_orders(manufacturer_id: int, order_ids: Sequence[int]) -> list[list[OrderLine]]:
    lines = await OrderLine.filter(
        manufacturer_id=manufacturer_id, order_id__in=list(order_ids)
    ).order_by("order_id", "line_no")
    return group_under(order_ids, lines, lambda line: line.order_id)


async def reservations_of_lines(
    manufacturer_id: int, line_ids: Sequence[int]
) -> list[list[Reservation]]:
    rows = await Reservation.filter(
        manufacturer_id=manufacturer_id, order_line_id__in=list(line_ids)
    ).order_by("order_line_id", "warehouse_id")
    return group_under(line_ids, rows, lambda r: r.order_line_id)


async def lines_of_notices(
    manufacturer_id: int, notice_ids: Sequence[int]
) -> list[list[ShippingNoticeLine]]:
    rows = await ShippingNoticeLine.filter(
        manufacturer_id=manufacturer_id, notice_id__in=list(notice_ids)
    ).order_by("notice_id", "id")
    return group_under(notice_ids, rows, lambda r: r.notice_id)


async def differences_of_shipments(
    manufacturer_id: int, shipment_ids: Sequence[int], *, key: str = "shipment_id"
) -> list[list[DeliveryDifference]]:
    """Each shipment's delivery differences, in the order recorded; ``key="notice_id"``:
    those of partner suppliers' shipping notices (which ship by transfer) by notice id."""
    rows = await DeliveryDifference.filter(
        manufacturer_id=manufacturer_id, **{f"{key}__in": list(shipment_ids)}
    ).order_by(key, "id")
    return group_under(shipment_ids, rows, lambda r: getattr(r, key))


async def transfers_by_ids(
    manufacturer_id: int, transfer_ids: Sequence[int]
) -> list[Transfer | None]:
    """The transfers of these ids (None where there is none), in one statement."""
    rows = await Transfer.filter(manufacturer_id=manufacturer_id, id__in=list(transfer_ids))
    by_id = {r.id: r for r in rows}
    return [by_id.get(i) for i in transfer_ids]


async def shipments_by_ids(
    manufacturer_id: int, shipment_ids: Sequence[int]
) -> list[Shipment | None]:
    """The shipments of these ids (None where there is none), in one statement."""
    rows = await Shipment.filter(manufacturer_id=manufacturer_id, id__in=list(shipment_ids))
    by_id = {r.id: r for r in rows}
    return [by_id.get(i) for i in shipment_ids]


async def differences_with_skus(
    manufacturer_id: int, keys: Sequence[tuple[str, int]]
) -> list[list[tuple[DeliveryDifference, str]]]:
    """The delivery differences of each key, ``("shipment_id", id)`` for a sell-in
    shipment or ``("notice_id", id)`` for a partner supplier's notice, with their SKUs:
    one statement per kind present and one for the SKUs, per batch (a shipping notice's
    page reads them beside its lines' products)."""
    by_kind: dict[str, list[int]] = {}
    for kind, pk in keys:
        by_kind.setdefault(kind, []).append(pk)
    found: dict[tuple[str, int], list[DeliveryDifference]] = {}
    for kind, ids in by_kind.items():
        grouped = await differences_of_shipments(manufacturer_id, ids, key=kind)
        found.update(((kind, pk), rows) for pk, rows in zip(ids, grouped, strict=True))
    product_ids = {d.product_id for rows in found.values() for d in rows}
    skus: dict[int, str] = (
        dict(
            await Product.filter(manufacturer_id=manufacturer_id, id__in=product_ids).values_list(
                "id", "sku"
            )
        )
        if product_ids
        else {}
    )
    return [[(d, skus.get(d.product_id, "")) for d in found[k]] for k in keys]
