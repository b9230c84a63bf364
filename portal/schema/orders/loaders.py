"""DataLoaders of orders, created per request (``info.context.loaders.orders``)."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from portal.domain.orders.reads import (
    differences_of_shipments,
    differences_with_skus,
    lines_of_notices,
    lines_of_orders,
    reservations_of_lines,
    shipments_by_ids,
    transfers_by_ids,
)
from portal.models import (
    DeliveryDifference,
    OrderLine,
    Reservation,
    Shipment,
    ShippingNoticeLine,
    Transfer,
)


class OrderLoaders:
    def __init__(self, manufacturer_id: int) -> None:
        m = manufacturer_id

        async def lines(ids: Sequence[int]) -> list[list[OrderLine]]:
            return await lines_of_orders(m, ids)

        async def reservations(ids: Sequence[int]) -> list[list[Reservation]]:
            return await reservations_of_lines(m, ids)

        async def delivery_differences(ids: Sequence[int]) -> list[list[DeliveryDifference]]:
            return await differences_of_shipments(m, ids)

        async def notice_lines(ids: Sequence[int]) -> list[list[ShippingNoticeLine]]:
            return await lines_of_notices(m, ids)

        async def shipments(ids: Sequence[int]) -> list[Shipment | None]:
            return await shipments_by_ids(m, ids)

        async def notice_differences(
            keys: Sequence[tuple[str, int]],
        ) -> list[list[tuple[DeliveryDifference, str]]]:
            return await differences_with_skus(m, keys)

        async def transfers(ids: Sequence[int]) -> list[Transfer | None]:
            return await transfers_by_ids(m, ids)

        self.lines = DataLoader(load_fn=lines)
        self.transfers = DataLoader(load_fn=transfers)
        self.notice_differences = DataLoader(load_fn=notice_differences)
        self.shipments = DataLoader(load_fn=shipments)
        self.delivery_differences = DataLoader(load_fn=delivery_differences)
        self.notice_lines = DataLoader(load_fn=notice_lines)
        self.reservations = DataLoader(load_fn=reservations)
