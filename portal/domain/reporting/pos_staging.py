"""Validating a POS report set-based on PostgreSQL: COPY into staging, checks as joins.

    outcome = await stage_pos(submission, checker, rows, chunk_rows=5000, cap=1000)

Rows stream from the stored file a slice at a time
(:func:`~portal.domain.reporting.files.stream_rows`), get the checks that need no table in
Python (:mod:`portal.domain.reporting.pos_rows`) and are copied, as they are read, by one
COPY into a temporary staging table of the validating transaction. Then SQL does what
needs tables: warehouse and SKU (or partner SKU), the period, serial counts, duplicate
lines and serials, serial units never shipped or already sold; it writes the listed
issues, registers new end customers (one per key) and inserts the accepted lines with
``INSERT ... SELECT``, all in that one transaction. The result is the one the row-by-row
path gives (``tests/test_ingest_paths.py``): the same issues (codes, rows, messages, the
same first ``cap`` listed, in the order of chunks), the same lines and customers.
Progress (``rows_done``) and the job's heartbeat are written every second on another
connection while the rows stream and are checked; a run that dies leaves nothing but that
progress, and the next run starts over.
"""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from portal.domain.bounds.text import printable
from portal.domain.bulk import insert_rows
from portal.domain.errors import ErrorCode
from portal.domain.reporting import pos_rows as ranks
from portal.domain.reporting.files import FileProblem
from portal.domain.reporting.pos_rows import STAGE_COLUMNS, STAGE_TYPES, PosStager
from portal.domain.reporting.row_validation import RowChecker, batch_issue
from portal.models import Submission
from portal.models.enums import IssueSeverity

Heartbeat = Callable[[], Awaitable[None]]
T = TypeVar("T")


class Progress(Protocol):
    done: int  # rows staged so far


WORK_MEM_MB = 256  # the default of PORTAL_INGEST_WORK_MEM_MB: a 1M-line file sorts in memory
KEEP_UP_SECONDS = 1.0  # progress and heartbeat while a file is staged and checked
COLLECT_EVERY_ROWS = 200_000  # a full garbage collection while the collector is paused
_SLOTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


@dataclass(slots=True)
class StagedOutcome:
    rows: int
    valid: int
    errors: int
    warnings: int


_STAGE = "pos_stage"
_CREATE_STAGE = (
    f"CREATE TEMP TABLE {_STAGE} ("
    + ", ".join(f"{c} {t}" for c, t in zip(STAGE_COLUMNS, STAGE_TYPES, strict=True))
    + ") ON COMMIT DROP"
)

# The checks that need tables, folded into each row's rank: the smallest failing one wins,
# as the first failing check does in RowChecker.check_pos.
_CREATE_CHECKED = """
CREATE TEMP TABLE pos_checked (
    seq int PRIMARY KEY, row int, warehouse_code text, sku text, quantity int, sold_on date,
    name text, country text, postal_code text, unit_price numeric, currency text,
    invoice_no text, serials text[], batch_no text, customer_key text, field text, code text,
    message text, warehouse_id int, product_id int, product_sku text, serial_controlled boolean,
    batch_controlled boolean, detail text, rank int, own_rank int
) ON COMMIT DROP"""


