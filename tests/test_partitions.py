"""Scale-out readiness on PostgreSQL: the big tables are partitioned by month, reads of the
hot paths touch only the partitions of their dates, the maintenance job creates months
ahead and drops expired issue rows, and the migration converts existing data without loss."""

from __future__ import annotations

import re
from datetime import date

import asyncpg
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from portal.db import close_database, open_database
from portal.domain.ledger.check import ledger_mismatches
from portal.domain.partitions import (
    PARTITIONED,
    drop_expired_issues,
    ensure_partitions,
    is_partitioned,
)
from portal.domain.reporting.lines import pos_lines_of
from portal.domain.reporting.reads import issues_of
from portal.models import LedgerEntry, Submission, SubmissionIssue
from portal.models.enums import SubmissionKind, SubmissionStatus
from portal.scratch import ensure_database, foreign_tables
from portal.settings import Settings

ON_POSTGRES = pytest.mark.parametrize("settings", ["postgres"], indirect=True)


async def _plan(sql: str) -> str:
    rows = await connections.get("default").execute_query_dict(f"EXPLAIN {sql}")
    return "\n".join(row["QUERY PLAN"] for row in rows)


def _partitions_in(plan: str, table: str) -> set[str]:
    return set(re.findall(rf"\b{table}_(p\d{{4}}_\d{{2}}|default)\b", plan))


