"""Batched reads of ledger documents for the graph's DataLoaders: one statement per batch,
always inside one manufacturer.

    lines = await document_lines("shipment", manufacturer_id, [7, 8])   # [[line, ...], ...]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from portal.domain.batches import group_under
from portal.domain.periods import stored_period
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
    lines = await model.filter(
        **{f"{kind}__manufacturer_id": manufacturer_id, f"{kind}_id__in": list(document_ids)}
    ).order_by("id")
    return group_under(document_ids, lines, lambda line: getattr(line, f"{kind}_id"), MAX_LINES)


def in_periods(names: Iterable[str]) -> dict[str, Any]:
    """``LedgerEntry.filter`` arguments for the entries of the stored periods ``names``:
    the names, and their date span so that PostgreSQL reads only those partitions
    (``ledger_entry`` is partitioned by ``business_date``)."""
    periods = sorted(set(names))
    spans = [stored_period(name) for name in periods]
    return {
        "period__in": periods,
        "business_date__gte": min(p.start for p in spans),
        "business_date__lte": max(p.end for p in spans),
    }


async def entries_of(
    manufacturer_id: int, keys: Sequence[tuple[int, int, str]]
) -> list[list[LedgerEntry]]:
    """Ledger entries of each (warehouse, product, period), oldest first."""
    if not keys:
        return []
    entries = await LedgerEntry.filter(
        manufacturer_id=manufacturer_id,
        warehouse_id__in={k[0] for k in keys},
        product_id__in={k[1] for k in keys},
        **in_periods(k[2] for k in keys),
    ).order_by("id")
    return group_under(keys, entries, lambda e: (e.warehouse_id, e.product_id, e.period))
