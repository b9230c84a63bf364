"""Delivery of sell-in shipments, on both backends: a carrier's signed event on
``POST /logistics/events`` (bad signature: 401, nothing changed; resent: nothing changed)
receives the shipment in receipt mode ``ON_DELIVERY`` and stores its differences; the same
through the graph (``recordDeliveryEvent``) for shipping staff; and the ``shippingNotices``
query, scoped to who received or issued a notice."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import Any

import pytest

from portal.domain.catalog.tenants import update_settings
from portal.domain.integrations.webhooks import sign
from portal.domain.ledger import shipments
from portal.domain.ledger.check import ledger_mismatches
from portal.domain.ledger.shipments import LineInput
from portal.domain.orders import delivery
from portal.models import (
    DeliveryDifference,
    DeliveryEvent,
    LedgerEntry,
    OutboxEvent,
    Shipment,
    ShippingNotice,
    StockBalance,
    Transfer,
)
from portal.models.enums import ReceiptMode
from tests.ledger_fixtures import build_channel, ship_to_w1
from tests.order_fixtures import ORDER, act, build_sides, place, reseller_order, stock
from tests.tenants import tenant

SECRET = "carrier-secret-0123456789"
NOTICE = """mutation($input: CreateShippingNoticeInput!) { createShippingNotice(input: $input) {
  shippingNotice { id shipmentId transferIds } errors { field code message } } }"""
SECRET_SETTING = """mutation($secret: String!) { updateSettings(input: {logisticsSecret: $secret}) {
  settings { logisticsConfigured shipmentReceiptMode } errors { field code message } } }"""
DELIVER = """mutation($input: RecordDeliveryEventInput!) { recordDeliveryEvent(input: $input) {
  shipment { id documentNo status deliveredOn receivedOn
    deliveryDifferences { sku kind quantity reasonCode note } }
  replayed received errors { field code message } } }"""
SHIPMENTS = """{ shipments { edges { node { documentNo status deliveredOn
  deliveryDifferences { sku kind quantity reasonCode } } } } }"""
NOTICES = """query($partner: String) { shippingNotices(partnerCode: $partner) { totalCount
  edges { node { documentNo partnerCode supplierPartnerCode shipmentId transferIds
    lines { sku quantity serials warehouseCode } } } } }"""


async def shipped_order(s: Any, document_no: str = "DN-1", quantity: int = 10) -> dict[str, Any]:
    """D1 orders ``quantity`` of SKU-A from M1; shipping staff confirm and ship it."""
    await stock(s.shipping, "M1", quantity)
    order = (
        await place(s.d1, supplyWarehouseCode="M1", lines=[{"sku": "SKU-A", "quantity": quantity}])
    )["order"]
    await act(s.shipping, "confirmOrder", order["id"])
    sent = (
        await s.shipping(
            NOTICE,
            input={"orderIds": [order["id"]], "documentNo": document_no, "shippedOn": "2026-11-02"},
        )
    )["createShippingNotice"]
    assert sent["errors"] == []
    return {"order": order["id"], "shipment": sent["shippingNotice"]["shipmentId"]}


async def post_event(
    client: Any, manufacturer_id: int, body: dict[str, Any], secret: str | None = SECRET
) -> Any:
    raw = json.dumps(body).encode()
    headers = {"X-Portal-Manufacturer": str(manufacturer_id), "Content-Type": "application/json"}
    if secret is not None:
        headers["X-Portal-Signature"] = sign(secret, raw)
    return await client.post("/logistics/events", content=raw, headers=headers)


async def snapshot() -> tuple[int, int, int, int]:
    return (
        await DeliveryEvent.all().count(),
        await DeliveryDifference.all().count(),
        await OutboxEvent.filter(event_type__startswith="shipment.").count(),
        await LedgerEntry.all().count(),
    )


async def test_signed_carrier_event_receives_on_delivery(client) -> None:
    s = await build_sides(client, shipment_receipt_mode=ReceiptMode.ON_DELIVERY)
    m = s.ch.admin.manufacturer_id
    sent = await shipped_order(s)
    body = {
        "eventId": "CARRIER-EV-1",
        "documentNo": "DN-1",
        "deliveredOn": "2026-11-04",
        "carrier": "ACME Freight",
        "differences": [
            {"sku": "SKU-A", "kind": "SHORT", "quantity": 2, "reasonCode": "MISSING_CARTON"},
            {"sku": "SKU-A", "kind": "damaged", "quantity": 1, "reasonCode": "CRUSHED"},
        ],
    }
    # No secret configured yet: every event is refused, even a "signed" one.
    refused = await post_event(client, m, body)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["code"] == "INVALID_SIGNATURE"
    short = (await s.admin(SECRET_SETTING, secret="too-short"))["updateSettings"]
    assert short["errors"][0]["code"] == "INVALID"
    configured = (await s.admin(SECRET_SETTING, secret=SECRET))["updateSettings"]
    assert configured["settings"] == {
        "logisticsConfigured": True,
        "shipmentReceiptMode": "ON_DELIVERY",
    }
    before = await snapshot()
    for bad in (
        await post_event(client, m, body, secret=None),  # unsigned
        await post_event(client, m, body, secret="another-secret-0123456789"),
        await post_event(client, m + 1000, body),  # another (unknown) manufacturer
    ):
        assert bad.status_code == 401
        assert bad.json() == {
            "errors": [
                {
                    "field": None,
                    "code": "INVALID_SIGNATURE",
                    "message": "Sign the body with the manufacturer's logistics secret.",
                }
            ]
        }
    shipment = await Shipment.get(id=int(sent["shipment"]))
    assert (shipment.status.value, shipment.delivered_on) == ("SHIPPED", None)
    assert await snapshot() == before
    w1 = await StockBalance.get(warehouse__code="W1", product__sku="SKU-A")
    assert (w1.quantity, w1.in_transit) == (0, 10)

    # Signed: delivered and, in ON_DELIVERY mode, received (SELL_IN of what shipped).
    delivered = await post_event(client, m, body)
    assert delivered.status_code == 200, delivered.text
    assert delivered.json() == {
        "shipmentId": sent["shipment"],
        "status": "RECEIVED",
        "deliveredOn": "2026-11-04",
        "replayed": False,
        "received": True,
    }
    w1 = await StockBalance.get(warehouse__code="W1", product__sku="SKU-A")
    assert (w1.quantity, w1.in_transit) == (10, 0)
    sell_in = await LedgerEntry.filter(kind="SELL_IN", source_type="SHIPMENT")
    assert [(e.quantity, e.business_date.isoformat()) for e in sell_in] == [(10, "2026-11-04")]
    assert (await s.d1(ORDER, id=sent["order"]))["order"]["status"] == "COMPLETED"
    nodes = [e["node"] for e in (await s.d1(SHIPMENTS))["shipments"]["edges"]]
    assert nodes == [
        {
            "documentNo": "DN-1",
            "status": "RECEIVED",
            "deliveredOn": "2026-11-04",
            "deliveryDifferences": [
                {"sku": "SKU-A", "kind": "SHORT", "quantity": 2, "reasonCode": "MISSING_CARTON"},
                {"sku": "SKU-A", "kind": "DAMAGED", "quantity": 1, "reasonCode": "CRUSHED"},
            ],
        }
    ]
    events = {
        e.event_type: e.payload
        for e in await OutboxEvent.filter(event_type__startswith="shipment.")
    }
    assert events["shipment.delivered"] == {
        "shipmentId": sent["shipment"],
        "documentNo": "DN-1",
        "partnerCode": "D1",
        "eventId": "CARRIER-EV-1",
        "deliveredOn": "2026-11-04",
        "status": "RECEIVED",
    }
    assert events["shipment.delivery_difference"]["differences"] == [
        {
            "sku": "SKU-A",
            "kind": "SHORT",
            "quantity": 2,
            "reasonCode": "MISSING_CARTON",
            "note": "",
        },
        {"sku": "SKU-A", "kind": "DAMAGED", "quantity": 1, "reasonCode": "CRUSHED", "note": ""},
    ]

    # The carrier resends: the first answer, nothing changes.
    after = await snapshot()
    again = await post_event(client, m, body)
    assert again.status_code == 200
    assert again.json()["replayed"] is True and again.json()["received"] is False
    assert await snapshot() == after
    # Bad input, well signed: coded 400, nothing changes.
    unknown = await post_event(client, m, {**body, "eventId": "EV-2", "documentNo": "NOPE"})
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["code"] == "NOT_FOUND"
    too_many = await post_event(
        client,
        m,
        {
            **body,
            "eventId": "EV-3",
            "differences": [
                {"sku": "SKU-A", "kind": "SHORT", "quantity": 11, "reasonCode": "LOST"}
            ],
        },
    )
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0] == {
        "field": ["differences", "0", "quantity"],
        "code": "DELIVERY_EXCEEDS_SHIPPED",
        "message": "10 of SKU-A shipped: short and damaged cannot exceed it.",
    }
    not_json = await client.post(
        "/logistics/events",
        content=b"{not json",
        headers={"X-Portal-Manufacturer": str(m), "X-Portal-Signature": sign(SECRET, b"{not json")},
    )
    assert not_json.status_code == 400
    # An OVER beyond any quantity: coded, not a database overflow.
    huge = await post_event(
        client,
        m,
        {
            **body,
            "eventId": "EV-4",
            "differences": [
                {"sku": "SKU-A", "kind": "OVER", "quantity": 3_000_000_000, "reasonCode": "X"}
            ],
        },
    )
    assert huge.status_code == 400
    assert huge.json()["errors"][0]["code"] == "INVALID_QUANTITY"
    # Header text that is not ASCII (a superscript digit, an accented signature): 401.
    raw = json.dumps({**body, "eventId": "EV-5"}).encode()
    for headers in (
        {
            "X-Portal-Manufacturer": "\u00b2".encode().decode("unicode_escape"),
            "X-Portal-Signature": sign(SECRET, raw),
        },
        {"X-Portal-Manufacturer": str(m), "X-Portal-Signature": "sha256=\u00e9"},
    ):
        odd = await client.post(
            "/logistics/events",
            content=raw,
            headers={k: v.encode("latin-1") for k, v in headers.items()},
        )
        assert odd.status_code == 401, odd.text
        assert odd.json()["errors"][0]["code"] == "INVALID_SIGNATURE"
    # A declared body over the event limit is refused before it is read.
    big = await client.post(
        "/logistics/events",
        content=b"{}" + b" " * (512 * 1024),
        headers={"X-Portal-Manufacturer": str(m), "X-Portal-Signature": "sha256=0"},
    )
    assert big.status_code == 413
    assert await snapshot() == after
    assert await ledger_mismatches() == []


async def test_record_delivery_event_through_the_graph(client) -> None:
    s = await build_sides(client)  # MANUAL receipt: delivery does not receive
    sent = await shipped_order(s)
    # Partners do not record deliveries.
    forbidden = await s.d1.errors(
        DELIVER, input={"eventId": "EV-1", "shipmentId": sent["shipment"]}
    )
    assert forbidden[0]["extensions"]["code"] == "FORBIDDEN"
    failures = [
        ({"eventId": "EV-1"}, "REQUIRED", ["documentNo"]),
        ({"eventId": "EV-1", "documentNo": "NOPE"}, "NOT_FOUND", ["documentNo"]),
        ({"eventId": " ", "documentNo": "DN-1"}, "REQUIRED", ["eventId"]),
        (
            {"eventId": "EV-1", "documentNo": "DN-1", "deliveredOn": "2026-11-01"},
            "INVALID",
            ["deliveredOn"],
        ),
        (
            {
                "eventId": "EV-1",
                "documentNo": "DN-1",
                "differences": [
                    {"sku": "SKU-S", "kind": "SHORT", "quantity": 1, "reasonCode": "LOST"}
                ],
            },
            "INVALID",
            ["differences", "0", "sku"],
        ),
        (
            {
                "eventId": "EV-1",
                "documentNo": "DN-1",
                "differences": [
                    {"sku": "SKU-A", "kind": "SHORT", "quantity": 6, "reasonCode": "LOST"},
                    {"sku": "SKU-A", "kind": "DAMAGED", "quantity": 5, "reasonCode": "WET"},
                ],
            },
            "DELIVERY_EXCEEDS_SHIPPED",
            ["differences", "1", "quantity"],
        ),
        (
            {
                "eventId": "EV-1",
                "documentNo": "DN-1",
                "differences": [
                    {"sku": "SKU-A", "kind": "OVER", "quantity": 0, "reasonCode": "EXTRA"}
                ],
            },
            "INVALID_QUANTITY",
            ["differences", "0", "quantity"],
        ),
        (
            {
                "eventId": "EV-1",
                "documentNo": "DN-1",
                "differences": [
                    {"sku": "SKU-X", "kind": "OVER", "quantity": 1, "reasonCode": "EXTRA"}
                ],
            },
            "NOT_FOUND",
            ["differences", "0", "sku"],
        ),
        (
            {
                "eventId": "EV-1",
                "documentNo": "DN-1",
                "differences": [{"sku": "SKU-A", "kind": "OVER", "quantity": 1, "reasonCode": ""}],
            },
            "REQUIRED",
            ["differences", "0", "reasonCode"],
        ),
    ]
    for fields, code, field in failures:
        payload = (await s.shipping(DELIVER, input=fields))["recordDeliveryEvent"]
        assert payload["shipment"] is None, fields
        assert (payload["errors"][0]["code"], payload["errors"][0]["field"]) == (code, field)
    assert await snapshot() == (0, 0, 0, await LedgerEntry.all().count())

    # An over-delivery of a SKU that did not ship is reported, not refused.
    recorded = (
        await s.shipping(
            DELIVER,
            input={
                "eventId": "EV-1",
                "shipmentId": sent["shipment"],
                "deliveredOn": "2026-11-03",
                "differences": [
                    {
                        "sku": "SKU-S",
                        "kind": "OVER",
                        "quantity": 1,
                        "reasonCode": "EXTRA_UNIT",
                        "note": "not ordered",
                    }
                ],
            },
        )
    )["recordDeliveryEvent"]
    assert recorded["errors"] == []
    assert (recorded["replayed"], recorded["received"]) == (False, False)
    assert recorded["shipment"] == {
        "id": sent["shipment"],
        "documentNo": "DN-1",
        "status": "SHIPPED",
        "deliveredOn": "2026-11-03",
        "receivedOn": None,
        "deliveryDifferences": [
            {
                "sku": "SKU-S",
                "kind": "OVER",
                "quantity": 1,
                "reasonCode": "EXTRA_UNIT",
                "note": "not ordered",
            }
        ],
    }
    assert (await s.d1(ORDER, id=sent["order"]))["order"]["status"] == "SHIPPED"
    assert await LedgerEntry.filter(kind="SELL_IN").count() == 0
    # Resent by staff: the same answer, nothing added.
    before = await snapshot()
    replay = (await s.admin(DELIVER, input={"eventId": "EV-1", "shipmentId": sent["shipment"]}))[
        "recordDeliveryEvent"
    ]
    assert replay["replayed"] is True
    assert replay["shipment"]["deliveryDifferences"][0]["reasonCode"] == "EXTRA_UNIT"
    assert await snapshot() == before
    # An idempotencyKey replays the first result too; reused for another request: refused.
    keyed = {"eventId": "EV-K", "shipmentId": sent["shipment"], "idempotencyKey": "k-1"}
    first_keyed = (await s.shipping(DELIVER, input=keyed))["recordDeliveryEvent"]
    assert (first_keyed["errors"], first_keyed["replayed"]) == ([], False)
    after_key = await snapshot()
    second_keyed = (await s.shipping(DELIVER, input=keyed))["recordDeliveryEvent"]
    assert (second_keyed["errors"], second_keyed["replayed"]) == ([], True)
    reused_key = (await s.shipping(DELIVER, input={**keyed, "eventId": "EV-K2"}))[
        "recordDeliveryEvent"
    ]
    assert reused_key["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await snapshot() == after_key
    # The same event id for another shipment is refused.
    other = await shipped_order(s, document_no="DN-2", quantity=3)
    reused = (
        await s.shipping(DELIVER, input={"eventId": "EV-1", "shipmentId": other["shipment"]})
    )["recordDeliveryEvent"]
    assert reused["errors"][0]["code"] == "INVALID"
    assert (await Shipment.get(id=int(other["shipment"]))).delivered_on is None
    # A second event for a delivered shipment adds its differences, keeps the first date.
    second = (
        await s.shipping(
            DELIVER,
            input={
                "eventId": "EV-9",
                "documentNo": "DN-1",
                "deliveredOn": "2026-11-05",
                "differences": [
                    {"sku": "SKU-A", "kind": "DAMAGED", "quantity": 1, "reasonCode": "WET"}
                ],
            },
        )
    )["recordDeliveryEvent"]
    assert second["shipment"]["deliveredOn"] == "2026-11-03"
    assert [d["kind"] for d in second["shipment"]["deliveryDifferences"]] == ["OVER", "DAMAGED"]


async def test_shipping_notices_are_scoped(client) -> None:
    s = await build_sides(client)
    await shipped_order(s, document_no="DN-M")
    await ship_to_w1(s.ch, 50)  # D1 holds 50 in W1
    order = (
        await place(
            s.r1,
            supplierPartnerCode="D1",
            supplyWarehouseCode="W1",
            shipToWarehouseCode="WR",
            lines=[{"sku": "SKU-A", "quantity": 4}],
        )
    )["order"]
    await act(s.d1, "confirmOrder", order["id"])
    sent = (await s.d1(NOTICE, input={"orderIds": [order["id"]], "documentNo": "DN-R"}))[
        "createShippingNotice"
    ]
    assert sent["errors"] == []

    async def seen(graph: Any, partner: str | None = None) -> list[tuple[str, str, str | None]]:
        data = (await graph(NOTICES, partner=partner))["shippingNotices"]
        nodes = [e["node"] for e in data["edges"]]
        assert data["totalCount"] == len(nodes)
        return sorted((n["documentNo"], n["partnerCode"], n["supplierPartnerCode"]) for n in nodes)

    everything = [("DN-M", "D1", None), ("DN-R", "R1", "D1")]
    assert await seen(s.shipping) == everything
    assert await seen(s.manager, "R1") == [("DN-R", "R1", "D1")]
    assert await seen(s.d1) == everything  # received DN-M, issued DN-R
    assert await seen(s.r1) == [("DN-R", "R1", "D1")]
    assert await seen(s.r1_sales) == [("DN-R", "R1", "D1")]
    assert await seen(s.d2) == []
    nodes = [e["node"] for e in (await s.r1(NOTICES))["shippingNotices"]["edges"]]
    assert nodes[0]["lines"] == [
        {"sku": "SKU-A", "quantity": 4, "serials": [], "warehouseCode": "W1"}
    ]
    assert nodes[0]["shipmentId"] is None and len(nodes[0]["transferIds"]) == 1

    # Serials are shown on the lines.
    await stock(s.shipping, "M1", 2, sku="SKU-S")
    serial_order = (
        await place(s.d1, supplyWarehouseCode="M1", lines=[{"sku": "SKU-S", "quantity": 2}])
    )["order"]
    await act(s.shipping, "confirmOrder", serial_order["id"])
    line_id = serial_order["lines"][0]["id"]
    serial_notice = (
        await s.shipping(
            NOTICE,
            input={
                "orderIds": [serial_order["id"]],
                "documentNo": "DN-S",
                "lines": [{"orderLineId": line_id, "quantity": 2, "serials": ["SN-1", "SN-2"]}],
            },
        )
    )["createShippingNotice"]
    assert serial_notice["errors"] == []
    by_doc = {
        e["node"]["documentNo"]: e["node"]
        for e in (await s.d1(NOTICES))["shippingNotices"]["edges"]
    }
    assert by_doc["DN-S"]["lines"] == [
        {"sku": "SKU-S", "quantity": 2, "serials": ["SN-1", "SN-2"], "warehouseCode": "M1"}
    ]
    assert await seen(s.d2) == []


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_a_carrier_event_sent_three_times_at_once_counts_once(db) -> None:
    """On PostgreSQL, three copies of one event on three connections: one event, one
    receipt, one set of differences; the others answer it as replayed."""
    ch = await build_channel()
    await update_settings(ch.admin, shipment_receipt_mode=ReceiptMode.ON_DELIVERY)
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="DN-RACE",
        shipped_on=date(2026, 11, 2),
        lines=[LineInput("SKU-A", 7)],
    )
    carrier = delivery.carrier_principal(ch.admin.manufacturer_id)

    async def send() -> delivery.DeliveryResult:
        return await delivery.record_delivery(
            carrier,
            event_id="EV-RACE",
            document_no="DN-RACE",
            delivered_on=date(2026, 11, 4),
            differences=[delivery.DifferenceInput("SKU-A", "SHORT", 1, "LOST")],
            source="HTTP",
        )

    results = await asyncio.gather(send(), send(), send())
    assert sorted(r.replayed for r in results) == [False, True, True]
    assert [r.received for r in results if not r.replayed] == [True]
    assert await DeliveryEvent.all().count() == 1
    assert await DeliveryDifference.all().count() == 1
    assert await LedgerEntry.filter(kind="SELL_IN", source_id=shipment.id).count() == 1
    assert await OutboxEvent.filter(event_type="shipment.delivered").count() == 1
    assert await ledger_mismatches() == []


NOTICE_DELIVERY = """query { shippingNotices { edges { node { documentNo supplierPartnerCode
  shipmentId transferIds deliveredOn receivedOn
  deliveryDifferences { sku kind quantity reasonCode note } } } } }"""
DELIVER_NOTICE = """mutation($input: RecordDeliveryEventInput!) { recordDeliveryEvent(input: $input) {
  shipment { id } shippingNotice { documentNo deliveredOn receivedOn transferIds
    deliveryDifferences { sku kind quantity reasonCode } }
  replayed received errors { field code message } } }"""
RECEIVE_TRANSFER = """mutation($id: ID!) { receiveTransfer(input: {id: $id}) {
  transfer { status } errors { code } } }"""


async def reseller_notice(s: Any, quantity: int = 10, document_no: str = "DN-R") -> list[str]:
    """R1 orders ``quantity`` of SKU-A from D1 (W1 holds 50), D1 ships it on 2026-11-02:
    the notice's transfer ids."""
    await ship_to_w1(s.ch, 50)
    oid = await reseller_order(s, quantity)
    await act(s.d1, "confirmOrder", oid)
    sent = (
        await s.d1(
            NOTICE,
            input={
                "orderIds": [oid],
                "documentNo": document_no,
                "shippedOn": "2026-11-02",
            },
        )
    )["createShippingNotice"]
    assert sent["errors"] == [], sent
    assert sent["shippingNotice"]["shipmentId"] is None
    ids: list[str] = sent["shippingNotice"]["transferIds"]
    return ids


