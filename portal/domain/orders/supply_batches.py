"""The manufacturer's supply stock per batch of a batch-controlled SKU.

    await move_supply_batch(row, "L-1", -5, label="LOT batch L-1", field=["batchNo"])
    stock = await batch_stock(manufacturer_id, None, [warehouse_id], product_id, "L-1")

``SupplyBatch`` rows move with the ``SupplyMovement`` that carries their batch, always
under the lock of the (warehouse, product) ``SupplyStock`` row, so they need no lock of
their own; a movement that would take a batch below zero is ``INSUFFICIENT_STOCK`` naming
it and nothing changes (the caller's transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from portal.domain.ledger.stock import check_balance
from portal.models import BatchBalance, Reservation, SupplyBatch, SupplyStock
from portal.models.enums import Owner


async def supply_batch(row: SupplyStock, batch_no: str) -> SupplyBatch:
    """The batch's row of a locked supply row, created at zero when missing."""
    found, _ = await SupplyBatch.get_or_create(
        manufacturer_id=row.manufacturer_id,
        warehouse_id=row.warehouse_id,
        product_id=row.product_id,
        batch_no=batch_no,
    )
    return found


async def move_supply_batch(
    row: SupplyStock, batch_no: str, quantity: int, *, label: str, field: Sequence[str]
) -> None:
    """Move the batch's on hand by ``quantity``; never below zero."""
    batch = await supply_batch(row, batch_no)
    check_balance(on_hand=batch.on_hand, change=quantity, label=label, field=field)
    await SupplyBatch.filter(manufacturer_id=row.manufacturer_id, id=batch.id).update(
        on_hand=batch.on_hand + quantity
    )


async def batches_on_hand(row: SupplyStock) -> int:
    """All batches' on hand of a supply row (part of its ``on_hand``)."""
    values = await SupplyBatch.filter(
        manufacturer_id=row.manufacturer_id,
        warehouse_id=row.warehouse_id,
        product_id=row.product_id,
    ).values_list("on_hand", flat=True)
    return sum(int(v) for v in values)  # type: ignore[call-overload]


async def batch_stock(
    manufacturer_id: int,
    supplier_id: int | None,
    warehouse_ids: Iterable[int],
    product_id: int,
    batch_no: str | None = None,
) -> dict[tuple[int, str], tuple[int, int]]:
    """(warehouse, batch) → (on hand, reserved by order lines asking for that batch) of a
    partner supplier's own stock (``BatchBalance``) or the manufacturer's supply stock
    (``SupplyBatch``). Under the ``SupplyStock`` lock of the (warehouse, product) when
    reserving."""
    ids = set(warehouse_ids)
    only = {} if batch_no is None else {"batch_no": batch_no}
    if supplier_id is None:
        hand = SupplyBatch.filter(
            manufacturer_id=manufacturer_id, warehouse_id__in=ids, product_id=product_id, **only
        ).values_list("warehouse_id", "batch_no", "on_hand")
    else:
        hand = BatchBalance.filter(
            manufacturer_id=manufacturer_id,
            warehouse_id__in=ids,
            product_id=product_id,
            owner=Owner.PARTNER,
            **only,
        ).values_list("warehouse_id", "batch_no", "quantity")
    held = Reservation.filter(
        manufacturer_id=manufacturer_id,
        warehouse_id__in=ids,
        product_id=product_id,
        order_line__batch_no__isnull=False,
    )
    if batch_no is not None:
        held = held.filter(order_line__batch_no=batch_no)
    stock: dict[tuple[int, str], tuple[int, int]] = {}
    for warehouse_id, batch, quantity in await hand:
        stock[(int(warehouse_id), str(batch))] = (int(quantity), 0)
    for r in await held.values("warehouse_id", "order_line__batch_no", "quantity"):
        key = (r["warehouse_id"], r["order_line__batch_no"])
        on, reserved = stock.get(key, (0, 0))
        stock[key] = (on, reserved + r["quantity"])
    return stock
