"""Ledger throughput on PostgreSQL: domain posting against raw COPY, in one run.

    PORTAL_DATABASE_URL=postgres://.../db python bench/ledger.py [--entries 1000000] \
        [--batch 1000] [--transfers 400]

Posts N ledger entries through ``portal.domain.ledger.posting.post`` (balances locked and moved
in the same transaction, batches of --batch movements, as a submission or an ERP import
posts them), then copies the same rows into a plain table with asyncpg's
``copy_records_to_table``. Then 20 concurrent clients raise, ship and receive transfers.
The same entries are also copied into ``ledger_entry`` itself in a transaction rolled back
(``floor_s``; ``floor_ratio`` against the COPY, ``ratio_to_floor`` the domain against it).
The last line is JSON: ratio (domain time / COPY time), rows_per_s, peak_rss_mb,
transfers_per_s. The database comes from ``PORTAL_DATABASE_URL`` (migrated if it is not);
the bench creates its own manufacturer and a scratch table for the COPY, drops that table
at the end, and touches nothing else.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from datetime import UTC, date, datetime, timedelta

import asyncpg
from tortoise.transactions import in_transaction

from portal.db import close_database, open_database
from portal.domain.access.principal import Principal
from portal.domain.catalog import partners, products, warehouses
from portal.domain.catalog.tenants import create_manufacturer
from portal.domain.ledger import transfers
from portal.domain.ledger.posting import Movement, post
from portal.domain.ledger.shipments import LineInput
from portal.migrate import migrate
from portal.models import Partner, Product, Warehouse
from portal.models.enums import LedgerKind, PartnerTier, Role
from portal.settings import Settings

WAREHOUSES = 10
PRODUCTS = 1000
CLIENTS = 20


async def seed() -> tuple[Principal, Principal, list[Warehouse], list[Product]]:
    manufacturer, _ = await create_manufacturer(f"Bench ledger {time.time():.0f}")
    m = manufacturer.id
    admin = Principal(manufacturer_id=manufacturer.id, role=Role.ADMIN)
    await partners.create_partner(admin, code="D1", name="D1", tier=PartnerTier.DISTRIBUTOR)
    for n in range(WAREHOUSES):
        await warehouses.create_warehouse(admin, code=f"W{n}", name=f"W{n}", partner_code="D1")
    for n in range(PRODUCTS):
        await products.create_product(admin, sku=f"S{n:04d}", name=f"P{n}")
    partner = await Partner.get(manufacturer_id=m, code="D1")
    d1 = Principal(
        manufacturer_id=manufacturer.id, role=Role.PARTNER_INVENTORY, partner_id=partner.id
    )
    return (
        admin,
        d1,
        list(await Warehouse.filter(manufacturer_id=m).order_by("id")),
        list(await Product.filter(manufacturer_id=m).order_by("id")),
    )


def movements(count: int, ws: list[Warehouse], ps: list[Product]) -> list[Movement]:
    start = date(2026, 1, 1)
    return [
        Movement(
            ws[i % WAREHOUSES],
            ps[(i // WAREHOUSES) % PRODUCTS].id,
            1 + i % 5,
            LedgerKind.SELL_IN,
            start + timedelta(days=i % 360),
        )
        for i in range(count)
    ]


async def copy_baseline(
    url: str, moves: list[Movement], manufacturer_id: int
) -> tuple[float, float]:
    """Seconds of COPY of the entries into a plain table (the baseline), and into
    ``ledger_entry`` itself, with its keys, partitions and sequence, in a transaction rolled
    back (the floor: the least a posting that keeps the entries writes, before any balance)."""
    table = f"bench_copy_{manufacturer_id}"  # the bench's own scratch table, dropped below
    conn = await asyncpg.connect(url)
    await conn.execute(
        f"CREATE TABLE {table} (manufacturer_id int, partner_id int, warehouse_id int,"
        " product_id int, owner varchar(12), quantity int, kind varchar(24), business_date date,"
        " period varchar(8), recorded_at timestamptz, source_type varchar(24), source_id bigint,"
        " serials jsonb)"
    )
    stamp = datetime.now(UTC)
    records = [
        (
            manufacturer_id,
            m.warehouse.partner_id,
            m.warehouse.id,
            m.product_id,
            "PARTNER",  # type: ignore[attr-defined]
            m.quantity,
            m.kind.value,
            m.business_date,
            m.business_date.strftime("%Y-%m"),
            stamp,
            "BENCH",
            i // 1000,
            "[]",
        )
        for i, m in enumerate(moves)
    ]
    columns = [
        "manufacturer_id",
        "partner_id",
        "warehouse_id",
        "product_id",
        "owner",
        "quantity",
        "kind",
        "business_date",
        "period",
        "recorded_at",
        "source_type",
        "source_id",
        "serials",
    ]
    start = time.perf_counter()
    await conn.copy_records_to_table(table, records=records, columns=columns)
    elapsed = time.perf_counter() - start
    await conn.execute(f"DROP TABLE {table}")
    transaction = conn.transaction()
    await transaction.start()
    try:
        start = time.perf_counter()
        await conn.copy_records_to_table("ledger_entry", records=records, columns=columns)
        floor = time.perf_counter() - start
    finally:
        await transaction.rollback()  # nothing stays (the sequence moves on)
    await conn.close()
    return elapsed, floor


async def transfer_throughput(
    d1: Principal, ws: list[Warehouse], ps: list[Product], total: int
) -> float:
    per_client = max(1, total // CLIENTS)

    async def client(n: int) -> int:
        done = 0
        for k in range(per_client):
            source, target = ws[n % WAREHOUSES], ws[(n + 1 + k) % WAREHOUSES]
            if source.id == target.id:
                target = ws[(n + 2) % WAREHOUSES]
            raised = await transfers.raise_transfer(
                d1,
                from_warehouse_code=source.code,
                to_warehouse_code=target.code,
                lines=[LineInput(ps[(n * 7 + k) % PRODUCTS].sku, 1)],
            )
            await transfers.ship_transfer(d1, raised.id)
            await transfers.receive_transfer(d1, raised.id)
            done += 1
        return done

    start = time.perf_counter()
    completed = sum(await asyncio.gather(*(client(n) for n in range(CLIENTS))))
    return completed / (time.perf_counter() - start)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--transfers", type=int, default=400)
    args = parser.parse_args()

    url = os.environ.get("PORTAL_DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("Set PORTAL_DATABASE_URL to a PostgreSQL database.")
    await migrate(Settings(database_url=url))  # production schema, partitions on
    await open_database(Settings(database_url=url))
    admin, d1, ws, ps = await seed()
    moves = movements(args.entries, ws, ps)
    print(f"seeded; posting {len(moves)} entries in batches of {args.batch}", file=sys.stderr)

    start = time.perf_counter()
    for number, offset in enumerate(range(0, len(moves), args.batch)):
        async with in_transaction():
            await post(
                admin.manufacturer_id, moves[offset : offset + args.batch], source=("BENCH", number)
            )
    domain_s = time.perf_counter() - start
    print(f"domain: {domain_s:.2f}s", file=sys.stderr)

    copy_s, floor_s = await copy_baseline(url, moves, admin.manufacturer_id)
    print(f"copy: {copy_s:.2f}s, into ledger_entry {floor_s:.2f}s", file=sys.stderr)

    # Every transfer needs stock at its source: the posted SELL_IN entries provide it.
    transfers_per_s = await transfer_throughput(d1, ws, ps, args.transfers)

    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    await close_database()
    print(
        json.dumps(
            {
                "entries": len(moves),
                "batch": args.batch,
                "domain_s": round(domain_s, 3),
                "copy_s": round(copy_s, 3),
                "ratio": round(domain_s / copy_s, 2),
                "floor_s": round(floor_s, 3),
                "floor_ratio": round(floor_s / copy_s, 2),
                "ratio_to_floor": round(domain_s / floor_s, 2),
                "rows_per_s": round(len(moves) / domain_s),
                "peak_rss_mb": round(peak_rss_mb, 1),
                "transfers_per_s": round(transfers_per_s, 1),
                "transfer_clients": CLIENTS,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
