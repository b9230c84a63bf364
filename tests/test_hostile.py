"""Issue #12: one tenant feeding poison to the shared jobs cannot stop another's work.

Tenant A has a poisoned reconcile key (a ledger entry dated 0001-01-01, whose period no
calendar can name: the recompute raises), a submission whose validation fails on every
attempt, and a file of 1,500 bad rows. Tenant B reports stock and POS in the same job runs:
its submissions are validated and its reconciliation is computed; A's failures are
visible to A's admin only. On both backends (in-process on SQLite; a real arq worker in
burst mode on Redis with PostgreSQL).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from portal.app import create_app
from portal.domain.reconciliation.dirty import mark_dirty
from portal.domain.reporting.submissions import submit
from portal.jobs.kinds import RECONCILE
from portal.jobs.records import dispatch
from portal.jobs.schedule import schedule
from portal.models import Job, LedgerEntry, Product, SubmissionContent, Warehouse
from portal.models.enums import LedgerKind, Owner, SubmissionKind
from portal.settings import Settings
from tests.graph import Graph
from tests.jobs import ParkedQueue, run_jobs
from tests.tenants import Tenant, tenant

PERIOD = "2026-10"
STOCK_HEADER = "warehouse_code,sku,quantity\n"


async def poison_reconcile(a: Tenant) -> None:
    """A ledger entry dated in year 1 gets in (as it did): its key is marked dirty from then."""
    warehouse = await Warehouse.get(manufacturer_id=a.admin.manufacturer_id, code="W1")
    product = await Product.get(manufacturer_id=a.admin.manufacturer_id, sku="SKU-A")
    await LedgerEntry.create(
        manufacturer_id=a.admin.manufacturer_id,
        partner_id=warehouse.partner_id,
        warehouse=warehouse,
        product=product,
        owner=Owner.PARTNER,
        quantity=5,
        kind=LedgerKind.ADJUSTMENT,
        business_date=date(1, 1, 1),
        period="0001-01",
        source_type="ADJUSTMENT",
        source_id=0,
    )
    await mark_dirty(a.admin.manufacturer_id, [(warehouse.id, product.id, date(1, 1, 1))])


async def poison_submission(app: Any, a: Tenant) -> int:
    """A stored submission whose content makes its validation raise on every attempt."""
    made = await submit(
        a.partner,
        ParkedQueue(),
        kind=SubmissionKind.STOCK,
        period=PERIOD,
        lines=[{"warehouse_code": "W1", "sku": "SKU-A", "quantity": 1}],
    )
    await SubmissionContent.filter(submission_id=made.id).update(lines=[1, 2, 3])
    job = await Job.get(args={"submission_id": made.id})
    await dispatch(app.state.queue, job)
    return made.id


async def upload(client: httpx.AsyncClient, token: str, data: bytes, kind: str = "STOCK") -> int:
    response = await client.post(
        "/uploads",
        data={"kind": kind, "period": PERIOD},
        files={"file": ("report.csv", data, "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 202, response.text
    return int(response.json()["submissionId"])


SUBMISSION = """query($id: ID!) { submission(id: $id) { status errorCount rowsDone rowsTotal
  errors(first: 100) { totalCount edges { node { row code } } } } }"""
FAILURES = "{ jobFailures { totalCount edges { node { kind itemKey code message attempts } } } }"
RECONCILIATION = """{ reconciliation(period: "2026-10", partnerCode: "D1") {
  edges { node { warehouseCode sku calculated reported status } } } }"""


async def test_one_tenants_poison_does_not_stop_another_tenants_work(
    settings: Settings,
) -> None:
    # One attempt: the failing submission fails for good within this run.
    app = create_app(settings.model_copy(update={"job_max_attempts": 1}), scheduler_interval=None)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
            await _scenario(app, client)


async def _scenario(app: Any, client: httpx.AsyncClient) -> None:
    a, b = await tenant("Tenant A"), await tenant("Tenant B")

    await poison_reconcile(a)
    failing = await poison_submission(app, a)
    bad_rows = "".join(f"W1,NO-SUCH-SKU-{i},1\n" for i in range(1500))
    flooded = await upload(client, a.partner_token, (STOCK_HEADER + bad_rows).encode())

    b_graph = Graph(client, b.partner_token)
    stock = await b_graph(
        """mutation($input: SubmitStockSnapshotInput!) { submitStockSnapshot(input: $input) {
          submission { id status } errors { code } } }""",
        input={"period": PERIOD, "lines": [{"warehouseCode": "W1", "sku": "SKU-A", "quantity": 7}]},
    )
    assert stock["submitStockSnapshot"]["errors"] == []
    pos = await upload(
        client,
        b.partner_token,
        b"warehouse_code,sku,quantity,sold_on,end_customer_name,end_customer_country\n"
        b"W1,SKU-A,2,2026-10-10,Acme Robotics,US\n",
        kind="POS",
    )

    await run_jobs(app)
    # Keys marked while a reconcile job ran wait for the next round (the scheduler's tick
    # every ten seconds; a burst worker may stop first): run that round.
    await schedule(app.state.queue, RECONCILE)
    await run_jobs(app)

    # B's work went through: both submissions validated, its stock report reconciled.
    for submission_id in (stock["submitStockSnapshot"]["submission"]["id"], pos):
        got = (await b_graph(SUBMISSION, id=str(submission_id)))["submission"]
        assert got["status"] == "ACCEPTED", got
    rows = (await Graph(client, b.admin_token)(RECONCILIATION))["reconciliation"]["edges"]
    assert [r["node"]["reported"] for r in rows] == [7], rows
    assert rows[0]["node"]["calculated"] == -2  # the POS sale, no sell-in recorded

    # A's poison is set aside and shown to A's admin, with its code; B's admin sees none.
    a_admin, b_admin = Graph(client, a.admin_token), Graph(client, b.admin_token)
    failures = (await a_admin(FAILURES))["jobFailures"]
    assert failures["totalCount"] == 1, failures
    failure = failures["edges"][0]["node"]
    assert (failure["kind"], failure["code"]) == ("reconcile", "INVALID_PERIOD"), failure
    assert (await b_admin(FAILURES))["jobFailures"]["totalCount"] == 0
    assert await Graph(client, a.partner_token).errors(FAILURES)  # admins only

    # A's submission that failed for good is rejected with a file-level error, not stuck.
    a_graph = Graph(client, a.partner_token)
    got = (await a_graph(SUBMISSION, id=str(failing)))["submission"]
    assert got["status"] == "REJECTED", got
    assert [e["node"]["code"] for e in got["errors"]["edges"]] == ["VALIDATION_FAILED"]

    # A's flood of bad rows: rejected, every error counted, the first 1,000 listed.
    got = (await a_graph(SUBMISSION, id=str(flooded)))["submission"]
    assert got["status"] == "REJECTED"
    assert (got["errorCount"], got["rowsDone"], got["rowsTotal"]) == (1500, 1500, 1500)
    assert got["errors"]["totalCount"] == 1001  # 1,000 issues and the cap's notice

    # The next reconcile run does not trip over A's key again, and still serves B.
    assert await Job.filter(kind="reconcile", status="FAILED").count() == 0
