"""``portal check-ledger``: every balance equals its ledger sum; in-transit equals the
open shipments and transfers; every batch balance equals its batch's ledger sum;
inventory contracts' remaining equals their owner's balance
(:mod:`portal.domain.contracts.check`)."""

from __future__ import annotations

from collections import defaultdict

from tortoise.functions import Sum

from portal.domain.ledger.posting import owner_of
from portal.models import (
    BatchBalance,
    LedgerEntry,
    ShipmentLine,
    StockBalance,
    TransferLine,
    Warehouse,
)
from portal.models.enums import ShipmentStatus, TransferStatus


async def ledger_mismatches() -> list[str]:
    sums: dict[tuple[int, int, str], int] = defaultdict(int)
    rows = (
        await LedgerEntry.annotate(total=Sum("quantity"))
        .group_by("warehouse_id", "product_id", "owner")
        .values("warehouse_id", "product_id", "owner", "total")
    )
    for row in rows:
        sums[(row["warehouse_id"], row["product_id"], _text(row["owner"]))] += int(
            row["total"] or 0
        )

    transit: dict[tuple[int, int, str], int] = defaultdict(int)
    warehouses = {w.id: w for w in await Warehouse.all()}
    open_lines = [
        (row["shipment__warehouse_id"], row["product_id"], row["quantity"])
        for row in await ShipmentLine.filter(shipment__status=ShipmentStatus.SHIPPED).values(
            "shipment__warehouse_id", "product_id", "quantity"
        )
    ] + [
        (row["transfer__to_warehouse_id"], row["product_id"], row["quantity"])
        for row in await TransferLine.filter(transfer__status=TransferStatus.SHIPPED).values(
            "transfer__to_warehouse_id", "product_id", "quantity"
        )
    ]
    for warehouse_id, product_id, quantity in open_lines:
        owner = owner_of(warehouses[warehouse_id]).value
        transit[(warehouse_id, product_id, owner)] += quantity

    problems = []
    seen = set()
    for balance in await StockBalance.all().values(
        "warehouse_id", "product_id", "owner", "quantity", "in_transit"
    ):
        key = (balance["warehouse_id"], balance["product_id"], _text(balance["owner"]))
        seen.add(key)
        if balance["quantity"] != sums.get(key, 0):
            problems.append(
                f"balance {key}: {balance['quantity']} != ledger sum {sums.get(key, 0)}"
            )
        if balance["in_transit"] != transit.get(key, 0):
            problems.append(
                f"in transit {key}: {balance['in_transit']} != open documents {transit.get(key, 0)}"
            )
        if balance["quantity"] < 0:
            problems.append(f"balance {key} is negative: {balance['quantity']}")
    for key in set(sums) - seen:
        problems.append(f"ledger {key} sums to {sums[key]} but has no balance row")
    from portal.domain.contracts.check import contract_mismatches  # the contracts' half

    return problems + await batch_mismatches() + await contract_mismatches()


async def batch_mismatches() -> list[str]:
    """Every batch balance equals the sum of its batch's ledger entries, none negative."""
    sums: dict[tuple[int, int, int, str, str], int] = defaultdict(int)
    for row in (
        await LedgerEntry.filter(batch_no__isnull=False)
        .annotate(total=Sum("quantity"))
        .group_by("manufacturer_id", "warehouse_id", "product_id", "owner", "batch_no")
        .values("manufacturer_id", "warehouse_id", "product_id", "owner", "batch_no", "total")
    ):
        key = (
            row["manufacturer_id"],
            row["warehouse_id"],
            row["product_id"],
            _text(row["owner"]),
            row["batch_no"],
        )
        sums[key] += int(row["total"] or 0)
    problems = []
    seen = set()
    for b in await BatchBalance.all().values(
        "manufacturer_id", "warehouse_id", "product_id", "owner", "batch_no", "quantity"
    ):
        key = (
            b["manufacturer_id"],
            b["warehouse_id"],
            b["product_id"],
            _text(b["owner"]),
            b["batch_no"],
        )
        seen.add(key)
        if b["quantity"] != sums.get(key, 0):
            problems.append(f"batch {key}: {b['quantity']} != ledger sum {sums.get(key, 0)}")
        if b["quantity"] < 0:
            problems.append(f"batch {key} is negative: {b['quantity']}")
    for key in set(sums) - seen:
        problems.append(f"ledger batch {key} sums to {sums[key]} but has no batch balance row")
    return problems


def _text(value: object) -> str:
    return str(getattr(value, "value", value))
