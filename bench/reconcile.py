"""Reconciliation on PostgreSQL: the project's recompute against hand-written SQL.

    PORTAL_DATABASE_URL=postgres://.../db python bench/reconcile.py [--partners 100] \
        [--skus 1000] [--periods 12]

Generates partners x SKUs x 2 warehouses x periods of ledger entries (through the domain's
``post``) and stock reports (through submission validation), then times in one run:
(a) the full recompute of every period against one set-based SQL statement computing the
same rows into a plain table; (b) the incremental recompute after one 1,000-line POS
submission for the last period, then after one for the period 9 months back
(``--explain`` also prints, on stderr, the plans of the set-based statements for another such
backdated submission); (c) the ``reconciliation`` query for a 500-row page against a plain Starlette
endpoint running the same SQL and returning the same JSON (p50 over 30 requests each);
(d) ``channelSummary`` over the 12 last periods (p50 over 30 requests), beside the SQL that
sums the rows per period as it did before the kept totals; (e) the cold recompute's floor:
the rows and events it wrote, copied into tables like theirs in a transaction rolled back
(``cold_floor_s`` per table, ``cold_floor_ratio`` their sum against the SQL).
The database comes from ``PORTAL_DATABASE_URL`` (migrated if it is not); the bench creates
its own manufacturer and scratch table there, removes the table at the end, and touches
nothing else. The full recompute runs ``PORTAL_RECOMPUTE_CONCURRENCY`` batches at once (cold
and warm; warm also one at a time: ``full_one_s``), the hand-written SQL is one statement.
The last line is JSON with full_ratio, incremental_s,
incremental_backdated_s, graph_ratio_p50, summary_p50_ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
from datetime import date, timedelta

import asyncpg
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tortoise import connections
from tortoise.transactions import in_transaction

from portal.app import create_app
from portal.db import close_database, open_database
from portal.domain.access.principal import Principal
from portal.domain.access.tokens import create_token
from portal.domain.catalog import partners, products, warehouses
from portal.domain.catalog.tenants import create_manufacturer
from portal.domain.ledger.posting import Movement, post
from portal.domain.reconciliation import recompute as recompute_module
from portal.domain.reconciliation import sql_path
from portal.domain.reconciliation.recompute import drain_dirty, full_recompute
from portal.domain.reporting import submissions
from portal.domain.reporting.lines import pos_lines_of
from portal.domain.reporting.validation import validate_submission
from portal.migrate import migrate
from portal.models import Partner, Product, ReconcileDirty, Submission, Warehouse
from portal.models.enums import LedgerKind, PartnerTier, Role, SubmissionKind
from portal.settings import Settings

TODAY = date(2027, 1, 20)
FIRST_MONTH = date(2026, 1, 1)

SET_BASED = """
INSERT INTO {baseline}
WITH moves AS (
    SELECT warehouse_id, product_id, period,
           sum(quantity) FILTER (WHERE kind = 'SELL_IN') AS sell_in,
           -sum(quantity) FILTER (WHERE kind = 'SELL_THROUGH') AS sell_through,
           sum(quantity) FILTER (WHERE kind = 'ADJUSTMENT') AS adjustments,
           sum(quantity) AS net
    FROM ledger_entry WHERE manufacturer_id = $1 GROUP BY warehouse_id, product_id, period
), rolled AS (
    SELECT *, sum(net) OVER (PARTITION BY warehouse_id, product_id ORDER BY period) AS calculated
    FROM moves
), reported AS (
    SELECT l.warehouse_id, l.product_id, s.period, sum(l.quantity) AS quantity
    FROM stock_line l JOIN submission s ON s.id = l.submission_id
    WHERE s.manufacturer_id = $1 AND s.kind = 'STOCK' AND s.superseded_by_id IS NULL
      AND s.status IN ('ACCEPTED', 'ACCEPTED_WITH_WARNINGS') AND NOT s.dry_run
    GROUP BY 1, 2, 3
)
SELECT r.warehouse_id, r.product_id, r.period, r.calculated - r.net, coalesce(r.sell_in, 0),
       coalesce(r.sell_through, 0), coalesce(r.adjustments, 0), r.calculated, p.quantity,
       r.calculated - p.quantity
