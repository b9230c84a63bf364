"""The ledger through the graph: the issue's 'done when', and `portal check-ledger`."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from portal.domain.catalog.tenants import create_manufacturer
from tests.conftest import ROOT
from tests.graph import Graph

SETUP = [
    ("createPartner", "CreatePartnerInput", {"code": "D1", "name": "D1", "tier": "DISTRIBUTOR"}),
    ("createWarehouse", "CreateWarehouseInput", {"code": "W1", "name": "W1", "partnerCode": "D1"}),
    ("createWarehouse", "CreateWarehouseInput", {"code": "W2", "name": "W2", "partnerCode": "D1"}),
    ("createProduct", "CreateProductInput", {"sku": "SKU-A", "name": "A"}),
]
M = "mutation($input: {t}!) {{ {n}(input: $input) {{ {o} errors {{ code message }} }} }}"
BALANCES = (
    '{ stockBalances(sku: "SKU-A") { edges { node { warehouseCode owner quantity inTransit } } } }'
)


async def balances(graph: Graph) -> dict[str, tuple[int, int]]:
    data = await graph(BALANCES)
    return {
        e["node"]["warehouseCode"]: (e["node"]["quantity"], e["node"]["inTransit"])
        for e in data["stockBalances"]["edges"]
    }


async def test_shipment_transfer_refusal_and_history(client, settings) -> None:
    _, token = await create_manufacturer("Acme")
    admin = Graph(client, token)
    for name, input_type, body in SETUP:
        assert (await admin(M.format(t=input_type, n=name, o=""), input=body))[name]["errors"] == []
    issued = await admin(
        'mutation { issueApiToken(input: {role: PARTNER_INVENTORY, partnerCode: "D1"}) { token } }'
    )
    partner = Graph(client, issued["issueApiToken"]["token"])

    shipped = await admin(
        M.format(t="RecordShipmentInput", n="recordShipment", o="shipment { id status }"),
        input={
            "partnerCode": "D1",
            "warehouseCode": "W1",
            "documentNo": "INV-1",
            "shippedOn": "2026-10-01",
            "lines": [{"sku": "SKU-A", "quantity": 1000}],
        },
    )
    shipment = shipped["recordShipment"]["shipment"]
    assert shipment["status"] == "SHIPPED"
    assert await balances(partner) == {"W1": (0, 1000)}
    received = await partner(
        M.format(t="ReceiveShipmentInput", n="receiveShipment", o="shipment { status }"),
        input={"id": shipment["id"]},
    )
    assert received["receiveShipment"]["shipment"]["status"] == "RECEIVED"
    assert await balances(partner) == {"W1": (1000, 0)}

    raised = await partner(
        M.format(t="RaiseTransferInput", n="raiseTransfer", o="transfer { id status }"),
        input={
            "fromWarehouseCode": "W1",
            "toWarehouseCode": "W2",
            "lines": [{"sku": "SKU-A", "quantity": 50}],
            "idempotencyKey": "t-1",
        },
    )
    transfer = raised["raiseTransfer"]["transfer"]
    assert transfer["status"] == "APPROVED"
    action = M.format(t="TransferActionInput", n="{n}", o="transfer { status }")
    ship = await partner(action.replace("{n}", "shipTransfer"), input={"id": transfer["id"]})
    assert ship["shipTransfer"]["transfer"]["status"] == "SHIPPED"
    assert await balances(partner) == {"W1": (950, 0), "W2": (0, 50)}
    await partner(action.replace("{n}", "receiveTransfer"), input={"id": transfer["id"]})
    assert await balances(partner) == {"W1": (950, 0), "W2": (50, 0)}

    greedy = await partner(
        M.format(
            t="RaiseTransferInput",
            n="raiseTransfer",
            o="transfer { id } errors { field code message }",
        ),
        input={
            "fromWarehouseCode": "W1",
            "toWarehouseCode": "W2",
            "lines": [{"sku": "SKU-A", "quantity": 10950}],
        },
    )
    assert greedy["raiseTransfer"] == {
        "transfer": None,
        "errors": [
            {
                "field": ["lines", "0", "quantity"],
                "code": "INSUFFICIENT_STOCK",
                "message": "Only 950 of SKU-A in stock, 10950 requested.",
            }
        ],
    }
    fits = [
        await partner(
            M.format(t="RaiseTransferInput", n="raiseTransfer", o="transfer { id }"),
            input={
                "fromWarehouseCode": "W1",
                "toWarehouseCode": "W2",
                "lines": [{"sku": "SKU-A", "quantity": 900}],
            },
        )
        for _ in range(2)
    ]
    await partner(
        action.replace("{n}", "shipTransfer"),
        input={"id": fits[0]["raiseTransfer"]["transfer"]["id"]},
    )
    refused = await partner(
        action.replace("{n}", "shipTransfer"),
        input={"id": fits[1]["raiseTransfer"]["transfer"]["id"]},
    )
    assert refused["shipTransfer"]["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    assert await balances(partner) == {"W1": (50, 0), "W2": (50, 900)}

    history = await partner(
        '{ ledgerEntries(warehouseCode: "W1", sku: "SKU-A") { totalCount edges { node { kind quantity sourceType } } } }'
    )
    assert [
        (e["node"]["kind"], e["node"]["quantity"]) for e in history["ledgerEntries"]["edges"]
    ] == [("SELL_IN", 1000), ("TRANSFER_OUT", -50), ("TRANSFER_OUT", -900)]
    listed = await partner("{ transfers { totalCount } shipments { totalCount } }")
    assert listed == {"transfers": {"totalCount": 3}, "shipments": {"totalCount": 1}}

    env = {**os.environ, "PORTAL_DATABASE_URL": settings.database_url}
    check = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "portal.cli",
        "check-ledger",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(check.communicate(), timeout=120)
    except TimeoutError:
        check.kill()
        await check.wait()
        pytest.fail("`portal check-ledger` did not finish within 120 s")
    assert check.returncode == 0, output.decode()
    assert b"ledger OK" in output


async def test_manufacturer_rejects_an_inter_partner_request(client, settings) -> None:
    _, token = await create_manufacturer("Acme")
    admin = Graph(client, token)
    setup = [
        *SETUP,
        (
            "createPartner",
            "CreatePartnerInput",
            {"code": "D2", "name": "D2", "tier": "DISTRIBUTOR"},
        ),
        (
            "createWarehouse",
            "CreateWarehouseInput",
            {"code": "X1", "name": "X1", "partnerCode": "D2"},
        ),
    ]
    for name, input_type, body in setup:
        assert (await admin(M.format(t=input_type, n=name, o=""), input=body))[name]["errors"] == []
    issued = await admin(
        'mutation { issueApiToken(input: {role: PARTNER_ADMIN, partnerCode: "D1"}) { token } }'
    )
    partner = Graph(client, issued["issueApiToken"]["token"])
    stocked = await admin(
        M.format(t="RecordShipmentInput", n="recordShipment", o="shipment { id }"),
        input={
            "partnerCode": "D1",
            "warehouseCode": "W1",
            "documentNo": "INV-1",
            "shippedOn": "2026-10-01",
            "lines": [{"sku": "SKU-A", "quantity": 5}],
        },
    )
    shipment_id = stocked["recordShipment"]["shipment"]["id"]
    receive = M.format(t="ReceiveShipmentInput", n="receiveShipment", o="shipment { status }")
    assert (await partner(receive, input={"id": shipment_id}))["receiveShipment"]["errors"] == []
    raised = await partner(
        M.format(t="RaiseTransferInput", n="raiseTransfer", o="transfer { id status }"),
        input={
            "fromWarehouseCode": "W1",
            "toPartnerCode": "D2",
            "toWarehouseCode": "X1",
            "lines": [{"sku": "SKU-A", "quantity": 5}],
        },
    )
    transfer = raised["raiseTransfer"]["transfer"]
    assert transfer["status"] == "REQUESTED"
    action = M.format(t="TransferActionInput", n="{n}", o="transfer { status }")
    denied = await partner.errors(
        action.replace("{n}", "rejectTransfer"), input={"id": transfer["id"]}
    )
    assert denied[0]["extensions"]["code"] == "FORBIDDEN"
    rejected = await admin(action.replace("{n}", "rejectTransfer"), input={"id": transfer["id"]})
    assert rejected["rejectTransfer"] == {"transfer": {"status": "REJECTED"}, "errors": []}
    again = await admin(action.replace("{n}", "approveTransfer"), input={"id": transfer["id"]})
    assert again["approveTransfer"]["errors"][0]["code"] == "INVALID_STATE"
    shipped = await partner(action.replace("{n}", "shipTransfer"), input={"id": transfer["id"]})
    assert shipped["shipTransfer"]["errors"][0]["code"] == "INVALID_STATE"
    listed = await admin("{ transfers(status: REJECTED) { totalCount } }")
    assert listed["transfers"]["totalCount"] == 1
