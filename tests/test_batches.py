"""Batch (lot) numbers of batch-controlled products through the graph, on both backends:
shipments, transfers, returns, POS, orders and shipping notices carry them; per-batch stock
never goes negative; refusals are coded and change nothing."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest

from portal.domain.access.principal import Principal
from portal.domain.catalog import partners, products, warehouses
from portal.domain.catalog.tenants import create_manufacturer
from portal.domain.errors import DomainError
from portal.domain.ledger import shipments, transfers
from portal.domain.ledger.check import ledger_mismatches
from portal.domain.ledger.shipments import LineInput
from portal.domain.orders import orders
from portal.domain.orders.check import reservation_mismatches
from portal.models import (
    BatchBalance,
    Order,
    OrderLine,
    Partner,
    Shipment,
    StockReturn,
    SupplyBatch,
    SupplyMovement,
    Warehouse,
)
from portal.models.enums import PartnerTier, Role
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.ledger_fixtures import build_channel
from tests.order_fixtures import ADJUST, act, build_sides, place, stock

SETUP = [
    ("createPartner", "CreatePartnerInput", {"code": "D1", "name": "D1", "tier": "DISTRIBUTOR"}),
    ("createWarehouse", "CreateWarehouseInput", {"code": "W1", "name": "W1", "partnerCode": "D1"}),
    ("createWarehouse", "CreateWarehouseInput", {"code": "W2", "name": "W2", "partnerCode": "D1"}),
    ("createProduct", "CreateProductInput", {"sku": "LOT", "name": "L", "batchControlled": True}),
    ("createProduct", "CreateProductInput", {"sku": "PLAIN", "name": "P"}),
]
M = "mutation($input: {t}!) {{ {n}(input: $input) {{ {o} errors {{ field code message }} }} }}"
SHIP = M.format(t="RecordShipmentInput", n="recordShipment", o="shipment { id }")
RECEIVE = M.format(t="ReceiveShipmentInput", n="receiveShipment", o="shipment { status }")
RAISE = M.format(t="RaiseTransferInput", n="raiseTransfer", o="transfer { id }")
TRANSFER = M.format(t="TransferActionInput", n="{n}", o="transfer { status }")
RETURN = M.format(t="RaiseReturnInput", n="raiseReturn", o="stockReturn { id }")
RECEIVE_RETURN = M.format(t="ReturnActionInput", n="receiveReturn", o="stockReturn { status }")
ENTRIES = """query($w: String!) { ledgerEntries(warehouseCode: $w, sku: "LOT", first: 100) {
    edges { node { kind quantity batchNo } } } }"""


async def lots_to_w1(admin: Principal, doc: str, **lots: int) -> None:
    """D1's W1 receives a sell-in shipment of LOT, ``batch=quantity`` per lot."""
    shipment = await shipments.record_shipment(
        admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no=doc,
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("LOT", quantity, batch_no=batch) for batch, quantity in lots.items()],
    )
    await shipments.receive_shipment(admin, shipment.id, received_on=date(2026, 10, 2))


async def channel(client: Any) -> tuple[Graph, Graph]:
    _, token = await create_manufacturer("Acme")
    admin = Graph(client, token)
    for name, input_type, body in SETUP:
        assert (await admin(M.format(t=input_type, n=name, o=""), input=body))[name]["errors"] == []
    issued = await admin(
        'mutation { issueApiToken(input: {role: PARTNER_INVENTORY, partnerCode: "D1"}) { token } }'
    )
    return admin, Graph(client, issued["issueApiToken"]["token"])


async def ship(admin: Graph, partner: Graph, doc: str, lines: list[dict[str, Any]]) -> Any:
    shipped = await admin(
        SHIP,
        input={
            "partnerCode": "D1",
            "warehouseCode": "W1",
            "documentNo": doc,
            "shippedOn": "2026-10-01",
            "lines": lines,
        },
    )
    if shipped["recordShipment"]["errors"]:
        return shipped["recordShipment"]["errors"]
    received = await partner(RECEIVE, input={"id": shipped["recordShipment"]["shipment"]["id"]})
    assert received["receiveShipment"]["errors"] == []
    return []


async def batches(graph: Graph, sku: str = "LOT") -> dict[tuple[str, str], int]:
    data = await graph(
        '{ batchBalances(sku: "%s") { warehouseCode batchNo quantity } }' % sku  # noqa: UP031
    )
    return {(b["warehouseCode"], b["batchNo"]): b["quantity"] for b in data["batchBalances"]}


