"""DataLoaders of ledger documents, created per request (``info.context.loaders.ledger``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from portal.domain.ledger.reads import DocumentKind, document_lines, entries_of
from portal.models import LedgerEntry


class LedgerLoaders:
    def __init__(self, manufacturer_id: int) -> None:
        m = manufacturer_id

        def lines(kind: DocumentKind) -> DataLoader[int, list[Any]]:
            async def load(ids: Sequence[int]) -> list[list[Any]]:
                return await document_lines(kind, m, ids)

            return DataLoader(load_fn=load)

        async def entries(keys: Sequence[tuple[int, int, str]]) -> list[list[LedgerEntry]]:
            return await entries_of(m, keys)

        self.shipment_lines = lines("shipment")
        self.transfer_lines = lines("transfer")
        self.return_lines = lines("stock_return")
        self.entries = DataLoader(load_fn=entries)
