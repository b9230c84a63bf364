"""DataLoaders of inventory checks and documents, created per request
(``info.context.loaders.checks``)."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from portal.domain.checks.documents import lines_of_documents
from portal.domain.checks.reads import first_line_pages
from portal.models import InventoryCheckLine, InventoryDocumentLine


class CheckLoaders:
    def __init__(self, manufacturer_id: int) -> None:
        async def pages(keys: Sequence[tuple[int, int]]) -> list[list[InventoryCheckLine]]:
            return await first_line_pages(manufacturer_id, keys)

        async def document_lines(ids: Sequence[int]) -> list[list[InventoryDocumentLine]]:
            return await lines_of_documents(manufacturer_id, list(ids))

        self.first_lines = DataLoader(load_fn=pages)
        self.document_lines = DataLoader(load_fn=document_lines)
