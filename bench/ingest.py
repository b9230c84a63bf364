"""Partner-file ingestion on PostgreSQL + Redis with a real worker, against raw COPY.

    PORTAL_DATABASE_URL=postgres://.../db PORTAL_REDIS_URL=redis://.../7 \
        python bench/ingest.py [--rows 250000,1000000] [--xlsx-rows 100000] [--files 1] \
        [--resident]

For each size, generates a POS CSV, uploads it through ``POST /uploads`` (the app
in-process), and lets a real ``portal worker --burst`` process validate and post it; the
end-to-end time runs from the upload until that worker finds its queue empty and exits.
In the same run the same rows, pre-parsed, are loaded with asyncpg's
``copy_records_to_table`` into a table shaped like ``pos_line`` (``copy_s``), and into
``pos_line`` itself in a transaction rolled back (``floor_s``: the least an ingest that
keeps the lines writes, before any check; ``floor_ratio`` is it against the COPY,
``ratio_to_floor`` the end to end against it). Then an XLSX
(``--xlsx-rows``, 0 to skip) goes the same way. The last line is JSON: per size ratio (end-to-end / COPY), rows_per_s, worker_peak_rss_mb, and
accepted_s / accepted_rows_per_s (from the upload to the submission's final status, seen
by polling every 50 ms: the end-to-end time also runs the jobs the acceptance queued, e.g.
the reconciliation, until the burst worker finds its queue empty); then for
the XLSX its end-to-end rows_per_s and, parsed alone in this process, parse_rows_per_s
(the portal's reader: zip guards, calamine, cells as text) against
openpyxl_parse_rows_per_s (openpyxl read-only, the reader it replaced, same cell text).
``empty_worker_run_s`` is a burst worker's start and stop with nothing queued, which
every end-to-end figure includes (a resident worker does not pay it). With
``--resident`` one ``portal worker`` (not burst), started five seconds before the first
upload, serves every upload, as in production; end to end is then the upload to the
submission's final status, and the worker's peak is its largest resident set sampled
while that file ran.
With ``--files N`` each size is N reports into the same tenant, one per month ending
2026-10 (the last N partitions of ``pos_line``): the figures of each are listed under
``files``, the last one's at the top, so that ingesting into a history of (N - 1) x rows
lines compares with the first.

The database and Redis come from ``PORTAL_DATABASE_URL`` / ``PORTAL_REDIS_URL``; the
database is created when missing and migrated, never dropped, and nothing is flushed: the
bench works in a tenant of its own (a new manufacturer per run) and drops only the COPY
table it creates.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

import asyncpg
import httpx

from portal.app import create_app
from portal.domain.access.principal import Principal
from portal.domain.access.tokens import create_token
from portal.domain.catalog import partners, products, warehouses
from portal.domain.catalog.tenants import create_manufacturer
from portal.domain.reporting import files
from portal.domain.reporting.files import POS_FIELDS, Layout
from portal.models import Partner, Submission
from portal.models.enums import PartnerTier, Role, SubmissionKind, SubmissionStatus
from portal.scratch import ensure_database
from portal.settings import Settings

PEAKS: list[float] = []  # worker peak RSS (MB, VmHWM) per ingestion
ACCEPTED: list[float] = []  # seconds from the upload to the submission's final status
SKUS = 200
CUSTOMERS = 5000
HEADER = list(POS_FIELDS)
COPY_TABLE = f"bench_copy_pos_{os.getpid()}"
POS_LINE_COLUMNS = [
    "manufacturer_id",
    "row",
    "submission_id",
    "warehouse_id",
    "product_id",
    "quantity",
    "sold_on",
    "end_customer_id",
    "end_customer_name",
    "unit_price",
    "currency",
    "invoice_no",
    "serials",
    "batch_no",
]
# what the plain COPY writes: a parsed line, without the keys the submission gives
COPY_COLUMNS = [c for c in POS_LINE_COLUMNS if c not in ("manufacturer_id", "row", "batch_no")]
RESIDENT_WARMUP_S = 5.0


def row(n: int, month: str = "2026-10") -> list[str]:
    return [
        f"W{n % 4}",
        f"S{n % SKUS:04d}",
        str(1 + n % 3),
        f"{month}-{1 + n % 28:02d}",
        f"Customer {n % CUSTOMERS} Inc.",
        "US",
        f"{10000 + n % 900}",
        f"{10 + n % 50}.25",
        "USD",
        f"INV-{n}",
        "",
    ]


def make_csv(rows: int, month: str = "2026-10") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for n in range(rows):
        writer.writerow(row(n, month))
    return buffer.getvalue().encode()


def make_xlsx(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for n in range(rows):
        values = row(n)
        values[2] = int(values[2])  # type: ignore[call-overload]
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def parse_rates(data: bytes, rows: int) -> dict[str, float]:
    """Rows per second of the portal's XLSX reader and of openpyxl's, the same workbook in
    the same process (cells turned into the same text)."""
    layout = Layout(kind=SubmissionKind.POS)
    start = time.perf_counter()
    assert sum(1 for _ in files.read_rows(data, "XLSX", layout)) == rows
    ours = time.perf_counter() - start
    start = time.perf_counter()
    baseline = sum(1 for r in files._openpyxl_records(data) if [files._cell(v, layout) for v in r])
    theirs = time.perf_counter() - start
    assert baseline == rows + 1  # with the header
    return {
        "parse_rows_per_s": round(rows / ours),
        "openpyxl_parse_rows_per_s": round(rows / theirs),
        "parse_speedup": round(theirs / ours, 1),
    }


def report_months(count: int) -> list[str]:
    """``count`` consecutive months ending with 2026-10, oldest first."""
    indexes = [2026 * 12 + 9 - n for n in range(count)]  # months since year 0, 2026-10 first
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in reversed(indexes)]


async def seed() -> str:
    manufacturer, _ = await create_manufacturer(f"Bench ingest {os.getpid()} {time.time():.0f}")
    admin = Principal(manufacturer_id=manufacturer.id, role=Role.ADMIN)
    await partners.create_partner(admin, code="D1", name="D1", tier=PartnerTier.DISTRIBUTOR)
    for n in range(4):
        await warehouses.create_warehouse(admin, code=f"W{n}", name=f"W{n}", partner_code="D1")
    for n in range(SKUS):
        await products.create_product(admin, sku=f"S{n:04d}", name=f"P{n}")
    partner = await Partner.get(manufacturer_id=manufacturer.id, code="D1")
    _, token = await create_token(manufacturer.id, Role.PARTNER_INVENTORY, partner_id=partner.id)
    return token


def memory_kb(pid: int, field: str) -> int:
    """A running process's ``VmHWM`` (peak resident set) or ``VmRSS`` (resident set now),
    in KiB (Linux)."""
    text = Path(f"/proc/{pid}/status").read_text()
    return next(
        (int(line.split()[1]) for line in text.splitlines() if line.startswith(f"{field}:")), 0
    )


async def start_worker(env: dict[str, str], *, burst: bool) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "portal.cli",
        "worker",
        *(["--burst"] if burst else []),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE if burst else asyncio.subprocess.DEVNULL,
    )


@asynccontextmanager
async def resident_worker(
    env: dict[str, str], wanted: bool
) -> AsyncIterator[asyncio.subprocess.Process | None]:
    """``--resident``: one ``portal worker`` (not burst), polling before the first upload,
    stopped when the bench ends however it ends; otherwise nothing."""
    if not wanted:
        yield None
        return
    worker = await start_worker(env, burst=False)
    try:
        await asyncio.sleep(RESIDENT_WARMUP_S)
        yield worker
    finally:
        worker.terminate()
        await worker.wait()


async def ingest(
    client: httpx.AsyncClient,
    token: str,
    data: bytes,
    name: str,
    env: dict[str, str],
    period: str = "2026-10",
    resident: asyncio.subprocess.Process | None = None,
) -> tuple[float, str]:
    """Upload ``data`` and time it end to end: with a burst worker started after the
    upload, until it has run everything queued and exits; with a ``resident`` worker
    (already running), until the submission is final. The worker's peak RSS goes to
    ``PEAKS`` (VmHWM of the burst worker; the resident one's largest VmRSS sampled while
    this file ran)."""
    start = time.perf_counter()
    response = await client.post(
        "/uploads",
        data={"kind": "POS", "period": period},
        files={"file": (name, data)},
        headers={"Authorization": f"Bearer {token}"},
        timeout=600,
    )
    assert response.status_code == 202, response.text
    worker = resident or await start_worker(env, burst=True)
    peak = 0
    submission_id = int(response.json()["submissionId"])
    final_at = 0.0

    async def sample() -> None:
        nonlocal peak
        while worker.returncode is None and not (resident and final_at):
            try:
                peak = max(peak, memory_kb(worker.pid, "VmRSS" if resident else "VmHWM"))
            except OSError:
                return
            await asyncio.sleep(0.1)

    async def watch() -> None:  # when the submission turns final (the jobs it queued may run on)
        nonlocal final_at
        while not final_at:
            status = await Submission.filter(id=submission_id).values_list("status", flat=True)
            if status and SubmissionStatus(status[0]).final:
                final_at = time.perf_counter() - start
                return
            if worker.returncode is not None:
                return
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    watcher = asyncio.create_task(watch())
    errors = b""
    if resident is None:
        _, errors = await worker.communicate()
    await watcher
    await sampler
    elapsed = final_at if resident else time.perf_counter() - start
    PEAKS.append(peak / 1024)
    ACCEPTED.append(final_at or elapsed)
    submission = await Submission.get(id=submission_id)
    if worker.returncode not in (0, None):
        print(errors.decode()[-3000:], file=sys.stderr)
    return (
        elapsed,
        f"{submission.status.value} rows_done={submission.rows_done} errors={submission.error_count}",
    )


async def empty_worker_run(env: dict[str, str]) -> float:
    """Seconds a ``portal worker --burst`` takes with nothing queued: the start and stop
    every end-to-end figure includes."""
    start = time.perf_counter()
    worker = await start_worker(env, burst=True)
    await worker.communicate()
    return time.perf_counter() - start


async def copy_baseline(url: str, data: bytes) -> tuple[float, float]:
    """Seconds of COPY of the file's rows, parsed beforehand, into a plain table shaped
    like ``pos_line`` (the baseline), and into ``pos_line`` itself, with its keys, its
    partitions and ids from its sequence, in a transaction rolled back (the floor: the
    least that an ingest keeping the lines writes, before any check)."""
    parsed = [
        (
            1,
            int(r[0][1:]),
            int(r[1][1:]),
            int(r[2]),
            date.fromisoformat(r[3]),
            1,
            r[4],
            Decimal(r[7]),
            r[8],
            r[9],
            "[]",
        )
        for r in csv.reader(io.StringIO(data.decode()))
        if r and r[0] != "warehouse_code"
    ]
    conn = await asyncpg.connect(url)
    await conn.execute(
        f"CREATE TABLE {COPY_TABLE} (submission_id bigint, warehouse_id int, product_id int, quantity int,"
        " sold_on date, end_customer_id bigint, end_customer_name varchar(300), unit_price numeric(18,4),"
        " currency varchar(3), invoice_no varchar(64), serials jsonb)"
    )
    start = time.perf_counter()
    await conn.copy_records_to_table(
        COPY_TABLE,
        records=parsed,
        columns=COPY_COLUMNS,
    )
    elapsed = time.perf_counter() - start
    await conn.execute(f"DROP TABLE {COPY_TABLE}")  # the bench's own table, and only it
    lines = [(0, n + 2, *r, None) for n, r in enumerate(parsed)]  # in POS_LINE_COLUMNS order
    transaction = conn.transaction()
    await transaction.start()
    try:
        start = time.perf_counter()
        await conn.copy_records_to_table("pos_line", records=lines, columns=POS_LINE_COLUMNS)
        floor = time.perf_counter() - start
    finally:
        await transaction.rollback()  # nothing stays (the sequence moves on)
    await conn.close()
    return elapsed, floor


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="1000000", help="sizes, comma-separated")
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument(
        "--files",
        type=int,
        default=1,
        help="reports per size, one per month ending 2026-10, into the same tenant",
    )
    parser.add_argument(
        "--resident",
        action="store_true",
        help="one `portal worker` started before the first upload serves them all; end to"
        " end is then the upload to the submission's final status",
    )
    args = parser.parse_args()
    url = os.environ.get("PORTAL_DATABASE_URL", "")
    redis_url = os.environ.get("PORTAL_REDIS_URL", "")
    if not url.startswith("postgres") or not redis_url:
        raise SystemExit("Set PORTAL_DATABASE_URL (PostgreSQL) and PORTAL_REDIS_URL.")
    sizes = [int(n) for n in args.rows.split(",")]

    await ensure_database(url)
    settings = Settings(database_url=url, redis_url=redis_url, max_body_bytes=512 * 1024 * 1024)
    env = {**os.environ, "PORTAL_DATABASE_URL": url, "PORTAL_REDIS_URL": redis_url}
    from portal.db import close_database, open_database
    from portal.migrate import migrate

    await migrate(settings)  # the production schema: versioned migrations, partitions on
    await open_database(settings)
    await close_database()

    results: dict[str, object] = {"worker": "resident" if args.resident else "burst"}
    app = create_app(settings, scheduler_interval=None)
    async with resident_worker(env, args.resident) as resident, app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            for rows in sizes:
                token = await seed()  # a tenant per size: a first report, not a resubmission
                runs = []
                for month in report_months(args.files):  # --files: one report per month
                    data = make_csv(rows, month)
                    print(f"CSV {month}: {rows} rows, {len(data) / 1e6:.1f} MB", file=sys.stderr)
                    csv_s, outcome = await ingest(
                        client, token, data, "pos.csv", env, month, resident
                    )
                    print(f"CSV end-to-end: {csv_s:.1f}s {outcome}", file=sys.stderr)
                    copy_s, floor_s = await copy_baseline(url, data)
                    print(f"COPY: {copy_s:.2f}s, into pos_line {floor_s:.2f}s", file=sys.stderr)
                    runs.append(
                        {
                            "period": month,
                            "end_to_end_s": round(csv_s, 2),
                            "copy_s": round(copy_s, 3),
                            "ratio": round(csv_s / copy_s, 1),
                            "floor_s": round(floor_s, 3),
                            "floor_ratio": round(floor_s / copy_s, 1),
                            "ratio_to_floor": round(csv_s / floor_s, 1),
                            "rows_per_s": round(rows / csv_s),
                            "accepted_s": round(ACCEPTED[-1], 2),
                            "accepted_rows_per_s": round(rows / ACCEPTED[-1]),
                            "worker_peak_rss_mb": round(PEAKS[-1], 1),
                            "outcome": outcome,
                        }
                    )
                    del data
                results[f"csv_{rows}"] = {"rows": rows, **runs[-1]}
                if len(runs) > 1:  # the tenant's history grew to files x rows POS lines
                    results[f"csv_{rows}"]["files"] = runs
            if args.xlsx_rows:
                token = await seed()
                xlsx = make_xlsx(args.xlsx_rows)
                rates = parse_rates(xlsx, args.xlsx_rows)
                print(f"XLSX parse: {rates}", file=sys.stderr)
                xlsx_s, xlsx_outcome = await ingest(
                    client, token, xlsx, "pos.xlsx", env, resident=resident
                )
                print(f"XLSX end-to-end: {xlsx_s:.1f}s {xlsx_outcome}", file=sys.stderr)
                results["xlsx"] = {
                    "rows": args.xlsx_rows,
                    "s": round(xlsx_s, 2),
                    "rows_per_s": round(args.xlsx_rows / xlsx_s),
                    "accepted_s": round(ACCEPTED[-1], 2),
                    "accepted_rows_per_s": round(args.xlsx_rows / ACCEPTED[-1]),
                    "worker_peak_rss_mb": round(PEAKS[-1], 1),
                    "outcome": xlsx_outcome,
                    **rates,
                }
            results["empty_worker_run_s"] = round(await empty_worker_run(env), 2)
    print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(main())
