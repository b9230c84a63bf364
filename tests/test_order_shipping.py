"""Shipping notices through the graph, on both backends: from the manufacturer (the
sell-in shipment, partial shipments, backorders filled when stock arrives, serials,
several orders in one notice) and from a distributor to its reseller end to end (order
-> notice -> receipt -> the distributor's sell-through and the reseller's sell-in in the
reconciliation)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from portal.domain.ledger.check import ledger_mismatches
from portal.domain.orders.check import reservation_mismatches
from portal.domain.reconciliation.recompute import drain_dirty
from portal.models import OutboxEvent, Shipment, ShippingNotice, SupplyStock, Transfer
from portal.models.enums import ReceiptMode
from tests.ledger_fixtures import ship_to_w1
from tests.order_fixtures import ORDER, SETTINGS, act, build_sides, place, stock

NOTICE = """mutation($input: CreateShippingNoticeInput!) { createShippingNotice(input: $input) {
  shippingNotice { id documentNo partnerCode shipmentId transferIds
    lines { orderId orderLineId sku quantity serials warehouseCode } }
  errors { field code message } } }"""
SHIPMENTS = """{ shipments { edges { node { documentNo status partnerCode warehouseCode
  lines { sku quantity serials } } } } }"""
RECEIVE = """mutation($id: ID!) { receiveShipment(input: {id: $id}) {
  shipment { status } errors { code } } }"""
RECEIVE_TRANSFER = """mutation($id: ID!) { receiveTransfer(input: {id: $id}) {
  transfer { status } errors { code } } }"""
RECON = """query($period: String!, $partner: String) {
  reconciliation(period: $period, partnerCode: $partner) {
    edges { node { partnerCode warehouseCode sku sellIn sellThrough calculated } } } }"""


async def notice(graph: Any, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await graph(NOTICE, input=fields))["createShippingNotice"]
    return payload


async def completed_events() -> list[str]:
    payloads = await OutboxEvent.filter(event_type="order.completed").order_by("id")
    assert all(e.payload["status"] == "COMPLETED" for e in payloads)
    return [e.payload["orderId"] for e in payloads]


async def line_of(graph: Any, order_id: str) -> dict[str, Any]:
    order: dict[str, Any] = (await graph(ORDER, id=order_id))["order"]
    return {"status": order["status"], **order["lines"][0]}


async def test_manufacturer_notices_partial_backorders_and_serials(client) -> None:
    s = await build_sides(client, insufficient_stock_policy="ALLOW")
    await stock(s.shipping, "M1", 20)
    order = (await place(s.d1, supplyWarehouseCode="M1", lines=[{"sku": "SKU-A", "quantity": 30}]))[
        "order"
    ]
    oid = order["id"]
    # Not confirmed yet: nothing ships.
    early = await notice(s.shipping, orderIds=[oid], documentNo="DN-0")
    assert early["errors"][0]["code"] == "INVALID_STATE"
    await act(s.shipping, "confirmOrder", oid)
    # The buyer cannot ship its own order.
    assert (await notice(s.d1, orderIds=[oid], documentNo="DN-0"))["errors"][0][
        "code"
    ] == "INVALID_STATE"
    too_many = await notice(
        s.shipping,
        orderIds=[oid],
        documentNo="DN-0",
        lines=[{"orderLineId": order["lines"][0]["id"], "quantity": 21}],
    )
    assert too_many["errors"][0] == {
        "field": ["lines", "0", "quantity"],
        "code": "INVALID",
        "message": "At most 20 of SKU-A can ship on this line.",
    }
    assert await ShippingNotice.all().count() == 0
    assert await Shipment.all().count() == 0

    # Default: every reserved unit ships, as the sell-in shipment.
    first = await notice(s.shipping, orderIds=[oid], documentNo="DN-1", shippedOn="2026-11-02")
    assert first["errors"] == []
    shipped = first["shippingNotice"]
    assert shipped["partnerCode"] == "D1"
    assert shipped["shipmentId"] is not None and shipped["transferIds"] == []
    assert [(ln["sku"], ln["quantity"], ln["warehouseCode"]) for ln in shipped["lines"]] == [
        ("SKU-A", 20, "M1")
    ]
    assert await line_of(s.d1, oid) == {
        "status": "PARTIALLY_SHIPPED",
        "sku": "SKU-A",
        "quantity": 30,
        "reserved": 0,
        "shipped": 20,
        "backordered": 10,
    }
    shipments = (await s.d1(SHIPMENTS))["shipments"]["edges"]
    assert [e["node"]["documentNo"] for e in shipments] == ["DN-1"]
    assert shipments[0]["node"]["lines"] == [{"sku": "SKU-A", "quantity": 20, "serials": []}]
    m1 = await SupplyStock.get(warehouse__code="M1", product__sku="SKU-A")
    assert (m1.on_hand, m1.reserved) == (0, 0)
    duplicate = await notice(s.shipping, orderIds=[oid], documentNo="DN-1")
    assert duplicate["errors"][0]["code"] in ("DUPLICATE_DOCUMENT", "INVALID")
    # Stock arrives: the backorder is reserved, then ships in two partial notices.
    await stock(s.shipping, "M1", 15)
    assert (await line_of(s.d1, oid))["reserved"] == 10
    part = await notice(
        s.shipping,
        orderIds=[oid],
        documentNo="DN-2",
        lines=[{"orderLineId": order["lines"][0]["id"], "quantity": 4}],
    )
    assert part["errors"] == []
    assert (await line_of(s.d1, oid))["status"] == "PARTIALLY_SHIPPED"
    rest = await notice(s.shipping, orderIds=[oid], documentNo="DN-3")
    assert [ln["quantity"] for ln in rest["shippingNotice"]["lines"]] == [6]
    assert await line_of(s.d1, oid) == {
        "status": "SHIPPED",
        "sku": "SKU-A",
        "quantity": 30,
        "reserved": 0,
        "shipped": 30,
        "backordered": 0,
    }
    nothing = await notice(s.shipping, orderIds=[oid], documentNo="DN-4")
    assert nothing["errors"][0]["code"] == "INVALID_STATE"
    # The partner receives the shipment (manual receipt mode): SELL_IN posts.
    first_id = shipped["shipmentId"]
    assert (await s.d1(RECEIVE, id=first_id))["receiveShipment"]["shipment"]["status"] == (
        "RECEIVED"
    )
    # COMPLETED only once every shipment of the order is received.
    assert (await line_of(s.d1, oid))["status"] == "SHIPPED"
    await s.d1(RECEIVE, id=part["shippingNotice"]["shipmentId"])
    assert (await line_of(s.d1, oid))["status"] == "SHIPPED"
    assert await completed_events() == []
    await s.d1(RECEIVE, id=rest["shippingNotice"]["shipmentId"])
    assert (await line_of(s.d1, oid))["status"] == "COMPLETED"
    assert await completed_events() == [oid]

    # Serial-controlled SKUs need their serials.
    await stock(s.shipping, "M1", 2, sku="SKU-S")
    serial_order = (
        await place(s.d1, supplyWarehouseCode="M1", lines=[{"sku": "SKU-S", "quantity": 2}])
    )["order"]
    await act(s.manager, "confirmOrder", serial_order["id"])
    line_id = serial_order["lines"][0]["id"]
    missing = await notice(s.shipping, orderIds=[serial_order["id"]], documentNo="DN-S")
    assert missing["errors"][0]["code"] == "SERIALS_MISMATCH"
    with_serials = await notice(
        s.shipping,
        orderIds=[serial_order["id"]],
        documentNo="DN-S",
        lines=[{"orderLineId": line_id, "quantity": 2, "serials": ["SN-1", "SN-2"]}],
    )
    assert with_serials["errors"] == []
    assert with_serials["shippingNotice"]["lines"][0]["serials"] == ["SN-1", "SN-2"]
    assert await ledger_mismatches() == []
    assert await reservation_mismatches() == []


async def test_several_orders_of_one_partner_in_one_notice(client) -> None:
    s = await build_sides(client)
    await stock(s.shipping, "M1", 50)
    ids = []
    for quantity in (5, 7):
        placed = await place(
            s.d1, supplyWarehouseCode="M1", lines=[{"sku": "SKU-A", "quantity": quantity}]
        )
        ids.append(placed["order"]["id"])
        await act(s.shipping, "confirmOrder", ids[-1])
    off = await notice(s.shipping, orderIds=ids, documentNo="DN-M")
    assert off["errors"][0]["code"] == "INVALID_STATE"  # multi-order shipping is off
    other = (await place(s.d2, shipToWarehouseCode="W3", supplyWarehouseCode="M1"))["order"]
    await act(s.shipping, "confirmOrder", other["id"])
    await s.admin(SETTINGS, input={"multiOrderShipping": True})
    mixed = await notice(s.shipping, orderIds=[*ids, other["id"]], documentNo="DN-M")
    assert mixed["errors"][0]["code"] == "INVALID"  # two partners
    both = await notice(s.shipping, orderIds=ids, documentNo="DN-M")
    assert both["errors"] == []
    assert sorted(ln["quantity"] for ln in both["shippingNotice"]["lines"]) == [5, 7]
    assert [(await line_of(s.d1, i))["status"] for i in ids] == ["SHIPPED", "SHIPPED"]
    assert await Shipment.all().count() == 1
    # One receipt completes both orders of the notice.
    received = await s.d1(RECEIVE, id=both["shippingNotice"]["shipmentId"])
    assert received["receiveShipment"]["errors"] == []
    assert [(await line_of(s.d1, i))["status"] for i in ids] == ["COMPLETED", "COMPLETED"]
    assert sorted(await completed_events()) == sorted(ids)
    assert (await line_of(s.d2, other["id"]))["status"] == "CONFIRMED"
    assert await reservation_mismatches() == []


async def test_reseller_order_to_distributor_end_to_end(client) -> None:
    s = await build_sides(client)
    await ship_to_w1(s.ch, 50)  # D1 holds 50 in W1
    order = (
        await place(
            s.r1,
            supplierPartnerCode="D1",
            supplyWarehouseCode="W1",
            shipToWarehouseCode="WR",
            lines=[{"sku": "SKU-A", "quantity": 20}],
        )
    )["order"]
    await act(s.d1, "confirmOrder", order["id"])
    # The manufacturer's shipping staff do not ship a distributor's stock.
    refused = await notice(s.shipping, orderIds=[order["id"]], documentNo="DN-R")
    assert refused["errors"][0]["code"] == "INVALID_STATE"
    sent = await notice(s.d1, orderIds=[order["id"]], documentNo="DN-R")
    assert sent["errors"] == []
    [transfer_id] = sent["shippingNotice"]["transferIds"]
    assert sent["shippingNotice"]["shipmentId"] is None
    transfer = await Transfer.get(id=int(transfer_id))
    assert transfer.status.value == "SHIPPED"
    assert (await line_of(s.r1, order["id"]))["status"] == "SHIPPED"
    assert await completed_events() == []
    received = await s.r1(RECEIVE_TRANSFER, id=transfer_id)
    assert received["receiveTransfer"]["transfer"]["status"] == "RECEIVED"
    assert (await line_of(s.r1, order["id"]))["status"] == "COMPLETED"
    assert await completed_events() == [order["id"]]
    today = datetime.now(UTC).date()
    await drain_dirty(today=today)
    period = today.strftime("%Y-%m")
    rows = {
        (n["node"]["partnerCode"], n["node"]["warehouseCode"]): n["node"]
        for n in (await s.manager(RECON, period=period))["reconciliation"]["edges"]
    }
    assert rows[("D1", "W1")]["sellThrough"] == 20
    assert rows[("R1", "WR")]["sellIn"] == 20
    assert rows[("R1", "WR")]["calculated"] == 20
    reseller_rows = (await s.r1(RECON, period=period))["reconciliation"]["edges"]
    assert {n["node"]["partnerCode"] for n in reseller_rows} == {"R1"}
    w1 = await SupplyStock.get(warehouse__code="W1")
    assert w1.reserved == 0
    assert await ledger_mismatches() == []
    assert await reservation_mismatches() == []


async def test_received_on_shipping_completes_at_once(client) -> None:
    s = await build_sides(client, shipment_receipt_mode=ReceiptMode.ON_SHIPPING)
    await stock(s.shipping, "M1", 30)
    full = (await place(s.d1, supplyWarehouseCode="M1"))["order"]
    short = (await place(s.d1, supplyWarehouseCode="M1", lines=[{"sku": "SKU-A", "quantity": 20}]))[
        "order"
    ]
    for order in (full, short):
        await act(s.shipping, "confirmOrder", order["id"])
    assert (await notice(s.shipping, orderIds=[full["id"]], documentNo="DN-F"))["errors"] == []
    assert (await line_of(s.d1, full["id"]))["status"] == "COMPLETED"
    # Partly shipped and received: not complete until the rest ships and is received.
    part = await notice(
        s.shipping,
        orderIds=[short["id"]],
        documentNo="DN-P",
        lines=[{"orderLineId": short["lines"][0]["id"], "quantity": 5}],
    )
    assert part["errors"] == []
    assert (await line_of(s.d1, short["id"]))["status"] == "PARTIALLY_SHIPPED"
    await notice(s.shipping, orderIds=[short["id"]], documentNo="DN-Q")
    assert (await line_of(s.d1, short["id"]))["status"] == "COMPLETED"
    assert await completed_events() == [full["id"], short["id"]]
    # A received shipment cannot be received again; nothing is announced twice.
    again = await s.d1(RECEIVE, id=part["shippingNotice"]["shipmentId"])
    assert again["receiveShipment"]["errors"] == [{"code": "INVALID_STATE"}]
    assert len(await completed_events()) == 2
