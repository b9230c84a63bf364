"""Partner-file ingestion on PostgreSQL + Redis with a real worker, against raw COPY.

    python bench/ingest.py [--rows 1000000] [--xlsx-rows 100000]

Generates a POS CSV, uploads it through ``POST /uploads`` (the app in-process), and lets
a real ``portal worker --burst`` process validate and post it; the end-to-end time runs
from the upload to the final status. In the same run the same rows, pre-parsed, are
loaded with asyncpg's ``copy_records_to_table`` into a table shaped like ``pos_line``.
Then a 100,000-row XLSX goes the same way. The last line is JSON: ratio (end-to-end /
COPY), rows_per_s, worker_peak_rss_mb, xlsx_rows_per_s. Uses its own database.
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
from portal.domain.reporting.files import POS_FIELDS
from portal.models import Partner, Submission
from portal.models.enums import PartnerTier, Role
from portal.scratch import flush_redis, recreate_database
from portal.settings import Settings

PEAKS: list[float] = []  # worker peak RSS (MB, VmHWM) per ingestion
SKUS = 200
CUSTOMERS = 5000
HEADER = list(POS_FIELDS)


def row(n: int) -> list[str]:
    return [
        f"W{n % 4}",
        f"S{n % SKUS:04d}",
        str(1 + n % 3),
        f"2026-10-{1 + n % 28:02d}",
        f"Customer {n % CUSTOMERS} Inc.",
        "US",
        f"{10000 + n % 900}",
        f"{10 + n % 50}.25",
        "USD",
        f"INV-{n}",
        "",
    ]


def make_csv(rows: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for n in range(rows):
        writer.writerow(row(n))
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


async def seed() -> str:
    manufacturer, _ = await create_manufacturer("Bench")
    admin = Principal(manufacturer_id=manufacturer.id, role=Role.ADMIN)
    await partners.create_partner(admin, code="D1", name="D1", tier=PartnerTier.DISTRIBUTOR)
    for n in range(4):
        await warehouses.create_warehouse(admin, code=f"W{n}", name=f"W{n}", partner_code="D1")
    for n in range(SKUS):
        await products.create_product(admin, sku=f"S{n:04d}", name=f"P{n}")
    partner = await Partner.get(code="D1")
    _, token = await create_token(manufacturer.id, Role.PARTNER_INVENTORY, partner_id=partner.id)
    return token


def vm_hwm_kb(pid: int) -> int:
    """The peak resident set of a running process (Linux), in KiB."""
    text = Path(f"/proc/{pid}/status").read_text()
    return next(
        (int(line.split()[1]) for line in text.splitlines() if line.startswith("VmHWM:")), 0
    )


async def ingest(
    client: httpx.AsyncClient, token: str, data: bytes, name: str, env: dict[str, str]
) -> tuple[float, str]:
    start = time.perf_counter()
    response = await client.post(
        "/uploads",
        data={"kind": "POS", "period": "2026-10"},
        files={"file": (name, data)},
        headers={"Authorization": f"Bearer {token}"},
        timeout=600,
    )
    assert response.status_code == 202, response.text
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "portal.cli",
        "worker",
        "--burst",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    peak = 0

    async def sample() -> None:
        nonlocal peak
        while worker.returncode is None:
            try:
                peak = max(peak, vm_hwm_kb(worker.pid))
            except OSError:
                return
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample())
    _, errors = await worker.communicate()
    await sampler
    elapsed = time.perf_counter() - start
    PEAKS.append(peak / 1024)
    submission = await Submission.get(id=int(response.json()["submissionId"]))
    if worker.returncode != 0:
        print(errors.decode()[-3000:], file=sys.stderr)
    return (
        elapsed,
        f"{submission.status.value} rows_done={submission.rows_done} errors={submission.error_count}",
    )


async def copy_baseline(url: str, data: bytes) -> float:
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
        "CREATE TABLE copy_pos (submission_id bigint, warehouse_id int, product_id int, quantity int,"
        " sold_on date, end_customer_id bigint, end_customer_name varchar(300), unit_price numeric(18,4),"
        " currency varchar(3), invoice_no varchar(64), serials jsonb)"
    )
    start = time.perf_counter()
    await conn.copy_records_to_table(
        "copy_pos",
        records=parsed,
        columns=[
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
        ],
    )
    elapsed = time.perf_counter() - start
    await conn.close()
    return elapsed


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--database", default="portal_bench_ingest")
    args = parser.parse_args()

    url = await recreate_database(args.admin_url, args.database, own={"copy_pos"})
    await flush_redis(args.redis_url)
    settings = Settings(
        database_url=url, redis_url=args.redis_url, max_body_bytes=512 * 1024 * 1024
    )
    env = {**os.environ, "PORTAL_DATABASE_URL": url, "PORTAL_REDIS_URL": args.redis_url}
    from portal.db import close_database, open_database
    from portal.migrate import migrate

    await migrate(settings)  # the production schema: versioned migrations, partitions on
    await open_database(settings)
    await close_database()

    app = create_app(settings, scheduler_interval=None)
    async with app.router.lifespan_context(app):
        token = await seed()
        data = make_csv(args.rows)
        print(f"CSV: {args.rows} rows, {len(data) / 1e6:.1f} MB", file=sys.stderr)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            csv_s, csv_outcome = await ingest(client, token, data, "pos.csv", env)
            print(f"CSV end-to-end: {csv_s:.1f}s {csv_outcome}", file=sys.stderr)
            copy_s = await copy_baseline(url, data)
            print(f"COPY: {copy_s:.2f}s", file=sys.stderr)
            xlsx = make_xlsx(args.xlsx_rows)
            xlsx_s, xlsx_outcome = await ingest(client, token, xlsx, "pos.xlsx", env)
            print(f"XLSX end-to-end: {xlsx_s:.1f}s {xlsx_outcome}", file=sys.stderr)
    print(
        json.dumps(
            {
                "rows": args.rows,
                "end_to_end_s": round(csv_s, 2),
                "copy_s": round(copy_s, 3),
                "ratio": round(csv_s / copy_s, 1),
                "rows_per_s": round(args.rows / csv_s),
                "worker_peak_rss_mb": round(PEAKS[0], 1),
                "xlsx_worker_peak_rss_mb": round(PEAKS[1], 1),
                "csv_outcome": csv_outcome,
                "xlsx_rows": args.xlsx_rows,
                "xlsx_s": round(xlsx_s, 2),
                "xlsx_rows_per_s": round(args.xlsx_rows / xlsx_s),
                "xlsx_outcome": xlsx_outcome,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
