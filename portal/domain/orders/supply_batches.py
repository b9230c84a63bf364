"""The manufacturer's supply stock per batch of a batch-controlled SKU.

    await move_supply_batch(row, "L-1", -5, label="LOT batch L-1", field=["batchNo"])
    free = await batch_unreserved(manufacturer_id, warehouse_id, product_id, "L-1")

``SupplyBatch`` rows move with the ``SupplyMovement`` that carries their batch, always
under the lock of the (warehouse, product) ``SupplyStock`` row, so they need no lock of
their own; a movement that would take a batch below zero is ``INSUFFICIENT_STOCK`` naming
it and nothing changes (the caller's transaction).
"""

from __future__ import annotations

from collections.abc import Sequence

from portal.domain.ledger.stock import check_balance
from portal.models import Reservation, SupplyBatch, SupplyStock


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


async def reserved_of_batch(row: SupplyStock, batch_no: str) -> int:
    """What order lines asking for the batch hold at the row's (warehouse, product)."""
    values = await Reservation.filter(
        manufacturer_id=row.manufacturer_id,
        warehouse_id=row.warehouse_id,
        product_id=row.product_id,
        order_line__batch_no=batch_no,
    ).values_list("quantity", flat=True)
    return sum(int(v) for v in values)  # type: ignore[call-overload]
