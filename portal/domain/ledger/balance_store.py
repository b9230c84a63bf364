"""The storage side of posting: lock balance rows, insert entries, move balances.

Set-based on PostgreSQL (one ``SELECT ... FOR UPDATE`` and one statement per step, with
``unnest`` arrays) so that posting thousands of lines costs a handful of round trips;
plain ORM calls on SQLite, where a transaction holds the whole database anyway.
Always called inside the caller's transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tortoise import connections
from tortoise.expressions import F

from portal.db import is_postgres
from portal.models import LedgerEntry, StockBalance
from portal.models.enums import LedgerKind, Owner

Key = tuple[int, int, Owner]  # warehouse, product, owner
_OWNERS = {owner.value: owner for owner in Owner}


@dataclass(slots=True)
class BalanceRow:
    id: int
    quantity: int
    in_transit: int


@dataclass(slots=True)
class EntryRow:
    partner_id: int | None
    warehouse_id: int
    product_id: int
    owner: Owner
    quantity: int
    kind: LedgerKind
    business_date: date
    period: str
    serials: list[str]
    reason: str | None
    batch_no: str | None = None


_LOCK_PG = """
SELECT id, warehouse_id, product_id, owner, quantity, in_transit FROM stock_balance
WHERE manufacturer_id = $1 AND (warehouse_id, product_id, owner) IN (
    SELECT * FROM unnest($2::int[], $3::int[], $4::varchar[]))
ORDER BY warehouse_id, product_id, owner
FOR UPDATE"""

_CREATE_PG = """
INSERT INTO stock_balance
    (manufacturer_id, partner_id, warehouse_id, product_id, owner, quantity, in_transit, updated_at)
SELECT $1, p, w, pr, o, 0, 0, now()
FROM unnest($2::int[], $3::int[], $4::int[], $5::varchar[]) AS t(p, w, pr, o)
WHERE NOT EXISTS (  -- a key with a balance costs a read, not an attempted insert
    SELECT 1 FROM stock_balance b
    WHERE b.manufacturer_id = $1 AND b.warehouse_id = t.w AND b.product_id = t.pr
      AND b.owner = t.o)
ON CONFLICT (manufacturer_id, warehouse_id, product_id, owner) DO NOTHING"""

_ADD_PG = """
UPDATE stock_balance AS b SET {column} = b.{column} + v.d, updated_at = now()
FROM unnest($2::bigint[], $3::int[]) AS v(id, d) WHERE b.manufacturer_id = $1 AND b.id = v.id"""

_INSERT_PG = """
INSERT INTO ledger_entry
    (manufacturer_id, partner_id, warehouse_id, product_id, owner, quantity, kind,
     business_date, period, recorded_at, source_type, source_id, serials, reason, token_id,
     batch_no)
