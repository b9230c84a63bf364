"""Keys whose reconciliation must be recomputed, coalesced: one row per (warehouse,
product) holding the earliest date touched. Marked in the same transaction as the change
(a ledger posting, an accepted stock report), drained by the reconcile job."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tortoise import connections

from portal.db import is_postgres

_UPSERT_PG = """
INSERT INTO reconcile_dirty (manufacturer_id, warehouse_id, product_id, from_date)
SELECT $1, w, p, d FROM unnest($2::int[], $3::int[], $4::date[]) AS t(w, p, d)
ON CONFLICT (warehouse_id, product_id)
DO UPDATE SET from_date = LEAST(reconcile_dirty.from_date, excluded.from_date)"""

_UPSERT_SQLITE = """
INSERT INTO reconcile_dirty (manufacturer_id, warehouse_id, product_id, from_date)
VALUES (?, ?, ?, ?)
ON CONFLICT (warehouse_id, product_id)
DO UPDATE SET from_date = MIN(reconcile_dirty.from_date, excluded.from_date)"""


async def mark_dirty(manufacturer_id: int, keys: Iterable[tuple[int, int, date]]) -> None:
    earliest: dict[tuple[int, int], date] = {}
    for warehouse_id, product_id, day in keys:
        key = (warehouse_id, product_id)
        if key not in earliest or day < earliest[key]:
            earliest[key] = day
    if not earliest:
        return
    conn = connections.get("default")
    if is_postgres():  # one statement, however many keys
        keys = list(earliest)
        await conn.execute_query(
            _UPSERT_PG,
            [
                manufacturer_id,
                [k[0] for k in keys],
                [k[1] for k in keys],
                [earliest[k] for k in keys],
            ],
        )
        return
    await conn.execute_many(
        _UPSERT_SQLITE, [[manufacturer_id, w, p, d] for (w, p), d in earliest.items()]
    )
