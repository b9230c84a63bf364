"""The orders part of ``portal check-ledger``: reserved stock is accounted for.

- a manufacturer warehouse's on hand equals the sum of its supply movements;
- every supply row's ``reserved`` equals the sum of its reservations, and each order
  line's ``reserved`` the sum of its own;
- nothing reserves more than is on hand (the supply row's for the manufacturer, the
  ledger balance of the partner's own stock for a partner supplier), nor below zero;
- at a partner supplier, order lines asking for a batch reserve no more than the batch's
  stock (``BatchBalance`` of the partner's own stock); at the manufacturer, see
  :mod:`portal.domain.orders.check_batches`.
"""

from __future__ import annotations

from collections import defaultdict

from tortoise.functions import Sum

from portal.domain.orders.check_batches import batch_reservations, supply_batch_mismatches
from portal.models import (
    BatchBalance,
    OrderLine,
    Reservation,
    StockBalance,
    SupplyMovement,
    SupplyStock,
)
from portal.models.enums import Owner

Key = tuple[int, int, int]  # manufacturer, warehouse, product


async def reservation_mismatches() -> list[str]:
    moved: dict[Key, int] = defaultdict(int)
    for row in (
        await SupplyMovement.annotate(total=Sum("quantity"))
        .group_by("manufacturer_id", "warehouse_id", "product_id")
        .values("manufacturer_id", "warehouse_id", "product_id", "total")
    ):
        moved[(row["manufacturer_id"], row["warehouse_id"], row["product_id"])] = int(
            row["total"] or 0
        )
    held: dict[Key, int] = defaultdict(int)
    per_line: dict[int, int] = defaultdict(int)
    for r in await Reservation.all().values(
        "manufacturer_id", "warehouse_id", "product_id", "order_line_id", "quantity"
    ):
        held[(r["manufacturer_id"], r["warehouse_id"], r["product_id"])] += r["quantity"]
        per_line[r["order_line_id"]] += r["quantity"]
    ledger: dict[Key, int] = defaultdict(int)
    for b in await StockBalance.filter(owner=Owner.PARTNER).values(
        "manufacturer_id", "warehouse_id", "product_id", "quantity"
    ):
        ledger[(b["manufacturer_id"], b["warehouse_id"], b["product_id"])] += b["quantity"]

    problems = []
    supply_hand: dict[Key, int] = {}
    for s in await SupplyStock.all().values(
        "manufacturer_id", "partner_id", "warehouse_id", "product_id", "on_hand", "reserved"
    ):
        key = (s["manufacturer_id"], s["warehouse_id"], s["product_id"])
        if s["partner_id"] is None:
            hand = s["on_hand"]
            supply_hand[key] = hand
            if hand != moved.get(key, 0):
                problems.append(f"supply {key}: on hand {hand} != movements {moved.get(key, 0)}")
        else:
            hand = ledger.get(key, 0)
        if s["reserved"] != held.get(key, 0):
            problems.append(
                f"supply {key}: reserved {s['reserved']} != reservations {held.get(key, 0)}"
            )
        if s["reserved"] > hand:
            problems.append(f"supply {key}: reserved {s['reserved']} > on hand {hand}")
        if s["reserved"] < 0 or hand < 0:
            problems.append(f"supply {key}: negative (on hand {hand}, reserved {s['reserved']})")
    for line in await OrderLine.filter(reserved__gt=0).values("id", "reserved"):
        if line["reserved"] != per_line.get(line["id"], 0):
            problems.append(
                f"order line {line['id']}: reserved {line['reserved']} "
                f"!= reservations {per_line.get(line['id'], 0)}"
            )
    return (
        problems
        + await _batch_reservation_mismatches()
        + await supply_batch_mismatches(supply_hand)
    )


async def _batch_reservation_mismatches() -> list[str]:
    reserved = await batch_reservations(partner_supplier=True)
    if not reserved:
        return []
    hand: dict[tuple[int, int, int, str], int] = defaultdict(int)
    for b in await BatchBalance.filter(owner=Owner.PARTNER).values(
        "manufacturer_id", "warehouse_id", "product_id", "batch_no", "quantity"
    ):
        hand[(b["manufacturer_id"], b["warehouse_id"], b["product_id"], b["batch_no"])] += b[
            "quantity"
        ]
    return [
        f"batch {key}: reserved {quantity} > on hand {hand.get(key, 0)}"
        for key, quantity in sorted(reserved.items())
        if quantity > hand.get(key, 0)
    ]