SELECT $1, p, w, pr, o, q, k, d, pe, now(), $2, $3, s::jsonb, r, $4, b
FROM unnest($5::int[], $6::int[], $7::int[], $8::varchar[], $9::int[], $10::varchar[],
            $11::date[], $12::varchar[], $13::text[], $14::varchar[], $15::varchar[])
    AS t(p, w, pr, o, q, k, d, pe, s, r, b)"""


# From this many entries a posting COPYs them into ledger_entry (one round trip, binary rows,
# no parameter arrays to unnest); fewer go in one INSERT, which costs no type lookup.
COPY_ROWS = 200
_COPY_COLUMNS = (
    "manufacturer_id", "partner_id", "warehouse_id", "product_id", "owner", "quantity", "kind",
    "business_date", "period", "recorded_at", "source_type", "source_id", "serials", "reason",
    "token_id", "batch_no",
)  # fmt: skip


def _conn() -> Any:
    return connections.get("default")


async def _lock_pg(manufacturer_id: int, keys: list[Key]) -> dict[Key, BalanceRow]:
    _, rows = await _conn().execute_query(
        _LOCK_PG,
        [manufacturer_id, [k[0] for k in keys], [k[1] for k in keys], [k[2].value for k in keys]],
    )
    return {
        (r["warehouse_id"], r["product_id"], _OWNERS[r["owner"]]): BalanceRow(
            r["id"], r["quantity"], r["in_transit"]
        )
        for r in rows
    }


async def lock(manufacturer_id: int, wanted: dict[Key, int | None]) -> dict[Key, BalanceRow]:
    """Balance rows of ``wanted`` (key → partner id), created if missing, locked in key order.

    On PostgreSQL the missing rows are created first, then every wanted row is locked in
    one statement in key order, so that concurrent postings always lock in the same order
    (locking the existing rows before creating the others deadlocked: a key created
    meanwhile by a third posting was then locked out of order)."""
    keys = sorted(wanted)
    if is_postgres():
        await _conn().execute_query(
            _CREATE_PG,
            [
                manufacturer_id,
                [wanted[k] for k in keys],
                [k[0] for k in keys],
                [k[1] for k in keys],
                [k[2].value for k in keys],
            ],
        )
        return await _lock_pg(manufacturer_id, keys)
    await StockBalance.bulk_create(
        [
            StockBalance(
                manufacturer_id=manufacturer_id,
                partner_id=wanted[k],
                warehouse_id=k[0],
                product_id=k[1],
                owner=k[2],
            )
            for k in keys
        ],
        ignore_conflicts=True,
    )
    locked = {}
    for key in keys:
        row = await StockBalance.get(
            manufacturer_id=manufacturer_id, warehouse_id=key[0], product_id=key[1], owner=key[2]
        )
        locked[key] = BalanceRow(row.id, row.quantity, row.in_transit)
    return locked


async def add(manufacturer_id: int, column: str, deltas: dict[int, int]) -> None:
    """Move the ``quantity`` or ``in_transit`` of balance rows (by id) by their deltas."""
    if column not in ("quantity", "in_transit"):
        raise ValueError(column)
    changes = {row_id: d for row_id, d in deltas.items() if d}
    if not changes:
        return
    if is_postgres():
        await _conn().execute_query(
            _ADD_PG.format(column=column),
            [manufacturer_id, list(changes), list(changes.values())],
        )
        return
    for row_id, delta in changes.items():
        await StockBalance.filter(manufacturer_id=manufacturer_id, id=row_id).update(
            **{column: F(column) + delta}
        )


async def insert_entries(
    manufacturer_id: int,
    rows: list[EntryRow],
    *,
    source: tuple[str, int],
    token_id: int | None,
) -> None:
    if is_postgres() and len(rows) >= COPY_ROWS:
        await _copy_entries(manufacturer_id, rows, source=source, token_id=token_id)
        return
    if is_postgres():
        await _conn().execute_query(
            _INSERT_PG,
            [
                manufacturer_id,
                source[0],
                source[1],
                token_id,
                [r.partner_id for r in rows],
                [r.warehouse_id for r in rows],
                [r.product_id for r in rows],
                [r.owner.value for r in rows],
                [r.quantity for r in rows],
                [r.kind.value for r in rows],
                [r.business_date for r in rows],
                [r.period for r in rows],
                [json.dumps(r.serials) for r in rows],
                [r.reason for r in rows],
                [r.batch_no for r in rows],
            ],
        )
        return
    now = datetime.now(UTC)
    await LedgerEntry.bulk_create(
        [
            LedgerEntry(
                manufacturer_id=manufacturer_id,
                partner_id=r.partner_id,
                warehouse_id=r.warehouse_id,
                product_id=r.product_id,
                owner=r.owner,
                quantity=r.quantity,
                kind=r.kind,
                business_date=r.business_date,
                period=r.period,
                recorded_at=now,
                source_type=source[0],
                source_id=source[1],
                serials=r.serials,
                reason=r.reason,
                batch_no=r.batch_no,
                token_id=token_id,
            )
            for r in rows
        ]
    )


async def _copy_entries(
    manufacturer_id: int,
    rows: list[EntryRow],
    *,
    source: tuple[str, int],
    token_id: int | None,
) -> None:
    now = datetime.now(UTC)
    source_type, source_id = source
    async with _conn().acquire_connection() as conn:
        await conn.copy_records_to_table(
            "ledger_entry",
            records=[
                (
                    manufacturer_id,
                    r.partner_id,
                    r.warehouse_id,
                    r.product_id,
                    r.owner.value,
                    r.quantity,
                    r.kind.value,
                    r.business_date,
                    r.period,
                    now,
                    source_type,
                    source_id,
                    json.dumps(r.serials) if r.serials else "[]",
                    r.reason,
                    token_id,
                    r.batch_no,
                )
                for r in rows
            ],
            columns=_COPY_COLUMNS,
        )
