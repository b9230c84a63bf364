"""Rebate accruals on PostgreSQL: the incremental update, and the full recompute against
one hand-written SQL statement of the same figures.

    PORTAL_DATABASE_URL=postgres://... python bench/rebates.py [--scale 0.05]

``--scale 1`` is the issue's size: 1,000 partners x 1,000 SKUs x 12 periods of POS
(sell-through ledger entries, posted through the domain's ``post``); the default 0.05 is
50 x 50 x 12. The database is the one of ``PORTAL_DATABASE_URL`` (migrated first); the
bench creates its own tenant (a new manufacturer) and its own scratch table
``rebate_bench_baseline_<tenant>``, and drops nothing else (the tenant stays; its name is
printed). It times, in one run: (a) creating a sell-through value program over every
partner and the 12 periods (its accruals computed in full); (b) the full recompute of
those accruals, the current code (``recompute_program``: set-based on PostgreSQL) and the
row-by-row path (``refresh_rows``, what it was before) alternately ``--rounds`` times
each, their rows checked equal, against one hand-written SQL statement computing the
same (partner, period) units and values (best of as many runs), checked equal; (c) the ``accrue_rebates`` job after one
1,000-line POS submission of one partner. The last line is JSON with create_s, full_s
(best run), old_full_s, sql_s, full_ratio, old_full_ratio, old_new_mismatches,
incremental_s, incremental_keys, mismatches.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal

import asyncpg
from tortoise.transactions import in_transaction

from portal.db import close_database, open_database
from portal.domain.access.principal import Principal
from portal.domain.catalog import partners, products, warehouses
from portal.domain.catalog.tenants import create_manufacturer
from portal.domain.incentives.rebate_accruals import (
    accrue_dirty,
    key_products,
    recompute_program,
    refresh_rows,
)
from portal.domain.incentives.rebates import create_program, program_partner_ids, program_periods
from portal.domain.ledger.posting import Movement, post
from portal.domain.reporting import submissions
from portal.domain.reporting.validation import validate_submission
from portal.migrate import migrate
from portal.models import Partner, Product, RebateAccrual, RebateDirty, Warehouse
from portal.models.enums import (
    LedgerKind,
    PartnerTier,
    RebateMeasure,
    RebateMode,
    Role,
    SubmissionKind,
)
from portal.settings import Settings

FIRST_MONTH = date(2025, 1, 1)
CATEGORY = "Bench"

SET_BASED = """
INSERT INTO {table}
SELECT e.partner_id, e.period, -sum(e.quantity), -sum(e.quantity * coalesce(pp.price, 0))
FROM ledger_entry e
LEFT JOIN LATERAL (
    SELECT p.price FROM product_price p
    WHERE p.manufacturer_id = $1 AND p.product_id = e.product_id
      AND p.valid_from <= e.business_date
    ORDER BY p.valid_from DESC LIMIT 1
) pp ON true
WHERE e.manufacturer_id = $1 AND e.kind IN ('SELL_THROUGH', 'CUSTOMER_RETURN')
  AND e.period = ANY($2::text[]) AND e.partner_id IS NOT NULL