FROM rolled r LEFT JOIN reported p
  ON p.warehouse_id = r.warehouse_id AND p.product_id = r.product_id AND p.period = r.period
"""

PAGE_SQL = """
SELECT r.id, pa.code AS partner_code, w.code AS warehouse_code, pr.sku, r.period, r.opening, r.sell_in,
       r.sell_through, r.calculated, r.reported, r.gap, r.status
FROM reconciliation_row r
JOIN partner pa ON pa.id = r.partner_id JOIN warehouse w ON w.id = r.warehouse_id
JOIN product pr ON pr.id = r.product_id
WHERE r.manufacturer_id = $1 AND r.period = $2
ORDER BY r.abs_gap DESC, r.id LIMIT 500
"""
SUMMARY_QUERY = """query($f: String!, $t: String!) { channelSummary(periodFrom: $f, periodTo: $t) {
  period sellIn sellThrough calculatedInventory reportedInventory weeksOfSupply } }"""
SUMMARY_SQL = """
SELECT period, sum(sell_in), sum(sell_through), sum(calculated), sum(reported), count(reported)
FROM reconciliation_row WHERE manufacturer_id = $1 AND period = ANY($2::text[]) GROUP BY period
"""
GRAPH_QUERY = """query($p: String!) { reconciliation(period: $p, first: 500) { edges { node {
  id partnerCode warehouseCode sku period opening sellIn sellThrough calculated reported gap status } } } }"""


def partitions_in(plan: str, table: str) -> set[str]:
    """The monthly partitions of ``table`` a plan reads (``p2026_03``, ``default``)."""
    return set(re.findall(rf"\b{table}_(p\d{{4}}_\d{{2}}|default)\b", plan))


def months(count: int) -> list[date]:
    result = [FIRST_MONTH]
    while len(result) < count:
        last = result[-1]
        result.append(date(last.year + last.month // 12, last.month % 12 + 1, 1))
    return result


async def generate(args: argparse.Namespace) -> tuple[Principal, str]:
    manufacturer, _ = await create_manufacturer(f"Bench reconcile {time.time():.0f}")
    m = manufacturer.id
    admin = Principal(manufacturer_id=manufacturer.id, role=Role.ADMIN)
    for n in range(args.partners):
        await partners.create_partner(
            admin, code=f"P{n:03d}", name=f"P{n}", tier=PartnerTier.DISTRIBUTOR
        )
        for w in range(2):
            await warehouses.create_warehouse(
                admin, code=f"P{n:03d}-W{w}", name="w", partner_code=f"P{n:03d}"
            )
    for n in range(args.skus):
        await products.create_product(admin, sku=f"S{n:04d}", name=f"S{n}", list_price=10 + n % 90)
    all_products = await Product.filter(manufacturer_id=m).order_by("id")
    by_partner: dict[int, list[Warehouse]] = {}
    for w in await Warehouse.filter(manufacturer_id=m).order_by("id"):
        by_partner.setdefault(w.partner_id, []).append(w)  # type: ignore[attr-defined]
    if args.generate == "sql":
        await generate_in_sql(m, args.periods)
        print("generated in SQL", file=sys.stderr)
    for index, month in enumerate(months(args.periods) if args.generate == "domain" else []):
        async with in_transaction():
            for partner_warehouses in by_partner.values():
                moves = []
                for w in partner_warehouses:
                    for p in all_products:
                        moves.append(
                            Movement(w, p.id, 100, LedgerKind.SELL_IN, month + timedelta(days=2))
                        )
                        moves.append(
                            Movement(
                                w,
                                p.id,
                                -(60 + (p.id + index) % 30),
                                LedgerKind.SELL_THROUGH,
                                month + timedelta(days=15),
                            )
                        )
                await post(manufacturer.id, moves, source=("BENCH", index))
        for partner_id, partner_warehouses in by_partner.items():
            principal = Principal(manufacturer.id, Role.PARTNER_INVENTORY, partner_id)
            lines = [
                {"warehouse_code": w.code, "sku": p.sku, "quantity": 40 * (index + 1) - (p.id % 7)}
                for w in partner_warehouses
                for p in all_products
            ]
            made = await submissions.submit(
                principal,
                _Parked(),
                kind=SubmissionKind.STOCK,
                period=month.strftime("%Y-%m"),
                lines=lines,
            )
            await validate_submission(made.id)
        print(f"generated {month:%Y-%m}", file=sys.stderr)
    await ReconcileDirty.filter(
        manufacturer_id=m
    ).delete()  # timed below, in full and incrementally
    _, token = await create_token(manufacturer.id, Role.CHANNEL_MANAGER)
    return admin, token


# The same data as the domain path below, written by set-based statements: at 10x the
# default size (48M ledger entries, 24M stock lines) posting through the domain would take
# most of an hour. The balance projection is the grouped sum of the ledger, as posting keeps
# it; a report is one accepted version per partner and period, as validation leaves it.
GENERATE_SQL = (
    """
