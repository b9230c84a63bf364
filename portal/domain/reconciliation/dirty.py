"""Keys whose reconciliation must be recomputed, coalesced: one row per (warehouse,
product) holding the earliest date touched and a version bumped by every mark. Marked in
the same transaction as the change (a ledger posting, an accepted stock report), drained
by the reconcile job, which deletes a key only at the version it read: a change that lands
while a recompute runs (even with the same date) keeps its key for the next run."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tortoise import connections

from portal.db import is_postgres
from portal.jobs.kinds import RECONCILE
from portal.jobs.records import JobQueue, submit_job

_UPSERT_PG = """
INSERT INTO reconcile_dirty (manufacturer_id, warehouse_id, product_id, from_date)
SELECT $1, w, p, d FROM unnest($2::int[], $3::int[], $4::date[]) AS t(w, p, d)
ON CONFLICT (manufacturer_id, warehouse_id, product_id)
DO UPDATE SET from_date = LEAST(reconcile_dirty.from_date, excluded.from_date),
              version = reconcile_dirty.version + 1"""

_UPSERT_SQLITE = """
INSERT INTO reconcile_dirty (manufacturer_id, warehouse_id, product_id, from_date)
VALUES (?, ?, ?, ?)
ON CONFLICT (manufacturer_id, warehouse_id, product_id)
DO UPDATE SET from_date = MIN(reconcile_dirty.from_date, excluded.from_date),
              version = reconcile_dirty.version + 1"""


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
        pairs = sorted(earliest)  # rows locked in key order, as the balances are
        await conn.execute_query(
            _UPSERT_PG,
            [
                manufacturer_id,
                [k[0] for k in pairs],
                [k[1] for k in pairs],
                [earliest[k] for k in pairs],
            ],
        )
        return
    await conn.execute_many(
        _UPSERT_SQLITE, [[manufacturer_id, w, p, d] for (w, p), d in earliest.items()]
    )


async def clear_dirty(manufacturer_id: int, seen: Iterable[tuple[int, int]]) -> None:
    """Delete a tenant's drained keys (id, version) that were not marked again meanwhile."""
    await clear_marked("reconcile_dirty", manufacturer_id, list(seen))


_KEYS = {  # each marked-keys table's key, the order its rows are marked (and locked) in
    "reconcile_dirty": "d.warehouse_id, d.product_id",
    "rebate_dirty": 'd.partner_id, d.period COLLATE "C"',  # as Python sorts them
}


async def clear_marked(table: str, manufacturer_id: int, pairs: list[tuple[int, int]]) -> None:
    """Delete the rows (id, version) of a marked-keys table (``reconcile_dirty``,
    ``rebate_dirty``) of one tenant, unless marked again (a newer version) meanwhile."""
    key = _KEYS.get(table)
    if key is None:
        raise ValueError(table)
    if not pairs:
        return
    conn = connections.get("default")
    if is_postgres():
        # locked first in key order, as the marking upserts lock them: a delete in any
        # other order deadlocked with a posting marking the same keys (the job was retried)
        await conn.execute_query(
            f"WITH doomed AS (SELECT d.id FROM {table} d"
            " JOIN unnest($2::bigint[], $3::int[]) AS t(id, version)"
            " ON d.id = t.id AND d.version = t.version"
            f" WHERE d.manufacturer_id = $1 ORDER BY {key} FOR UPDATE OF d)"
            f" DELETE FROM {table} d USING doomed"
            " WHERE d.manufacturer_id = $1 AND d.id = doomed.id",
            [manufacturer_id, [p[0] for p in pairs], [p[1] for p in pairs]],
        )
        return
    await conn.execute_many(
        f"DELETE FROM {table} WHERE manufacturer_id = ? AND id = ? AND version = ?",
        [[manufacturer_id, *p] for p in pairs],
    )


async def request_reconcile(queue: JobQueue) -> None:
    """Recompute the marked keys soon rather than at the next cron tick (an accepted
    report). The dedupe key coalesces a burst of requests into one pending job."""
    await submit_job(queue, RECONCILE, dedupe_key=RECONCILE)