def _check(staged: str) -> str:
    """The checks over ``staged``: the staging table, or a query of the same columns whose
    parameters follow the five of these checks."""
    return f"""
INSERT INTO pos_checked
SELECT seq, row, warehouse_code, sku, quantity, sold_on, name, country, postal_code,
       unit_price, currency, invoice_no, serials, batch_no, customer_key, field, code, message,
       warehouse_id, product_id, product_sku, serial_controlled, batch_controlled, NULL,
       rank, own_rank
FROM (
    SELECT s.seq, s.row, s.warehouse_code, s.sku, s.quantity, s.sold_on, s.name, s.country,
           s.postal_code, s.unit_price, s.currency, s.invoice_no, s.serials, s.batch_no,
           s.customer_key,
           s.field, s.code, s.message, w.id AS warehouse_id,
           COALESCE(pd.id, pm.id) AS product_id, COALESCE(pd.sku, pm.sku) AS product_sku,
           COALESCE(pd.serial_controlled, pm.serial_controlled) AS serial_controlled,
           COALESCE(pd.batch_controlled, pm.batch_controlled) AS batch_controlled,
           LEAST(
               s.rank,
               CASE WHEN w.id IS NULL AND s.warehouse_code <> '' THEN {ranks.WAREHOUSE} END,
               CASE WHEN pd.id IS NULL AND pm.id IS NULL AND s.sku <> '' THEN {ranks.SKU} END,
               CASE WHEN s.sold_on NOT BETWEEN $4 AND $5 THEN {ranks.SOLD_ON} END,
               CASE WHEN COALESCE(pd.serial_controlled, pm.serial_controlled)
                         AND cardinality(s.serials) <> abs(s.quantity)
                    THEN {ranks.SERIAL_COUNT} END,
               CASE WHEN NOT COALESCE(pd.serial_controlled, pm.serial_controlled)
                         AND cardinality(s.serials) > 0
                    THEN {ranks.NOT_SERIALISED} END,
               CASE WHEN (COALESCE(pd.batch_controlled, pm.batch_controlled)
                          AND s.batch_no = '' AND s.quantity > 0)
                         OR (NOT COALESCE(pd.batch_controlled, pm.batch_controlled)
                             AND s.batch_no <> '')
                    THEN {ranks.BATCH} END
           ) AS rank,
           s.rank AS own_rank
    FROM {staged} s
    LEFT JOIN warehouse w
        ON w.manufacturer_id = $1 AND w.partner_id = $2 AND w.active
           AND w.code = s.warehouse_code
    LEFT JOIN product pd ON pd.manufacturer_id = $1 AND NOT $3 AND pd.sku = s.sku
    LEFT JOIN (
        SELECT m.partner_sku, pr.id, pr.sku, pr.serial_controlled, pr.batch_controlled
        FROM partner_sku_mapping m
        JOIN product pr ON pr.manufacturer_id = $1 AND pr.id = m.product_id
        WHERE m.manufacturer_id = $1 AND m.partner_id = $2
    ) pm ON pm.partner_sku = s.sku
) checked"""


# A passing line without serials repeating the invoice, product and batch of an earlier
# one. The repeated keys are found by hashing (most files have none), and only their lines
# are put in order.
_INVOICE_REPEATED = f"""
UPDATE pos_checked c SET rank = {ranks.INVOICE_REPEATED}
FROM (
    SELECT seq, row_number() OVER (PARTITION BY invoice_no, product_id, batch_no ORDER BY seq)
    FROM pos_checked
    WHERE invoice_no <> '' AND cardinality(serials) = 0 AND rank = {ranks.VALID}
      AND (invoice_no, product_id, batch_no) IN (
          SELECT invoice_no, product_id, batch_no FROM pos_checked
          WHERE invoice_no <> '' AND cardinality(serials) = 0 AND rank = {ranks.VALID}
          GROUP BY invoice_no, product_id, batch_no HAVING count(*) > 1
      )
) r
WHERE r.row_number > 1 AND c.seq = r.seq"""

# Passing lines sharing a serial with another passing line: decided in file order below.
_SERIAL_CONTESTED = f"""
WITH units AS (
    SELECT c.seq, c.product_id, x.serial
    FROM pos_checked c, unnest(c.serials) AS x(serial)
    WHERE c.rank = {ranks.VALID}
), shared AS (
    SELECT product_id, serial FROM units GROUP BY product_id, serial HAVING count(*) > 1
)
SELECT c.seq, c.product_id, c.product_sku, c.serials FROM pos_checked c
WHERE c.seq IN (SELECT u.seq FROM units u JOIN shared USING (product_id, serial))
ORDER BY c.seq"""

_MARK = """
UPDATE pos_checked c SET rank = $1, detail = t.detail
FROM unnest($2::int[], $3::text[]) AS t(seq, detail) WHERE c.seq = t.seq"""

# Serials of passing lines that were never shipped to the partner, or are already sold.
_CREATE_SERIAL_ISSUE = """
CREATE TEMP TABLE pos_serial_issue (seq int, row int, n bigint, serial text, code text)
ON COMMIT DROP"""

_SERIAL_STOCK = f"""
INSERT INTO pos_serial_issue
SELECT c.seq, c.row, x.n, x.serial,
       CASE WHEN u.id IS NULL OR ow.id IS NULL THEN 'SERIAL_UNKNOWN'
            ELSE 'SERIAL_ALREADY_SOLD' END
FROM pos_checked c
CROSS JOIN LATERAL unnest(c.serials) WITH ORDINALITY AS x(serial, n)
LEFT JOIN serial_unit u
    ON u.manufacturer_id = $1 AND u.product_id = c.product_id AND u.serial = x.serial
LEFT JOIN warehouse ow
    ON ow.manufacturer_id = $1 AND ow.partner_id = $2 AND ow.active AND ow.id = u.warehouse_id
WHERE c.rank = {ranks.VALID} AND cardinality(c.serials) > 0 AND (
    u.id IS NULL OR ow.id IS NULL
    OR (c.quantity > 0 AND u.status <> 'IN_STOCK'
        AND NOT (u.status = 'GONE' AND u.sold_in_submission_id = ANY($3::bigint[]))))"""