INSERT INTO ledger_entry (manufacturer_id, partner_id, warehouse_id, product_id, owner, quantity,
    kind, business_date, period, recorded_at, source_type, source_id, serials)
SELECT $1, w.partner_id, w.id, p.id, 'PARTNER', q.quantity, q.kind, q.day,
       to_char(m.month, 'YYYY-MM'), now(), 'BENCH', m.index, '[]'::jsonb
FROM warehouse w CROSS JOIN product p
CROSS JOIN (SELECT i - 1 AS index, ($2::date + make_interval(months => i - 1))::date AS month
            FROM generate_series(1, $3::int) AS i) m
CROSS JOIN LATERAL (VALUES (100, 'SELL_IN', m.month + 2),
                           (-(60 + (p.id + m.index) % 30), 'SELL_THROUGH', m.month + 15))
    AS q(quantity, kind, day)
WHERE w.manufacturer_id = $1 AND p.manufacturer_id = $1
""",
    """
INSERT INTO stock_balance (manufacturer_id, partner_id, warehouse_id, product_id, owner, quantity,
    in_transit, updated_at)
SELECT $1, min(partner_id), warehouse_id, product_id, owner, sum(quantity), 0, now()
FROM ledger_entry WHERE manufacturer_id = $1 GROUP BY warehouse_id, product_id, owner
""",
    """
INSERT INTO submission (manufacturer_id, partner_id, kind, period, version, status, source,
    dry_run, rows_total, rows_done, error_count, warning_count, posted_at, validated_at,
    created_at)
SELECT $1, pa.id, 'STOCK', to_char(($2::date + make_interval(months => i - 1)), 'YYYY-MM'), 1,
       'ACCEPTED', 'GRAPHQL', false, n.lines, n.lines, 0, 0, now(), now(), now()
FROM partner pa
CROSS JOIN LATERAL (
    SELECT count(*) * (SELECT count(*) FROM product WHERE manufacturer_id = $1) AS lines
    FROM warehouse w WHERE w.manufacturer_id = $1 AND w.partner_id = pa.id) n
CROSS JOIN generate_series(1, $3::int) AS i WHERE pa.manufacturer_id = $1
""",
    """
INSERT INTO stock_line (manufacturer_id, submission_id, row, warehouse_id, product_id, quantity)
SELECT $1, s.id, row_number() OVER (PARTITION BY s.id ORDER BY w.id, p.id), w.id, p.id,
       40 * (1 + (extract(year FROM to_date(s.period, 'YYYY-MM')) - extract(year FROM $2::date))
             * 12 + extract(month FROM to_date(s.period, 'YYYY-MM'))
             - extract(month FROM $2::date))::int - p.id % 7