async def reseller_balance(code: str) -> tuple[int, int]:
    row = await StockBalance.get(warehouse__code=code, product__sku="SKU-A")
    return row.quantity, row.in_transit


async def test_a_carrier_event_receives_a_distributors_notice_on_delivery(client) -> None:
    s = await build_sides(client, shipment_receipt_mode=ReceiptMode.ON_DELIVERY)
    m = s.ch.admin.manufacturer_id
    await s.admin(SECRET_SETTING, secret=SECRET)
    [transfer_id] = await reseller_notice(s)
    assert (await reseller_balance("W1"), await reseller_balance("WR")) == ((40, 0), (0, 10))
    body = {
        "eventId": "CARRIER-R-1",
        "documentNo": "DN-R",
        "deliveredOn": "2026-11-05",
        "differences": [
            {"sku": "SKU-A", "kind": "SHORT", "quantity": 3, "reasonCode": "MISSING_CARTON"},
            {"sku": "SKU-A", "kind": "OVER", "quantity": 1, "reasonCode": "EXTRA", "note": "x"},
        ],
    }
    # Another manufacturer's carrier, signed with its own secret, does not find DN-R.
    other = await tenant("Other Co")
    await update_settings(other.admin, logistics_secret=SECRET)
    before = await snapshot()
    elsewhere = await post_event(
        client, other.admin.manufacturer_id, {"eventId": "X-1", "documentNo": "DN-R"}
    )
    assert elsewhere.status_code == 400
    assert elsewhere.json()["errors"][0]["code"] == "NOT_FOUND"
    # Bad input on a notice: coded, nothing stored or received.
    for bad, code in (
        (
            {
                **body,
                "differences": [
                    {"sku": "SKU-A", "kind": "DAMAGED", "quantity": 11, "reasonCode": "WET"}
                ],
            },
            "DELIVERY_EXCEEDS_SHIPPED",
        ),
        ({**body, "deliveredOn": "2026-11-01"}, "INVALID"),
    ):
        refused = await post_event(client, m, bad)
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["code"] == code
    assert await snapshot() == before
    assert await reseller_balance("WR") == (0, 10)

    delivered = await post_event(client, m, body)
    assert delivered.status_code == 200, delivered.text
    notice = await ShippingNotice.get(document_no="DN-R")
    assert delivered.json() == {
        "shipmentId": None,
        "noticeId": str(notice.id),
        "transferIds": [transfer_id],
        "status": "RECEIVED",
        "deliveredOn": "2026-11-05",
        "replayed": False,
        "received": True,
    }
    # Received as receiveTransfer does: the reseller's sell-in of what shipped, dated the
    # delivery; the differences are recorded, not posted.
    assert await reseller_balance("WR") == (10, 0)
    sell_in = await LedgerEntry.filter(kind="SELL_IN", source_type="TRANSFER")
    assert [(e.quantity, e.business_date.isoformat()) for e in sell_in] == [(10, "2026-11-05")]
    assert (await Transfer.get(id=int(transfer_id))).status.value == "RECEIVED"
    expected_node = {
        "documentNo": "DN-R",
        "supplierPartnerCode": "D1",
        "shipmentId": None,
        "transferIds": [transfer_id],
        "deliveredOn": "2026-11-05",
        "receivedOn": "2026-11-05",
        "deliveryDifferences": [
            {
                "sku": "SKU-A",
                "kind": "SHORT",
                "quantity": 3,
                "reasonCode": "MISSING_CARTON",
                "note": "",
            },
            {"sku": "SKU-A", "kind": "OVER", "quantity": 1, "reasonCode": "EXTRA", "note": "x"},
        ],
    }
    for graph in (s.r1, s.d1, s.admin):
        nodes = [e["node"] for e in (await graph(NOTICE_DELIVERY))["shippingNotices"]["edges"]]
        assert nodes == [expected_node]
    events = {
        e.event_type: e.payload
        for e in await OutboxEvent.filter(event_type__startswith="shipment.")
    }
    assert events["shipment.delivered"] == {
        "shipmentId": None,
        "noticeId": str(notice.id),
        "transferIds": [transfer_id],
        "supplierPartnerCode": "D1",
        "documentNo": "DN-R",
        "partnerCode": "R1",
        "eventId": "CARRIER-R-1",
        "deliveredOn": "2026-11-05",
        "status": "RECEIVED",
    }
    assert [d["kind"] for d in events["shipment.delivery_difference"]["differences"]] == [
        "SHORT",
        "OVER",
    ]
    # Resent: the first answer, nothing changes; the id under another document: INVALID.
    after = await snapshot()
    again = await post_event(client, m, body)
    assert again.status_code == 200
    assert (again.json()["replayed"], again.json()["received"]) == (True, False)
    assert await snapshot() == after
    assert await ledger_mismatches() == []


