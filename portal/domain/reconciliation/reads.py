"""Batched reads for the graph's DataLoaders: the audit trail of exceptions."""

from __future__ import annotations

from collections.abc import Sequence

from portal.models import ExceptionEvent


async def exception_events_of(
    manufacturer_id: int, row_ids: Sequence[int]
) -> list[list[ExceptionEvent]]:
    """The audit trail of each reconciliation row, oldest first."""
    grouped: dict[int, list[ExceptionEvent]] = {key: [] for key in row_ids}
    for event in await ExceptionEvent.filter(
        row__manufacturer_id=manufacturer_id, row_id__in=list(row_ids)
    ).order_by("id"):
        grouped[event.row_id].append(event)  # type: ignore[attr-defined]  # tortoise FK id
    return [grouped[key] for key in row_ids]
