"""Fast multi-row inserts for append-only tables, without building ORM objects.

    await insert_rows("pos_line", {"submission_id": "bigint", "row": "int", ...}, rows)
    rows = await fetch_records("SELECT id, key FROM ... WHERE manufacturer_id = $1", [m])

PostgreSQL: one ``INSERT ... SELECT * FROM unnest(...)`` per call; SQLite: one
``executemany``. Column names and types come from code, never from input. Runs in the
caller's transaction when there is one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise import connections

from portal.db import is_postgres


async def insert_rows(table: str, columns: dict[str, str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    names = ", ".join(f'"{name}"' for name in columns)
    conn = connections.get("default")
    if is_postgres():
        arrays = ", ".join(f"${i}::{kind}[]" for i, kind in enumerate(columns.values(), start=1))
        await conn.execute_query(
            f'INSERT INTO "{table}" ({names}) SELECT * FROM unnest({arrays})',
            [list(column) for column in zip(*rows, strict=True)],
        )
        return
    marks = ", ".join("?" for _ in columns)
    await conn.execute_many(
        f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [list(r) for r in rows]
    )


async def fetch_records(query: str, values: list[Any]) -> Sequence[Any]:
    """A read-only SELECT's rows as the driver gives them (PostgreSQL: asyncpg records,
    read by position or by name), without a dict per row."""
    result: tuple[int, Sequence[Any]] = await connections.get("default").execute_query(
        query, values
    )
    return result[1]