async def test_shipment_transfer_and_return_carry_batches(client, settings) -> None:
    admin, partner = await channel(client)

    # Sell-in names the batch; without one, or one for a plain SKU: coded, nothing recorded.
    missing = await ship(admin, partner, "S-0", [{"sku": "LOT", "quantity": 5}])
    assert [(e["field"], e["code"]) for e in missing] == [(["lines", "0", "batchNo"], "REQUIRED")]
    plain = await ship(admin, partner, "S-0", [{"sku": "PLAIN", "quantity": 5, "batchNo": "B"}])
    assert [(e["field"], e["code"]) for e in plain] == [(["lines", "0", "batchNo"], "INVALID")]
    assert (
        await ship(
            admin,
            partner,
            "S-1",
            [
                {"sku": "LOT", "quantity": 30, "batchNo": "L-1"},
                {"sku": "LOT", "quantity": 20, "batchNo": "L-2"},
                {"sku": "PLAIN", "quantity": 10},
            ],
        )
        == []
    )
    assert await batches(partner) == {("W1", "L-1"): 30, ("W1", "L-2"): 20}
    lines = await partner("{ shipments(first: 5) { edges { node { lines { sku batchNo } } } } }")
    assert {
        (ln["sku"], ln["batchNo"]) for ln in lines["shipments"]["edges"][0]["node"]["lines"]
    } == {
        ("LOT", "L-1"),
        ("LOT", "L-2"),
        ("PLAIN", None),
    }

    # A transfer takes from one batch; more than that batch holds is refused, naming it.
    short = await partner(
        RAISE,
        input={
            "fromWarehouseCode": "W1",
            "toWarehouseCode": "W2",
            "lines": [{"sku": "LOT", "quantity": 25, "batchNo": "L-2"}],
        },
    )
    error = short["raiseTransfer"]["errors"][0]
    assert (error["field"], error["code"]) == (["lines", "0", "batchNo"], "INSUFFICIENT_STOCK")
    assert "L-2" in error["message"] and "Only 20" in error["message"]
    unbatched = await partner(
        RAISE,
        input={
            "fromWarehouseCode": "W1",
            "toWarehouseCode": "W2",
            "lines": [{"sku": "LOT", "quantity": 1}],
        },
    )
    assert unbatched["raiseTransfer"]["errors"][0]["code"] == "REQUIRED"
    raised = await partner(
        RAISE,
        input={
            "fromWarehouseCode": "W1",
            "toWarehouseCode": "W2",
            "lines": [{"sku": "LOT", "quantity": 12, "batchNo": "L-2"}],
        },
    )
    transfer_id = raised["raiseTransfer"]["transfer"]["id"]
    # Meanwhile a return takes 10 of L-2: shipping the transfer would take the batch to -2.
    returned = await partner(
        RETURN,
        input={"warehouseCode": "W1", "lines": [{"sku": "LOT", "quantity": 10, "batchNo": "L-2"}]},
    )
    assert returned["raiseReturn"]["errors"] == []
    received = await admin(
        RECEIVE_RETURN, input={"id": returned["raiseReturn"]["stockReturn"]["id"]}
    )
    assert received["receiveReturn"]["errors"] == []
    assert await batches(partner) == {("W1", "L-1"): 30, ("W1", "L-2"): 10}
    refused = await partner(TRANSFER.replace("{n}", "shipTransfer"), input={"id": transfer_id})
    error = refused["shipTransfer"]["errors"][0]
    assert error["code"] == "INSUFFICIENT_STOCK" and "L-2" in error["message"]
    assert await batches(partner) == {("W1", "L-1"): 30, ("W1", "L-2"): 10}  # nothing moved

    moved = await partner(
        RAISE,
        input={
            "fromWarehouseCode": "W1",
            "toWarehouseCode": "W2",
            "lines": [{"sku": "LOT", "quantity": 8, "batchNo": "L-1"}],
        },
    )
    other = moved["raiseTransfer"]["transfer"]["id"]
    for step in ("shipTransfer", "receiveTransfer"):
        done = await partner(TRANSFER.replace("{n}", step), input={"id": other})
        assert done[step]["errors"] == []
    assert await batches(partner) == {("W1", "L-1"): 22, ("W1", "L-2"): 10, ("W2", "L-1"): 8}
    entries = [
        e["node"]
        for w in ("W1", "W2")
        for e in (await partner(ENTRIES, w=w))["ledgerEntries"]["edges"]
    ]
    assert sorted((e["kind"], e["quantity"], e["batchNo"]) for e in entries) == sorted(
        [
            ("SELL_IN", 30, "L-1"),
            ("SELL_IN", 20, "L-2"),
            ("RETURN_TO_MANUFACTURER", -10, "L-2"),
            ("TRANSFER_OUT", -8, "L-1"),
            ("TRANSFER_IN", 8, "L-1"),
        ]
    )
    assert await ledger_mismatches() == []


NOTICE = """mutation($input: CreateShippingNoticeInput!) { createShippingNotice(input: $input) {
  shippingNotice { id shipmentId transferIds lines { sku quantity batchNo } }
  errors { field code message } } }"""
AVAILABLE = """query($sku: String!, $supplier: String) {
  availability(sku: $sku, supplierPartnerCode: $supplier) {
    warehouseCode onHand reserved available batches { batchNo onHand reserved available } } }"""
REQUEST = """mutation($input: RequestReturnInput!) { requestReturn(input: $input) {
  stockReturn { id lines { sku quantity batchNo } } errors { field code message } } }"""
ID_ACTION = """mutation($id: ID!) { %s(input: {id: $id}) { errors { field code message } } }"""


def lot(quantity: int, batch: str | None = None) -> dict[str, Any]:
    line: dict[str, Any] = {"sku": "LOT", "quantity": quantity}
    if batch is not None:
        line["batchNo"] = batch
    return line


async def batch_rows(graph: Graph, supplier: str | None) -> dict[str, Any]:
    rows = (await graph(AVAILABLE, sku="LOT", supplier=supplier))["availability"]
    return {
        r["warehouseCode"]: (
            r["onHand"],
            r["reserved"],
            r["available"],
            {b["batchNo"]: (b["onHand"], b["reserved"], b["available"]) for b in r["batches"]},
        )
        for r in rows
    }


