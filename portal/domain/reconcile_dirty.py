"""Keys whose reconciliation must be recomputed, coalesced: one row per (warehouse,
product) holding the earliest date touched. Marked in the same transaction as the change
(a ledger posting, an accepted stock report), drained by the reconcile job."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tortoise import connections

from portal.db import is_postgres

_UPSERT = """
INSERT INTO reconcile_dirty (manufacturer_id, warehouse_id, product_id, from_date)
VALUES ({marks})
ON CONFLICT (warehouse_id, product_id)
DO UPDATE SET from_date = {least}(reconcile_dirty.from_date, excluded.from_date)"""


async def mark_dirty(manufacturer_id: int, keys: Iterable[tuple[int, int, date]]) -> None:
    earliest: dict[tuple[int, int], date] = {}
    for warehouse_id, product_id, day in keys:
        key = (warehouse_id, product_id)
        if key not in earliest or day < earliest[key]:
            earliest[key] = day
    if not earliest:
        return
    conn = connections.get("default")
    if is_postgres():
        sql = _UPSERT.format(marks="$1, $2, $3, $4", least="LEAST")
    else:
        sql = _UPSERT.format(marks="?, ?, ?, ?", least="MIN")
    await conn.execute_many(sql, [[manufacturer_id, w, p, d] for (w, p), d in earliest.items()])
