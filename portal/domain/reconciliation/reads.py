"""Batched reads for the graph's DataLoaders: the audit trail of exceptions."""

from __future__ import annotations

from collections.abc import Sequence

from portal.domain.batches import group_under
from portal.models import ExceptionEvent


async def exception_events_of(
    manufacturer_id: int, row_ids: Sequence[int]
) -> list[list[ExceptionEvent]]:
    """The audit trail of each reconciliation row, oldest first."""
    events = await ExceptionEvent.filter(
        manufacturer_id=manufacturer_id, row_id__in=list(row_ids)
    ).order_by("id")
    return group_under(row_ids, events, lambda event: event.row_id)
