"""Batched reads of inventory contracts for the graph's DataLoaders, inside one
manufacturer: a constant number of statements whatever the number of rows."""

from __future__ import annotations

from collections.abc import Sequence

from portal.domain.batches import group_under
from portal.models import InventoryContractLine


async def contract_lines_of(
    manufacturer_id: int, contract_ids: Sequence[int]
) -> list[list[InventoryContractLine]]:
    lines = await InventoryContractLine.filter(
        manufacturer_id=manufacturer_id, contract_id__in=list(contract_ids)
    ).order_by("contract_id", "line_no")
    return group_under(contract_ids, lines, lambda line: line.contract_id)