_SERIAL_STOCK_MARK = f"""
UPDATE pos_checked c SET rank = {ranks.SERIAL_STOCK}
WHERE c.seq IN (SELECT seq FROM pos_serial_issue)"""

# Issues in the order the row-by-row path records them: per chunk, its rows' issues, then
# its serial issues.
_ISSUES = f"""
SELECT seq / $1 AS chunk, 0 AS phase, seq, 0 AS n, row, rank, own_rank, field, code, message,
       warehouse_code, sku, sold_on, quantity, serials, product_sku, invoice_no, detail,
       batch_no, batch_controlled
FROM pos_checked WHERE rank < {ranks.VALID} AND rank <> {ranks.SERIAL_STOCK}
UNION ALL
SELECT seq / $1, 1, seq, n, row, {ranks.SERIAL_STOCK}, NULL, 'serials', code, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, serial, NULL, NULL
FROM pos_serial_issue
ORDER BY chunk, phase, seq, n"""

_COUNT = f"""
SELECT chunk, sum(errors)::int AS errors, sum(valid)::int AS valid,
       sum(checked)::int AS checked FROM (
    SELECT seq / $1 AS chunk,
           count(*) FILTER (WHERE rank < {ranks.VALID} AND rank <> {ranks.SERIAL_STOCK}) AS errors,
           count(*) FILTER (WHERE rank = {ranks.VALID}) AS valid, count(*) AS checked
    FROM pos_checked GROUP BY 1
    UNION ALL
    SELECT seq / $1, count(*), 0, 0 FROM pos_serial_issue GROUP BY 1
) t GROUP BY chunk ORDER BY chunk"""

# A new customer is registered under the first spelling of its key in the file (the first
# lines found by hashing the keys, not by sorting every line).
_CUSTOMERS = f"""
INSERT INTO end_customer (manufacturer_id, key, name, country, postal_code)
SELECT $1, c.customer_key, left(c.name, 300), left(c.country, 2), left(c.postal_code, 20)
FROM pos_checked c
WHERE c.seq IN (
    SELECT min(seq) FROM pos_checked
    WHERE rank = {ranks.VALID} AND seq < $2 GROUP BY customer_key
)
ORDER BY c.customer_key
ON CONFLICT (manufacturer_id, key) DO NOTHING"""

# For the validating transaction: work_mem for the sorts and hashes over a whole file's
# lines ($1 MB per operation, PORTAL_INGEST_WORK_MEM_MB; 0 keeps the database's), and no
# JIT: compiling the checks' expressions took longer than it saved.
SESSION = """
SELECT set_config('work_mem', CASE WHEN $1::int > 0 THEN ($1::int * 1024) || 'kB'
                                   ELSE current_setting('work_mem') END, true),
       set_config('jit', 'off', true)"""

_LINES = f"""
INSERT INTO pos_line (manufacturer_id, submission_id, row, warehouse_id, product_id, quantity,
    sold_on, end_customer_id, end_customer_name, unit_price, currency, invoice_no, serials,
    batch_no)
SELECT $1, $2, c.row, c.warehouse_id, c.product_id, c.quantity, c.sold_on, e.id, c.name,
       c.unit_price, c.currency, c.invoice_no, to_jsonb(c.serials), NULLIF(c.batch_no, '')
FROM pos_checked c JOIN end_customer e ON e.manufacturer_id = $1 AND e.key = c.customer_key
WHERE c.rank = {ranks.VALID} AND c.seq < $3
ORDER BY c.seq"""

_ISSUE_COLUMNS = {
    "manufacturer_id": "int",
    "submission_id": "bigint",
    "row": "int",
    "field": "text",
    "code": "text",
    "message": "text",
    "severity": "text",
    "recorded_on": "date",
}


