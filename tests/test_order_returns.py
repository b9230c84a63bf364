"""requestReturn through the graph, on both backends: against orders (spread oldest first,
never more than shipped - returned, OrderLine.returned, cancel gives it back, receipt
posts the ledger), against a shipment, source-free, serials, exchanges, settings."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from portal.domain.access.principal import Principal
from portal.domain.catalog import warehouses
from portal.domain.errors import ErrorCode
from portal.domain.ledger import shipments
from portal.domain.ledger.check import ledger_mismatches
from portal.domain.orders import notices, orders, returns, supply
from portal.models import (
    OrderLine,
    OutboxEvent,
    Shipment,
    StockBalance,
    StockReturn,
    StockReturnLine,
)
from portal.models.enums import Role
from tests.ledger_fixtures import build_channel, ship_to_w1
from tests.order_fixtures import ORDER, act, build_sides, place, stock

REQUEST = """mutation($input: RequestReturnInput!) { requestReturn(input: $input) {
  stockReturn { id status source orderIds shipmentId exchange replacementShipmentId
    warehouseCode lines { sku quantity serials } }
  errors { field code message } } }"""
NOTICE = """mutation($input: CreateShippingNoticeInput!) { createShippingNotice(input: $input) {
  shippingNotice { shipmentId } errors { code } } }"""
RECEIVE = """mutation($id: ID!) { receiveShipment(input: {id: $id}) { errors { code } } }"""
RETURN_ACTION = """mutation($id: ID!) { %s(input: {id: $id}) {
  stockReturn { status } errors { code } } }"""
SETTINGS = """mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) {
  errors { code } } }"""
SHIPMENTS = """{ shipments { edges { node { documentNo status lines { sku quantity } } } } }"""


async def request(graph: Any, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await graph(REQUEST, input=fields))["requestReturn"]
    return payload


async def returned(graph: Any, order_id: str) -> list[int]:
    order = (await graph(ORDER.replace("backordered", "backordered returned"), id=order_id))[
        "order"
    ]
    return [line["returned"] for line in order["lines"]]


async def shipped_order(s: Any, quantity: int, document_no: str) -> str:
    placed = await place(
        s.d1, supplyWarehouseCode="M1", lines=[{"sku": "SKU-A", "quantity": quantity}]
    )
    oid: str = placed["order"]["id"]
    await act(s.shipping, "confirmOrder", oid)
    sent = await s.shipping(NOTICE, input={"orderIds": [oid], "documentNo": document_no})
    assert sent["createShippingNotice"]["errors"] == []
    received = await s.d1(RECEIVE, id=sent["createShippingNotice"]["shippingNotice"]["shipmentId"])
    assert received["receiveShipment"]["errors"] == []
    return oid


async def w1_balance() -> int:
    rows = await StockBalance.filter(warehouse__code="W1", product__sku="SKU-A")
    return sum(r.quantity for r in rows)


async def test_returns_against_orders(client) -> None:
    s = await build_sides(client)
    await stock(s.shipping, "M1", 30)
    first = await shipped_order(s, 10, "DN-1")
    second = await shipped_order(s, 5, "DN-2")
    assert (await s.d1(ORDER, id=first))["order"]["status"] == "COMPLETED"
    before = await w1_balance()
    orders = [first, second]

    over = await request(s.d1, orderIds=orders, lines=[{"sku": "SKU-A", "quantity": 16}])
    assert over["errors"] == [
        {
            "field": ["lines", "0", "quantity"],
            "code": "RETURN_EXCEEDS_SHIPPED",
            "message": "At most 15 of SKU-A can be returned (shipped less returned).",
        }
    ]
    # Another partner cannot return D1's orders; nothing changed.
    other = await request(s.d2, orderIds=orders, lines=[{"sku": "SKU-A", "quantity": 1}])
    assert other["errors"][0]["code"] == "NOT_FOUND"
    assert await StockReturn.all().count() == 0

    made = await request(
        s.d1,
        orderIds=orders,
        lines=[{"sku": "SKU-A", "quantity": 12, "reason": "damaged"}],
        idempotencyKey="ret-1",
    )
    assert made["errors"] == []
    ret = made["stockReturn"]
    assert (ret["status"], ret["source"], ret["orderIds"], ret["warehouseCode"]) == (
        "REQUESTED",
        "ORDER",
        sorted(orders, key=int),
        "W1",
    )
    # Spread over the order lines, oldest first.
    assert sorted(ln["quantity"] for ln in ret["lines"]) == [2, 10]
    assert await returned(s.d1, first) == [10]
    assert await returned(s.d1, second) == [2]
    again = await request(
        s.d1,
        orderIds=orders,
        lines=[{"sku": "SKU-A", "quantity": 12, "reason": "damaged"}],
        idempotencyKey="ret-1",
    )
    assert again["stockReturn"]["id"] == ret["id"]
    reused = await request(
        s.d1, orderIds=orders, lines=[{"sku": "SKU-A", "quantity": 1}], idempotencyKey="ret-1"
    )
    assert reused["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await StockReturn.all().count() == 1
    assert set(await StockReturnLine.all().values_list("reason", flat=True)) == {"damaged"}
    short = await request(s.d1, orderIds=orders, lines=[{"sku": "SKU-A", "quantity": 4}])
    assert short["errors"][0]["code"] == "RETURN_EXCEEDS_SHIPPED"
    assert "At most 3 of SKU-A" in short["errors"][0]["message"]

    # Cancelling gives the quantities back to the order lines.
    cancelled = await s.d1(RETURN_ACTION % "cancelReturn", id=ret["id"])
    assert cancelled["cancelReturn"]["stockReturn"]["status"] == "CANCELLED"
    assert await returned(s.d1, first) == [0]
    assert await returned(s.d1, second) == [0]

    # Receipt posts the ledger like any return.
    kept = await request(s.d1, orderIds=[second], lines=[{"sku": "SKU-A", "quantity": 5}])
    assert kept["errors"] == []
    assert await returned(s.d1, second) == [5]
    received = await s.shipping(RETURN_ACTION % "receiveReturn", id=kept["stockReturn"]["id"])
    assert received["receiveReturn"]["stockReturn"]["status"] == "RECEIVED"
    assert await w1_balance() == before - 5
    assert await ledger_mismatches() == []
    events = await OutboxEvent.filter(event_type="return.requested").order_by("id")
    assert [(e.payload["source"], e.payload["orderIds"]) for e in events] == [
        ("ORDER", sorted(orders, key=int)),
        ("ORDER", [second]),
    ]

    # The setting off: refused with a code, nothing stored.
    await s.admin(SETTINGS, input={"returnsAgainstOrders": False})
    off = await request(s.d1, orderIds=[first], lines=[{"sku": "SKU-A", "quantity": 1}])
    assert off["errors"][0]["code"] == "INVALID_STATE"
    assert off["errors"][0]["field"] == ["orderIds"]
    assert await StockReturn.all().count() == 2


async def test_returns_against_shipments_source_free_serials_and_exchanges(client) -> None:
    s = await build_sides(client)
    shipment = await ship_to_w1(s.ch, 30)
    sid = str(shipment.id)
    line = [{"sku": "SKU-A", "quantity": 10}]
    off = await request(s.d1, shipmentId=sid, lines=line)
    assert off["errors"][0]["code"] == "INVALID_STATE"
    free_off = await request(s.d1, warehouseCode="W1", lines=line)
    assert free_off["errors"][0]["code"] == "INVALID_STATE"
    await s.admin(SETTINGS, input={"returnsAgainstShipments": True, "sourceFreeReturns": True})
    over = await request(s.d1, shipmentId=sid, lines=[{"sku": "SKU-A", "quantity": 31}])
    assert over["errors"][0]["code"] == "RETURN_EXCEEDS_SHIPPED"
    assert (await request(s.d2, shipmentId=sid, lines=line))["errors"][0]["code"] == "NOT_FOUND"
    first = await request(s.d1, shipmentId=sid, lines=[{"sku": "SKU-A", "quantity": 25}])
    assert first["errors"] == []
    assert (first["stockReturn"]["source"], first["stockReturn"]["shipmentId"]) == (
        "SHIPMENT",
        sid,
    )
    rest = await request(s.d1, shipmentId=sid, lines=line)
    assert rest["errors"][0]["message"].startswith("At most 5 of SKU-A")

    # Exchanges need their setting; then the replacement ships in the same document.
    refused = await request(
        s.d1, shipmentId=sid, lines=[{"sku": "SKU-A", "quantity": 5}], exchange=True
    )
    assert refused["errors"][0] == {
        "field": ["exchange"],
        "code": "INVALID_STATE",
        "message": "Exchanges are not enabled.",
    }
    await s.admin(SETTINGS, input={"exchanges": True})
    swap = await request(
        s.d1, shipmentId=sid, lines=[{"sku": "SKU-A", "quantity": 5}], exchange=True
    )
    assert swap["errors"] == []
    made = swap["stockReturn"]
    assert made["exchange"] is True and made["replacementShipmentId"] is not None
    shipments = {
        e["node"]["documentNo"]: e["node"] for e in (await s.d1(SHIPMENTS))["shipments"]["edges"]
    }
    replacement = shipments[f"RX-{int(made['id']):06d}"]
    assert replacement["lines"] == [{"sku": "SKU-A", "quantity": 5}]
    # An exchange whose replacement shipped cannot be cancelled.
    stuck = await s.d1(RETURN_ACTION % "cancelReturn", id=made["id"])
    assert stuck["cancelReturn"]["errors"] == [{"code": "INVALID_STATE"}]

    # Source-free: names the warehouse; the goods must be there.
    missing = await request(s.d1, lines=line)
    assert missing["errors"][0]["code"] == "REQUIRED"
    free = await request(s.d1, warehouseCode="W1", lines=[{"sku": "SKU-A", "quantity": 1}])
    assert free["errors"] == [] and free["stockReturn"]["source"] == "NONE"

    # Serials must have been shipped to the partner by the order.
    await stock(s.shipping, "M1", 2, sku="SKU-S")
    placed = (await place(s.d1, supplyWarehouseCode="M1", lines=[{"sku": "SKU-S", "quantity": 2}]))[
        "order"
    ]
    await act(s.shipping, "confirmOrder", placed["id"])
    sent = await s.shipping(
        NOTICE,
        input={
            "orderIds": [placed["id"]],
            "documentNo": "DN-S",
            "lines": [
                {
                    "orderLineId": placed["lines"][0]["id"],
                    "quantity": 2,
                    "serials": ["SN-1", "SN-2"],
                }
            ],
        },
    )
    await s.d1(RECEIVE, id=sent["createShippingNotice"]["shippingNotice"]["shipmentId"])
    stranger = await request(
        s.d1, orderIds=[placed["id"]], lines=[{"sku": "SKU-S", "quantity": 1, "serials": ["SN-9"]}]
    )
    assert stranger["errors"][0]["code"] == "SERIALS_MISMATCH"
    good = await request(
        s.d1, orderIds=[placed["id"]], lines=[{"sku": "SKU-S", "quantity": 1, "serials": ["SN-1"]}]
    )
    assert good["errors"] == []
    assert good["stockReturn"]["lines"] == [{"sku": "SKU-S", "quantity": 1, "serials": ["SN-1"]}]
    assert await returned(s.d1, placed["id"]) == [1]
    # Source-free: serials of units the partner holds.
    unknown = await request(
        s.d1, warehouseCode="W1", lines=[{"sku": "SKU-S", "quantity": 1, "serials": ["SN-9"]}]
    )
    assert unknown["errors"][0]["code"] == "SERIALS_MISMATCH"
    held = await request(
        s.d1, warehouseCode="W1", lines=[{"sku": "SKU-S", "quantity": 1, "serials": ["SN-2"]}]
    )
    assert held["errors"] == []
    assert await ledger_mismatches() == []


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_concurrent_returns_never_exceed_shipped(db) -> None:
    """Ten returns of 3 units each against one order of 10 at once, each on its own
    connection: three pass, the rest are RETURN_EXCEEDS_SHIPPED, nothing is lost (the
    order and line locks of request_return; without them all ten passed)."""
    ch = await build_channel()
    await warehouses.create_warehouse(ch.admin, code="M1", name="Plant")
    await supply.adjust_supply(
        ch.admin, warehouse_code="M1", sku="SKU-A", quantity=10, reason="ERP"
    )
    buyer = Principal(ch.admin.manufacturer_id, Role.PARTNER_ADMIN, ch.d1.partner_id)
    order = await orders.place_order(
        buyer,
        supplier_code=None,
        supply_warehouse_code="M1",
        ship_to_warehouse_code="W1",
        lines=[orders.OrderLineInput("SKU-A", 10)],
    )
    await orders.confirm_order(ch.admin, order.id)
    notice = await notices.create_shipping_notice(ch.admin, order_ids=[order.id], document_no="DN")
    await shipments.receive_shipment(buyer, notice.shipment_id or 0)

    async def give_back() -> int:
        made = await returns.request_return(
            buyer, order_ids=[order.id], lines=[returns.ReturnLineInput("SKU-A", 3)]
        )
        return made.id

    results = await asyncio.gather(*(give_back() for _ in range(10)), return_exceptions=True)
    passed = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if not isinstance(r, int)]
    assert len(passed) == 3
    assert {getattr(e, "code", e) for e in refused} == {ErrorCode.RETURN_EXCEEDS_SHIPPED}
    line = await OrderLine.get(order_id=order.id)
    assert line.returned == 9
    assert await StockReturnLine.filter(order_line_id=line.id).count() == 3


async def test_order_and_shipment_returns_share_the_order_lines(client) -> None:
    s = await build_sides(client)
    await s.admin(SETTINGS, input={"returnsAgainstShipments": True})
    await stock(s.shipping, "M1", 10)
    oid = await shipped_order(s, 10, "DN-1")
    [shipment] = (await s.d1(SHIPMENTS.replace("documentNo", "id documentNo")))["shipments"][
        "edges"
    ]
    sid = shipment["node"]["id"]
    by_order = await request(s.d1, orderIds=[oid], lines=[{"sku": "SKU-A", "quantity": 6}])
    assert by_order["errors"] == []
    # The shipment still holds 10, but its order line only 4 more.
    over = await request(s.d1, shipmentId=sid, lines=[{"sku": "SKU-A", "quantity": 5}])
    assert over["errors"][0]["code"] == "RETURN_EXCEEDS_SHIPPED"
    assert "At most 4 of SKU-A" in over["errors"][0]["message"]
    rest = await request(s.d1, shipmentId=sid, lines=[{"sku": "SKU-A", "quantity": 4}])
    assert rest["errors"] == []
    assert await returned(s.d1, oid) == [10]
    assert (await request(s.d1, orderIds=[oid], lines=[{"sku": "SKU-A", "quantity": 1}]))["errors"][
        0
    ]["code"] == "RETURN_EXCEEDS_SHIPPED"


RAISE = """mutation($input: RaiseReturnInput!) { raiseReturn(input: $input) {
  stockReturn { id source } errors { field code message } } }"""


async def test_every_return_source_follows_its_setting(client) -> None:
    """With every source off, requestReturn refuses each one on its field and stores
    nothing (no return, no event, no OrderLine.returned); with only one on, only that one
    goes through. ``raiseReturn`` (the first-wave return to the manufacturer) is not
    governed by these settings, as docs/settings.md says."""
    s = await build_sides(client)
    await stock(s.shipping, "M1", 10)
    oid = await shipped_order(s, 10, "DN-1")
    sid = str((await Shipment.get(document_no="DN-1")).id)
    line = [{"sku": "SKU-A", "quantity": 1}]
    sources: dict[str, dict[str, Any]] = {
        "returnsAgainstOrders": {"orderIds": [oid]},
        "returnsAgainstShipments": {"shipmentId": sid},
        "sourceFreeReturns": {"warehouseCode": "W1"},
    }
    fields = {
        "returnsAgainstOrders": "orderIds",
        "returnsAgainstShipments": "shipmentId",
        "sourceFreeReturns": "warehouseCode",
    }
    all_off = {setting: False for setting in sources}
    assert (await s.admin(SETTINGS, input=all_off))["updateSettings"]["errors"] == []
    for setting, source in sources.items():
        for exchange in (False, True):
            off = await request(s.d1, lines=line, exchange=exchange, **source)
            assert off["stockReturn"] is None
            assert (off["errors"][0]["code"], off["errors"][0]["field"]) == (
                "INVALID_STATE",
                [fields[setting]],
            ), (setting, off)
    assert await StockReturn.all().count() == 0
    assert await OutboxEvent.filter(event_type="return.requested").count() == 0
    assert await returned(s.d1, oid) == [0]
    for setting in sources:
        await s.admin(SETTINGS, input={**all_off, setting: True})
        for other, source_of_other in sources.items():
            made = await request(s.d1, lines=line, **source_of_other)
            if other == setting:
                assert made["errors"] == [], (setting, made)
            else:
                assert made["errors"][0]["code"] == "INVALID_STATE", (setting, other)
    assert await StockReturn.all().count() == 3
    # The first-wave raiseReturn is not governed by them (docs/settings.md).
    await s.admin(SETTINGS, input=all_off)
    raised = (await s.d1(RAISE, input={"warehouseCode": "W1", "lines": line}))["raiseReturn"]
    assert raised["errors"] == [] and raised["stockReturn"]["source"] == "NONE"
