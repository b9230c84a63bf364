"""DataLoaders of demand, created per request (``info.context.loaders.demand``)."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from portal.domain.demand.account import adjustment_history
from portal.domain.demand.reads import agreement_lines_of
from portal.models import ForecastAdjustment, SalesAgreementLine


class DemandLoaders:
    def __init__(self, manufacturer_id: int) -> None:
        m = manufacturer_id

        async def lines(ids: Sequence[int]) -> list[list[SalesAgreementLine]]:
            return await agreement_lines_of(m, ids)

        async def history(keys: Sequence[tuple[int, int, str]]) -> list[list[ForecastAdjustment]]:
            return await adjustment_history(m, list(keys))

        self.agreement_lines = DataLoader(load_fn=lines)
        self.adjustment_history = DataLoader(load_fn=history)
