"""A reseller's orders with its distributor, through the graph on both backends: the
reseller returns ordered goods to the distributor, which receives them into its own
ledger; and the distributor's receipts fill its resellers' backorders, oldest first."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest

from portal.domain.access.principal import Principal
from portal.domain.catalog import warehouses
from portal.domain.catalog.tenants import update_settings
from portal.domain.ledger import shipments, transfers
from portal.domain.ledger.check import ledger_mismatches
from portal.domain.ledger.shipments import LineInput
from portal.domain.orders import notices, orders
from portal.domain.orders.check import reservation_mismatches
from portal.models import LedgerEntry, OrderLine, OutboxEvent, Partner, StockBalance, SupplyStock
from portal.models.enums import InsufficientStockPolicy, OrderingMode, Role, WarehouseKind
from tests.ledger_fixtures import build_channel, ship_to_w1
from tests.order_fixtures import ORDER, act, build_sides, place, reseller_order

REQUEST = """mutation($input: RequestReturnInput!) { requestReturn(input: $input) {
  stockReturn { id status source orderIds warehouseCode toPartnerCode toWarehouseCode
    lines { sku quantity } }
  errors { field code message } } }"""
NOTICE = """mutation($input: CreateShippingNoticeInput!) { createShippingNotice(input: $input) {
  shippingNotice { id transferIds } errors { field code message } } }"""
RECEIVE_TRANSFER = """mutation($id: ID!) { receiveTransfer(input: {id: $id}) {
  transfer { status } errors { code } } }"""
RETURN_ACTION = """mutation($id: ID!) { %s(input: {id: $id}) {
  stockReturn { id status } errors { field code message } } }"""
RETURNS = """{ returns { totalCount edges { node { id status warehouseCode toPartnerCode } } } }"""
SETTINGS_EXCHANGES = """mutation { updateSettings(input: {exchanges: true}) { errors { code } } }"""


async def balance(warehouse: str, sku: str = "SKU-A") -> int:
    rows = await StockBalance.filter(warehouse__code=warehouse, product__sku=sku)
    return sum(r.quantity for r in rows)


async def test_a_reseller_returns_ordered_goods_to_its_distributor(client) -> None:
    s = await build_sides(client)
    await ship_to_w1(s.ch, 50)  # D1 holds 50 in W1
    oid = await reseller_order(s, 20)
    await act(s.d1, "confirmOrder", oid)
    sent = (await s.d1(NOTICE, input={"orderIds": [oid], "documentNo": "DN-R"}))[
        "createShippingNotice"
    ]
    assert sent["errors"] == []
    [transfer_id] = sent["shippingNotice"]["transferIds"]
    assert (await s.r1(RECEIVE_TRANSFER, id=transfer_id))["receiveTransfer"]["errors"] == []
    assert (await balance("W1"), await balance("WR")) == (30, 20)

    # No exchange: the replacement would be the manufacturer's shipment.
    await s.admin(SETTINGS_EXCHANGES)
    exchange = (
        await s.r1(
            REQUEST,
            input={
                "orderIds": [oid],
                "exchange": True,
                "lines": [{"sku": "SKU-A", "quantity": 5}],
            },
        )
    )["requestReturn"]
    assert exchange["errors"][0]["code"] == "INVALID"
    assert exchange["errors"][0]["field"] == ["exchange"]
    too_many = (
        await s.r1(REQUEST, input={"orderIds": [oid], "lines": [{"sku": "SKU-A", "quantity": 21}]})
    )["requestReturn"]
    assert too_many["errors"][0]["code"] == "RETURN_EXCEEDS_SHIPPED"
    # The distributor does not return its customer's goods.
    refused = (
        await s.d1(REQUEST, input={"orderIds": [oid], "lines": [{"sku": "SKU-A", "quantity": 1}]})
    )["requestReturn"]
    assert refused["errors"][0]["code"] == "NOT_FOUND"

    made = (
        await s.r1(REQUEST, input={"orderIds": [oid], "lines": [{"sku": "SKU-A", "quantity": 5}]})
    )["requestReturn"]
    assert made["errors"] == []
    stock_return = made["stockReturn"]
    assert {k: stock_return[k] for k in ("status", "source", "warehouseCode")} == {
        "status": "REQUESTED",
        "source": "ORDER",
        "warehouseCode": "WR",
    }
    assert (stock_return["toPartnerCode"], stock_return["toWarehouseCode"]) == ("D1", "W1")
    event = await OutboxEvent.get(event_type="return.requested")
    assert event.payload["toPartnerCode"] == "D1"
    line = (await s.r1(ORDER.replace("backordered", "backordered returned"), id=oid))["order"]
    assert line["lines"][0]["returned"] == 5

    # The distributor sees it; the other distributor does not.
    d1_returns = [e["node"] for e in (await s.d1(RETURNS))["returns"]["edges"]]
    assert [(r["id"], r["toPartnerCode"]) for r in d1_returns] == [(stock_return["id"], "D1")]
    assert (await s.d2(RETURNS))["returns"]["totalCount"] == 0
    # Only the supplier it goes back to (or shipping staff) receives it.
    by_reseller = (await s.r1(RETURN_ACTION % "receiveReturn", id=stock_return["id"]))[
        "receiveReturn"
    ]
    assert by_reseller["errors"][0]["code"] == "INVALID_STATE"
    by_other = (await s.d2(RETURN_ACTION % "receiveReturn", id=stock_return["id"]))["receiveReturn"]
    assert by_other["errors"][0]["code"] == "NOT_FOUND"
    assert (await balance("W1"), await balance("WR")) == (30, 20)
    received = (await s.d1(RETURN_ACTION % "receiveReturn", id=stock_return["id"]))["receiveReturn"]
    assert received == {
        "stockReturn": {"id": stock_return["id"], "status": "RECEIVED"},
        "errors": [],
    }
    # Into the distributor's ledger: the reseller's return to its supplier, the
    # distributor's customer return.
    assert (await balance("W1"), await balance("WR")) == (35, 15)
    entries = await LedgerEntry.filter(source_type="RETURN").order_by("id")
    assert sorted((e.kind.value, e.quantity) for e in entries) == [
        ("CUSTOMER_RETURN", 5),
        ("RETURN_TO_MANUFACTURER", -5),
    ]
    again = (await s.d1(RETURN_ACTION % "receiveReturn", id=stock_return["id"]))["receiveReturn"]
    assert again["errors"][0]["code"] == "INVALID_STATE"

    # A second return, cancelled by the reseller, gives its quantity back to the line.
    second = (
        await s.r1(REQUEST, input={"orderIds": [oid], "lines": [{"sku": "SKU-A", "quantity": 2}]})
    )["requestReturn"]
    assert second["errors"] == []
    by_supplier = (await s.d1(RETURN_ACTION % "cancelReturn", id=second["stockReturn"]["id"]))[
        "cancelReturn"
    ]
    assert by_supplier["errors"][0]["code"] == "INVALID_STATE"
    cancelled = (await s.r1(RETURN_ACTION % "cancelReturn", id=second["stockReturn"]["id"]))[
        "cancelReturn"
    ]
    assert cancelled["stockReturn"]["status"] == "CANCELLED"
    line = (await s.r1(ORDER.replace("backordered", "backordered returned"), id=oid))["order"]
    assert line["lines"][0]["returned"] == 5
    # Manufacturer staff receive a return to a distributor too.
    third = (
        await s.r1(REQUEST, input={"orderIds": [oid], "lines": [{"sku": "SKU-A", "quantity": 1}]})
    )["requestReturn"]
    by_staff = (await s.shipping(RETURN_ACTION % "receiveReturn", id=third["stockReturn"]["id"]))[
        "receiveReturn"
    ]
    assert by_staff["stockReturn"]["status"] == "RECEIVED"
    assert (await balance("W1"), await balance("WR")) == (36, 14)
    assert await ledger_mismatches() == []
    assert await reservation_mismatches() == []


RECEIVE = """mutation($id: ID!) { receiveShipment(input: {id: $id}) {
  shipment { status } errors { code } } }"""
LINES = """query($id: ID!) { order(id: $id) { status lines { reserved backordered } } }"""


async def held(graph: Any, order_id: str) -> tuple[int, int]:
    line = (await graph(LINES, id=order_id))["order"]["lines"][0]
    return line["reserved"], line["backordered"]


async def test_distributor_receipts_fill_reseller_backorders_oldest_first(client) -> None:
    s = await build_sides(client, insufficient_stock_policy="ALLOW")
    await ship_to_w1(s.ch, 5)  # D1 holds 5 in W1
    older = await reseller_order(s, 8)
    newer = await reseller_order(s, 4)
    assert await held(s.r1, older) == (5, 3)
    assert await held(s.r1, newer) == (0, 4)
    # Stock for another warehouse of D1 fills nothing (the orders are supplied from W1).
    elsewhere = await shipments.record_shipment(
        s.ch.admin,
        partner_code="D1",
        warehouse_code="W2",
        document_no="INV-W2",
        shipped_on=date(2026, 10, 3),
        lines=[LineInput("SKU-A", 9)],
    )
    assert (await s.d1(RECEIVE, id=str(elsewhere.id)))["receiveShipment"]["errors"] == []
    assert (await held(s.r1, older), await held(s.r1, newer)) == ((5, 3), (0, 4))
    # 5 arrive at W1 (a sell-in received by the distributor): the older order first.
    arriving = await shipments.record_shipment(
        s.ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="INV-W1",
        shipped_on=date(2026, 10, 3),
        lines=[LineInput("SKU-A", 5)],
    )
    assert (await held(s.r1, older), await held(s.r1, newer)) == ((5, 3), (0, 4))  # in transit
    assert (await s.d1(RECEIVE, id=str(arriving.id)))["receiveShipment"]["errors"] == []
    assert await held(s.r1, older) == (8, 0)
    assert await held(s.r1, newer) == (2, 2)
    w1 = await SupplyStock.get(warehouse__code="W1", product__sku="SKU-A")
    assert w1.reserved == 10 and await balance("W1") == 10
    # A transfer into W1 (from D1's W2, received) fills the rest; the surplus stays free.
    raised = await transfers.raise_transfer(
        s.ch.d1, from_warehouse_code="W2", to_warehouse_code="W1", lines=[LineInput("SKU-A", 3)]
    )
    await transfers.ship_transfer(s.ch.d1, raised.id, shipped_on=date(2026, 10, 4))
    received = await s.d1(RECEIVE_TRANSFER, id=str(raised.id))
    assert received["receiveTransfer"]["errors"] == []
    assert await held(s.r1, newer) == (4, 0)
    w1 = await SupplyStock.get(warehouse__code="W1", product__sku="SKU-A")
    assert (w1.reserved, await balance("W1")) == (12, 13)
    # A cancelled order waits for nothing: its backorder is not filled later.
    third = await reseller_order(s, 6)
    assert await held(s.r1, third) == (1, 5)
    await act(s.r1, "cancelOrder", third, "not needed")
    await ship_to_w1(s.ch, 5, document_no="INV-3")
    w1 = await SupplyStock.get(warehouse__code="W1", product__sku="SKU-A")
    assert (w1.reserved, await balance("W1")) == (12, 18)
    # The filled orders ship in full.
    await act(s.d1, "confirmOrder", older)
    sent = (await s.d1(NOTICE, input={"orderIds": [older], "documentNo": "DN-OLD"}))[
        "createShippingNotice"
    ]
    assert sent["errors"] == []
    assert (await s.r1(ORDER, id=older))["order"]["status"] == "SHIPPED"
    assert await ledger_mismatches() == []
    assert await reservation_mismatches() == []


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_receipts_notices_and_orders_at_once_neither_deadlock_nor_lose(db) -> None:
    """On PostgreSQL, each on its own connection: five sell-ins received at the
    distributor's W1 (filling backorders), its shipping notice from W1, and a new reseller
    order, all at once. The posting locks supply rows before balances like the notice
    does: nothing waits forever, nothing is reserved twice or lost."""
    ch = await build_channel()
    await update_settings(ch.admin, insufficient_stock_policy=InsufficientStockPolicy.ALLOW)
    await ship_to_w1(ch, 10)
    r1 = await Partner.get(code="R1")
    reseller = Principal(ch.admin.manufacturer_id, Role.PARTNER_ADMIN, partner_id=r1.id)

    async def order() -> int:
        placed = await orders.place_order(
            reseller,
            supplier_code="D1",
            supply_warehouse_code="W1",
            ship_to_warehouse_code="WR",
            lines=[orders.OrderLineInput("SKU-A", 4)],
        )
        return int(placed.id)

    ids = [await order() for _ in range(5)]  # 10 in stock: 4, 4, 2 (+2), 0 (+4), 0 (+4)
    await orders.confirm_order(ch.d1, ids[0])
    incoming = [
        await shipments.record_shipment(
            ch.admin,
            partner_code="D1",
            warehouse_code="W1",
            document_no=f"IN-{n}",
            shipped_on=date(2026, 10, 3),
            lines=[LineInput("SKU-A", 3)],
        )
        for n in range(5)
    ]
    results = await asyncio.gather(
        *(shipments.receive_shipment(ch.d1, s.id) for s in incoming),
        notices.create_shipping_notice(ch.d1, order_ids=[ids[0]], document_no="DN-RACE"),
        order(),
        return_exceptions=True,
    )
    assert [r for r in results if isinstance(r, BaseException)] == []
    # 10 + 15 arrived, 4 shipped: 21 on hand for 5 open orders of 4.
    lines = {line.order_id: line for line in await OrderLine.all()}
    assert lines[ids[0]].shipped == 4
    assert all(
        (ln.reserved, ln.backordered) == (4, 0) for oid, ln in lines.items() if oid != ids[0]
    )
    w1 = await SupplyStock.get(warehouse__code="W1", product__sku="SKU-A")
    assert (w1.reserved, await balance("W1")) == (20, 21)
    assert await ledger_mismatches() == []
    assert await reservation_mismatches() == []


async def test_consolidated_backorders_fill_only_at_shippable_warehouses(client) -> None:
    """CONSOLIDATED orders are supplied by the distributor's active warehouses of its own:
    stock arriving at its consignment warehouse (the manufacturer's stock) or at a
    deactivated warehouse fills no backorder; stock at W1 does."""
    s = await build_sides(
        client,
        ordering_mode=OrderingMode.CONSOLIDATED,
        insufficient_stock_policy=InsufficientStockPolicy.ALLOW,
    )
    await warehouses.create_warehouse(
        s.ch.admin, code="WC", name="Consigned", partner_code="D1", kind=WarehouseKind.CONSIGNMENT
    )
    placed = await place(
        s.r1,
        supplierPartnerCode="D1",
        shipToWarehouseCode="WR",
        lines=[{"sku": "SKU-A", "quantity": 6}],
    )
    assert placed["errors"] == [], placed
    oid = placed["order"]["id"]
    assert await held(s.r1, oid) == (0, 6)

    async def arrive(warehouse: str, quantity: int, document_no: str) -> None:
        shipment = await shipments.record_shipment(
            s.ch.admin,
            partner_code="D1",
            warehouse_code=warehouse,
            document_no=document_no,
            shipped_on=date(2026, 10, 3),
            lines=[LineInput("SKU-A", quantity)],
        )
        received = (await s.d1(RECEIVE, id=str(shipment.id)))["receiveShipment"]
        assert received["errors"] == [], received

    await arrive("WC", 4, "INV-WC")
    assert await balance("WC") == 4
    assert await held(s.r1, oid) == (0, 6)
    await arrive("W2", 3, "INV-W2")  # active: fills 3
    assert await held(s.r1, oid) == (3, 3)
    await warehouses.update_warehouse(s.ch.admin, "W2", active=False)
    await arrive("W2", 2, "INV-W2B")  # deactivated since: fills nothing
    assert await held(s.r1, oid) == (3, 3)
    await arrive("W1", 5, "INV-W1")
    assert await held(s.r1, oid) == (6, 0)
    reserved = {
        r["warehouseCode"]: r["quantity"]
        for r in (await s.r1(ORDER_RESERVATIONS, id=oid))["order"]["lines"][0]["reservations"]
    }
    assert reserved == {"W1": 3, "W2": 3}
    assert await reservation_mismatches() == []
    assert await ledger_mismatches() == []


ORDER_RESERVATIONS = """query($id: ID!) { order(id: $id) {
  lines { reservations { warehouseCode quantity } } } }"""
