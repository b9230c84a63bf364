"""The ERP connector against a fake ERP on a real loopback HTTP server."""

from __future__ import annotations

from ipaddress import ip_network

import pytest

from portal.domain.access.tokens import create_token
from portal.domain.catalog import tenants
from portal.domain.integrations.erp import ErpUnavailable, sync_erp
from portal.domain.integrations.outbound import OutboundPolicy
from portal.domain.integrations.outbound_http import guarded_client
from portal.models import ErpCursor, ErpSyncRun, Job, Shipment, StockBalance
from portal.models.enums import JobStatus, Role
from tests.fake_erp import FakeErp, serve_fake_erp
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.ledger_fixtures import build_channel


def _erp() -> FakeErp:
    return FakeErp(
        products=[
            {
                "sku": "ERP-1",
                "name": "From ERP",
                "list_price": "9.50",
                "updated_at": "2026-10-01T00:00:00Z",
            },
            {"sku": "SKU-A", "name": "Renamed A", "updated_at": "2026-10-02T00:00:00Z"},
            {"sku": "ERP-2", "name": "Second", "updated_at": "2026-10-03T00:00:00Z"},
        ],
        shipments=[
            {
                "document_no": f"ERP-INV-{n}",
                "partner_code": "D1",
                "warehouse_code": "W1",
                "shipped_on": f"2026-10-0{n}",
                "updated_at": f"2026-10-0{n}T12:00:00Z",
                "lines": [{"sku": "SKU-A", "quantity": 10 * n}],
            }
            for n in (1, 2, 3)
        ]
        + [
            {
                "document_no": "ERP-BAD",
                "partner_code": "NOPE",
                "warehouse_code": "W1",
                "shipped_on": "2026-10-04",
                "updated_at": "2026-10-04T00:00:00Z",
                "lines": [],
            }
        ],
    )


LOOPBACK = OutboundPolicy([ip_network("127.0.0.1/32")])  # where the fake ERP listens


async def _configure(ch, erp: FakeErp, key: str = "erp-secret") -> None:  # type: ignore[no-untyped-def]
    await tenants.update_settings(
        ch.admin, outbound=LOOPBACK, erp_base_url=erp.url, erp_api_key=key
    )


async def test_imports_incrementally_and_never_twice(db) -> None:
    ch = await build_channel()
    async with serve_fake_erp(_erp()) as erp, guarded_client(LOOPBACK) as http:
        await _configure(ch, erp)
        run = await sync_erp(ch.admin.manufacturer_id, http, backoff=0.01)
        assert run.status == "OK", run.error
        assert (run.products_imported, run.shipments_imported) == (3, 3)
        assert [e["item"] for e in run.item_errors] == ["ERP-BAD"]
        assert await Shipment.filter(source="ERP").count() == 3
        balance = await StockBalance.get(warehouse__code="W1", product__sku="SKU-A")
        assert balance.in_transit == 60

        again = await sync_erp(ch.admin.manufacturer_id, http, backoff=0.01)
        assert (again.shipments_imported, again.shipments_skipped) == (0, 0)  # the cursor
        assert "updated_since=2026-10-04" in erp.requests[-1]

        await ErpCursor.all().delete()  # forget the cursor: document numbers still hold
        third = await sync_erp(ch.admin.manufacturer_id, http, backoff=0.01)
        assert (third.shipments_imported, third.shipments_skipped) == (0, 3)
        assert await Shipment.filter(source="ERP").count() == 3
        assert (await StockBalance.get(warehouse__code="W1", product__sku="SKU-A")).in_transit == 60


async def test_retries_5xx_then_succeeds(db) -> None:
    ch = await build_channel()
    fake = _erp()
    fake.fail_next = 2
    async with serve_fake_erp(fake) as erp, guarded_client(LOOPBACK) as http:
        await _configure(ch, erp)
        run = await sync_erp(ch.admin.manufacturer_id, http, attempts=4, backoff=0.01)
        assert run.status == "OK", run.error
        assert (run.products_imported, run.shipments_imported) == (3, 3)
        # The first page asked three times (503, 503, then 200), every other page once.
        assert erp.requests[0].endswith("/api/products?page=1")
        assert erp.requests[:3] == [erp.requests[0]] * 3
        assert len(erp.requests) == 3 + 3  # products page 2, shipments pages 1 and 2


async def test_gives_up_after_retries_with_a_failure_record(db) -> None:
    ch = await build_channel()
    fake = _erp()
    fake.fail_next = 100
    async with serve_fake_erp(fake) as erp, guarded_client(LOOPBACK) as http:
        await _configure(ch, erp)
        with pytest.raises(ErpUnavailable):
            await sync_erp(ch.admin.manufacturer_id, http, attempts=3, backoff=0.01)
        assert len(erp.requests) == 3
    run = await ErpSyncRun.get()
    assert run.status == "FAILED" and "503" in run.error


async def test_4xx_is_recorded_and_not_retried(db) -> None:
    ch = await build_channel()
    async with serve_fake_erp(_erp()) as erp, guarded_client(LOOPBACK) as http:
        await _configure(ch, erp, key="wrong")
        run = await sync_erp(ch.admin.manufacturer_id, http, attempts=4, backoff=0.01)
        assert (run.status, run.http_status) == ("FAILED", 401)
        assert "401" in run.error
        assert len(erp.requests) == 1
        assert await Shipment.all().count() == 0


async def test_sync_erp_mutation_runs_as_a_job(client, app) -> None:
    ch = await build_channel()
    _, token = await create_token(ch.admin.manufacturer_id, Role.ADMIN)
    async with serve_fake_erp(_erp()) as erp:
        graph = Graph(client, token)
        done = await graph(
            'mutation($u: String!) { updateSettings(input: {erpBaseUrl: $u, erpApiKey: "erp-secret"}) { settings { erpConfigured } errors { code } } }',
            u=erp.url,
        )
        assert done["updateSettings"]["settings"]["erpConfigured"] is True
        queued = await graph("mutation { syncErp { job { id status } errors { code } } }")
        assert queued["syncErp"]["errors"] == []
        job_id = int(queued["syncErp"]["job"]["id"])
        await run_jobs(app)
        job = await Job.get(id=job_id)
        assert job.status == JobStatus.DONE, job.error
        runs = await graph("{ erpSyncRuns { edges { node { status shipmentsImported } } } }")
        assert runs["erpSyncRuns"]["edges"][0]["node"] == {"status": "OK", "shipmentsImported": 3}
