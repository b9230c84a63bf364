"""Scale-out readiness: every table carries the tenant key, and every statement the graph
issues on a tenant table filters on it (what a sharded engine routes by)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

import httpx
import pytest
from tortoise import Tortoise

from portal.domain.access.tokens import create_token
from portal.models import Partner
from portal.models.enums import Role
from tests.graph import Graph
from tests.tenant_sql import NOT_DISTRIBUTED, recording_statements, untenanted_in


def _tables() -> dict[str, set[str]]:
    return {
        model._meta.db_table: set(model._meta.fields_db_projection.values())
        for model in Tortoise.apps["models"].values()
    }


async def test_every_table_but_the_tenant_root_has_manufacturer_id(client) -> None:
    tables = _tables()
    assert len(tables) > 30
    missing = sorted(
        t for t, cols in tables.items() if t != "manufacturer" and "manufacturer_id" not in cols
    )
    assert missing == []


async def test_every_unique_key_of_a_distributed_table_holds_the_tenant(client) -> None:
    """A sharded engine enforces a unique key only when it holds the distribution column;
    on one node a key led by the tenant is also the one index a (tenant, parent) read
    needs."""
    offenders = []
    for model in Tortoise.apps["models"].values():
        meta = model._meta
        if meta.db_table in NOT_DISTRIBUTED:
            continue
        for key in meta.unique_together:
            columns = [meta.fields_db_projection.get(name, f"{name}_id") for name in key]
            if "manufacturer_id" not in columns:
                offenders.append(f"{meta.db_table}{tuple(columns)}")
        for name, field in meta.fields_map.items():
            column = meta.fields_db_projection.get(name)
            if field.unique and not field.pk and column and column != "manufacturer_id":
                offenders.append(f"{meta.db_table}.{column}")
    assert sorted(offenders) == []


def _offenders(statements: Iterable[str]) -> dict[str, set[str]]:
    """Per tenant table, the statements that reach it without its tenant key."""
    tenant_tables = frozenset(_tables()) - NOT_DISTRIBUTED
    found: dict[str, set[str]] = {}
    for sql in statements:
        for table in untenanted_in(sql, tenant_tables):
            found.setdefault(table, set()).add(" ".join(sql.split())[:300])
    return found


def _listed(offenders: dict[str, set[str]]) -> str:
    return "\n".join(f"{t}: {sorted(s)}" for t, s in offenders.items())


def test_the_statement_check_catches_a_missing_tenant_filter() -> None:
    tenant = frozenset({"pos_line", "submission"})
    bad = 'SELECT "id" FROM "pos_line" WHERE "submission_id"=$1'
    good = 'SELECT "id" FROM "pos_line" WHERE "manufacturer_id"=$1 AND "submission_id"=$2'
    join = (
        "SELECT l.id FROM pos_line l JOIN submission s ON s.id = l.submission_id "
        "WHERE s.manufacturer_id = $1"
    )
    assert untenanted_in(bad, tenant) == ["pos_line"]
    assert untenanted_in(good, tenant) == []
    assert untenanted_in(join, tenant) == ["pos_line"]
    assert untenanted_in(join + " AND l.manufacturer_id = $1", tenant) == []
    assert untenanted_in('INSERT INTO "pos_line" ("row") VALUES ($1)', tenant) == ["pos_line"]
    # a whole-row save writes the tenant column in SET and filters by id alone
    resave = 'UPDATE "submission" SET "manufacturer_id"=$1,"period"=$2 WHERE "id"=$3'
    assert untenanted_in(resave, tenant) == ["submission"]
    assert (
        untenanted_in(resave.replace('"id"=$3', '"manufacturer_id"=$3 AND "id"=$4'), tenant) == []
    )


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_every_statement_of_the_access_sweep_filters_on_the_tenant(client) -> None:
    from tests import test_access_sweep as sweep

    victim_id, other_partner = await sweep._seed_victim()
    d1 = await Partner.get(manufacturer_id=victim_id, code="D1")
    _, owner = await create_token(victim_id, Role.ADMIN)
    _, partner = await create_token(victim_id, Role.PARTNER_ADMIN, partner_id=d1.id)
    with recording_statements() as seen:
        for token in (other_partner, partner, owner):  # refused, then allowed, paths
            graph = Graph(client, token)
            for _name, (query, variables) in sweep.QUERIES.items():
                await graph.raw(query, variables)
            for name, (input_type, payload) in sweep.MUTATIONS.items():
                if input_type == "UPLOAD":
                    await sweep._upload(client, token, name, payload)
                elif input_type:
                    await graph.raw(sweep.M.format(type=input_type, name=name), {"input": payload})
                else:
                    await graph.raw(f"mutation {{ {name} {{ errors {{ code }} }} }}")
    assert len(seen) > 100
    offenders = _offenders(seen)
    assert offenders == {}, _listed(offenders)


# A periodic job first finds which tenants have work (the dirty keys, the due deliveries,
# the partitions to maintain): those statements read across tenants by design, and a
# sharded engine runs them on every node. Every other statement names its tenant.
_CROSS_TENANT = re.compile(
    r"(SELECT DISTINCT \"?manufacturer_id\"?|GROUP BY \"?manufacturer_id\"?\s*$"
    r"|ALTER TABLE|CREATE TABLE|DROP TABLE|pg_class|pg_inherits)",
    re.IGNORECASE,
)


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_every_statement_of_the_jobs_filters_on_the_tenant(db) -> None:
    """The background side of the portal: every periodic job over the demo's data, a
    submission's and a claim's validation, and the full recompute of the CLI."""
    from portal.demo import seed_demo
    from portal.domain.integrations.erp import schedule_all as schedule_erp_sync
    from portal.domain.reconciliation.recompute import full_recompute
    from portal.jobs.handlers import HANDLERS
    from portal.jobs.kinds import VALIDATE_CLAIM, VALIDATE_SUBMISSION
    from portal.jobs.records import JobContext
    from portal.jobs.schedule import PERIODIC
    from portal.models import Claim, Submission
    from tests.jobs import ParkedQueue

    await seed_demo()
    submission = await Submission.filter(kind="POS").order_by("-id").first()
    claim = await Claim.all().order_by("-id").first()
    assert submission is not None and claim is not None
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(204))
    ) as http:
        context = JobContext(
            job_id=0, lease_seconds=60, settings=db, http=http, queue=ParkedQueue()
        )
        with recording_statements() as seen:
            for periodic in PERIODIC:
                await HANDLERS[periodic.kind]({}, context)
            # a job recorded for a tenant runs with it (JobContext.manufacturer_id)
            for_submission = replace(context, manufacturer_id=submission.manufacturer_id)
            await HANDLERS[VALIDATE_SUBMISSION]({"submission_id": submission.id}, for_submission)
            for_claim = replace(context, manufacturer_id=claim.manufacturer_id)
            await HANDLERS[VALIDATE_CLAIM]({"claim_id": claim.id}, for_claim)
            await schedule_erp_sync(ParkedQueue())
            await full_recompute(submission.manufacturer_id, submission.period)
    assert len(seen) > 50
    offenders = _offenders(sql for sql in seen if not _CROSS_TENANT.search(sql))
    assert offenders == {}, _listed(offenders)


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_every_edit_of_a_loaded_row_filters_on_the_tenant(db) -> None:
    """Edits of a row read first (a partner, a product and its price, a SKU mapping, the
    settings, a warehouse, a design's review and close, an exception) update it by id *and*
    tenant, never by id alone as ``instance.save()`` does."""
    from datetime import date
    from decimal import Decimal

    from portal.demo import seed_demo
    from portal.domain.access.principal import Principal
    from portal.domain.catalog import partners, products, tenants, warehouses
    from portal.domain.catalog.tenants import settings_of
    from portal.domain.designs import registrations
    from portal.domain.reconciliation.exceptions import update_exception
    from portal.models import DesignRegistration, Product, ReconciliationRow, Warehouse
    from portal.models.enums import DesignStatus, ExceptionStatus

    await seed_demo()
    partner = await Partner.filter(parent_id__isnull=True).order_by("id").first()
    assert partner is not None
    m = partner.manufacturer_id
    admin = Principal(manufacturer_id=m, role=Role.ADMIN)
    product, other = await Product.filter(manufacturer_id=m).order_by("id").limit(2)
    warehouse = await Warehouse.filter(manufacturer_id=m, partner_id=partner.id).first()
    submitted = await DesignRegistration.filter(
        manufacturer_id=m, status=DesignStatus.SUBMITTED
    ).first()
    approved = await DesignRegistration.filter(
        manufacturer_id=m, status=DesignStatus.APPROVED
    ).first()
    row = await ReconciliationRow.filter(
        manufacturer_id=m, exception_status=ExceptionStatus.OPEN
    ).first()
    assert warehouse and submitted and approved and row
    tolerance = (await settings_of(m)).tolerance_percent
    with recording_statements() as seen:
        await partners.update_partner(admin, partner.code, name="Renamed partner")
        await products.update_product(admin, product.sku, name="Renamed product")
        for price in (Decimal("10.00"), Decimal("11.00")):  # the second edits the first
            await products.set_list_price(
                admin, product.sku, price=price, valid_from=date(2026, 1, 1)
            )
        for sku in (product.sku, other.sku):  # the second remaps the first
            await products.map_partner_sku(
                admin, partner_sku="PN-1", sku=sku, partner_code=partner.code
            )
        await tenants.update_settings(admin, tolerance_percent=tolerance)
        await warehouses.update_warehouse(admin, warehouse.code, name="Renamed warehouse")
        await registrations.review_design(admin, submitted.id, approve=False, note="No.")
        await registrations.close_design(admin, approved.id, won=True)
        await update_exception(admin, row.id, owner_email="owner@example.com")
    updates = [sql for sql in seen if sql.lstrip().upper().startswith("UPDATE")]
    assert len(updates) >= 9
    offenders = _offenders(updates)
    assert offenders == {}, _listed(offenders)
    assert (await Partner.get(id=partner.id)).name == "Renamed partner"
    assert (await Product.get(id=product.id)).name == "Renamed product"
