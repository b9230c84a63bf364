"""DataLoaders of inventory checks, created per request (``info.context.loaders.checks``)."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from portal.domain.checks.reads import first_line_pages
from portal.models import InventoryCheckLine


class CheckLoaders:
    def __init__(self, manufacturer_id: int) -> None:
        async def pages(keys: Sequence[tuple[int, int]]) -> list[list[InventoryCheckLine]]:
            return await first_line_pages(manufacturer_id, keys)

        self.first_lines = DataLoader(load_fn=pages)
