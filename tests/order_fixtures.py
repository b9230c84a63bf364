"""A channel that orders: build_channel's partners plus the manufacturer's warehouses M1
and M2, tokens per side, and the graph documents the order tests share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.domain.access.tokens import create_token
from portal.domain.catalog import warehouses
from portal.domain.catalog.tenants import update_settings
from portal.models import Partner
from portal.models.enums import Role
from tests.graph import Graph
from tests.ledger_fixtures import Channel, build_channel

PLACE = """mutation($input: PlaceOrderInput!) { placeOrder(input: $input) {
  order { id number status mode partnerCode supplierPartnerCode supplyWarehouseCode
    shipToWarehouseCode reason
    lines { id sku quantity reserved shipped backordered returned
      reservations { warehouseCode quantity } } }
  errors { field code message } } }"""
ACTION = """mutation($input: OrderActionInput!) { %s(input: $input) {
  order { id status reason lines { sku reserved backordered } } errors { field code message } } }"""
ADJUST = """mutation($input: AdjustReservationInput!) { adjustReservation(input: $input) {
  order { id lines { sku reserved backordered reservations { warehouseCode quantity } } }
  errors { field code message } } }"""
SUPPLY = """mutation($input: AdjustSupplyStockInput!) { adjustSupplyStock(input: $input) {
  supplyStock { warehouseCode sku onHand reserved } errors { field code message } } }"""
AVAILABILITY = """query($sku: String!, $supplier: String, $warehouse: String) {
  availability(sku: $sku, supplierPartnerCode: $supplier, warehouseCode: $warehouse) {
    warehouseCode onHand reserved available } }"""
ORDERS = """query($status: OrderStatus, $partner: String) {
  orders(status: $status, partnerCode: $partner) { totalCount
    edges { node { id number status partnerCode lines { sku quantity reserved } } } } }"""
ORDER = """query($id: ID!) { order(id: $id) { id status partnerCode
  lines { sku quantity reserved shipped backordered } } }"""
SETTINGS = """mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) {
  settings { orderingMode insufficientStockPolicy showAvailability allowReservationAdjustment
    multiOrderShipping } errors { field code message } } }"""


@dataclass
class Sides:
    ch: Channel
    admin: Graph
    shipping: Graph
    manager: Graph
    d1: Graph
    d2: Graph
    r1: Graph
    r1_sales: Graph


async def build_sides(client: Any, **settings: Any) -> Sides:
    ch = await build_channel()
    m = ch.admin.manufacturer_id
    for code in ("M1", "M2"):
        await warehouses.create_warehouse(ch.admin, code=code, name=f"Plant {code}")
    if settings:
        await update_settings(ch.admin, **settings)

    async def graph(role: Role, partner: str | None = None) -> Graph:
        partner_id = (await Partner.get(code=partner)).id if partner else None
        _, token = await create_token(m, role, partner_id=partner_id)
        return Graph(client, token)

    return Sides(
        ch=ch,
        admin=await graph(Role.ADMIN),
        shipping=await graph(Role.SHIPPING),
        manager=await graph(Role.CHANNEL_MANAGER),
        d1=await graph(Role.PARTNER_ADMIN, "D1"),
        d2=await graph(Role.PARTNER_ADMIN, "D2"),
        r1=await graph(Role.PARTNER_INVENTORY, "R1"),
        r1_sales=await graph(Role.PARTNER_SALES, "R1"),
    )


async def stock(
    graph: Graph, warehouse: str, quantity: int, sku: str = "SKU-A", batch: str | None = None
) -> dict[str, Any]:
    change = {"warehouseCode": warehouse, "sku": sku, "quantity": quantity, "reason": "RECEIPT"}
    if batch is not None:
        change["batchNo"] = batch
    body = await graph(SUPPLY, input=change)
    payload: dict[str, Any] = body["adjustSupplyStock"]
    return payload


async def place(graph: Graph, **fields: Any) -> dict[str, Any]:
    fields.setdefault("shipToWarehouseCode", "W1")
    fields.setdefault("lines", [{"sku": "SKU-A", "quantity": 10}])
    payload: dict[str, Any] = (await graph(PLACE, input=fields))["placeOrder"]
    return payload


async def reseller_order(s: Sides, quantity: int) -> str:
    """R1 orders ``quantity`` of SKU-A from D1's W1, shipped to WR: the order id."""
    placed = await place(
        s.r1,
        supplierPartnerCode="D1",
        supplyWarehouseCode="W1",
        shipToWarehouseCode="WR",
        lines=[{"sku": "SKU-A", "quantity": quantity}],
    )
    assert placed["errors"] == [], placed
    oid: str = placed["order"]["id"]
    return oid


async def act(
    graph: Graph, action: str, order_id: str, reason: str | None = None
) -> dict[str, Any]:
    payload: dict[str, Any] = (
        await graph(ACTION % action, input={"id": order_id, "reason": reason})
    )[action]
    return payload
