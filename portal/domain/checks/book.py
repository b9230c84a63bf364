"""Book stock of a warehouse as of a count date, from the ledger (never the balance).

    quantities = await book_at(manufacturer_id, warehouse_id, day)          # every product
    quantities = await book_at(manufacturer_id, warehouse_id, day, [7, 8])  # some
    serials = await book_serials_at(manufacturer_id, warehouse_id, day, [7])

Entries dated on the count date count as before the count (the count is taken at the
end of that day); later movements do not change the book of a count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from tortoise.functions import Sum
from tortoise.queryset import QuerySet

from portal.models import LedgerEntry


def _entries(
    manufacturer_id: int, warehouse_id: int, day: date, product_ids: Iterable[int] | None
) -> QuerySet[LedgerEntry]:
    query = LedgerEntry.filter(
        manufacturer_id=manufacturer_id, warehouse_id=warehouse_id, business_date__lte=day
    )
    if product_ids is not None:
        query = query.filter(product_id__in=sorted(set(product_ids)))
    return query


async def book_at(
    manufacturer_id: int, warehouse_id: int, day: date, product_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Product id -> the ledger sum at the warehouse through ``day`` (zero sums left out)."""
    rows = (
        await _entries(manufacturer_id, warehouse_id, day, product_ids)
        .annotate(total=Sum("quantity"))
        .group_by("product_id")
        .values_list("product_id", "total")
    )
    return {int(p): int(t) for p, t in rows if t}


async def movements_between(
    manufacturer_id: int, warehouse_id: int, after: date, through: date, product_ids: list[int]
) -> dict[int, int]:
    """Product id -> the net ledger movement dated after ``after`` through ``through``."""
    rows = (
        await LedgerEntry.filter(
            manufacturer_id=manufacturer_id,
            warehouse_id=warehouse_id,
            business_date__gt=after,
            business_date__lte=through,
            product_id__in=sorted(set(product_ids)),
        )
        .annotate(total=Sum("quantity"))
        .group_by("product_id")
        .values_list("product_id", "total")
    )
    return {int(p): int(t) for p, t in rows if t}


async def book_serials_at(
    manufacturer_id: int, warehouse_id: int, day: date, product_ids: list[int]
) -> dict[int, list[str]]:
    """Product id -> the serials at the warehouse through ``day``: each entry moves its
    serials in (positive quantity) or out (negative); what nets to one is there."""
    if not product_ids:
        return {}
    net: dict[int, Counter[str]] = defaultdict(Counter)
    rows = await _entries(manufacturer_id, warehouse_id, day, product_ids).values_list(
        "product_id", "quantity", "serials"
    )
    for product_id, quantity, serials in rows:
        for serial in serials or []:
            net[int(product_id)][serial] += 1 if quantity > 0 else -1
    return {p: sorted(s for s, n in c.items() if n > 0) for p, c in net.items()}
