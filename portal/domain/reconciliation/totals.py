"""Per partner and period totals of the reconciliation rows (``reconciliation_total``).

    await refresh_totals(manufacturer_id, partner_ids, periods)   # after rows were written

Every recompute rewrites the totals of the partners and periods it touched from their
rows, in one statement; ``channelSummary`` without a SKU reads these totals, a row per
partner and period, whatever the number of warehouses and SKUs behind them. On
PostgreSQL the refreshes of one manufacturer take a transaction-level advisory lock, so
that the last one to run starts after the others committed and sees all their rows.
"""

from __future__ import annotations

from collections.abc import Collection

from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.models import Warehouse

_LOCK = 7_411  # the first key of the advisory lock (the second is the manufacturer id)


def _statement(postgres: bool, partners: int, periods: int) -> str:
    def mark(i: int) -> str:
        return f"${i}" if postgres else "?"

    partner_marks = ", ".join(mark(2 + i) for i in range(partners))
    period_marks = ", ".join(mark(2 + partners + i) for i in range(periods))
    return f"""
INSERT INTO reconciliation_total (manufacturer_id, partner_id, period, sell_in, sell_through,
                                  calculated, reported, reported_count)
SELECT manufacturer_id, partner_id, period, sum(sell_in), sum(sell_through), sum(calculated),
       coalesce(sum(reported), 0), count(reported)
FROM reconciliation_row
WHERE manufacturer_id = {mark(1)} AND partner_id IN ({partner_marks})
  AND period IN ({period_marks})
GROUP BY manufacturer_id, partner_id, period
ON CONFLICT (manufacturer_id, partner_id, period) DO UPDATE SET
    sell_in = excluded.sell_in, sell_through = excluded.sell_through,
    calculated = excluded.calculated, reported = excluded.reported,
    reported_count = excluded.reported_count
"""


async def refresh_totals(
    manufacturer_id: int, partner_ids: Collection[int], periods: Collection[str]
) -> None:
    """Rewrite the totals of each of ``partner_ids`` in each of ``periods`` from their
    rows (rows are never deleted, so a total once written is rewritten, never stale)."""
    if not partner_ids or not periods:
        return
    postgres = is_postgres()
    async with in_transaction() as conn:
        if postgres:
            await conn.execute_query(
                "SELECT pg_advisory_xact_lock($1, $2)", [_LOCK, manufacturer_id]
            )
        partners, names = sorted(partner_ids), sorted(periods)
        for start in range(0, len(partners), 500):  # SQLite's limit on parameters
            chunk = partners[start : start + 500]
            await conn.execute_query(
                _statement(postgres, len(chunk), len(names)), [manufacturer_id, *chunk, *names]
            )


async def partners_of(manufacturer_id: int, warehouse_ids: Collection[int]) -> set[int]:
    """The partners owning ``warehouse_ids`` (a row's partner is its warehouse's)."""
    if not warehouse_ids:
        return set()
    found: list[int] = await Warehouse.filter(
        manufacturer_id=manufacturer_id, id__in=list(warehouse_ids), partner_id__isnull=False
    ).values_list("partner_id", flat=True)  # type: ignore[assignment]
    return set(found)
