"""Batch (lot) numbers of batch-controlled products, and their per-batch stock.

    batch = check_batch(product, line.batch_no, ["lines", "0", "batchNo"])  # None or the lot
    await move_batches(manufacturer_id, movements, allow_negative=False)     # under lock

A batch-controlled SKU's line names its batch wherever stock leaves a holder (``REQUIRED``
otherwise); other SKUs refuse one (``INVALID``). Posting moves ``BatchBalance`` rows in the
caller's transaction, after the SKU balances (the same lock order everywhere), and refuses
a movement that would take a batch below zero with ``INSUFFICIENT_STOCK`` naming it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Protocol

from tortoise.expressions import F

from portal.db import is_postgres
from portal.domain.bounds.text import clean_code
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger.stock import check_balance, is_short
from portal.models import BatchBalance, Product
from portal.models.enums import Owner

BatchKey = tuple[int, int, Owner, str]  # warehouse, product, owner, batch


class BatchMove(Protocol):
    @property
    def batch_key(self) -> BatchKey | None: ...

    @property
    def quantity(self) -> int: ...


def check_batch(
    product: Product, batch_no: str | None, field: list[str], *, required: bool = True
) -> str | None:
    """The cleaned batch number of a line of ``product``: ``REQUIRED`` when the product is
    batch-controlled and ``required`` (stock leaves a holder), ``INVALID`` when it is not."""
    given = batch_no is not None and batch_no.strip() != ""
    if not product.batch_controlled:
        if given:
            raise DomainError(ErrorCode.INVALID, f"{product.sku} is not batch-controlled.", field)
        return None
    if not given:
        if required:
            raise DomainError(
                ErrorCode.REQUIRED, f"{product.sku} is batch-controlled: name the batch.", field
            )
        return None
    return clean_code(batch_no, field)


async def batch_on_hand(
    manufacturer_id: int, warehouse_id: int, product_id: int, batch_no: str
) -> int:
    """Units of one batch in a warehouse (all owners)."""
    rows = await BatchBalance.filter(
        manufacturer_id=manufacturer_id,
        warehouse_id=warehouse_id,
        product_id=product_id,
        batch_no=batch_no,
    ).values_list("quantity", flat=True)
    return sum(int(q) for q in rows)  # type: ignore[call-overload]


async def require_batches(
    manufacturer_id: int,
    warehouse_id: int,
    wanted: Iterable[tuple[Product, str | None, int, Sequence[str]]],
) -> None:
    """Every (product, batch, quantity, field) with a batch is on hand in the warehouse
    (summed per batch): checked when a document is raised, again under lock at posting."""
    taken: dict[tuple[int, str], int] = defaultdict(int)
    for product, batch_no, quantity, field in wanted:
        if batch_no is None:
            continue
        taken[(product.id, batch_no)] += quantity
        held = await batch_on_hand(manufacturer_id, warehouse_id, product.id, batch_no)
        check_balance(
            on_hand=held,
            change=-taken[(product.id, batch_no)],
            label=f"{product.sku} batch {batch_no}",
            field=field,
        )


async def move_batches(
    manufacturer_id: int, movements: Iterable[BatchMove], *, allow_negative: bool
) -> None:
    """Lock (creating) the batch balances the movements touch, in key order; refuse a batch
    going below zero (unless ``allow_negative``: reported POS sales are facts); move them."""
    delta: dict[BatchKey, int] = defaultdict(int)
    for movement in movements:
        key = movement.batch_key
        if key is not None:
            delta[key] += movement.quantity
    if not delta:
        return
    keys = sorted(delta)
    await BatchBalance.bulk_create(
        [
            BatchBalance(
                manufacturer_id=manufacturer_id,
                warehouse_id=k[0],
                product_id=k[1],
                owner=k[2],
                batch_no=k[3],
            )
            for k in keys
        ],
        ignore_conflicts=True,
    )
    query = BatchBalance.filter(
        manufacturer_id=manufacturer_id,
        warehouse_id__in={k[0] for k in keys},
        product_id__in={k[1] for k in keys},
        batch_no__in={k[3] for k in keys},
    ).order_by("warehouse_id", "product_id", "owner", "batch_no")
    if is_postgres():
        query = query.select_for_update()
    rows = {(r.warehouse_id, r.product_id, r.owner, r.batch_no): r for r in await query}
    for key in keys:
        row = rows[key]
        if not allow_negative and is_short(row.quantity, delta[key]):
            product = await Product.get(manufacturer_id=manufacturer_id, id=key[1])
            check_balance(
                on_hand=row.quantity,
                change=delta[key],
                label=f"{product.sku} batch {key[3]}",
                field=["lines"],
            )
    for key in keys:
        if delta[key]:
            await BatchBalance.filter(manufacturer_id=manufacturer_id, id=rows[key].id).update(
                quantity=F("quantity") + delta[key]
            )
