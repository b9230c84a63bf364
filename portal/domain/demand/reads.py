"""Batched reads of demand for the graph's DataLoaders, inside one manufacturer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from portal.models import SalesAgreementLine


async def agreement_lines_of(
    manufacturer_id: int, ids: Sequence[int]
) -> list[list[SalesAgreementLine]]:
    """The lines of each sales agreement, by period then id: one statement."""
    grouped: dict[int, list[SalesAgreementLine]] = defaultdict(list)
    for line in await SalesAgreementLine.filter(
        manufacturer_id=manufacturer_id, agreement_id__in=sorted(set(ids))
    ).order_by("period", "id"):
        grouped[line.agreement_id].append(line)
    return [grouped[i] for i in ids]
