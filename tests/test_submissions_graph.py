"""Submissions through the graph: submit, follow, read errors, drafts, compliance."""

from __future__ import annotations

from datetime import date

from portal.domain.access.tokens import create_token
from portal.domain.ledger import shipments
from portal.domain.ledger.shipments import LineInput
from portal.domain.reporting import compliance
from portal.models import OutboxEvent, Partner
from portal.models.enums import Role
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.ledger_fixtures import build_channel

SUBMIT_POS = """mutation($input: SubmitPosInput!) { submitPos(input: $input) {
  submission { id status version } errors { field code message } } }"""
SUBMIT_STOCK = """mutation($input: SubmitStockSnapshotInput!) { submitStockSnapshot(input: $input) {
  submission { id status } errors { code } } }"""
SUBMISSION = """query($id: ID!) { submission(id: $id) { status rowsTotal rowsDone errorCount partnerCode
  errors(first: 10) { totalCount edges { node { row field code message } } } } }"""


def line(quantity: int, sku: str = "SKU-A") -> dict:
    return {
        "warehouseCode": "W1",
        "sku": sku,
        "quantity": quantity,
        "soldOn": "2026-10-20",
        "endCustomer": {"name": "Acme Robotics", "country": "US"},
    }


async def test_partner_reports_through_the_graph(client, app) -> None:
    ch = await build_channel()
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="INV-1",
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-A", 1000)],
    )
    await shipments.receive_shipment(ch.admin, shipment.id)
    d1 = await Partner.get(code="D1")
    _, token = await create_token(
        ch.admin.manufacturer_id, Role.PARTNER_INVENTORY, partner_id=d1.id
    )
    graph = Graph(client, token)

    sent = await graph(
        SUBMIT_POS, input={"period": "2026-10", "lines": [line(700)], "idempotencyKey": "p1"}
    )
    assert sent["submitPos"]["submission"]["status"] == "QUEUED"
    repeat = await graph(
        SUBMIT_POS, input={"period": "2026-10", "lines": [line(700)], "idempotencyKey": "p1"}
    )
    assert repeat["submitPos"]["submission"]["id"] == sent["submitPos"]["submission"]["id"]
    stock = await graph(
        SUBMIT_STOCK,
        input={
            "period": "2026-10",
            "lines": [{"warehouseCode": "W1", "sku": "SKU-A", "quantity": 240}],
        },
    )
    await run_jobs(app)
    for sid in (
        sent["submitPos"]["submission"]["id"],
        stock["submitStockSnapshot"]["submission"]["id"],
    ):
        assert (await graph(SUBMISSION, id=sid))["submission"]["status"] == "ACCEPTED"

    draft = await graph(
        '{ stockSnapshotDraft(period: "2026-11") { lines { warehouseCode sku quantity } } }'
    )
    assert draft["stockSnapshotDraft"]["lines"] == [
        {"warehouseCode": "W1", "sku": "SKU-A", "quantity": 300}
    ]
    pos_draft = await graph(
        '{ posDraft(period: "2026-11") { lines { sku quantity endCustomer { name } } } }'
    )
    assert pos_draft["posDraft"]["lines"] == [
        {"sku": "SKU-A", "quantity": None, "endCustomer": {"name": "Acme Robotics"}}
    ]

    bad = await graph(SUBMIT_POS, input={"period": "2026-10", "lines": [line(5), line(1, "NOPE")]})
    await run_jobs(app)
    read = await graph(SUBMISSION, id=bad["submitPos"]["submission"]["id"])
    assert read["submission"]["status"] == "REJECTED"
    assert read["submission"]["errors"]["edges"][0]["node"]["code"] == "UNKNOWN_SKU"
    assert read["submission"]["errors"]["edges"][0]["node"]["row"] == 2

    period_error = await graph(SUBMIT_POS, input={"period": "2026-99", "lines": [line(1)]})
    assert period_error["submitPos"]["errors"][0]["code"] == "INVALID_PERIOD"

    listed = await graph('{ submissions(period: "2026-10", kind: POS) { totalCount } }')
    assert listed["submissions"]["totalCount"] == 2


async def test_compliance_and_reminders(db) -> None:
    ch = await build_channel()
    rows = await compliance.compliance(ch.admin, "2026-10")
    assert sorted((r.partner_code, r.kind.value, r.state.value) for r in rows) == [
        (partner, kind, "MISSING") for partner in ("D1", "D2", "R1") for kind in ("POS", "STOCK")
    ]
    created = await compliance.record_reminders(date(2026, 11, 8), days_before=3)  # due 11-10
    assert created == 6  # 3 partners x 2 kinds
    assert await compliance.record_reminders(date(2026, 11, 9), days_before=3) == 0  # once only
    assert await OutboxEvent.filter(event_type="reminder.due").count() == 6
    assert await compliance.record_reminders(date(2026, 11, 20), days_before=3) == 0  # past due