def _message(r: Any, period_name: str) -> tuple[str | None, str, str]:
    """(field, code, message) of one issue row, worded as RowChecker words it."""
    rank = r["rank"]
    if rank == ranks.SERIAL_STOCK:
        if r["code"] == "SERIAL_UNKNOWN":
            return "serials", "SERIAL_UNKNOWN", f"Serial {r['detail']} was never shipped to you."
        return (
            "serials",
            "SERIAL_ALREADY_SOLD",
            f"Serial {r['detail']} is already sold or not in stock.",
        )
    if rank == r["own_rank"]:
        if rank == ranks.SERIAL_REPEATED:
            return "serials", r["code"], f"A serial of {r['product_sku']} is repeated on this line."
        return r["field"], r["code"], r["message"]
    if rank == ranks.WAREHOUSE:
        return (
            "warehouse_code",
            "UNKNOWN_WAREHOUSE",
            f"'{printable(r['warehouse_code'])}' is not one of your warehouses.",
        )
    if rank == ranks.SKU:
        return "sku", "UNKNOWN_SKU", f"Unknown SKU '{printable(r['sku'])}'."
    if rank == ranks.SOLD_ON:
        return (
            "sold_on",
            "DATE_OUTSIDE_PERIOD",
            f"sold_on {r['sold_on']} is outside period {period_name}.",
        )
    if rank == ranks.SERIAL_COUNT:
        return (
            "serials",
            "SERIALS_MISMATCH",
            f"{r['product_sku']} needs {abs(r['quantity'])} serials, got {len(r['serials'])}.",
        )
    if rank == ranks.NOT_SERIALISED:
        return "serials", "SERIALS_MISMATCH", f"{r['product_sku']} is not serial-controlled."
    if rank == ranks.BATCH:
        problem = batch_issue(
            r["product_sku"], r["batch_controlled"], r["batch_no"] or "", r["quantity"]
        )
        if problem is not None:  # the rank says there is one
            return problem
    if rank == ranks.SERIAL_EARLIER:
        return (
            "serials",
            "DUPLICATE_SERIAL",
            f"Serial {r['detail']} of {r['product_sku']} is already on an earlier line.",
        )
    return (
        "invoice_no",
        "DUPLICATE_LINE",
        f"Invoice {r['invoice_no']}, {r['product_sku']} is reported twice.",
    )


class _Feed:
    """A file's rows as staging records, read by a task of their own outside the
    validating transaction (the stored file's slices are read on the pool while the
    transaction's connection is busy with the COPY) and handed over a chunk at a time.

    A :class:`FileProblem` met while reading ends the feed and drops the rows of the chunk
    it cut (as the row-by-row path commits whole chunks only); ``done`` counts the rows
    handed to the COPY."""

    def __init__(
        self, stager: PosStager, rows: AsyncIterator[tuple[int, dict[str, str]]], chunk_rows: int
    ) -> None:
        self.stager = stager
        self.rows = rows
        self.chunk_rows = chunk_rows
        self.chunks: asyncio.Queue[list[tuple[Any, ...]] | None] = asyncio.Queue(maxsize=2)
        self.done = 0
        self.problem: FileProblem | None = None
        self.keeper: asyncio.Task[None] | None = None  # see keep_up

    async def read(self) -> None:
        """The reading task: every chunk, then ``None``."""
        chunk: list[tuple[Any, ...]] = []
        seq = 0
        try:
            async for row, values in self.rows:
                chunk.append(self.stager.record(seq, row, values))
                seq += 1
                if len(chunk) >= self.chunk_rows:
                    await self.chunks.put(chunk)
                    chunk = []
                if seq % COLLECT_EVERY_ROWS == 0 and not gc.isenabled():
                    gc.collect()  # other jobs' cycles, while collections are paused
        except FileProblem as found:
            self.problem, chunk = found, []
        if chunk:
            await self.chunks.put(chunk)
        await self.chunks.put(None)

    async def records(self, reader: asyncio.Task[None]) -> AsyncIterator[tuple[Any, ...]]:
        """The records for the COPY, as the reading task hands them over."""
        while True:
            chunk = await first(self.chunks.get(), reader)
            if chunk is None:
                return
            if self.keeper is not None and self.keeper.done():
                self.keeper.result()  # the lease or the progress failed: stop here
            for record in chunk:
                yield record
            self.done += len(chunk)


async def first(got: Coroutine[Any, Any, T], reader: asyncio.Task[None]) -> T:
    """What ``got`` gives, or the reading task's failure if it ends without handing one."""
    getting = asyncio.ensure_future(got)
    try:
        await asyncio.wait({getting, reader}, return_when=asyncio.FIRST_COMPLETED)
        if not getting.done():
            reader.result()  # it failed (it puts None when it ends well)
            return await getting
        return getting.result()
    finally:
        getting.cancel()


