"""Concurrent order placement on PostgreSQL: 10,000 placeOrder calls over 100 SKUs from
20 clients at once, then the reservation check.

    PORTAL_DATABASE_URL=postgres://... python bench/orders.py [--orders 10000] [--skus 100]
        [--clients 20] [--stock 150] [--policy BLOCK|ALLOW]

Works in the database of ``PORTAL_DATABASE_URL`` (migrated first, as ``portal migrate``
does): it creates its own tenant (a manufacturer named ``bench-orders-<time>``, one
manufacturer warehouse stocked with ``--stock`` units of each SKU, one distributor per
client) and deletes exactly that tenant's rows at the end. Each client places its share
of orders one after the other through the domain function the graph calls
(``place_order``: 1 to 5 units of a random SKU from the manufacturer warehouse), so 20
placements contend for the same supply rows at any time. Prints orders/s, the p50/p99
latency of a placement (refused ones included) and the outcome counts, then runs
``portal check-ledger`` (balances and reservations: reserved <= on hand) and checks that
every SKU has reserved exactly what its accepted orders hold and at most its stock. The
last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time

from tortoise import Tortoise, connections

from portal.db import close_database, open_database
from portal.domain.access.principal import Principal
from portal.domain.catalog import partners, products, warehouses
from portal.domain.catalog.tenants import create_manufacturer, update_settings
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.orders import orders, supply
from portal.migrate import migrate
from portal.models import Manufacturer, OrderLine, Partner, SupplyStock
from portal.models.enums import InsufficientStockPolicy, PartnerTier, Role
from portal.settings import Settings


async def _tenant(args: argparse.Namespace) -> tuple[int, list[Principal]]:
    manufacturer, _ = await create_manufacturer(f"bench-orders-{time.time_ns()}")
    admin = Principal(manufacturer.id, Role.ADMIN)
    await update_settings(admin, insufficient_stock_policy=InsufficientStockPolicy(args.policy))
    await warehouses.create_warehouse(admin, code="BENCH-PLANT", name="Bench plant")
    for n in range(args.skus):
        await products.create_product(admin, sku=f"B-{n:03d}", name=f"Bench {n}")
        await supply.adjust_supply(
            admin, warehouse_code="BENCH-PLANT", sku=f"B-{n:03d}", quantity=args.stock, reason="ERP"
        )
    buyers = []
    for n in range(args.clients):
        code = f"BD{n:02d}"
        await partners.create_partner(admin, code=code, name=code, tier=PartnerTier.DISTRIBUTOR)
        await warehouses.create_warehouse(admin, code=f"{code}-W", name=code, partner_code=code)
        partner = await Partner.get(manufacturer_id=manufacturer.id, code=code)
        buyers.append(Principal(manufacturer.id, Role.PARTNER_ADMIN, partner_id=partner.id))
    return manufacturer.id, buyers


async def _client(
    buyer: Principal, code: str, count: int, skus: int, rng: random.Random
) -> tuple[list[float], int, int]:
    latencies, placed, refused = [], 0, 0
    for _ in range(count):
        started = time.perf_counter()
        try:
            await orders.place_order(
                buyer,
                supplier_code=None,
                supply_warehouse_code="BENCH-PLANT",
                ship_to_warehouse_code=f"{code}-W",
                lines=[orders.OrderLineInput(f"B-{rng.randrange(skus):03d}", rng.randint(1, 5))],
            )
            placed += 1
        except DomainError as error:
            if error.code is not ErrorCode.INSUFFICIENT_STOCK:
                raise
            refused += 1
        latencies.append(time.perf_counter() - started)
    return latencies, placed, refused


async def _consistent(manufacturer_id: int, stock: int) -> list[str]:
    problems = []
    held: dict[int, int] = {}
    for line in await OrderLine.filter(manufacturer_id=manufacturer_id).values(
        "product_id", "reserved"
    ):
        held[line["product_id"]] = held.get(line["product_id"], 0) + line["reserved"]
    for row in await SupplyStock.filter(manufacturer_id=manufacturer_id):
        if row.reserved != held.get(row.product_id, 0) or row.reserved > stock:
            problems.append(
                f"product {row.product_id}: reserved {row.reserved}, "
                f"order lines {held.get(row.product_id, 0)}, stock {stock}"
            )
    return problems


async def _drop_tenant(manufacturer_id: int) -> None:
    """Delete every row of the bench tenant (tables in an order their keys allow)."""
    tables = sorted(
        {
            model._meta.db_table
            for model in Tortoise.apps["models"].values()
            if "manufacturer_id" in model._meta.fields_db_projection.values()
        }
    )
    conn = connections.get("default")
    for _ in range(len(tables)):
        left = []
        for table in tables:
            try:
                await conn.execute_query(
                    f'DELETE FROM "{table}" WHERE manufacturer_id = $1', [manufacturer_id]
                )
            except Exception:
                left.append(table)
        tables = left
        if not tables:
            break
    await Manufacturer.filter(id=manufacturer_id).delete()


async def main(args: argparse.Namespace) -> dict[str, object]:
    settings = Settings()
    if settings.is_sqlite:
        sys.exit("bench/orders.py needs PORTAL_DATABASE_URL=postgres://...")
    await migrate(settings)
    await open_database(settings)
    manufacturer_id, buyers = await _tenant(args)
    try:
        share = args.orders // args.clients
        started = time.perf_counter()
        results = await asyncio.gather(
            *(
                _client(b, f"BD{n:02d}", share, args.skus, random.Random(n))
                for n, b in enumerate(buyers)
            )
        )
        elapsed = time.perf_counter() - started
        latencies = sorted(x for r in results for x in r[0])
        placed, refused = sum(r[1] for r in results), sum(r[2] for r in results)
        problems = await _consistent(manufacturer_id, args.stock)
        check = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "portal.cli", "check-ledger"],
            env={**os.environ},
            capture_output=True,
            text=True,
            check=False,
        )
        result: dict[str, object] = {
            "orders": len(latencies),
            "placed": placed,
            "refused_insufficient_stock": refused,
            "clients": args.clients,
            "skus": args.skus,
            "policy": args.policy,
            "seconds": round(elapsed, 2),
            "orders_per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
            "over_reservation": problems,
            "check_ledger": check.stdout.strip()
            + (" " + check.stderr.strip() if check.returncode else ""),
        }
    finally:
        await _drop_tenant(manufacturer_id)
        await close_database()
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--skus", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--stock", type=int, default=150)
    parser.add_argument("--policy", choices=["BLOCK", "ALLOW"], default="BLOCK")
    outcome = asyncio.run(main(parser.parse_args()))
    print(
        f"{outcome['orders']} placements in {outcome['seconds']} s: "
        f"{outcome['orders_per_s']} orders/s, p99 {outcome['p99_ms']} ms"
    )
    print(json.dumps(outcome))
    sys.exit(1 if outcome["over_reservation"] or "OK" not in str(outcome["check_ledger"]) else 0)