@ON_POSTGRES
async def test_hot_reads_touch_only_the_partitions_of_their_dates(db) -> None:
    from portal.demo import seed_demo

    await seed_demo()
    assert all([await is_partitioned(table) for table in PARTITIONED])
    pos = await Submission.filter(kind=SubmissionKind.POS, status=SubmissionStatus.ACCEPTED).first()
    assert pos is not None and await pos_lines_of(pos).count() > 0
    year, month = (int(x) for x in pos.period.split("-"))
    assert _partitions_in(await _plan(pos_lines_of(pos).sql(params_inline=True)), "pos_line") == {
        f"p{year:04d}_{month:02d}"
    }
    one_month = LedgerEntry.filter(
        manufacturer_id=pos.manufacturer_id,
        business_date__gte=date(year, month, 1),
        business_date__lt=date(year + month // 12, month % 12 + 1, 1),
    )
    assert _partitions_in(await _plan(one_month.sql(params_inline=True)), "ledger_entry") == {
        f"p{year:04d}_{month:02d}"
    }
    issues = issues_of(pos.manufacturer_id, pos.id, date.today())
    touched = _partitions_in(await _plan(issues.sql(params_inline=True)), "submission_issue")
    assert "default" not in touched and all(p >= f"p{date.today():%Y_%m}" for p in touched)


@ON_POSTGRES
async def test_a_recompute_reads_only_the_ledger_partitions_of_its_periods(db) -> None:
    """The opening balance comes from the balance projection minus the entries of the
    recomputed periods: a recompute of the last month never reads the months before it."""
    from portal.demo import seed_demo
    from portal.domain.periods import period_containing
    from portal.domain.reconciliation import sql_path
    from portal.models import ManufacturerSettings, StockBalance

    await seed_demo()
    balance = await StockBalance.filter(warehouse__partner_id__not_isnull=True).first()
    assert balance is not None
    mid = balance.manufacturer_id
    history = await LedgerEntry.filter(manufacturer_id=mid).order_by("business_date").first()
    settings = await ManufacturerSettings.get(manufacturer_id=mid)
    today = date.today()
    last = period_containing(today, settings.period_granularity)
    assert history is not None and history.business_date < last.start  # there is a past
    steps = sql_path.statements(
        mid,
        [(balance.warehouse_id, balance.product_id, last.start)],
        [(last.name, last.start, last.end, last.due_on(settings.submission_due_days))],
        settings,
        today,
    )
    plan, explained = "", 0
    async with in_transaction():
        conn = connections.get("default")
        await conn.execute_script(sql_path.SETTINGS)
        for sql, args in steps:  # each statement that reads the ledger is explained, then run
            if "ledger_entry" in sql:
                rows = await conn.execute_query_dict(f"EXPLAIN {sql}", args)
                plan += "\n".join(row["QUERY PLAN"] for row in rows) + "\n"
                explained += 1
            await conn.execute_query(sql, args)
    assert explained == 2  # the moves of the periods, and the entries dated after them
    touched = _partitions_in(plan, "ledger_entry")
    assert f"p{last.start:%Y_%m}" in touched
    assert all(p >= f"p{last.start:%Y_%m}" for p in touched - {"default"}), touched


@ON_POSTGRES
async def test_maintenance_creates_months_ahead_and_drops_expired_issues(db) -> None:
    future = date.today().replace(day=1).replace(year=date.today().year + 2)
    created = await ensure_partitions(future, months_ahead=2)
    assert created == 3 * len(PARTITIONED)
    assert await ensure_partitions(future, months_ahead=2) == 0  # idempotent
    names = {
        row["relname"]
        for row in await connections.get("default").execute_query_dict(
            "SELECT relname FROM pg_class WHERE relname LIKE 'pos_line_p%'"
        )
    }
    assert f"pos_line_p{future:%Y_%m}" in names
    before = sum(1 for n in names if n.startswith("pos_line_p"))
    dropped = await drop_expired_issues(date.today(), retention_months=12)
    assert dropped == 12  # the migration made 24 past months; the older half goes
    assert await drop_expired_issues(date.today(), retention_months=0) == 0
    assert before > 0


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
async def test_on_sqlite_retention_deletes_old_issue_rows(db) -> None:
    from portal.demo import seed_demo

    await seed_demo()
    submission = await Submission.first()
    assert submission is not None
    for day in (date(2001, 1, 1), date(2001, 6, 30), date.today()):
        await SubmissionIssue.create(
            manufacturer_id=submission.manufacturer_id,
            submission=submission,
            row=1,
            code="X",
            message="x",
            recorded_on=day,
        )
    total = await SubmissionIssue.all().count()
    old = await SubmissionIssue.filter(recorded_on__lt=date(2002, 1, 1)).count()
    assert old == 2
    assert await drop_expired_issues(date.today(), retention_months=12) == old
    assert await SubmissionIssue.all().count() == total - old


async def _counts(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        tables = await conn.fetch(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
            "AND c.relname <> 'tortoise_migrations'"
        )
        return {
            t["relname"]: await conn.fetchval(f'SELECT count(*) FROM "{t["relname"]}"')
            for t in tables
        }
    finally:
        await conn.close()


UNPARTITION = """
ALTER SEQUENCE {table}_id_seq OWNED BY NONE;
CREATE TABLE {table}_plain (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
INSERT INTO {table}_plain SELECT * FROM {table};
DROP TABLE {table};
ALTER TABLE {table}_plain RENAME TO {table};
ALTER TABLE {table} ADD PRIMARY KEY (id);
ALTER SEQUENCE {table}_id_seq OWNED BY {table}.id;
"""


async def test_migrate_converts_the_demo_data_without_loss(postgres_ready: str) -> None:
    """A database of the demo data whose big tables are plain (as before the partitioning
    migration) is converted by ``portal migrate`` with every row and a clean ledger."""
    from portal.demo import seed_demo
    from portal.migrate import migrate

    url = postgres_ready + "_convert"
    await ensure_database(url)
    refusal = await foreign_tables(url)
    assert refusal is None, refusal
    conn = await asyncpg.connect(url)
    await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    await conn.close()
    settings = Settings(database_url=url)
    await migrate(settings)
    await open_database(settings)
    try:
        await seed_demo()
        submission = await Submission.first()
        assert submission is not None
        for day in (date(2003, 3, 3), date.today()):  # one falls in the default partition
            await SubmissionIssue.create(
                manufacturer_id=submission.manufacturer_id,
                submission=submission,
                row=1,
                code="X",
                message="x",
                recorded_on=day,
            )
    finally:
        await close_database()
    conn = await asyncpg.connect(url)
    try:  # back to the schema before the migration: plain tables, migration not applied
        for table in PARTITIONED:
            await conn.execute(UNPARTITION.format(table=table))
        await conn.execute("DELETE FROM tortoise_migrations WHERE name = '0018_scale_partitions'")
    finally:
        await conn.close()
    await open_database(settings)
    try:
        assert not any([await is_partitioned(table) for table in PARTITIONED])
        assert await ledger_mismatches() == []
    finally:
        await close_database()
    before = await _counts(url)
    assert before["pos_line"] > 0 and before["ledger_entry"] > 0
    assert before["submission_issue"] > 0

    await migrate(settings)

    assert await _counts(url) == before
    await open_database(settings)
    try:
        assert all([await is_partitioned(table) for table in PARTITIONED])
        assert await ledger_mismatches() == []
        await seed_demo()  # the partitioned tables take new rows (ids go on from the old)
        assert await ledger_mismatches() == []
    finally:
        await close_database()
