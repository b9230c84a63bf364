"""Hostile use of the API: racing repeats of one idempotency key, roles reaching past the
rule table, foreign-key lookups without an index, and a test run pointed at a database
or Redis it did not create."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from redis.asyncio import Redis
from tortoise import Tortoise

from portal.db import close_database, open_database
from portal.domain.access.principal import Principal
from portal.domain.access.tokens import create_token
from portal.domain.catalog.tenants import create_manufacturer
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.reconciliation.recompute import drain_dirty
from portal.models import (
    ExceptionEvent,
    IdempotencyRecord,
    Partner,
    ReconciliationRow,
    Shipment,
    Warehouse,
)
from portal.models.enums import PartnerTier, Role, WarehouseKind
from portal.scratch import (
    UnsafeToWipe,
    ensure_database,
    flush_redis,
    foreign_redis_keys,
    foreign_tables,
    maintenance_url,
    recreate_database,
)
from portal.settings import Settings
from tests import conftest
from tests.graph import Graph
from tests.ledger_fixtures import build_channel, ship_to_w1

RACERS = 50

CREATE_PARTNER = """
mutation($input: CreatePartnerInput!) {
  createPartner(input: $input) { partner { id code } errors { field code message } }
}"""
RECORD_SHIPMENT = """
mutation($input: RecordShipmentInput!) {
  recordShipment(input: $input) { shipment { id documentNo } errors { field code message } }
}"""


async def _race(graph: Graph, query: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    responses = await asyncio.gather(*(graph.raw(query, {"input": payload}) for _ in range(RACERS)))
    bodies = [r.json() for r in responses]
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    assert not [b["errors"] for b in bodies if "errors" in b]
    return [next(iter(b["data"].values())) for b in bodies]


async def test_fifty_concurrent_repeats_of_one_key_all_get_the_first_result(client) -> None:
    _, token = await create_manufacturer("Acme")
    graph = Graph(client, token)
    partner = {"code": "D1", "name": "Dist", "tier": "DISTRIBUTOR", "idempotencyKey": "p-1"}
    payloads = await _race(graph, CREATE_PARTNER, partner)
    assert [p["errors"] for p in payloads] == [[]] * RACERS
    assert len({p["partner"]["id"] for p in payloads}) == 1
    assert await Partner.filter(code="D1").count() == 1

    await graph(
        """mutation { createWarehouse(input: {code: "W1", name: "W", partnerCode: "D1"}) {
             errors { code } } createProduct(input: {sku: "S1", name: "S"}) { errors { code } } }"""
    )
    shipment = {
        "partnerCode": "D1",
        "warehouseCode": "W1",
        "documentNo": "DOC-1",
        "shippedOn": "2026-10-01",
        "lines": [{"sku": "S1", "quantity": 3}],
        "idempotencyKey": "s-1",
    }
    payloads = await _race(graph, RECORD_SHIPMENT, shipment)
    assert [p["errors"] for p in payloads] == [[]] * RACERS
    assert len({p["shipment"]["id"] for p in payloads}) == 1
    assert await Shipment.filter(document_no="DOC-1").count() == 1
    stock = await graph('{ stockBalances(partnerCode: "D1") { edges { node { inTransit } } } }')
    assert [e["node"]["inTransit"] for e in stock["stockBalances"]["edges"]] == [3]


async def test_concurrent_creates_without_a_key_lose_with_already_exists(client) -> None:
    """Past the domain's "exists?" check, the unique constraint refuses the loser: a coded
    error in the payload, never INTERNAL_ERROR."""
    _, token = await create_manufacturer("Acme")
    graph = Graph(client, token)
    payloads = await _race(graph, CREATE_PARTNER, {"code": "D1", "name": "D", "tier": "DEALER"})
    codes = sorted(p["errors"][0]["code"] if p["errors"] else "OK" for p in payloads)
    assert codes == ["ALREADY_EXISTS"] * (RACERS - 1) + ["OK"]
    assert await Partner.filter(code="D1").count() == 1


async def test_a_failed_first_call_releases_the_key_for_a_retry(db) -> None:
    manufacturer, _ = await create_manufacturer("Acme")
    admin = Principal(manufacturer_id=manufacturer.id, role=Role.ADMIN)

    async def failing() -> Partner:
        raise DomainError(ErrorCode.INVALID, "not yet")

    async def working() -> Partner:
        return await Partner.create(
            manufacturer_id=manufacturer.id, code="D1", name="D", tier=PartnerTier.DEALER
        )

    with pytest.raises(DomainError):
        await idempotent(admin, "op", "k", {"a": 1}, create=failing, model=Partner)
    assert not await IdempotencyRecord.exists(key="k")
    made = await idempotent(admin, "op", "k", {"a": 1}, create=working, model=Partner)
    again = await idempotent(admin, "op", "k", {"a": 1}, create=failing, model=Partner)
    assert again.id == made.id


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def test_a_partner_admin_may_not_create_or_change_a_consignment_warehouse(client) -> None:
    ch = await build_channel()
    d1 = await Partner.get(code="D1")
    _, token = await create_token(ch.admin.manufacturer_id, Role.PARTNER_ADMIN, partner_id=d1.id)
    graph = Graph(client, token)
    create = """mutation($kind: WarehouseKind!) { createWarehouse(input:
        {code: "C1", name: "Consigned", kind: $kind}) { warehouse { code } errors { code } } }"""
    refused = (await graph.raw(create, {"kind": "CONSIGNMENT"})).json()
    assert _codes(refused) == ["FORBIDDEN"]
    assert not await Warehouse.exists(code="C1")
    owned = await graph(create, kind="OWNED")  # its own stock: allowed
    assert owned["createWarehouse"] == {"warehouse": {"code": "C1"}, "errors": []}

    from portal.domain.catalog.warehouses import create_warehouse

    await create_warehouse(
        ch.admin, code="C2", name="Consigned", partner_code="D1", kind=WarehouseKind.CONSIGNMENT
    )
    update = 'mutation { updateWarehouse(input: {code: "C2", active: false}) { errors { code } } }'
    assert _codes((await graph.raw(update)).json()) == ["FORBIDDEN"]
    assert (await Warehouse.get(code="C2")).active


async def test_a_partner_viewer_may_not_comment_on_an_exception(client) -> None:
    ch = await build_channel()
    await ship_to_w1(ch, 10)
    await drain_dirty(today=date(2026, 11, 5))
    row = await ReconciliationRow.get(period="2026-10", warehouse__code="W1")
    d1 = await Partner.get(code="D1")
    comment = """mutation($id: ID!) { updateException(input: {rowId: $id, note: "looks wrong"})
        { row { id } errors { code } } }"""
    _, viewer = await create_token(ch.admin.manufacturer_id, Role.PARTNER_VIEWER, partner_id=d1.id)
    refused = (await Graph(client, viewer).raw(comment, {"id": str(row.id)})).json()
    assert _codes(refused) == ["FORBIDDEN"]
    assert not await ExceptionEvent.exists(row_id=row.id)

    _, worker = await create_token(
        ch.admin.manufacturer_id, Role.PARTNER_INVENTORY, partner_id=d1.id
    )
    done = await Graph(client, worker)(comment, id=str(row.id))
    assert done["updateException"]["errors"] == []
    assert await ExceptionEvent.filter(row_id=row.id, action="COMMENT").count() == 1


async def _fk_columns() -> dict[tuple[str, str], bool]:
    """Every foreign key of the models, with or without a database constraint (the
    value: whether the database enforces it)."""
    columns: dict[tuple[str, str], bool] = {}
    for model in Tortoise.apps["models"].values():
        meta = model._meta
        for name in meta.fk_fields | meta.o2o_fields:
            field = meta.fields_map[name]
            columns[(meta.db_table, field.source_field)] = bool(field.db_constraint)
    return columns


async def test_every_foreign_key_leads_an_index_on_postgres(postgres_ready: str) -> None:
    """A lookup by a foreign key alone (the rows of a submission, of a transfer, a
    partner's warehouses, and the database's own checks of a constraint) needs an index
    whose *first* column is that key: an index led by manufacturer_id then the key does not
    serve it. A reference the database does not enforce is only ever read with its tenant
    (every query of the code filters on it), so (manufacturer_id, key) serves it."""
    await open_database(Settings(database_url=postgres_ready))
    try:
        fks = await _fk_columns()
    finally:
        await close_database()
    conn = await asyncpg.connect(postgres_ready)
    try:
        indexed = [
            (row["tbl"], row["col"], row["col2"])
            for row in await conn.fetch(
                "SELECT t.relname AS tbl, a.attname AS col, b.attname AS col2 FROM pg_index i "
                "JOIN pg_class t ON t.oid = i.indrelid "
                "JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public' "
                "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] "
                "LEFT JOIN pg_attribute b ON b.attrelid = t.oid AND b.attnum = i.indkey[1]"
            )
        ]
        leading = {(tbl, col) for tbl, col, _ in indexed}
        tenant_led = {(tbl, col2) for tbl, col, col2 in indexed if col == "manufacturer_id"}
        constrained = {
            (row["tbl"], row["col"])
            for row in await conn.fetch(
                "SELECT t.relname AS tbl, a.attname AS col FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid "
                "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = c.conkey[1] "
                "WHERE c.contype = 'f' AND NOT t.relispartition"  # partitions inherit them
            )
        }
    finally:
        await conn.close()
    assert constrained <= set(fks)  # the models name every constraint of the database
    assert ("submission_issue", "submission_id") in fks
    unserved = {
        key
        for key, enforced in fks.items()
        if key not in leading and (enforced or key not in tenant_led)
    }
    assert sorted(unserved) == [], sorted(unserved)
    # The claim allocations' unenforced references are served by tenant-led indexes only.
    assert not fks[("claim_allocation", "pool_id")]
    assert ("claim_allocation", "pool_id") in tenant_led


def _scratch_url(base: str, suffix: str) -> str:
    head, _, name = base.rpartition("/")
    return f"{head}/{name}_{suffix}"


async def test_the_safety_helpers_refuse_what_the_portal_did_not_create(
    postgres_ready: str,
) -> None:
    scratch = _scratch_url(postgres_ready, "safety")
    maintenance, name = maintenance_url(scratch)
    admin = await asyncpg.connect(maintenance)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        assert await ensure_database(scratch) is True  # created when missing
        assert await ensure_database(scratch) is False
        assert await foreign_tables(scratch) is None  # empty: may be wiped
        conn = await asyncpg.connect(scratch)
        await conn.execute(
            "CREATE TABLE partner (id int); CREATE TABLE tortoise_migrations (id int)"
        )
        assert await foreign_tables(scratch) is None  # only the portal's own tables
        await conn.execute("CREATE TABLE payroll (id int)")
        await conn.close()
        refusal = await foreign_tables(scratch)
        assert refusal is not None and "payroll" in refusal
        with pytest.raises(UnsafeToWipe, match="payroll"):  # a bench's reset refuses too
            await recreate_database(maintenance, name)
        assert await recreate_database(maintenance, name, own={"payroll"}) == scratch
        assert await foreign_tables(scratch) is None  # recreated empty
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()

    redis = Redis.from_url(conftest.REDIS_URL)
    try:
        await redis.flushdb()
        await redis.set("arq:job:x", "1")
        await redis.set("portal:x", "1")
        assert await foreign_redis_keys(conftest.REDIS_URL) is None
        await redis.set("session:42", "someone else's")
        refusal = await foreign_redis_keys(conftest.REDIS_URL)
        assert refusal is not None and "session:42" in refusal
        with pytest.raises(pytest.fail.Exception, match="session:42"):
            await conftest._truncate_postgres()  # the per-test reset refuses to flush
        with pytest.raises(UnsafeToWipe, match="session:42"):
            await flush_redis(conftest.REDIS_URL)
        assert await redis.get("session:42") == b"someone else's"
    finally:
        await redis.flushdb()
        await redis.aclose()


def test_without_variables_the_tests_use_dedicated_databases() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_TEST_")}
    shown = subprocess.run(
        [sys.executable, "-c", "from tests import conftest as c; print(c.PG_URL, c.REDIS_URL)"],
        env=env,
        cwd=Path(conftest.__file__).parent.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert shown == ["postgres://postgres@127.0.0.1:5432/portal_test", "redis://127.0.0.1:6379/15"]
