"""Insufficient stock, decided once: a movement may not take more than a balance holds.

    await require_in_stock(manufacturer_id, warehouse.id, [(product, 500, ["lines", "0"])])
    check_balance(on_hand=300, change=-500, label="ABC-1", field=["lines"])   # raises

Checked twice by the callers: when a document is raised (a transfer, a return: the
partner learns at once) and again under lock when it posts (``posting.post``), where the
balance may have moved in between.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from portal.domain.errors import DomainError, ErrorCode
from portal.models import Product, StockBalance


def is_short(on_hand: int, change: int) -> bool:
    """The rule itself: no balance goes below zero."""
    return on_hand + change < 0


def check_balance(*, on_hand: int, change: int, label: str, field: Sequence[str]) -> None:
    """``INSUFFICIENT_STOCK`` when ``on_hand + change`` would go below zero."""
    if is_short(on_hand, change):
        raise DomainError(
            ErrorCode.INSUFFICIENT_STOCK,
            f"Only {on_hand} of {label} in stock, {-change} requested.",
            list(field),
        )


async def require_in_stock(
    manufacturer_id: int,
    warehouse_id: int,
    wanted: Iterable[tuple[Product, int, Sequence[str]]],
) -> None:
    """Every (product, quantity, field) is on hand in the warehouse (summed per product)."""
    wanted = list(wanted)
    ids = {product.id for product, _, _ in wanted}
    held: dict[int, int] = {}
    for balance in await StockBalance.filter(
        manufacturer_id=manufacturer_id, warehouse_id=warehouse_id, product_id__in=ids
    ):
        held[balance.product_id] = held.get(balance.product_id, 0) + balance.quantity
    taken: dict[int, int] = {}
    for product, quantity, field in wanted:
        taken[product.id] = taken.get(product.id, 0) + quantity
        check_balance(
            on_hand=held.get(product.id, 0),
            change=-taken[product.id],
            label=product.sku,
            field=field,
        )


async def check_locked(
    manufacturer_id: int, changes: Iterable[tuple[int, int, int]], field: Sequence[str]
) -> None:
    """Under lock, at posting: (product id, locked on-hand quantity, change) each covered."""
    for product_id, on_hand, change in changes:
        if is_short(on_hand, change):
            product = await Product.get(manufacturer_id=manufacturer_id, id=product_id)
            check_balance(on_hand=on_hand, change=change, label=product.sku, field=field)
