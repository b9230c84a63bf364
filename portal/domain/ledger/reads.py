"""Batched reads of ledger documents for the graph's DataLoaders: one statement per batch,
always inside one manufacturer.

    lines = await document_lines("shipment", manufacturer_id, [7, 8])   # [[line, ...], ...]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from portal.models import LedgerEntry, ShipmentLine, StockReturnLine, TransferLine

DocumentKind = Literal["shipment", "transfer", "stock_return"]
_LINES: dict[str, Any] = {
    "shipment": ShipmentLine,
    "transfer": TransferLine,
    "stock_return": StockReturnLine,
}
MAX_LINES = 10_000


async def document_lines(
    kind: DocumentKind, manufacturer_id: int, document_ids: Sequence[int]
) -> list[list[Any]]:
    """The lines of each shipment, transfer or return, in line order."""
    model = _LINES[kind]
    grouped: dict[int, list[Any]] = {key: [] for key in document_ids}
    for line in await model.filter(
        **{f"{kind}__manufacturer_id": manufacturer_id, f"{kind}_id__in": list(document_ids)}
    ).order_by("id"):
        rows = grouped[getattr(line, f"{kind}_id")]
        if len(rows) < MAX_LINES:
            rows.append(line)
    return [grouped[key] for key in document_ids]


async def entries_of(
    manufacturer_id: int, keys: Sequence[tuple[int, int, str]]
) -> list[list[LedgerEntry]]:
    """Ledger entries of each (warehouse, product, period), oldest first."""
    grouped: dict[tuple[int, int, str], list[LedgerEntry]] = {key: [] for key in keys}
    for row in await LedgerEntry.filter(
        manufacturer_id=manufacturer_id,
        warehouse_id__in={k[0] for k in keys},
        product_id__in={k[1] for k in keys},
        period__in={k[2] for k in keys},
    ).order_by("id"):
        key = (row.warehouse_id, row.product_id, row.period)  # type: ignore[attr-defined]  # tortoise FK ids
        if key in grouped:
            grouped[key].append(row)
    return [grouped[key] for key in keys]
