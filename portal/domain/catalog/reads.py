"""Batched reads of the catalogue for the graph's DataLoaders: one statement per batch,
always inside one manufacturer.

    partners = await by_ids(Partner, manufacturer_id, [3, 5])     # [Partner | None, ...]
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from tortoise.models import Model

from portal.domain.batches import group_under
from portal.models import ProductPrice

M = TypeVar("M", bound=Model)


async def by_ids(model: type[M], manufacturer_id: int, ids: Sequence[int]) -> list[M | None]:
    """Rows of a tenant table by id, in the order asked (None where there is none)."""
    rows: dict[Any, M] = {
        row.pk: row for row in await model.filter(manufacturer_id=manufacturer_id, id__in=list(ids))
    }
    return [rows.get(key) for key in ids]


async def prices_on(
    manufacturer_id: int, product_ids: Sequence[int], on: date
) -> list[Decimal | None]:
    """The list price valid on ``on`` of each product."""
    latest: dict[int, Decimal] = {}
    for product_id, price in (
        await ProductPrice.filter(
            manufacturer_id=manufacturer_id,
            product_id__in=list(product_ids),
            valid_from__lte=on,
        )
        .order_by("valid_from", "id")
        .values_list("product_id", "price")
    ):
        latest[product_id] = price
    return [latest.get(key) for key in product_ids]


async def price_histories(
    manufacturer_id: int, product_ids: Sequence[int], limit: int = 500
) -> list[list[ProductPrice]]:
    """Every dated list price of each product, oldest first (at most ``limit`` each)."""
    prices = await ProductPrice.filter(
        manufacturer_id=manufacturer_id, product_id__in=list(product_ids)
    ).order_by("valid_from", "id")
    return group_under(product_ids, prices, lambda price: price.product_id, limit)
