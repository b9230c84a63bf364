"""DataLoaders of orders, created per request (``info.context.loaders.orders``)."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from portal.domain.orders.reads import lines_of_orders, reservations_of_lines
from portal.models import OrderLine, Reservation


class OrderLoaders:
    def __init__(self, manufacturer_id: int) -> None:
        m = manufacturer_id

        async def lines(ids: Sequence[int]) -> list[list[OrderLine]]:
            return await lines_of_orders(m, ids)

        async def reservations(ids: Sequence[int]) -> list[list[Reservation]]:
            return await reservations_of_lines(m, ids)

        self.lines = DataLoader(load_fn=lines)
        self.reservations = DataLoader(load_fn=reservations)
