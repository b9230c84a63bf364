"""Monthly partitions of the big tables on PostgreSQL, created ahead; issue retention.

    await ensure_partitions(today)                        # the daily job: months ahead exist
    await drop_expired_issues(today, retention_months=24)  # old issue rows go, a month at a time

``ledger_entry`` (by ``business_date``), ``pos_line`` (by ``sold_on``) and
``submission_issue`` (by ``recorded_on``) are range-partitioned by month on PostgreSQL
(migration ``0018_scale_partitions``), each with a ``…_default`` partition for dates
outside the monthly ones. Business dates are bounded to 31 days ahead (domain/bounds),
so creating :data:`MONTHS_AHEAD` months ahead keeps the default partition free of new
rows. On SQLite the tables are plain and retention deletes rows.
"""

from __future__ import annotations

from datetime import date

from tortoise import connections

from portal.db import is_postgres
from portal.models import SubmissionIssue

PARTITIONED: dict[str, str] = {
    "ledger_entry": "business_date",
    "pos_line": "sold_on",
    "submission_issue": "recorded_on",
}
MONTHS_AHEAD = 3


def month_start(day: date, shift: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + shift
    return date(index // 12, index % 12 + 1, 1)


def partition_name(table: str, month: date) -> str:
    return f"{table}_p{month.year:04d}_{month.month:02d}"


async def is_partitioned(table: str) -> bool:
    rows = await connections.get("default").execute_query_dict(
        "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE c.relname = $1",
        [table],
    )
    return bool(rows)


async def ensure_partitions(today: date, months_ahead: int = MONTHS_AHEAD) -> int:
    """Create the monthly partitions from this month to ``months_ahead`` on; returns how
    many were created (none on SQLite or on a table that is not partitioned)."""
    if not is_postgres():
        return 0
    created = 0
    conn = connections.get("default")
    for table in PARTITIONED:
        if not await is_partitioned(table):
            continue
        for shift in range(months_ahead + 1):
            start = month_start(today, shift)
            name = partition_name(table, start)
            exists = await conn.execute_query_dict(
                "SELECT 1 FROM pg_class WHERE relname = $1", [name]
            )
            if exists:
                continue
            end = month_start(start, 1)
            await conn.execute_script(
                f'CREATE TABLE "{name}" PARTITION OF "{table}" '
                f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
            )
            created += 1
    return created


async def drop_expired_issues(today: date, retention_months: int) -> int:
    """Drop issue rows recorded before the retention window (0: keep them all): whole
    monthly partitions on PostgreSQL, rows on SQLite. Returns partitions or rows dropped."""
    if retention_months <= 0:
        return 0
    cutoff = month_start(today, -retention_months)
    if not is_postgres():
        return await SubmissionIssue.filter(recorded_on__lt=cutoff).delete()
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        "SELECT c.relname AS name FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
        "WHERE p.relname = 'submission_issue' AND c.relname ~ '_p[0-9]{4}_[0-9]{2}$'",
        [],
    )
    dropped = 0
    for row in rows:
        name: str = row["name"]
        year, month = int(name[-7:-3]), int(name[-2:])
        if date(year, month, 1) < cutoff:
            await conn.execute_script(f'DROP TABLE "{name}"')
            dropped += 1
    await conn.execute_query(
        "DELETE FROM submission_issue_default WHERE recorded_on < $1", [cutoff]
    )
    return dropped
