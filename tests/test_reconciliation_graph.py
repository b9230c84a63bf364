"""The manufacturer's view through the graph: reconciliation, the exception workflow,
the channel summary, the CSV export, and signed webhooks to a real receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, date, datetime, timedelta

import httpx

from portal.domain.access.tokens import create_token
from portal.domain.integrations.webhooks import deliver_due, fan_out
from portal.domain.reconciliation.recompute import drain_dirty
from portal.domain.reporting import submissions
from portal.models import Partner, WebhookDelivery
from portal.models.enums import Role, SubmissionKind
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.ledger_fixtures import build_channel, ship_to_w1
from tests.ledger_fixtures import pos_line as pos
from tests.webhook_receiver import Receiver, serve_receiver

ROWS = """query($only: Boolean) { reconciliation(period: "2026-10", onlyExceptions: $only, sort: GAP_VALUE_DESC) {
  totalCount edges { node { id partnerCode warehouseCode sku opening sellIn sellThrough calculated reported gap
  status exceptionStatus owner reason entries { kind quantity } history { action byPartner } } } } }"""
UPDATE = """mutation($input: UpdateExceptionInput!) { updateException(input: $input) {
  row { gap status exceptionStatus owner reason adjustments } errors { code message } } }"""


async def test_reference_case_through_the_graph_with_webhooks(client, app) -> None:
    ch = await build_channel()
    _, manager_token = await create_token(ch.admin.manufacturer_id, Role.CHANNEL_MANAGER)
    d1 = await Partner.get(code="D1")
    _, partner_token = await create_token(
        ch.admin.manufacturer_id, Role.PARTNER_INVENTORY, partner_id=d1.id
    )
    manager, partner = Graph(client, manager_token), Graph(client, partner_token)
    _, admin_token = await create_token(ch.admin.manufacturer_id, Role.ADMIN)
    admin = Graph(client, admin_token)

    async with serve_receiver(Receiver(fail_first=1)) as receiver, httpx.AsyncClient() as http:
        hook = await admin(
            'mutation($u: String!) { registerWebhook(input: {url: $u, events: ["exception.opened"]}) { secret errors { code } } }',
            u=receiver.url,
        )
        secret = hook["registerWebhook"]["secret"]

        await ship_to_w1(ch, 1000)
        await submissions.submit(
            ch.d1, app.state.queue, kind=SubmissionKind.POS, period="2026-10", lines=[pos(700)]
        )
        # The POS is posted before the stock report arrives: validated one after the other,
        # the exception opens at the reference gap (both at once, it may open at 760 first).
        await run_jobs(app)
        await submissions.submit(
            ch.d1,
            app.state.queue,
            kind=SubmissionKind.STOCK,
            period="2026-10",
            lines=[{"warehouse_code": "W1", "sku": "SKU-A", "quantity": 240}],
        )
        await run_jobs(app)
        await drain_dirty(today=date(2026, 11, 5))

        data = await manager(ROWS, only=True)
        assert data["reconciliation"]["totalCount"] == 1
        row = data["reconciliation"]["edges"][0]["node"]
        assert (
            row["calculated"],
            row["reported"],
            row["gap"],
            row["status"],
            row["exceptionStatus"],
        ) == (300, 240, 60, "EXCEPTION", "OPEN")
        assert {(e["kind"], e["quantity"]) for e in row["entries"]} == {
            ("SELL_IN", 1000),
            ("SELL_THROUGH", -700),
        }

        # The webhook: the first attempt fails (500), the retry is signed and delivered.
        await fan_out()  # (a burst worker's webhook cron may have fanned it out already)
        assert await WebhookDelivery.filter(event__event_type="exception.opened").count() == 1
        assert await deliver_due(http) == 0
        assert await deliver_due(http, now=datetime.now(UTC) + timedelta(minutes=5)) == 1
        headers, body = receiver.received[0]
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers["x-portal-signature"] == expected
        assert json.loads(body)["type"] == "exception.opened"
        assert json.loads(body)["data"]["gap"] == 60
        delivery = await WebhookDelivery.get()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            "DELIVERED",
            2,
            200,
        )

    # The partner sees its own exception and may only comment.
    seen = await partner(ROWS, only=True)
    assert seen["reconciliation"]["totalCount"] == 1
    refused = await partner(UPDATE, input={"rowId": row["id"], "status": "RESOLVED"})
    assert refused["updateException"]["errors"][0]["code"] == "ROLE_NOT_ALLOWED"
    commented = await partner(UPDATE, input={"rowId": row["id"], "note": "recount pending"})
    assert commented["updateException"]["errors"] == []

    resolved = await manager(
        UPDATE,
        input={
            "rowId": row["id"],
            "status": "RESOLVED",
            "reason": "DAMAGE",
            "ownerEmail": "planner@acme.test",
            "correctionQuantity": -60,
        },
    )
    assert resolved["updateException"]["row"] == {
        "gap": 0,
        "status": "OK",
        "exceptionStatus": "RESOLVED",
        "owner": "planner@acme.test",
        "reason": "DAMAGE",
        "adjustments": -60,
    }
    history = (await manager(ROWS, only=False))["reconciliation"]["edges"][0]["node"]["history"]
    assert [h["action"] for h in history] == [
        "OPENED",
        "COMMENT",
        "CORRECTED",
        "STATUS",
        "OWNER",
        "REASON",
    ]
    assert history[1]["byPartner"] is True

    summary = await manager(
        '{ channelSummary(periodFrom: "2026-10", periodTo: "2026-10") { period sellIn sellThrough calculatedInventory reportedInventory weeksOfSupply } }'
    )
    assert summary["channelSummary"] == [
        {
            "period": "2026-10",
            "sellIn": 1000,
            "sellThrough": 700,
            "calculatedInventory": 240,
            "reportedInventory": 240,
            "weeksOfSupply": 4.5,  # 240 / (700 sold over 3 trailing months = 13 weeks)
        }
    ]


async def test_exception_export_is_a_streamed_csv(client, app) -> None:
    ch = await build_channel()
    await ship_to_w1(ch, 10)
    await submissions.submit(
        ch.d1,
        app.state.queue,
        kind=SubmissionKind.STOCK,
        period="2026-10",
        lines=[{"warehouse_code": "W1", "sku": "SKU-A", "quantity": 4}],
    )
    await run_jobs(app)
    await drain_dirty(today=date(2026, 11, 5))
    _, token = await create_token(ch.admin.manufacturer_id, Role.CHANNEL_MANAGER)
    response = await client.get(
        "/exports/exceptions.csv?period=2026-10", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    lines = response.text.strip().splitlines()
    assert lines[0].startswith("period,partner,warehouse,sku,opening")
    assert lines[1].startswith("2026-10,D1,W1,SKU-A,0,10,0")
    assert ",10,4,6," in lines[1]
    bad = await client.get(
        "/exports/exceptions.csv?period=nope", headers={"Authorization": f"Bearer {token}"}
    )
    assert bad.status_code == 400
    assert [(e["field"], e["code"]) for e in bad.json()["errors"]] == [
        (["period"], "INVALID_PERIOD")
    ]


async def test_a_row_names_the_submissions_behind_it(client, app) -> None:
    ch = await build_channel()
    _, token = await create_token(ch.admin.manufacturer_id, Role.CHANNEL_MANAGER)
    manager = Graph(client, token)
    shipment = await ship_to_w1(ch, 1000)
    made = []
    for kind, lines in [
        (SubmissionKind.POS, [pos(700)]),
        (SubmissionKind.STOCK, [{"warehouse_code": "W1", "sku": "SKU-A", "quantity": 240}]),
        (SubmissionKind.POS, [pos(760)]),  # the resubmission replaces the first
    ]:
        made.append(
            await submissions.submit(
                ch.d1, app.state.queue, kind=kind, period="2026-10", lines=lines
            )
        )
        await run_jobs(app)
    await drain_dirty(today=date(2026, 11, 5))
    data = await manager(
        '{ reconciliation(period: "2026-10") { edges { node { sellThrough reported gap '
        "stockSubmissionId posSubmissionIds entries { kind sourceType sourceId } } } } }"
    )
    row = data["reconciliation"]["edges"][0]["node"]
    assert (row["sellThrough"], row["reported"], row["gap"]) == (760, 240, 0)
    assert row["stockSubmissionId"] == str(made[1].id)
    assert row["posSubmissionIds"] == [str(made[0].id), str(made[2].id)]
    assert {"kind": "SELL_IN", "sourceType": "SHIPMENT", "sourceId": str(shipment.id)} in row[
        "entries"
    ]