async def keep_up(feed: Progress, submission: Submission, heartbeat: Heartbeat | None) -> None:
    """Every second, on a pooled connection outside the validating transaction (so that
    both are seen at once): the rows read so far as the submission's progress, and the
    job's heartbeat, also through the set-based checks that follow the reading."""
    progress = connections.get("default")
    reported = 0
    while True:
        await asyncio.sleep(KEEP_UP_SECONDS)
        if (done := feed.done) != reported:
            reported = done
            await progress.execute_query(
                "UPDATE submission SET rows_done = $1, rows_total = GREATEST(rows_total, $1) "
                "WHERE manufacturer_id = $2 AND id = $3",
                [done, submission.manufacturer_id, submission.id],
            )
        if heartbeat is not None:
            await heartbeat()


class _CollectionPause:
    """Python's cyclic garbage collector off while rows stream: they make no cycles, and
    the collections their millions of short-lived tuples and dicts set off were a sixth
    of the reading's time. Stagings may overlap: the last one to end turns it back on,
    if it was on when the first began. It is off for the whole process, so the reading
    collects in full every :data:`COLLECT_EVERY_ROWS` rows (the other jobs' cycles)."""

    def __init__(self) -> None:
        self.running = 0
        self.resume = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        if self.running == 0:
            self.resume = gc.isenabled()
            gc.disable()
        self.running += 1
        try:
            yield
        finally:
            self.running -= 1
            if self.running == 0 and self.resume:
                gc.enable()


_collection_paused = _CollectionPause()


async def stage_pos(
    submission: Submission,
    checker: RowChecker,
    rows: AsyncIterator[tuple[int, dict[str, str]]],
    *,
    series_ids: list[int],
    chunk_rows: int,
    cap: int,
    heartbeat: Heartbeat | None = None,
    work_mem_mb: int = 0,
) -> tuple[StagedOutcome, FileProblem | None]:
    """Validate a POS report's rows and write its issues and lines, in one transaction.

    The rows go to the staging table in one COPY fed as they are read, so that the
    database stores them while Python reads the next ones. A :class:`FileProblem` met
    while reading is returned with what was read before it in whole chunks (as the
    row-by-row path commits them); the caller records it."""
    feed = _Feed(PosStager(checker), rows, chunk_rows)
    # created outside the transaction (its statements go to the pool, not to it), and
    # before the wait for a staging slot, which keeps the job's lease too
    keeper = feed.keeper = asyncio.create_task(keep_up(feed, submission, heartbeat))
    reader: asyncio.Task[None] | None = None
    try:
        async with staging_slot():
            reader = asyncio.create_task(feed.read())  # outside the transaction as well
            async with in_transaction() as tx:
                await tx.execute_query(SESSION, [work_mem_mb])
                await tx.execute_script(_CREATE_STAGE)
                async with tx.acquire_connection() as conn:
                    with _collection_paused():
                        await conn.copy_records_to_table(
                            _STAGE, records=feed.records(reader), columns=STAGE_COLUMNS
                        )
                outcome = await check_and_write(
                    tx,
                    submission,
                    checker,
                    feed.done,
                    series_ids=series_ids,
                    chunk_rows=chunk_rows,
                    cap=cap,
                )
                if keeper.done():  # the heartbeat or the progress failed: roll back
                    keeper.result()
                if heartbeat is not None:  # in the transaction: a run that lost its job
                    await heartbeat()  # commits nothing (LeaseLost rolls back)
    finally:
        tasks = [t for t in (reader, keeper) if t is not None]
        for task in tasks:
            task.cancel()
        # their own failures are not raised again here (the reader's reached the COPY); a
        # cancellation of this staging while it waits for them still is
        await asyncio.gather(*tasks, return_exceptions=True)
    return outcome, feed.problem


def staging_slot() -> asyncio.Semaphore:
    """At most :func:`stagings_at_once` stagings at once in a process (per event loop):
    each holds a pooled connection for its transaction while its reading task and its
    progress need another one now and then; as many stagings as the pool has connections
    would hold them all and wait for each other for ever."""
    loop = asyncio.get_running_loop()
    slot = _SLOTS.get(loop)
    if slot is None:
        slot = _SLOTS[loop] = asyncio.Semaphore(stagings_at_once())
    return slot


