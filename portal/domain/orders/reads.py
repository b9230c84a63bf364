"""Batched reads behind the graph's order loaders (one statement per batch)."""

from __future__ import annotations

from collections.abc import Sequence

from portal.domain.batches import group_under
from portal.models import OrderLine, Reservation


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
