"""Batched reads of check sheets for the graph's DataLoaders: the first page of lines of
many checks in one statement, always inside one manufacturer.

    pages = await first_line_pages(manufacturer_id, [(7, 20), (8, 20)])  # 21 lines at most
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from portal.models import InventoryCheckLine


async def first_line_pages(
    manufacturer_id: int, keys: Sequence[tuple[int, int]]
) -> list[list[InventoryCheckLine]]:
    """For each (check, page size), its first ``size + 1`` lines in sheet order."""
    ids = sorted({int(check_id) for check_id, _ in keys})
    widest = max((int(size) for _, size in keys), default=0) + 1
    grouped: dict[int, list[InventoryCheckLine]] = defaultdict(list)
    if ids:
        # Integers only (ids and sizes are ints), so inlining them is safe in both dialects.
        rows: list[InventoryCheckLine] = await InventoryCheckLine.raw(
            "SELECT * FROM (SELECT l.*, ROW_NUMBER() OVER "
            "(PARTITION BY l.check_id ORDER BY l.id) AS page_rank "
            "FROM inventory_check_line l "
            f"WHERE l.manufacturer_id = {int(manufacturer_id)} "
            f"AND l.check_id IN ({', '.join(str(i) for i in ids)})) ranked "
            f"WHERE page_rank <= {widest} ORDER BY check_id, id"
        )
        for line in rows:
            grouped[line.check_id].append(line)
    return [grouped[check_id][: size + 1] for check_id, size in keys]