async def test_orders_reserve_and_ship_batches_and_returns_give_them_back(client) -> None:

    s = await build_sides(client)
    await products.create_product(s.ch.admin, sku="LOT", name="Lot", batch_controlled=True)
    await lots_to_w1(s.ch.admin, "LOTS-1", L1=10, L2=4)
    assert (await batch_rows(s.r1, "D1"))["W1"] == (
        14,
        0,
        14,
        {"L1": (10, 0, 10), "L2": (4, 0, 4)},
    )

    # BLOCK: more than the batch holds is refused naming the batch, and nothing is placed.
    short = await place(s.r1, **from_d1(lot(6, "L2")))
    assert [(e["field"], e["code"]) for e in short["errors"]] == [
        (["lines", "0", "quantity"], "INSUFFICIENT_STOCK")
    ]
    assert "Only 4 of LOT batch L2" in short["errors"][0]["message"]
    plain = await place(s.r1, **from_d1({"sku": "SKU-A", "quantity": 1, "batchNo": "L1"}))
    assert [(e["field"], e["code"]) for e in plain["errors"]] == [
        (["lines", "0", "batchNo"], "INVALID")
    ]
    assert await Order.filter(manufacturer_id=s.ch.admin.manufacturer_id).count() == 0

    first = await place(s.r1, **from_d1(lot(8, "L1")))
    assert first["errors"] == []
    assert (await batch_rows(s.r1, "D1"))["W1"] == (14, 8, 6, {"L1": (10, 8, 2), "L2": (4, 0, 4)})
    # The SKU still has 6 available, batch L1 only 2.
    again = await place(s.r1, **from_d1(lot(3, "L1")))
    assert again["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    assert "Only 2 of LOT batch L1" in again["errors"][0]["message"]
    unbatched = await place(s.r1, **from_d1(lot(5)))
    assert unbatched["errors"] == []

    # The notice ships the reserved batch; the reseller receives it into its batch stock.
    oid = first["order"]["id"]
    await act(s.d1, "confirmOrder", oid)
    sent = (await s.d1(NOTICE, input={"orderIds": [oid], "documentNo": "DN-1"}))[
        "createShippingNotice"
    ]
    assert sent["errors"] == []
    assert sent["shippingNotice"]["lines"] == [{"sku": "LOT", "quantity": 8, "batchNo": "L1"}]
    [transfer_id] = sent["shippingNotice"]["transferIds"]
    assert (await s.r1(ID_ACTION % "receiveTransfer", id=transfer_id))["receiveTransfer"][
        "errors"
    ] == []
    assert await batches(s.admin) == {("W1", "L1"): 2, ("W1", "L2"): 4, ("WR", "L1"): 8}

    # An order line without a batch ships a batch named on the notice (REQUIRED otherwise).
    other = unbatched["order"]["id"]
    await act(s.d1, "confirmOrder", other)
    line_id = unbatched["order"]["lines"][0]["id"]
    notice = {"orderIds": [other], "documentNo": "DN-2"}
    missing = (await s.d1(NOTICE, input=notice))["createShippingNotice"]["errors"]
    assert [(e["field"], e["code"]) for e in missing] == [(["lines", "0", "batchNo"], "REQUIRED")]
    over = (
        await s.d1(
            NOTICE,
            input={**notice, "lines": [{"orderLineId": line_id, "quantity": 5, "batchNo": "L2"}]},
        )
    )["createShippingNotice"]["errors"]
    assert over[0]["code"] == "INSUFFICIENT_STOCK" and "L2" in over[0]["message"]
    assert await batches(s.admin) == {("W1", "L1"): 2, ("W1", "L2"): 4, ("WR", "L1"): 8}
    part = (
        await s.d1(
            NOTICE,
            input={**notice, "lines": [{"orderLineId": line_id, "quantity": 4, "batchNo": "L2"}]},
        )
    )["createShippingNotice"]
    assert part["errors"] == []
    assert part["shippingNotice"]["lines"] == [{"sku": "LOT", "quantity": 4, "batchNo": "L2"}]

    # A return of the batch: one the order's notices shipped (L2 went by the other order),
    # in stock at the reseller; received by the distributor.
    wrong = (await s.r1(REQUEST, input={"orderIds": [oid], "lines": [lot(3, "L2")]}))[
        "requestReturn"
    ]["errors"]
    assert wrong[0]["code"] == "BATCH_MISMATCH" and "L2" in wrong[0]["message"]
    over = (await s.r1(REQUEST, input={"orderIds": [other], "lines": [lot(4, "L2")]}))[
        "requestReturn"
    ]["errors"]
    # The other order shipped L2, but its transfer is not received: R1 holds none of it.
    assert over[0]["code"] == "INSUFFICIENT_STOCK" and "L2" in over[0]["message"]
    none = (await s.r1(REQUEST, input={"orderIds": [oid], "lines": [lot(3)]}))["requestReturn"]
    assert none["errors"][0]["code"] == "REQUIRED"
    made = (await s.r1(REQUEST, input={"orderIds": [oid], "lines": [lot(3, "L1")]}))[
        "requestReturn"
    ]
    assert made["errors"] == []
    assert made["stockReturn"]["lines"] == [{"sku": "LOT", "quantity": 3, "batchNo": "L1"}]
    received = await s.d1(ID_ACTION % "receiveReturn", id=made["stockReturn"]["id"])
    assert received["receiveReturn"]["errors"] == []
    assert await batches(s.admin) == {("W1", "L1"): 5, ("WR", "L1"): 5}

    # From the manufacturer: the batch asked for is reserved from its supply batch and ships.
    assert (await stock(s.shipping, "M1", 20, sku="LOT", batch="M-7"))["errors"] == []
    placed = await place(
        s.d1, supplyWarehouseCode="M1", shipToWarehouseCode="W2", lines=[lot(6, "M-7")]
    )
    assert placed["errors"] == []
    mid = placed["order"]["id"]
    await act(s.manager, "confirmOrder", mid)
    shipped = (await s.shipping(NOTICE, input={"orderIds": [mid], "documentNo": "DN-M"}))[
        "createShippingNotice"
    ]
    assert shipped["errors"] == []
    assert shipped["shippingNotice"]["lines"] == [{"sku": "LOT", "quantity": 6, "batchNo": "M-7"}]
    receipt = await s.d1(ID_ACTION % "receiveShipment", id=shipped["shippingNotice"]["shipmentId"])
    assert receipt["receiveShipment"]["errors"] == []
    assert await batches(s.admin) == {("W1", "L1"): 5, ("W2", "M-7"): 6, ("WR", "L1"): 5}
    assert await ledger_mismatches() == []
    assert await reservation_mismatches() == []


def from_d1(*lines: dict[str, Any]) -> dict[str, Any]:
    return {
        "supplierPartnerCode": "D1",
        "supplyWarehouseCode": "W1",
        "shipToWarehouseCode": "WR",
        "lines": list(lines),
    }


async def shipped_order(s: Any, doc: str, line: dict[str, Any], batch: str | None = None) -> str:
    """R1 orders ``line`` from D1, which confirms and ships it (naming ``batch`` on the
    notice line when given); R1 receives the transfer. The order's id."""
    placed = await place(s.r1, **from_d1(line))
    assert placed["errors"] == []
    oid: str = placed["order"]["id"]
    await act(s.d1, "confirmOrder", oid)
    notice: dict[str, Any] = {"orderIds": [oid], "documentNo": doc}
    if batch is not None:
        order_line = placed["order"]["lines"][0]
        notice["lines"] = [
            {"orderLineId": order_line["id"], "quantity": line["quantity"], "batchNo": batch}
        ]
    sent = (await s.d1(NOTICE, input=notice))["createShippingNotice"]
    assert sent["errors"] == []
    for transfer_id in sent["shippingNotice"]["transferIds"]:
        received = await s.r1(ID_ACTION % "receiveTransfer", id=transfer_id)
        assert received["receiveTransfer"]["errors"] == []
    return oid


async def test_a_returned_batch_must_have_been_shipped_by_its_source(client) -> None:
    """Like serials: a return against orders names a batch their notices shipped, against a
    shipment a batch the shipment carried (``BATCH_MISMATCH`` on ``lines.N.batchNo``, even
    when the warehouse holds that batch from elsewhere); nothing changes."""
    s = await build_sides(client, returns_against_shipments=True)
    await products.create_product(s.ch.admin, sku="LOT", name="Lot", batch_controlled=True)
    await lots_to_w1(s.ch.admin, "LOTS-1", L1=10, L2=10)
    first = await shipped_order(s, "DN-1", lot(4, "L1"))  # asked for L1
    second = await shipped_order(s, "DN-2", lot(3), batch="L2")  # L2 named on the notice
    assert await batches(s.admin) == {
        ("W1", "L1"): 6,
        ("W1", "L2"): 7,
        ("WR", "L1"): 4,
        ("WR", "L2"): 3,
    }
    # R1 holds L2, but not by the first order: refused, and nothing counts as returned.
    wrong = (await s.r1(REQUEST, input={"orderIds": [first], "lines": [lot(1, "L2")]}))[
        "requestReturn"
    ]
    assert wrong["stockReturn"] is None
    assert [(e["field"], e["code"]) for e in wrong["errors"]] == [
        (["lines", "0", "batchNo"], "BATCH_MISMATCH")
    ]
    assert "LOT batch L2 was not shipped" in wrong["errors"][0]["message"]
    assert [ln.returned for ln in await OrderLine.filter(order_id=int(first))] == [0]
    assert await StockReturn.all().count() == 0
    # Each order's own batch goes back; both orders together offer both batches.
    for oid, batch in ((first, "L1"), (second, "L2")):
        made = (await s.r1(REQUEST, input={"orderIds": [oid], "lines": [lot(1, batch)]}))[
            "requestReturn"
        ]
        assert made["errors"] == [], made
    both = (
        await s.r1(
            REQUEST, input={"orderIds": [first, second], "lines": [lot(1, "L2"), lot(1, "L1")]}
        )
    )["requestReturn"]
    assert both["errors"] == []
    # The batch's quantity is taken from the order line that shipped it.
    returned = {
        int(ln.order_id): ln.returned
        for ln in await OrderLine.filter(order_id__in=[int(first), int(second)])
    }
    assert returned == {int(first): 2, int(second): 2}

    # Against a shipment: W1 holds L1 and L2 (LOTS-1), but shipment LOTS-9 carried L9 only.
    await lots_to_w1(s.ch.admin, "LOTS-9", L9=5)
    shipment = await Shipment.get(document_no="LOTS-9")
    refused = (
        await s.d1(REQUEST, input={"shipmentId": str(shipment.id), "lines": [lot(1, "L1")]})
    )["requestReturn"]["errors"]
    assert [(e["field"], e["code"]) for e in refused] == [
        (["lines", "0", "batchNo"], "BATCH_MISMATCH")
    ]
    made = (await s.d1(REQUEST, input={"shipmentId": str(shipment.id), "lines": [lot(2, "L9")]}))[
        "requestReturn"
    ]
    assert made["errors"] == []
    assert made["stockReturn"]["lines"] == [{"sku": "LOT", "quantity": 2, "batchNo": "L9"}]
    assert await StockReturn.all().count() == 4


async def test_a_notice_naming_a_batch_leaves_what_other_orders_reserved_of_it(client) -> None:
    """An order line that asked for no batch ships the batch its notice line names, but
    only what order lines asking for that batch have not reserved of it."""
    s = await build_sides(client)
    await products.create_product(s.ch.admin, sku="LOT", name="Lot", batch_controlled=True)
    await lots_to_w1(s.ch.admin, "LOTS-1", L1=10, L2=4)
    asked = await place(s.r1, **from_d1(lot(8, "L1")))
    anyone = await place(s.r1, **from_d1(lot(5)))
    assert asked["errors"] == [] and anyone["errors"] == []
    assert (await batch_rows(s.r1, "D1"))["W1"] == (14, 13, 1, {"L1": (10, 8, 1), "L2": (4, 0, 1)})
    oid, line_id = anyone["order"]["id"], anyone["order"]["lines"][0]["id"]
    await act(s.d1, "confirmOrder", oid)

    def notice(doc: str, quantity: int, batch: str) -> dict[str, Any]:
        line = {"orderLineId": line_id, "quantity": quantity, "batchNo": batch}
        return {"orderIds": [oid], "documentNo": doc, "lines": [line]}

    # L1 holds 10, 8 of them reserved for the first order: 3 of it would take 1 of those.
    taken = (await s.d1(NOTICE, input=notice("DN-X", 3, "L1")))["createShippingNotice"]
    assert taken["shippingNotice"] is None
    assert [(e["field"], e["code"]) for e in taken["errors"]] == [
        (["lines", "0", "batchNo"], "INSUFFICIENT_STOCK")
    ]
    assert "Only 2 of LOT batch L1 free (8 of 10 reserved" in taken["errors"][0]["message"]
    assert await batches(s.admin) == {("W1", "L1"): 10, ("W1", "L2"): 4}
    assert (await s.d1(NOTICE, input=notice("DN-A", 2, "L1")))["createShippingNotice"][
        "errors"
    ] == []
    assert (await s.d1(NOTICE, input=notice("DN-B", 3, "L2")))["createShippingNotice"][
        "errors"
    ] == []
    # The first order still ships its 8 of L1.
    await act(s.d1, "confirmOrder", asked["order"]["id"])
    shipped = (
        await s.d1(NOTICE, input={"orderIds": [asked["order"]["id"]], "documentNo": "DN-C"})
    )["createShippingNotice"]
    assert shipped["errors"] == []
    assert await batches(s.admin) == {("W1", "L2"): 1}  # L1 all shipped
    assert await ledger_mismatches() == []
    assert await reservation_mismatches() == []


async def test_adjust_reservation_names_one_of_two_lines_of_a_sku(client) -> None:
    """An order with two lines of LOT (batches L1 and L2): ``adjustReservation`` names the
    line by ``orderLineId`` or ``batchNo``; the SKU alone is ambiguous (``INVALID``)."""
    s = await build_sides(client, allow_reservation_adjustment=True)
    await products.create_product(s.ch.admin, sku="LOT", name="Lot", batch_controlled=True)
    await lots_to_w1(s.ch.admin, "LOTS-1", L1=10, L2=10)
    placed = await place(s.r1, **from_d1(lot(4, "L1"), lot(4, "L2")))
    assert placed["errors"] == []
    other = await place(s.r1, **from_d1(lot(1, "L1")))
    oid = placed["order"]["id"]
    first, second = (ln["id"] for ln in placed["order"]["lines"])

    async def adjust(**line: Any) -> Any:
        body = {"id": oid, "lines": [{"sku": "LOT", "warehouseCode": "W1", **line}]}
        return (await s.d1(ADJUST, input=body))["adjustReservation"]

    async def reserved() -> list[tuple[int, int]]:
        rows = await s.r1(
            "query($id: ID!) { order(id: $id) { lines { batchNo reserved backordered } } }",
            id=oid,
        )
        return [(ln["reserved"], ln["backordered"]) for ln in rows["order"]["lines"]]

    refused = [
        ({"quantity": 2}, (["lines", "0", "orderLineId"], "INVALID")),
        ({"quantity": 2, "batchNo": "L9"}, (["lines", "0", "batchNo"], "NOT_FOUND")),
        (
            {"quantity": 0, "orderLineId": other["order"]["lines"][0]["id"]},
            (["lines", "0", "orderLineId"], "NOT_FOUND"),
        ),
        ({"quantity": 0, "orderLineId": first, "sku": "SKU-A"}, (["lines", "0", "sku"], "INVALID")),
    ]
    for line, expected in refused:
        errors = (await adjust(**line))["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [expected], (line, errors)
    assert await reserved() == [(4, 0), (4, 0)]
    assert (await adjust(quantity=1, batchNo="L2"))["errors"] == []
    assert await reserved() == [(4, 0), (1, 3)]
    assert (await adjust(quantity=0, orderLineId=first))["errors"] == []
    assert await reserved() == [(0, 4), (1, 3)]
    # Each line is held to its own batch: L2 has 10, 1 reserved here, so 9 more at most.
    assert (await adjust(quantity=4, orderLineId=second))["errors"] == []
    assert (await batch_rows(s.r1, "D1"))["W1"][3] == {"L1": (10, 1, 9), "L2": (10, 4, 6)}
    assert await reservation_mismatches() == []


async def test_allow_backorders_a_batch_and_only_that_batch_fills_it(client) -> None:

    s = await build_sides(
        client, insufficient_stock_policy="ALLOW", allow_reservation_adjustment=True
    )
    await products.create_product(s.ch.admin, sku="LOT", name="Lot", batch_controlled=True)

    async def arrive(doc: str, quantity: int, batch: str) -> None:
        await lots_to_w1(s.ch.admin, doc, **{batch: quantity})

    async def line() -> tuple[int, int]:
        rows = await s.r1("{ orders { edges { node { lines { reserved backordered } } } } }")
        got = rows["orders"]["edges"][0]["node"]["lines"][0]
        return got["reserved"], got["backordered"]

    await arrive("A-1", 3, "L1")
    placed = await place(
        s.r1,
        supplierPartnerCode="D1",
        supplyWarehouseCode="W1",
        shipToWarehouseCode="WR",
        lines=[lot(5, "L1")],
    )
    assert placed["errors"] == []
    assert await line() == (3, 2)
    await arrive("A-2", 10, "L2")  # another batch does not fill it
    assert await line() == (3, 2)
    # Nor may the supplier reserve the line more of the SKU than its batch holds.
    oid = placed["order"]["id"]
    more = {"id": oid, "lines": [{"sku": "LOT", "warehouseCode": "W1", "quantity": 5}]}
    refused = (await s.d1(ADJUST, input=more))["adjustReservation"]["errors"]
    assert refused[0]["code"] == "INSUFFICIENT_STOCK", refused
    assert "Only 0 more of LOT batch L1" in refused[0]["message"]
    assert await line() == (3, 2)
    await arrive("A-3", 4, "L1")
    assert await line() == (5, 0)
    assert (await batch_rows(s.r1, "D1"))["W1"] == (
        17,
        5,
        12,
        {"L1": (7, 5, 2), "L2": (10, 0, 10)},
    )
    assert await ledger_mismatches() == []
    assert await reservation_mismatches() == []
    # check-ledger would see a batch holding less than is reserved of it.
    await BatchBalance.filter(batch_no="L1").update(quantity=4)
    problems = await reservation_mismatches()
    assert len(problems) == 1 and "reserved 5 > on hand 4" in problems[0], problems


SUBMIT_POS = """mutation($input: SubmitPosInput!) { submitPos(input: $input) {
  submission { id } errors { field code message } } }"""
SUBMISSION = """query($id: ID!) { submission(id: $id) { status
  errors(first: 10) { edges { node { row field code message } } } } }"""


def sale(quantity: int, batch: str | None = None, sku: str = "LOT") -> dict[str, Any]:
    line: dict[str, Any] = {
        "warehouseCode": "W1",
        "sku": sku,
        "quantity": quantity,
        "soldOn": "2026-10-20",
        "endCustomer": {"name": "Acme Robotics", "country": "US"},
    }
    if batch is not None:
        line["batchNo"] = batch
    return line


async def test_pos_sells_and_takes_back_batches(client, app) -> None:

    admin, partner = await channel(client)
    assert (
        await ship(admin, partner, "S-1", [{"sku": "LOT", "quantity": 30, "batchNo": "L1"}]) == []
    )

    async def report(*lines: dict[str, Any]) -> dict[str, Any]:
        sent = await partner(SUBMIT_POS, input={"period": "2026-10", "lines": list(lines)})
        assert sent["submitPos"]["errors"] == []
        await run_jobs(app)
        read = await partner(SUBMISSION, id=sent["submitPos"]["submission"]["id"])
        return {
            "status": read["submission"]["status"],
            "errors": [
                (e["node"]["row"], e["node"]["field"], e["node"]["code"])
                for e in read["submission"]["errors"]["edges"]
            ],
        }

    # Refused whole (the default policy), coded per row; nothing posted.
    assert await report(sale(5, "L1"), sale(2)) == {
        "status": "REJECTED",
        "errors": [(2, "batch_no", "REQUIRED")],
    }
    assert await report(sale(5, "L1"), sale(1, "L1", sku="PLAIN")) == {
        "status": "REJECTED",
        "errors": [(2, "batch_no", "INVALID")],
    }
    assert await batches(partner) == {("W1", "L1"): 30}

    # A sale of the batch and a customer return without one.
    assert await report(sale(5, "L1"), sale(-1)) == {"status": "ACCEPTED", "errors": []}
    assert await batches(partner) == {("W1", "L1"): 25}
    entries = (await partner(ENTRIES, w="W1"))["ledgerEntries"]["edges"]
    assert sorted(
        (e["node"]["kind"], e["node"]["quantity"], e["node"]["batchNo"] or "") for e in entries
    ) == [("CUSTOMER_RETURN", 1, ""), ("SELL_IN", 30, "L1"), ("SELL_THROUGH", -5, "L1")]
    # A new version replaces the old one's effect, batch by batch.
    assert await report(sale(3, "L1")) == {"status": "ACCEPTED", "errors": []}
    assert await batches(partner) == {("W1", "L1"): 27}
    assert await ledger_mismatches() == []


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_concurrent_transfers_and_orders_never_take_a_batch_below_zero(db) -> None:
    """20 transfers of 3 of batch L1 (20 units) ship at once, each on its own connection:
    6 ship, the rest are refused naming the batch; then 20 resellers' orders of 3 of what is
    left race the same way: exactly what the batch holds is reserved."""

    ch = await build_channel()
    await products.create_product(ch.admin, sku="LOT", name="Lot", batch_controlled=True)
    await lots_to_w1(ch.admin, "LOTS", L1=20, L2=50)
    raised = [
        await transfers.raise_transfer(
            ch.d1,
            from_warehouse_code="W1",
            to_warehouse_code="W2",
            lines=[LineInput("LOT", 3, batch_no="L1")],
        )
        for _ in range(20)
    ]
    results = await asyncio.gather(
        *(transfers.ship_transfer(ch.d1, t.id, shipped_on=date(2026, 10, 3)) for t in raised),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 14 and len(results) - len(refused) == 6, results
    assert all(r.code.value == "INSUFFICIENT_STOCK" and "L1" in r.message for r in refused)

    async def held(warehouse: str, batch: str) -> int:
        w = await Warehouse.get(code=warehouse)
        rows = await BatchBalance.filter(warehouse_id=w.id, batch_no=batch)
        return sum(r.quantity for r in rows)

    assert (await held("W1", "L1"), await held("W1", "L2")) == (2, 50)

    buyers = []
    for n in range(20):
        code = f"R{n:02d}"
        await partners.create_partner(
            ch.admin, code=code, name=code, tier=PartnerTier.RESELLER, parent_code="D1"
        )
        await warehouses.create_warehouse(ch.admin, code=f"{code}-W", name=code, partner_code=code)
        partner = await Partner.get(code=code)
        buyers.append(Principal(ch.admin.manufacturer_id, Role.PARTNER_ADMIN, partner.id))
    await lots_to_w1(ch.admin, "LOTS-2", L1=28)
    placed = await asyncio.gather(
        *(
            orders.place_order(
                buyer,
                supplier_code="D1",
                supply_warehouse_code="W1",
                ship_to_warehouse_code=f"R{n:02d}-W",
                lines=[orders.OrderLineInput("LOT", 3, batch_no="L1")],
            )
            for n, buyer in enumerate(buyers)
        ),
        return_exceptions=True,
    )
    short = [r for r in placed if isinstance(r, DomainError)]
    assert len(short) == 10 and all(r.code.value == "INSUFFICIENT_STOCK" for r in short), placed
    assert await held("W1", "L1") == 30  # 10 orders x 3 reserved of it, nothing taken yet
    assert await ledger_mismatches() == []
    assert await reservation_mismatches() == []


def test_the_erp_feed_carries_a_line_batch() -> None:
    from portal.domain.integrations.erp import _line

    assert _line(0, {"sku": "LOT", "quantity": 3, "batchNo": "L1"}).batch_no == "L1"
    assert _line(0, {"sku": "LOT", "quantity": 3}).batch_no is None
    with pytest.raises(DomainError) as refused:
        _line(1, {"sku": "LOT", "quantity": 3, "batchNo": 7})
    assert (refused.value.code.value, refused.value.field) == ("INVALID", ["lines", "1", "batchNo"])


async def test_manufacturer_supply_is_kept_reserved_and_shipped_per_batch(client) -> None:
    s = await build_sides(client)
    await products.create_product(s.ch.admin, sku="LOT", name="Lot", batch_controlled=True)
    m = s.ch.admin.manufacturer_id

    # A batch-controlled SKU's supply changes name the batch; a plain SKU's refuse one.
    no_batch = await stock(s.shipping, "M1", 5, sku="LOT")
    assert [(e["field"], e["code"]) for e in no_batch["errors"]] == [(["batchNo"], "REQUIRED")]
    plain = await stock(s.shipping, "M1", 5, batch="L1")
    assert [(e["field"], e["code"]) for e in plain["errors"]] == [(["batchNo"], "INVALID")]
    assert await SupplyMovement.filter(manufacturer_id=m).count() == 0
    assert (await stock(s.shipping, "M1", 10, sku="LOT", batch="L1"))["errors"] == []
    added = await stock(s.shipping, "M1", 5, sku="LOT", batch="L2")
    assert added["supplyStock"]["onHand"] == 15
    # Never below zero: taking 6 of L2's 5 is refused naming the batch, nothing changes.
    under = (await stock(s.shipping, "M1", -6, sku="LOT", batch="L2"))["errors"]
    assert [e["code"] for e in under] == ["INSUFFICIENT_STOCK"]
    assert "Only 5 of LOT batch L2" in under[0]["message"]
    assert (await batch_rows(s.d1, None))["M1"] == (
        15,
        0,
        15,
        {"L1": (10, 0, 10), "L2": (5, 0, 5)},
    )

    # BLOCK: an order to the manufacturer asking for more of a batch than it holds is
    # refused naming the batch (the SKU has 15); within it, reserved from that batch.
    to_m1 = {"supplyWarehouseCode": "M1", "shipToWarehouseCode": "W2"}
    short = await place(s.d1, **to_m1, lines=[lot(12, "L1")])
    assert [(e["field"], e["code"]) for e in short["errors"]] == [
        (["lines", "0", "quantity"], "INSUFFICIENT_STOCK")
    ]
    assert "Only 10 of LOT batch L1" in short["errors"][0]["message"]
    assert await Order.filter(manufacturer_id=m).count() == 0
    placed = await place(s.d1, **to_m1, lines=[lot(8, "L1")])
    assert placed["errors"] == []
    assert (await batch_rows(s.d1, None))["M1"] == (15, 8, 7, {"L1": (10, 8, 2), "L2": (5, 0, 5)})
    # Shipping staff cannot take what is reserved of the batch.
    taken = (await stock(s.shipping, "M1", -3, sku="LOT", batch="L1"))["errors"]
    assert [(e["field"], e["code"]) for e in taken] == [(["quantity"], "INSUFFICIENT_STOCK")]
    assert "Only 2 of LOT batch L1 are not reserved" in taken[0]["message"]
    assert (await stock(s.shipping, "M1", -2, sku="LOT", batch="L1"))["errors"] == []

    # The notice ships and consumes the batch; the sell-in shipment carries it.
    oid = placed["order"]["id"]
    await act(s.manager, "confirmOrder", oid)
    sent = (await s.shipping(NOTICE, input={"orderIds": [oid], "documentNo": "DN-M1"}))[
        "createShippingNotice"
    ]
    assert sent["errors"] == []
    assert sent["shippingNotice"]["lines"] == [{"sku": "LOT", "quantity": 8, "batchNo": "L1"}]
    receipt = await s.d1(ID_ACTION % "receiveShipment", id=sent["shippingNotice"]["shipmentId"])
    assert receipt["receiveShipment"]["errors"] == []
    assert await batches(s.admin) == {("W2", "L1"): 8}
    assert (await batch_rows(s.d1, None))["M1"] == (5, 0, 5, {"L2": (5, 0, 5)})
    held = await SupplyBatch.filter(manufacturer_id=m).order_by("batch_no")
    assert [(b.batch_no, b.on_hand) for b in held] == [("L1", 0), ("L2", 5)]
    moved = await SupplyMovement.filter(manufacturer_id=m).order_by("id")
    assert [(mv.batch_no, mv.quantity) for mv in moved] == [
        ("L1", 10),
        ("L2", 5),
        ("L1", -2),
        ("L1", -8),
    ]
    assert await ledger_mismatches() == []
    assert await reservation_mismatches() == []

    # An order line asking for no batch names one on the notice: of it only what order
    # lines asking for that batch have not reserved.
    batch_order = await place(s.d1, **to_m1, lines=[lot(4, "L2")])
    other = await place(s.d1, **to_m1, lines=[lot(1)])
    assert batch_order["errors"] == [] and other["errors"] == []
    await act(s.manager, "confirmOrder", other["order"]["id"])
    pick = {
        "orderIds": [other["order"]["id"]],
        "documentNo": "DN-M2",
        "lines": [
            {"orderLineId": other["order"]["lines"][0]["id"], "quantity": 1, "batchNo": "L1"}
        ],
    }
    empty = (await s.shipping(NOTICE, input=pick))["createShippingNotice"]["errors"]
    assert [(e["field"], e["code"]) for e in empty] == [
        (["lines", "0", "batchNo"], "INSUFFICIENT_STOCK")
    ]
    pick["lines"][0]["batchNo"] = "L2"
    assert (await s.shipping(NOTICE, input=pick))["createShippingNotice"]["errors"] == []
    assert (await batch_rows(s.d1, None))["M1"] == (4, 4, 0, {"L2": (4, 4, 0)})
    assert await reservation_mismatches() == []

    # check-ledger sees a supply batch that disagrees with its movements or its reservations.
    await SupplyBatch.filter(manufacturer_id=m, batch_no="L2").update(on_hand=3)
    problems = await reservation_mismatches()
    assert any("on hand 3 != movements 4" in p for p in problems), problems
    assert any("reserved 4 > on hand 3" in p for p in problems), problems


async def test_allow_backorders_a_manufacturer_batch_until_it_arrives(client) -> None:
    s = await build_sides(client, insufficient_stock_policy="ALLOW")
    await products.create_product(s.ch.admin, sku="LOT", name="Lot", batch_controlled=True)
    assert (await stock(s.shipping, "M1", 3, sku="LOT", batch="L1"))["errors"] == []
    placed = await place(
        s.d1, supplyWarehouseCode="M1", shipToWarehouseCode="W2", lines=[lot(5, "L1")]
    )
    assert placed["errors"] == []

    async def line() -> tuple[int, int]:
        got = await OrderLine.get(manufacturer_id=s.ch.admin.manufacturer_id)
        return got.reserved, got.backordered

    assert await line() == (3, 2)
    assert (await stock(s.shipping, "M1", 10, sku="LOT", batch="L2"))["errors"] == []
    assert await line() == (3, 2)  # another batch does not fill it
    assert (await stock(s.shipping, "M1", 4, sku="LOT", batch="L1"))["errors"] == []
    assert await line() == (5, 0)
    assert (await batch_rows(s.d1, None))["M1"] == (
        17,
        5,
        12,
        {"L1": (7, 5, 2), "L2": (10, 0, 10)},
    )
    assert await reservation_mismatches() == []
