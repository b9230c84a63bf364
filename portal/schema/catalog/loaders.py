"""DataLoaders of the catalogue, created per request (``info.context.loaders.catalog``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from strawberry.dataloader import DataLoader

from portal.domain.catalog.reads import by_ids, price_histories, prices_on
from portal.models import Partner, Product, ProductPrice, Warehouse


class CatalogLoaders:
    def __init__(self, manufacturer_id: int) -> None:
        m = manufacturer_id

        async def partners(ids: Sequence[int]) -> list[Partner | None]:
            return await by_ids(Partner, m, ids)

        async def products(ids: Sequence[int]) -> list[Product | None]:
            return await by_ids(Product, m, ids)

        async def warehouses(ids: Sequence[int]) -> list[Warehouse | None]:
            return await by_ids(Warehouse, m, ids)

        async def prices_today(ids: Sequence[int]) -> list[Decimal | None]:
            return await prices_on(m, ids, date.today())

        async def histories(ids: Sequence[int]) -> list[list[ProductPrice]]:
            return await price_histories(m, ids)

        self.partner = DataLoader(load_fn=partners)
        self.product = DataLoader(load_fn=products)
        self.warehouse = DataLoader(load_fn=warehouses)
        self.price_today = DataLoader(load_fn=prices_today)
        self.price_history = DataLoader(load_fn=histories)