GROUP BY e.partner_id, e.period"""


def months(count: int) -> list[date]:
    out = [FIRST_MONTH]
    while len(out) < count:
        last = out[-1]
        out.append(date(last.year + last.month // 12, last.month % 12 + 1, 1))
    return out


class _Parked:
    async def dispatch(self, job_id: int, dispatch_no: int) -> None:
        return None


async def generate(m: int, admin: Principal, n_partners: int, n_skus: int, periods: int) -> None:
    for n in range(n_partners):
        code = f"P{n:04d}"
        await partners.create_partner(admin, code=code, name=code, tier=PartnerTier.DISTRIBUTOR)
        await warehouses.create_warehouse(admin, code=f"{code}-W", name="w", partner_code=code)
    for n in range(n_skus):
        await products.create_product(
            admin,
            sku=f"S{n:04d}",
            name=f"S{n}",
            category=CATEGORY,
            list_price=Decimal(10 + n % 90),
            price_valid_from=FIRST_MONTH - timedelta(days=1),
        )
    product_ids = [
        p
        for p in await Product.filter(manufacturer_id=m).order_by("id").values_list("id", flat=True)
    ]
    houses = await Warehouse.filter(manufacturer_id=m).order_by("id")
    for index, month in enumerate(months(periods)):
        for w in houses:
            moves = []
            for product_id in product_ids:
                moves.append(Movement(w, product_id, 100, LedgerKind.SELL_IN, month))
                moves.append(
                    Movement(
                        w,
                        product_id,
                        -(20 + (product_id + index) % 30),
                        LedgerKind.SELL_THROUGH,
                        month + timedelta(days=14),
                    )
                )
            async with in_transaction():
                await post(m, moves, source=("BENCH", index), allow_negative=True)
        print(f"generated {month:%Y-%m}", file=sys.stderr)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05, help="1 = 1,000 x 1,000 x 12")
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3, help="old/new full recomputes")
    args = parser.parse_args()
    url = os.environ.get("PORTAL_DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("PORTAL_DATABASE_URL must name a PostgreSQL database")
    n_partners = max(2, round(1000 * args.scale))
    n_skus = max(2, round(1000 * args.scale))
    settings = Settings(database_url=url, env="test")
    await migrate(settings)
    await open_database(settings)
    name = f"Rebate bench {uuid.uuid4().hex[:8]}"
    manufacturer, _ = await create_manufacturer(name)
    m = manufacturer.id
    admin = Principal(manufacturer_id=m, role=Role.ADMIN)
    await generate(m, admin, n_partners, n_skus, args.periods)
    periods = [d.strftime("%Y-%m") for d in months(args.periods)]
    await RebateDirty.filter(manufacturer_id=m).delete()  # generation's marks: timed below

    conn = await asyncpg.connect(url)
    await conn.execute("ANALYZE ledger_entry")
    start = time.perf_counter()
    program = await create_program(
        Principal(m, Role.CHANNEL_MANAGER),
        name="Bench sell-through",
        period_from=periods[0],
        period_to=periods[-1],
        measure=RebateMeasure.SELL_THROUGH_VALUE,
        mode=RebateMode.RETROACTIVE,
        categories=[CATEGORY],
        tiers=[(Decimal("0"), Decimal("1")), (Decimal("100000"), Decimal("2"))],
    )
    create_s = time.perf_counter() - start

    # The full recompute, new (set-based on PostgreSQL: ``recompute_program``) and old
    # (row by row: ``refresh_rows``, what ``recompute_program`` did before), alternately.
    keys = {(p, d) for p in await program_partner_ids(program) for d in program_periods(program)}
    full_runs: list[float] = []
    old_runs: list[float] = []
    figures = ("partner_id", "period", "units", "value", "base_units", "base_value")
    rows: dict[str, list[tuple[object, ...]]] = {}
    for _ in range(args.rounds):
        for label, runs in (("old", old_runs), ("new", full_runs)):
            await RebateAccrual.filter(manufacturer_id=m, program_id=program.id).delete()
            start = time.perf_counter()
            if label == "new":
                await recompute_program(program)
            else:
                await refresh_rows(program, await key_products(program, keys))
            runs.append(time.perf_counter() - start)
            rows[label] = await (
                RebateAccrual.filter(manufacturer_id=m, program_id=program.id)
                .order_by("partner_id", "period")
                .values_list(*figures)
            )
    full_s = min(full_runs)
    old_s = min(old_runs)
    old_new_mismatches = int(rows["old"] != rows["new"])

    table = f"rebate_bench_baseline_{m}"
    await conn.execute(
        f"CREATE TABLE {table} (partner_id int, period varchar(8), units bigint, value numeric)"
    )
    try:
        sql_runs = []
        for _ in range(args.rounds):  # the best of as many runs as the recomputes
            await conn.execute(f"TRUNCATE {table}")
            start = time.perf_counter()
            await conn.execute(SET_BASED.format(table=table), m, periods)
            sql_runs.append(time.perf_counter() - start)
        sql_s = min(sql_runs)
        mismatches = await conn.fetchval(
            f"SELECT count(*) FROM {table} b FULL JOIN"
            " (SELECT * FROM rebate_accrual WHERE manufacturer_id = $1 AND program_id = $2) a"
            " USING (partner_id, period)"
            " WHERE a.id IS NULL OR b.partner_id IS NULL OR (a.units, a.value) <> (b.units, b.value)",
            m,
            program.id,
        )
    finally:
        await conn.execute(f"DROP TABLE IF EXISTS {table}")  # its own scratch table only
        await conn.close()

    partner = await Partner.get(manufacturer_id=m, code="P0000")
    seller = Principal(m, Role.PARTNER_INVENTORY, partner.id)
    skus = [p.sku for p in await Product.filter(manufacturer_id=m).order_by("id")]
    last = months(args.periods)[-1]
    made = await submissions.submit(
        seller,
        _Parked(),
        kind=SubmissionKind.POS,
        period=periods[-1],
        lines=[
            {
                "warehouse_code": "P0000-W",
                "sku": skus[n % len(skus)],
                "quantity": 1,
                "sold_on": (last + timedelta(days=20)).isoformat(),
                "end_customer_name": f"C{n}",
                "end_customer_country": "US",
                "invoice_no": f"I{n}",
            }
            for n in range(1000)
        ],
    )
    await validate_submission(made.id)
    keys = await RebateDirty.filter(manufacturer_id=m).count()
    start = time.perf_counter()
    await accrue_dirty()
    incremental_s = time.perf_counter() - start
    await close_database()
    print(f"tenant {name!r} (id {m}) left in place", file=sys.stderr)
    print(
        json.dumps(
            {
                "partners": n_partners,
                "skus": n_skus,
                "periods": args.periods,
                "create_s": round(create_s, 3),
                "full_s": round(full_s, 3),
                "full_runs": [round(x, 3) for x in full_runs],
                "old_full_s": round(old_s, 3),
                "old_full_runs": [round(x, 3) for x in old_runs],
                "sql_s": round(sql_s, 3),
                "sql_runs": [round(x, 3) for x in sql_runs],
                "full_ratio": round(full_s / sql_s, 2) if sql_s else None,
                "old_full_ratio": round(old_s / sql_s, 2) if sql_s else None,
                "old_new_mismatches": old_new_mismatches,
                "incremental_s": round(incremental_s, 3),
                "incremental_keys": keys,
                "mismatches": mismatches,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