FROM submission s JOIN warehouse w ON w.manufacturer_id = $1 AND w.partner_id = s.partner_id
CROSS JOIN product p
WHERE s.manufacturer_id = $1 AND s.kind = 'STOCK' AND p.manufacturer_id = $1
""",
)


async def generate_in_sql(manufacturer_id: int, periods: int) -> None:
    conn = connections.get("default")
    for sql in GENERATE_SQL:  # each committed, so that autovacuum may analyse what it wrote
        used = max(int(n) for n in re.findall(r"\$(\d)", sql))
        await conn.execute_query(sql, [manufacturer_id, FIRST_MONTH, periods][:used])


async def submit_pos(
    principal: Principal, warehouse_code: str, skus: list[str], month: date, tag: str
) -> None:
    """A validated 1,000-line POS submission for the period of ``month``."""
    lines = [
        {
            "warehouse_code": warehouse_code,
            "sku": skus[n % len(skus)],
            "quantity": 1,
            "sold_on": (month + timedelta(days=20)).isoformat(),
            "end_customer_name": f"C{n}",
            "end_customer_country": "US",
            "invoice_no": f"{tag}{n}",
        }
        for n in range(1000)
    ]
    made = await submissions.submit(
        principal, _Parked(), kind=SubmissionKind.POS, period=month.strftime("%Y-%m"), lines=lines
    )
    await validate_submission(made.id)


class _Parked:
    async def dispatch(self, job_id: int, dispatch_no: int) -> None:
        return None


# What a cold recompute writes: its rows and the opened exceptions' audit and webhook events.
WRITTEN = (
    ("reconciliation_row", "manufacturer_id = $1"),
    ("exception_event", "manufacturer_id = $1 AND action = 'OPENED'"),
    ("outbox_event", "manufacturer_id = $1 AND event_type = 'exception.opened'"),
)


async def cold_floor(conn: asyncpg.Connection, manufacturer_id: int) -> dict[str, float]:
    """The least a cold recompute costs before it computes anything: the rows and events it
    wrote, copied by one ``INSERT … SELECT`` each into a table like theirs (same columns and
    indexes, logged), in a transaction rolled back; seconds per table."""
    times: dict[str, float] = {}
    transaction = conn.transaction()
    await transaction.start()
    try:
        for table, where in WRITTEN:
            copy = f"bench_floor_{table}_{manufacturer_id}"
            await conn.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING INDEXES)")
            start = time.perf_counter()
            await conn.execute(
                f"INSERT INTO {copy} SELECT * FROM {table} WHERE {where}", manufacturer_id
            )
            times[table] = time.perf_counter() - start
    finally:
        await transaction.rollback()
    return times


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=100)
    parser.add_argument("--skus", type=int, default=1000)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument(
        "--generate",
        choices=["domain", "sql"],
        default="domain",
        help="write the data through the domain (posting, validation) or set-based SQL",
    )
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN (ANALYZE) of a backdated run, on stderr"
    )
    args = parser.parse_args()
    url = os.environ.get("PORTAL_DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("Set PORTAL_DATABASE_URL to a PostgreSQL database.")
    # a 500-row page costs 7,001 (the default limit is 5,000)
    settings = Settings(database_url=url, env="test", max_page_size=500, max_query_cost=10_000)
    await migrate(settings)  # the production schema: versioned migrations, partitions on
    await open_database(settings)
    admin, token = await generate(args)
    periods = [m.strftime("%Y-%m") for m in months(args.periods)]

    # Cold: no rows yet, so every row is inserted and every exception opened (with its
    # audit and webhook events). Warm: the same full recompute over current rows, as
    # `portal reconcile --period P --through Q` runs once the workers keep them current.
    # Both with PORTAL_RECOMPUTE_CONCURRENCY batches at once (as `portal reconcile` runs);
    # the warm one also with one batch at a time (full_one_s).
    lanes = settings.recompute_concurrency
    start = time.perf_counter()
    rows = await full_recompute(
        admin.manufacturer_id, periods[0], through=periods[-1], today=TODAY, concurrency=lanes
    )
    full_cold_s = time.perf_counter() - start
    timed: dict[int, float] = {}
    for concurrency in dict.fromkeys((lanes, 1)):
        start = time.perf_counter()
        await full_recompute(
            admin.manufacturer_id,
            periods[0],
            through=periods[-1],
            today=TODAY,
            concurrency=concurrency,
        )
        timed[concurrency] = time.perf_counter() - start
    full_s, full_one_s = timed[lanes], timed[1]

    m = admin.manufacturer_id
    baseline = f"bench_recon_baseline_{m}"  # the bench's own scratch table, dropped below
    conn = await asyncpg.connect(url)
    await conn.execute("ANALYZE")  # as autovacuum would: fair plans for both sides below
    await conn.execute(
        f"CREATE TABLE {baseline} (warehouse_id int, product_id int, period varchar(8),"
        " opening int, sell_in int, sell_through int, adjustments int, calculated int,"
        " reported int, gap int)"
    )
    start = time.perf_counter()
    await conn.execute(SET_BASED.format(baseline=baseline), m)
    sql_s = time.perf_counter() - start
    baseline_rows = await conn.fetchval(f"SELECT count(*) FROM {baseline}")
    opened = await conn.fetchval(
        "SELECT count(*) FROM exception_event WHERE manufacturer_id = $1 AND action = 'OPENED'", m
    )
    mismatches = await conn.fetchval(
        f"SELECT count(*) FROM {baseline} b JOIN reconciliation_row r"
        " USING (warehouse_id, product_id, period) WHERE r.manufacturer_id = $1"
        " AND (b.calculated, b.opening, coalesce(b.reported, -1)) <>"
        " (r.calculated, r.opening, coalesce(r.reported, -1))",
        m,
    )
    await conn.execute(f"DROP TABLE {baseline}")
    floor = await cold_floor(conn, m)

    partner = await Partner.get(manufacturer_id=m, code="P000")
    p0 = Principal(admin.manufacturer_id, Role.PARTNER_INVENTORY, partner.id)
    w0 = (await Warehouse.filter(partner_id=partner.id).order_by("id").first()).code  # type: ignore[union-attr]
    skus = [p.sku for p in await Product.filter(manufacturer_id=m).order_by("id").limit(1000)]
    all_months = months(args.periods)
    await submit_pos(p0, w0, skus, all_months[-1], "I")
    start = time.perf_counter()
    await drain_dirty(today=TODAY)
    incremental_s = time.perf_counter() - start
    # Backdated: the same 1,000 lines for the period 9 months back, so every later period
    # of those keys is recomputed too (rows change, exceptions open).
    backdated = all_months[max(0, len(all_months) - 10)]
    await submit_pos(p0, w0, skus, backdated, "B")
    start = time.perf_counter()
    await drain_dirty(today=TODAY)
    incremental_backdated_s = time.perf_counter() - start
    pruning: dict[str, object] = {}
    if args.explain:  # the same backdated case on fresh keys, its statement's plan kept
        other = await Partner.get(manufacturer_id=m, code="P001")
        p1 = Principal(admin.manufacturer_id, Role.PARTNER_INVENTORY, other.id)
        w1 = (await Warehouse.filter(partner_id=other.id).order_by("id").first()).code  # type: ignore[union-attr]
        await submit_pos(p1, w1, skus, backdated, "E")
        plans: list[str] = []

        async def explained(manufacturer_id: int, *rest: object) -> int:
            db = connections.get("default")
            await db.execute_script(sql_path.SETTINGS)
            for sql, args in sql_path.statements(manufacturer_id, *rest):  # type: ignore[arg-type]
                if sql.startswith(("ANALYZE", "SET")):
                    await db.execute_query(sql, args)
                    continue
                rows = await db.execute_query_dict("EXPLAIN (ANALYZE, BUFFERS) " + sql, args)
                plans.append("\n".join(r["QUERY PLAN"] for r in rows))
            return 0

        recompute_module.recompute_set_based = explained  # type: ignore[assignment]
        try:
            await drain_dirty(today=TODAY)
        finally:
            recompute_module.recompute_set_based = sql_path.recompute_set_based
        print("\n\n".join(plans), file=sys.stderr)
        # What partition pruning leaves: the ledger months the backdated recompute read (its
        # period and the later ones only), and those of the submission's POS lines.
        pruning["backdated_period"] = backdated.strftime("%Y-%m")
        pruning["backdated_recompute_ledger_partitions"] = sorted(
            set().union(*(partitions_in(plan, "ledger_entry") for plan in plans))
        )
        pos = (
            await Submission.filter(manufacturer_id=m, kind=SubmissionKind.POS)
            .order_by("-id")
            .first()
        )
        assert pos is not None
        pos_plan = await connections.get("default").execute_query_dict(
            "EXPLAIN " + pos_lines_of(pos).sql(params_inline=True)
        )
        pruning["submission_pos_line_partitions"] = sorted(
            partitions_in("\n".join(r["QUERY PLAN"] for r in pos_plan), "pos_line")
        )

    app = create_app(settings, scheduler_interval=None)

    async def plain(request: Request) -> JSONResponse:
        records = await conn.fetch(PAGE_SQL, admin.manufacturer_id, request.query_params["period"])
        return JSONResponse(
            {
                "data": {
                    "reconciliation": {
                        "edges": [
                            {
                                "node": {
                                    "id": str(r["id"]),
                                    "partnerCode": r["partner_code"],
                                    "warehouseCode": r["warehouse_code"],
                                    "sku": r["sku"],
                                    "period": r["period"],
                                    "opening": r["opening"],
                                    "sellIn": r["sell_in"],
                                    "sellThrough": r["sell_through"],
                                    "calculated": r["calculated"],
                                    "reported": r["reported"],
                                    "gap": r["gap"],
                                    "status": r["status"],
                                }
                            }
                            for r in records
                        ]
                    }
                }
            }
        )

    plain_app = Starlette(routes=[Route("/page", plain)])
    graph_times, plain_times = [], []
    await close_database()
    async with app.router.lifespan_context(app):
        async with (
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as graph,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=plain_app), base_url="http://p"
            ) as direct,
        ):
            for _ in range(31):
                start = time.perf_counter()
                answer = await graph.post(
                    "/graphql",
                    json={"query": GRAPH_QUERY, "variables": {"p": periods[-1]}},
                    headers={"Authorization": f"Bearer {token}"},
                )
                graph_times.append(time.perf_counter() - start)
                assert answer.json().get("data"), answer.text[:300]
                start = time.perf_counter()
                same = await direct.get("/page", params={"period": periods[-1]})
                plain_times.append(time.perf_counter() - start)
                assert len(same.json()["data"]["reconciliation"]["edges"]) == len(
                    answer.json()["data"]["reconciliation"]["edges"]
                )
            last12 = periods[-12:]
            summary_times, rows_sql_times = [], []
            for _ in range(31):
                start = time.perf_counter()
                answer = await graph.post(
                    "/graphql",
                    json={"query": SUMMARY_QUERY, "variables": {"f": last12[0], "t": last12[-1]}},
                    headers={"Authorization": f"Bearer {token}"},
                )
                summary_times.append(time.perf_counter() - start)
                summary = answer.json()["data"]["channelSummary"]
                start = time.perf_counter()
                by_rows = await conn.fetch(SUMMARY_SQL, m, last12)
                rows_sql_times.append(time.perf_counter() - start)
            sums = {r["period"]: (r[1], r[2], r[3]) for r in by_rows}
            summary_mismatches = sum(
                1
                for s in summary
                if sums.get(s["period"], (0, 0, 0))
                != (s["sellIn"], s["sellThrough"], s["calculatedInventory"])
            )
    await conn.close()
    graph_p50, plain_p50 = statistics.median(graph_times[1:]), statistics.median(plain_times[1:])
    print(
        json.dumps(
            {
                "partners": args.partners,
                "skus": args.skus,
                "warehouses_per_partner": 2,
                "periods": args.periods,
                "rows": rows,
                "baseline_rows": baseline_rows,
                "mismatches": mismatches,
                "full_cold_s": round(full_cold_s, 2),
                "full_cold_ratio": round(full_cold_s / sql_s, 1),
                "exceptions_opened": opened,
                "cold_floor_s": {k: round(v, 2) for k, v in floor.items()},
                "cold_floor_ratio": round(sum(floor.values()) / sql_s, 1),
                "full_s": round(full_s, 2),
                "sql_s": round(sql_s, 3),
                "full_ratio": round(full_s / sql_s, 1),
                "recompute_concurrency": lanes,
                "full_one_s": round(full_one_s, 2),
                "full_one_ratio": round(full_one_s / sql_s, 1),
                "incremental_s": round(incremental_s, 3),
                "incremental_backdated_s": round(incremental_backdated_s, 3),
                "graph_p50_ms": round(graph_p50 * 1000, 1),
                "plain_p50_ms": round(plain_p50 * 1000, 1),
                "graph_ratio_p50": round(graph_p50 / plain_p50, 2),
                "summary_periods": len(last12),
                "summary_p50_ms": round(statistics.median(summary_times[1:]) * 1000, 1),
                "summary_rows_sql_p50_ms": round(statistics.median(rows_sql_times[1:]) * 1000, 1),
                "summary_mismatches": summary_mismatches,
                "generate": args.generate,
                **pruning,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
