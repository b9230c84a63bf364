"""DataLoaders of reconciliation, created per request (``info.context.loaders.reconciliation``)."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from portal.domain.reconciliation.reads import exception_events_of
from portal.models import ExceptionEvent


class ReconciliationLoaders:
    def __init__(self, manufacturer_id: int) -> None:
        async def events(row_ids: Sequence[int]) -> list[list[ExceptionEvent]]:
            return await exception_events_of(manufacturer_id, row_ids)

        self.exception_events = DataLoader(load_fn=events)