def stagings_at_once() -> int:
    """One staging per two pooled connections beyond the first (the pool's size is the
    database URL's ``maxsize``, 5 by default: two stagings); at least one, which needs a
    pool of two."""
    size = getattr(connections.get("default"), "pool_maxsize", 5)
    return max(1, (int(size) - 1) // 2)


async def check_and_write(
    tx: BaseDBAsyncClient,
    submission: Submission,
    checker: RowChecker,
    rows: int,
    *,
    series_ids: list[int],
    chunk_rows: int,
    cap: int,
    staged: tuple[str, list[Any]] | None = None,
) -> StagedOutcome:
    """The set-based checks of the staged records, then their issues and lines written.
    ``staged``: a query giving the records (and its parameters), instead of the staging
    table."""
    tenant, partner = submission.manufacturer_id, submission.partner_id
    period = checker.period
    await tx.execute_script(_CREATE_CHECKED + ";" + _CREATE_SERIAL_ISSUE)
    checks = [tenant, partner, checker.layout.partner_skus, period.start, period.end]
    if staged is None:
        await tx.execute_script(f"ANALYZE {_STAGE}")  # a temp table has no statistics otherwise
        await tx.execute_query(_check(_STAGE), checks)
    else:  # the records straight from a query: never written to the staging table
        await tx.execute_query(_check(f"({staged[0]})"), checks + staged[1])
    # the statistics first: without them the repeated keys' join is a nested loop
    await tx.execute_script("ANALYZE pos_checked")
    await tx.execute_query(_INVOICE_REPEATED)
    await _decide_contested_serials(tx)
    await tx.execute_query(_SERIAL_STOCK, [tenant, partner, series_ids])
    await tx.execute_query(_SERIAL_STOCK_MARK)
    _, counts = await tx.execute_query(_COUNT, [chunk_rows])
    checked = sum(count["checked"] for count in counts)
    if checked != rows:  # never a row lost on the way
        raise RuntimeError(f"{rows} rows staged, {checked} checked")
    errors = valid = 0
    saved_below = rows  # lines of the chunks that began with at most ``cap`` errors are kept
    for count in counts:
        if errors > cap:
            saved_below = min(saved_below, count["chunk"] * chunk_rows)
        errors += count["errors"]
        valid += count["valid"]
    warnings = 0  # the cap's notice is listed, not counted (as in the row-by-row path)
    if errors:
        _, listed = await tx.execute_query(_ISSUES + f" LIMIT {cap + 1}", [chunk_rows])
        issues = [(r["row"], *_message(r, period.name), IssueSeverity.ERROR) for r in listed]
        if len(issues) > cap:
            over_row = issues[cap][0]
            issues = issues[:cap]
            issues.append(
                (
                    over_row,
                    None,
                    ErrorCode.TOO_MANY_ISSUES.value,
                    f"More than {cap} issues: the rest are counted in errorCount and "
                    "warningCount but not listed.",
                    IssueSeverity.WARNING,
                )
            )
        today = datetime.now(UTC).date()
        await insert_rows(
            "submission_issue",
            _ISSUE_COLUMNS,
            [
                (tenant, submission.id, row, f, code, message[:500], severity.value, today)
                for row, f, code, message, severity in issues
            ],
        )
    if valid:
        await tx.execute_query(_CUSTOMERS, [tenant, saved_below])
        await tx.execute_query(_LINES, [tenant, submission.id, saved_below])
    await Submission.filter(manufacturer_id=tenant, id=submission.id).update(
        rows_done=rows, error_count=errors, warning_count=warnings
    )
    return StagedOutcome(rows, valid, errors, warnings)


async def _decide_contested_serials(tx: BaseDBAsyncClient) -> None:
    """Lines that share a serial with another line are decided in file order, as the
    row-by-row path does: a line whose serial an earlier *accepted* line sold is refused,
    and a refused line sells nothing (so a third line may still sell its other serials)."""
    _, contested = await tx.execute_query(_SERIAL_CONTESTED)
    if not contested:
        return
    seen: set[tuple[int, str]] = set()
    refused: list[tuple[int, str]] = []
    for line in contested:
        product_id = line["product_id"]
        earlier = next((s for s in line["serials"] if (product_id, s) in seen), None)
        if earlier is not None:
            refused.append((line["seq"], earlier))
        else:
            seen.update((product_id, s) for s in line["serials"])
    if refused:
        await tx.execute_query(
            _MARK, [ranks.SERIAL_EARLIER, [r[0] for r in refused], [r[1] for r in refused]]
        )