async def test_recording_a_distributors_notice_delivery_through_the_graph(client) -> None:
    s = await build_sides(client)  # MANUAL receipt: delivery does not receive the transfer
    [transfer_id] = await reseller_notice(s, quantity=6)
    recorded = (
        await s.shipping(
            DELIVER_NOTICE,
            input={
                "eventId": "EV-R",
                "documentNo": "DN-R",
                "deliveredOn": "2026-11-03",
                "differences": [
                    {"sku": "SKU-A", "kind": "DAMAGED", "quantity": 2, "reasonCode": "CRUSHED"}
                ],
            },
        )
    )["recordDeliveryEvent"]
    assert recorded == {
        "shipment": None,
        "shippingNotice": {
            "documentNo": "DN-R",
            "deliveredOn": "2026-11-03",
            "receivedOn": None,
            "transferIds": [transfer_id],
            "deliveryDifferences": [
                {"sku": "SKU-A", "kind": "DAMAGED", "quantity": 2, "reasonCode": "CRUSHED"}
            ],
        },
        "replayed": False,
        "received": False,
        "errors": [],
    }
    assert await reseller_balance("WR") == (0, 6)
    # A later event keeps the first delivery date; the reseller receives by hand.
    later = (
        await s.shipping(
            DELIVER_NOTICE,
            input={"eventId": "EV-R2", "documentNo": "DN-R", "deliveredOn": "2026-11-04"},
        )
    )["recordDeliveryEvent"]
    assert later["shippingNotice"]["deliveredOn"] == "2026-11-03"
    assert (await s.r1(RECEIVE_TRANSFER, id=transfer_id))["receiveTransfer"]["errors"] == []
    nodes = [e["node"] for e in (await s.r1(NOTICE_DELIVERY))["shippingNotices"]["edges"]]
    assert (nodes[0]["deliveredOn"], nodes[0]["receivedOn"] is not None) == ("2026-11-03", True)
    assert await reseller_balance("WR") == (6, 0)
    # The same event id for the manufacturer's shipment of another document: INVALID.
    await shipped_order(s, document_no="DN-M", quantity=2)
    reused = (await s.shipping(DELIVER_NOTICE, input={"eventId": "EV-R", "documentNo": "DN-M"}))[
        "recordDeliveryEvent"
    ]
    assert reused["errors"][0]["code"] == "INVALID"
    # A partner does not record deliveries, of a notice either.
    forbidden = await s.d1.errors(DELIVER_NOTICE, input={"eventId": "EV-X", "documentNo": "DN-R"})
    assert forbidden[0]["extensions"]["code"] == "FORBIDDEN"
