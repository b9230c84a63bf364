"""DataLoaders of inventory contracts, created per request (``info.context.loaders.contracts``)."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from portal.domain.contracts.reads import contract_lines_of
from portal.models import InventoryContractLine


class ContractLoaders:
    def __init__(self, manufacturer_id: int) -> None:
        m = manufacturer_id

        async def contract_lines(ids: Sequence[int]) -> list[list[InventoryContractLine]]:
            return await contract_lines_of(m, ids)

        self.contract_lines = DataLoader(load_fn=contract_lines)
