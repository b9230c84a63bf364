"""The manufacturer's supply batches in ``portal check-ledger``:

- each ``SupplyBatch`` equals the sum of the supply movements carrying its batch and is
  not negative;
- a (warehouse, product)'s batches sum to no more than its supply on hand;
- order lines to the manufacturer asking for a batch reserve no more than it holds.
"""

from __future__ import annotations

from collections import defaultdict

from tortoise.functions import Sum

from portal.models import Reservation, SupplyBatch, SupplyMovement

Key = tuple[int, int, int]  # manufacturer, warehouse, product
BatchKey = tuple[int, int, int, str]  # manufacturer, warehouse, product, batch


async def batch_reservations(*, partner_supplier: bool) -> dict[BatchKey, int]:
    """Reserved per batch by order lines asking for one, to partner suppliers or to the
    manufacturer."""
    reserved: dict[BatchKey, int] = defaultdict(int)
    for r in await Reservation.filter(
        order_line__batch_no__isnull=False,
        order_line__order__supplier_partner_id__isnull=not partner_supplier,
    ).values("manufacturer_id", "warehouse_id", "product_id", "order_line__batch_no", "quantity"):
        key = (r["manufacturer_id"], r["warehouse_id"], r["product_id"], r["order_line__batch_no"])
        reserved[key] += r["quantity"]
    return reserved


async def supply_batch_mismatches(on_hand_of: dict[Key, int]) -> list[str]:
    """``on_hand_of``: each manufacturer supply row's on hand."""
    moved: dict[BatchKey, int] = {}
    for row in (
        await SupplyMovement.filter(batch_no__isnull=False)
        .annotate(total=Sum("quantity"))
        .group_by("manufacturer_id", "warehouse_id", "product_id", "batch_no")
        .values("manufacturer_id", "warehouse_id", "product_id", "batch_no", "total")
    ):
        key = (row["manufacturer_id"], row["warehouse_id"], row["product_id"], row["batch_no"])
        moved[key] = int(row["total"] or 0)
    held: dict[BatchKey, int] = {}
    summed: dict[Key, int] = defaultdict(int)
    for b in await SupplyBatch.all().values(
        "manufacturer_id", "warehouse_id", "product_id", "batch_no", "on_hand"
    ):
        key = (b["manufacturer_id"], b["warehouse_id"], b["product_id"], b["batch_no"])
        held[key] = b["on_hand"]
        summed[key[:3]] += b["on_hand"]
    reserved = await batch_reservations(partner_supplier=False)
    problems = [
        f"supply batch {key}: on hand {held.get(key, 0)} != movements {moved.get(key, 0)}"
        for key in sorted(set(held) | set(moved))
        if held.get(key, 0) != moved.get(key, 0)
    ]
    problems += [f"supply batch {k}: negative ({q})" for k, q in sorted(held.items()) if q < 0]
    problems += [
        f"supply {key}: batches {total} > on hand {on_hand_of.get(key, 0)}"
        for key, total in sorted(summed.items())
        if total > on_hand_of.get(key, 0)
    ]
    problems += [
        f"supply batch {key}: reserved {quantity} > on hand {held.get(key, 0)}"
        for key, quantity in sorted(reserved.items())
        if quantity > held.get(key, 0)
    ]
    return problems
