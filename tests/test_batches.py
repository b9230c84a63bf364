"""Batch (lot) numbers of batch-controlled products through the graph, on both backends:
shipments, transfers, returns, POS, orders and shipping notices carry them; per-batch stock
never goes negative; refusals are coded and change nothing."""

from __future__ import annotations

from typing import Any

from portal.domain.catalog.tenants import create_manufacturer
from portal.domain.ledger.check import ledger_mismatches
from tests.graph import Graph

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
