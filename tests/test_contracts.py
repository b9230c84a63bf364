"""Inventory contracts through the graph, on both backends: creation (coded bad input that
changes nothing, idempotency, partners see only their own) and the initialisation of each
type with the ledger sums by owner checked after every step."""

from __future__ import annotations

from typing import Any

from portal.domain.access.tokens import create_token
from portal.domain.catalog import tenants, warehouses
from portal.domain.ledger.check import ledger_mismatches
from portal.models import (
    CallOffNotification,
    Charge,
    InventoryContract,
    InventoryContractLine,
    LedgerEntry,
    OutboxEvent,
    Partner,
    StockBalance,
)
from portal.models.enums import ReceiptMode, Role, WarehouseKind
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.ledger_fixtures import build_channel, ship_to_w1

CREATE = """mutation($input: CreateInventoryContractInput!) { createInventoryContract(input: $input) {
  inventoryContract { id type status partnerCode warehouseCode validTo endCustomerName
    lines { id sku quantity unitPrice initialized consumed remaining receptionDate } }
  errors { field code message } } }"""
INIT = """mutation($input: ContractLineActionInput!) { initializeContractLine(input: $input) {
  inventoryContract { id status lines { id initialized consumed remaining receptionDate
    shipment { id documentNo status shippedOn receivedOn warehouseCode } } }
  errors { field code message } } }"""
SHIPMENTS = """{ shipments { edges { node { id documentNo status shippedOn receivedOn warehouseCode
  partnerCode lines { sku quantity } } } } }"""
REQUEST_RETURN = """mutation($input: RequestReturnInput!) { requestReturn(input: $input) {
  errors { field code message } } }"""
RECEIVE = """mutation($input: ReceiveShipmentInput!) { receiveShipment(input: $input) {
  shipment { status receivedOn } errors { code } } }"""
CONTRACTS = """query($type: InventoryContractType) { inventoryContracts(type: $type) { totalCount
  edges { node { id type partnerCode lines { sku remaining } } } } }"""
REPORT = """mutation($input: ReportConsumptionInput!) { reportConsumption(input: $input) {
  inventoryContract { id lines { sku consumed remaining } } errors { field code message } } }"""
CALL_OFFS = """{ callOffNotifications { totalCount edges { node {
  partnerCode contractId sku quantity consumedOn period source endCustomerName
  shipment { documentNo } } } } }"""
CHARGES = """query($period: String) { charges(period: $period) { totalCount edges { node {
  partnerCode contractId callOffId sku quantity unitPrice amount currency period } } } }"""
SUBMIT_POS = """mutation($input: SubmitPosInput!) { submitPos(input: $input) {
  submission { id } errors { code message } } }"""
SUBMIT_STOCK = """mutation($input: SubmitStockSnapshotInput!) { submitStockSnapshot(input: $input) {
  submission { id } errors { code message } } }"""
RECONCILIATION = """{ reconciliation(period: "2026-10", partnerCode: "D1") { edges { node {
  warehouseCode sellIn sellThrough adjustments calculated reported gap status } } } }"""
BALANCES = """{ stockBalances(sku: "SKU-A", first: 100) { edges { node {
  warehouseCode owner quantity } } } }"""


async def _setup(client):  # type: ignore[no-untyped-def]
    ch = await build_channel()
    m = ch.admin.manufacturer_id
    for code, partner, kind in (
        ("C1", "D1", WarehouseKind.CONSIGNMENT),  # D1's consignment warehouse (SCS)
        ("DEP", "D1", WarehouseKind.OWNED),  # D1's deposit kept at the manufacturer (WDS)
        ("SITE", "D1", WarehouseKind.OWNED),  # D1's warehouse at a customer's site (WCS)
        ("C3", "D2", WarehouseKind.CONSIGNMENT),
    ):
        await warehouses.create_warehouse(
            ch.admin, code=code, name=code, partner_code=partner, kind=kind
        )
    await warehouses.create_warehouse(ch.admin, code="MFG", name="Central")
    d1, d2 = await Partner.get(code="D1"), await Partner.get(code="D2")
    _, manager = await create_token(m, Role.CHANNEL_MANAGER)
    _, partner = await create_token(m, Role.PARTNER_ADMIN, partner_id=d1.id)
    _, other = await create_token(m, Role.PARTNER_ADMIN, partner_id=d2.id)
    return ch, Graph(client, manager), Graph(client, partner), Graph(client, other)


def contract(kind: str, warehouse: str | None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "partnerCode": "D1",
        "type": kind,
        "validFrom": "2026-10-01",
        "validTo": "2026-12-31",
        "lines": [{"sku": "SKU-A", "quantity": 40, "unitPrice": "9.50"}],
    }
    if warehouse is not None:
        body["warehouseCode"] = warehouse
    if kind in ("CBS", "WCS", "CDS", "DIS"):
        body["endCustomer"] = {"name": "Acme Robotics", "country": "US"}
    return {**body, **overrides}


async def _balances(graph: Graph) -> dict[tuple[str, str], int]:
    """(warehouse, owner) -> quantity of SKU-A, from stockBalances; zero rows left out."""
    edges = (await graph(BALANCES))["stockBalances"]["edges"]
    return {
        (e["node"]["warehouseCode"], e["node"]["owner"]): e["node"]["quantity"]
        for e in edges
        if e["node"]["quantity"]
    }


async def _ledger_by_owner() -> dict[tuple[str, str], int]:
    sums: dict[tuple[str, str], int] = {}
    for entry in await LedgerEntry.all().prefetch_related("warehouse"):
        key = (entry.warehouse.code, entry.owner.value)
        sums[key] = sums.get(key, 0) + entry.quantity
    return {k: v for k, v in sums.items() if v}


async def _check_owners(manager: Graph, expected: dict[tuple[str, str], int]) -> None:
    assert await _balances(manager) == expected
    assert await _ledger_by_owner() == expected
    assert await ledger_mismatches() == []


async def _create(manager: Graph, body: dict[str, Any]) -> dict[str, Any]:
    made = (await manager(CREATE, input=body))["createInventoryContract"]
    assert made["errors"] == [], made
    return made["inventoryContract"]  # type: ignore[no-any-return]


async def _init(
    manager: Graph, line_id: str, receiver: Graph | None = None, **extra: Any
) -> dict[str, Any]:
    """Initialise a line on 2026-10-05; an SCS shipment is received that day by
    ``receiver`` (the partner), when given."""
    done = (await manager(INIT, input={"lineId": line_id, "receptionDate": "2026-10-05", **extra}))[
        "initializeContractLine"
    ]
    assert done["errors"] == [], done
    shipment = done["inventoryContract"]["lines"][0]["shipment"]
    if receiver is not None and shipment is not None and shipment["status"] == "SHIPPED":
        await _receive(receiver, shipment["id"], "2026-10-05")
    return done["inventoryContract"]  # type: ignore[no-any-return]


async def _shipments(graph: Graph) -> dict[str, dict[str, Any]]:
    """documentNo -> the shipment, as the graph's principal sees it."""
    edges = (await graph(SHIPMENTS))["shipments"]["edges"]
    return {e["node"]["documentNo"]: e["node"] for e in edges}


async def _transit(code: str) -> int:
    """What is in transit to warehouse ``code`` (all SKUs, owners)."""
    rows = await StockBalance.filter(warehouse__code=code)
    return sum(r.in_transit for r in rows)


async def _receive(graph: Graph, shipment_id: str, on: str) -> None:
    done = (await graph(RECEIVE, input={"id": shipment_id, "receivedOn": on}))["receiveShipment"]
    assert done["errors"] == [] and done["shipment"]["status"] == "RECEIVED", done


async def test_create_refuses_bad_input_is_idempotent_and_scoped(client) -> None:
    _, manager, d1, d2 = await _setup(client)
    for body, code in (
        (contract("SCS", "W1"), "INVALID"),  # SCS needs a consignment warehouse
        (contract("WDS", "C1"), "INVALID"),  # other types an OWNED one
        (contract("SCS", "C3"), "INVALID"),  # another partner's warehouse
        (contract("WBS", "W1"), "INVALID"),  # a buffer at the manufacturer
        (contract("SCS", None), "REQUIRED"),
        (contract("CBS", "W1", endCustomer=None), "REQUIRED"),
        (contract("SCS", "C1", validTo="2026-09-01"), "INVALID"),
        (
            contract("SCS", "C1", lines=[{"sku": "NOPE", "quantity": 1, "unitPrice": "1"}]),
            "NOT_FOUND",
        ),
        (
            contract("SCS", "C1", lines=[{"sku": "SKU-A", "quantity": 0, "unitPrice": "1"}]),
            "INVALID_QUANTITY",
        ),
        (
            contract("SCS", "C1", lines=[{"sku": "SKU-A", "quantity": 1, "unitPrice": "-1"}]),
            "INVALID",
        ),
        (contract("SCS", "C1", partnerCode="NOPE"), "NOT_FOUND"),
    ):
        refused = (await manager(CREATE, input=body))["createInventoryContract"]
        assert refused["inventoryContract"] is None
        assert refused["errors"][0]["code"] == code, (body, refused)
    assert await InventoryContract.all().count() == 0
    assert await InventoryContractLine.all().count() == 0

    first = await _create(manager, contract("SCS", "C1", idempotencyKey="k1"))
    again = await _create(manager, contract("SCS", "C1", idempotencyKey="k1"))
    assert again["id"] == first["id"]
    assert first["status"] == "DRAFT" and first["partnerCode"] == "D1"
    assert first["lines"][0] | {"id": None} == {
        "id": None,
        "sku": "SKU-A",
        "quantity": 40,
        "unitPrice": "9.5000",
        "initialized": 0,
        "consumed": 0,
        "remaining": 0,
        "receptionDate": None,
    }
    await _create(manager, contract("SCS", "C3", partnerCode="D2"))
    assert (await manager(CONTRACTS))["inventoryContracts"]["totalCount"] == 2
    mine = (await d1(CONTRACTS))["inventoryContracts"]["edges"]
    assert [e["node"]["id"] for e in mine] == [first["id"]]
    theirs = (await d2(CONTRACTS))["inventoryContracts"]["edges"]
    assert [e["node"]["partnerCode"] for e in theirs] == ["D2"]
    assert (await d1(CONTRACTS, type="WDS"))["inventoryContracts"]["totalCount"] == 0
    # A partner may not create or initialise contracts; another partner's line is not found.
    assert (await d1.errors(CREATE, input=contract("SCS", "C1")))[0]["extensions"][
        "code"
    ] == "FORBIDDEN"
    line_id = first["lines"][0]["id"]
    assert (await d1.errors(INIT, input={"lineId": line_id}))[0]["extensions"][
        "code"
    ] == "FORBIDDEN"


async def test_initialisation_of_each_type_moves_stock_to_its_owner(client) -> None:
    ch, manager, d1, _ = await _setup(client)
    await ship_to_w1(ch, 100)  # D1 owns 100 in W1
    expected = {("W1", "PARTNER"): 100}
    await _check_owners(manager, expected)

    # SCS: the supply is a sell-in shipment to D1's consignment warehouse, in transit until
    # received (the receipt mode is MANUAL); the line waits for it.
    scs = await _create(manager, contract("SCS", "C1"))
    done = await _init(manager, scs["lines"][0]["id"])
    assert done["status"] == "ACTIVE"
    scs_doc = f"SCS-{scs['id']}-1"
    shipment = done["lines"][0].pop("shipment")
    assert done["lines"][0] | {"id": None} == {
        "id": None,
        "initialized": 0,
        "consumed": 0,
        "remaining": 0,
        "receptionDate": None,
    }
    assert shipment | {"id": None} == {
        "id": None,
        "documentNo": scs_doc,
        "status": "SHIPPED",
        "shippedOn": "2026-10-05",
        "receivedOn": None,
        "warehouseCode": "C1",
    }
    await _check_owners(manager, expected)
    assert await _transit("C1") == 40
    # Twice (even in transit): INVALID_STATE, nothing moves.
    twice = (await manager(INIT, input={"lineId": scs["lines"][0]["id"]}))["initializeContractLine"]
    assert twice["errors"][0]["code"] == "INVALID_STATE"
    # The partner sees the shipment and receives it: the line is initialised, dated by the
    # receipt, and the stock lands still the manufacturer's.
    seen = await _shipments(d1)
    assert seen[scs_doc]["lines"] == [{"sku": "SKU-A", "quantity": 40}]
    assert seen[scs_doc]["partnerCode"] == "D1"
    await _receive(d1, shipment["id"], "2026-10-07")
    line = (await manager(STATUS, type="SCS"))["inventoryContracts"]["edges"][0]["node"]
    assert line["lines"][0]["remaining"] == 40
    stored = await InventoryContractLine.get(id=scs["lines"][0]["id"])
    assert (stored.initialized, str(stored.reception_date)) == (40, "2026-10-07")
    expected[("C1", "MANUFACTURER")] = 40
    await _check_owners(manager, expected)
    assert await _transit("C1") == 0
    assert await LedgerEntry.filter(kind="SELL_IN", source_type="SHIPMENT").count() == 2

    # WDS: the partner's purchase, a shipment to its deposit at the manufacturer, received
    # at once (bill and hold: the goods do not travel).
    wds = await _create(manager, contract("WDS", "DEP"))
    done = await _init(manager, wds["lines"][0]["id"])
    assert done["lines"][0]["receptionDate"] == "2026-10-05"
    assert done["lines"][0]["remaining"] == 40
    assert done["lines"][0]["shipment"]["documentNo"] == f"WDS-{wds['id']}-1"
    assert done["lines"][0]["shipment"]["status"] == "RECEIVED"
    assert done["lines"][0]["shipment"]["receivedOn"] == "2026-10-05"
    expected[("DEP", "PARTNER")] = 40
    await _check_owners(manager, expected)

    # CDS: the supply deposit sells D1's own stock to the customer; it stays in W1.
    cds = await _create(manager, contract("CDS", "W1"))
    await _init(manager, cds["lines"][0]["id"])
    expected[("W1", "PARTNER")] = 60
    expected[("W1", "END_CUSTOMER")] = 40
    await _check_owners(manager, expected)
    # A deposit beyond what the partner holds: INSUFFICIENT_STOCK, nothing moves.
    big = await _create(
        manager, contract("CDS", "W1", lines=[{"sku": "SKU-A", "quantity": 61, "unitPrice": "1"}])
    )
    short = (await manager(INIT, input={"lineId": big["lines"][0]["id"]}))["initializeContractLine"]
    assert short["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    assert (await InventoryContractLine.get(id=big["lines"][0]["id"])).reception_date is None
    await _check_owners(manager, expected)

    # WCS: the partner's transfer from W1 to its warehouse at the customer's site.
    wcs = await _create(manager, contract("WCS", "SITE"))
    missing = (await manager(INIT, input={"lineId": wcs["lines"][0]["id"]}))[
        "initializeContractLine"
    ]
    assert missing["errors"][0]["code"] == "REQUIRED"
    wrong = await manager(INIT, input={"lineId": wcs["lines"][0]["id"], "fromWarehouseCode": "C3"})
    assert wrong["initializeContractLine"]["errors"][0]["code"] == "INVALID"
    await _init(manager, wcs["lines"][0]["id"], fromWarehouseCode="W1")
    expected[("W1", "PARTNER")] = 20
    expected[("SITE", "PARTNER")] = 40
    await _check_owners(manager, expected)

    # WBS, CBS, DIS: activation only, no stock moves, no shipment.
    for kind, place in (("WBS", "MFG"), ("CBS", "W1"), ("DIS", None)):
        made = await _create(manager, contract(kind, place))
        done = await _init(manager, made["lines"][0]["id"])
        assert done["status"] == "ACTIVE" and done["lines"][0]["remaining"] == 40, kind
        assert done["lines"][0]["shipment"] is None
        await _check_owners(manager, expected)
    assert set(await _shipments(d1)) == {"INV-1", scs_doc, f"WDS-{wds['id']}-1"}

    # The partner sees its contracts with their remaining quantities.
    seen = (await d1(CONTRACTS))["inventoryContracts"]
    assert seen["totalCount"] == 8


async def test_an_scs_supply_is_received_per_the_receipt_mode(client) -> None:
    from datetime import date

    from portal.domain.ledger.shipments import auto_receive_due

    ch, manager, d1, _ = await _setup(client)
    # ON_SHIPPING: received as it ships, the line initialised on the shipping date.
    await tenants.update_settings(ch.admin, shipment_receipt_mode=ReceiptMode.ON_SHIPPING)
    first = await _create(manager, contract("SCS", "C1"))
    line = (await _init(manager, first["lines"][0]["id"]))["lines"][0]
    assert (line["remaining"], line["receptionDate"], line["shipment"]["status"]) == (
        40,
        "2026-10-05",
        "RECEIVED",
    )
    expected = {("C1", "MANUFACTURER"): 40}
    await _check_owners(manager, expected)
    # AFTER_DAYS (3): in transit until the job receives it; the receipt dates the line.
    await tenants.update_settings(
        ch.admin, shipment_receipt_mode=ReceiptMode.AFTER_DAYS, receipt_after_days=3
    )
    second = await _create(manager, contract("SCS", "C1"))
    line_id = second["lines"][0]["id"]
    assert (await _init(manager, line_id))["lines"][0]["remaining"] == 0
    assert await auto_receive_due(today=date(2026, 10, 7)) == 0
    await _check_owners(manager, expected)
    assert await _transit("C1") == 40
    assert await auto_receive_due(today=date(2026, 10, 8)) == 1
    stored = await InventoryContractLine.get(id=line_id)
    assert (stored.initialized, str(stored.reception_date)) == (40, "2026-10-08")
    expected[("C1", "MANUFACTURER")] = 80
    await _check_owners(manager, expected)
    assert set(await _shipments(d1)) == {f"SCS-{first['id']}-1", f"SCS-{second['id']}-1"}


def _sold(quantity: int) -> dict[str, Any]:
    return {
        "period": "2026-10",
        "lines": [
            {
                "warehouseCode": "C1",
                "sku": "SKU-A",
                "quantity": quantity,
                "soldOn": "2026-10-20",
                "endCustomer": {"name": "Globex Labs", "country": "US"},
            }
        ],
    }


async def _call_offs(graph: Graph) -> list[tuple[int, str]]:
    edges = (await graph(CALL_OFFS))["callOffNotifications"]["edges"]
    return sorted((e["node"]["quantity"], e["node"]["source"]) for e in edges)


async def _charges(graph: Graph) -> list[str]:
    edges = (await graph(CHARGES, period="2026-10"))["charges"]["edges"]
    return sorted(e["node"]["amount"] for e in edges)


async def test_scs_is_consumed_by_accepted_pos_and_a_resubmission_reverses(client, app) -> None:
    _, manager, d1, d2 = await _setup(client)
    scs = await _create(manager, contract("SCS", "C1"))
    line_id = scs["lines"][0]["id"]
    await _init(manager, line_id, d1)
    expected = {("C1", "MANUFACTURER"): 40}
    await _check_owners(manager, expected)
    # The partner sells 15 from the consignment warehouse: a call-off, a charge at 9.50.
    sent = await d1(SUBMIT_POS, input=_sold(15))
    assert sent["submitPos"]["errors"] == []
    await run_jobs(app)
    line = (await d1(CONTRACTS))["inventoryContracts"]["edges"][0]["node"]["lines"][0]
    assert line == {"sku": "SKU-A", "remaining": 25}
    expected[("C1", "MANUFACTURER")] = 25
    await _check_owners(manager, expected)
    transfers = await LedgerEntry.filter(kind="OWNERSHIP_TRANSFER").values_list("owner", "quantity")
    assert sorted((o.value if hasattr(o, "value") else o, q) for o, q in transfers) == [
        ("MANUFACTURER", -15),
        ("PARTNER", 15),
    ]
    assert await _call_offs(manager) == [(15, "POS")]
    assert await _charges(d1) == ["142.50"]
    assert (await d2(CHARGES, period="2026-10"))["charges"]["totalCount"] == 0
    assert (await d2(CALL_OFFS))["callOffNotifications"]["totalCount"] == 0
    # Accepting the same report again changes nothing (the version consumed it already).
    await run_jobs(app)
    assert await CallOffNotification.all().count() == 1
    # The partner's reported stock of C1 reconciles against the manufacturer-owned
    # calculated quantity: the consumption's entries net to zero in the row.
    stock = {
        "period": "2026-10",
        "lines": [{"warehouseCode": "C1", "sku": "SKU-A", "quantity": 25}],
    }
    assert (await d1(SUBMIT_STOCK, input=stock))["submitStockSnapshot"]["errors"] == []
    await run_jobs(app)
    rows = (await manager(RECONCILIATION))["reconciliation"]["edges"]
    c1 = [e["node"] for e in rows if e["node"]["warehouseCode"] == "C1"]
    assert c1 == [
        {
            "warehouseCode": "C1",
            "sellIn": 40,
            "sellThrough": 15,
            "adjustments": 0,
            "calculated": 25,
            "reported": 25,
            "gap": 0,
            "status": "OK",
        }
    ]

    # A resubmission that sells 10: 5 come back, the transfer and the charge are reversed.
    await d1(SUBMIT_POS, input=_sold(10))
    await run_jobs(app)
    line = (await d1(CONTRACTS))["inventoryContracts"]["edges"][0]["node"]["lines"][0]
    assert line == {"sku": "SKU-A", "remaining": 30}
    expected[("C1", "MANUFACTURER")] = 30
    await _check_owners(manager, expected)
    assert await _call_offs(manager) == [(-5, "POS"), (15, "POS")]
    assert await _charges(manager) == ["-47.50", "142.50"]
    events = sorted(
        await OutboxEvent.filter(event_type__startswith="contract.").values_list(
            "event_type", flat=True
        )
    )
    assert events == ["contract.call_off"] * 2 + ["contract.charge"] * 2

    # Finance's file: one row per charge, the partner's own only.
    response = await client.get(
        "/exports/charges.csv?period=2026-10", headers={"Authorization": f"Bearer {d1.token}"}
    )
    assert response.status_code == 200
    rows = [r.split(",") for r in response.text.strip().splitlines()]
    assert rows[0][:3] == ["charge_id", "charged_on", "period"]
    assert sorted(r[9] for r in rows[1:]) == ["-47.50", "142.50"]
    other = await client.get(
        "/exports/charges.csv?period=2026-10", headers={"Authorization": f"Bearer {d2.token}"}
    )
    assert other.text.strip().splitlines()[1:] == []
    # SCS is not reported by hand.
    refused = (await d1(REPORT, input={"contractId": scs["id"], "lines": [_used(1)]}))[
        "reportConsumption"
    ]
    assert refused["errors"][0]["code"] == "INVALID"


async def test_scs_consumes_only_units_sold_inside_the_line_window(client, app) -> None:
    _, manager, d1, _ = await _setup(client)
    scs = await _create(manager, contract("SCS", "C1"))
    await _init(manager, scs["lines"][0]["id"], d1)  # received 2026-10-05
    report = _sold(15)
    early = {**report["lines"][0], "quantity": 4, "soldOn": "2026-10-02"}
    report["lines"].append(early)  # sold before the stock was the contract's
    assert (await d1(SUBMIT_POS, input=report))["submitPos"]["errors"] == []
    await run_jobs(app)
    line = (await d1(CONTRACTS))["inventoryContracts"]["edges"][0]["node"]["lines"][0]
    assert line == {"sku": "SKU-A", "remaining": 25}
    assert await _call_offs(manager) == [(15, "POS")]


def _used(quantity: int, sku: str = "SKU-A") -> dict[str, Any]:
    return {"sku": sku, "quantity": quantity, "consumedOn": "2026-10-21"}


async def test_reported_consumption_per_type(client) -> None:
    ch, manager, d1, d2 = await _setup(client)
    await ship_to_w1(ch, 100)
    wcs = await _create(manager, contract("WCS", "SITE"))
    await _init(manager, wcs["lines"][0]["id"], fromWarehouseCode="W1")
    dis = await _create(manager, contract("DIS", None))
    await _init(manager, dis["lines"][0]["id"])
    cds = await _create(manager, contract("CDS", "W1"))
    await _init(manager, cds["lines"][0]["id"])
    await warehouses.create_warehouse(ch.admin, code="DEP2", name="d", partner_code="D1")
    wds = await _create(manager, contract("WDS", "DEP2"))
    await _init(manager, wds["lines"][0]["id"])
    expected = {
        ("W1", "PARTNER"): 20,
        ("SITE", "PARTNER"): 40,
        ("W1", "END_CUSTOMER"): 40,
        ("DEP2", "PARTNER"): 40,
    }
    await _check_owners(manager, expected)

    # Beyond remaining, unknown SKU, another partner's contract: refused, nothing changes.
    for graph, body, code in (
        (d1, {"contractId": wcs["id"], "lines": [_used(41)]}, "INSUFFICIENT_STOCK"),
        (d1, {"contractId": wcs["id"], "lines": [_used(1, "SKU-S")]}, "NOT_FOUND"),
        (d1, {"contractId": wcs["id"], "lines": [_used(0)]}, "INVALID_QUANTITY"),
        (d2, {"contractId": wcs["id"], "lines": [_used(1)]}, "NOT_FOUND"),
        (d1, {"contractId": wds["id"], "lines": [_used(1)]}, "REQUIRED"),
        (d1, {"contractId": wds["id"], "lines": [_used(1)], "toWarehouseCode": "C1"}, "INVALID"),
        (  # before the line's reception (2026-10-05)
            d1,
            {"contractId": wcs["id"], "lines": [{**_used(1), "consumedOn": "2026-10-02"}]},
            "DATE_OUT_OF_RANGE",
        ),
    ):
        refused = (await graph(REPORT, input=body))["reportConsumption"]
        assert refused["errors"][0]["code"] == code, (body, refused)
    assert await CallOffNotification.all().count() == 0
    await _check_owners(manager, expected)

    # WCS: the customer's consumption is the partner's sale at the site, charged; the
    # report is idempotent.
    for _ in range(2):
        done = (
            await d1(
                REPORT,
                input={"contractId": wcs["id"], "lines": [_used(12)], "idempotencyKey": "c1"},
            )
        )["reportConsumption"]
        assert done["errors"] == []
    assert done["inventoryContract"]["lines"][0] == {
        "sku": "SKU-A",
        "consumed": 12,
        "remaining": 28,
    }
    expected[("SITE", "PARTNER")] = 28
    await _check_owners(manager, expected)
    # DIS: consumption at the customer's site moves no stock of the portal, charged.
    await d1(REPORT, input={"contractId": dis["id"], "lines": [_used(3)]})
    await _check_owners(manager, expected)
    # CDS: the customer's call-off of its deposit leaves W1, logistics only: no charge.
    await d1(REPORT, input={"contractId": cds["id"], "lines": [_used(5)]})
    expected[("W1", "END_CUSTOMER")] = 35
    await _check_owners(manager, expected)
    # WDS: a dispatch request is a shipment of the partner's deposit to its own W2 (no
    # charge): out of the deposit at once, in transit to W2 until D1 receives it; the
    # request is idempotent.
    request = {
        "contractId": wds["id"],
        "lines": [_used(7)],
        "toWarehouseCode": "W2",
        "idempotencyKey": "dispatch-1",
    }
    for _ in range(2):
        assert (await d1(REPORT, input=request))["reportConsumption"]["errors"] == []
    expected[("DEP2", "PARTNER")] = 33
    await _check_owners(manager, expected)
    doc = f"WDS-{wds['id']}-D1"
    dispatched = (await _shipments(d1))[doc]
    assert dispatched | {"id": None} == {
        "id": None,
        "documentNo": doc,
        "status": "SHIPPED",
        "shippedOn": "2026-10-21",
        "receivedOn": None,
        "warehouseCode": "W2",
        "partnerCode": "D1",
        "lines": [{"sku": "SKU-A", "quantity": 7}],
    }
    assert await _transit("W2") == 7
    assert doc not in await _shipments(d2)
    await _receive(d1, dispatched["id"], "2026-10-22")
    expected[("W2", "PARTNER")] = 7
    await _check_owners(manager, expected)
    assert await _transit("W2") == 0
    # Received as a transfer in: the purchase was the sell-in.
    w2 = [(e.kind.value, e.quantity) for e in await LedgerEntry.filter(warehouse__code="W2")]
    assert w2 == [("TRANSFER_IN", 7)]

    assert await _call_offs(manager) == [
        (3, "REPORT"),
        (5, "REPORT"),
        (7, "DISPATCH"),
        (12, "REPORT"),
    ]
    edges = (await manager(CALL_OFFS))["callOffNotifications"]["edges"]
    assert sorted(str(e["node"]["shipment"]) for e in edges) == sorted(
        [str({"documentNo": doc})] + ["None"] * 3
    )
    assert await _charges(manager) == ["114.00", "28.50"]  # 12 x 9.50, 3 x 9.50
    assert await Charge.all().count() == 2


ON = "2026-10-25"  # takeovers and returns are dated in the contracts' period
TAKE = """mutation($input: ContractQuantityInput!) { takeOverOwnership(input: $input) {
  inventoryContract { id lines { takenOver remaining } } errors { field code message } } }"""
RETURN = """mutation($input: ContractQuantityInput!) { returnContractStock(input: $input) {
  inventoryContract { id lines { returned remaining } } errors { field code message } } }"""
EXTEND = """mutation($input: ExtendContractInput!) { extendContract(input: $input) {
  inventoryContract { id status validTo } errors { field code message } } }"""
STATUS = """query($type: InventoryContractType) { inventoryContracts(type: $type) { edges { node {
  id status validTo lines { consumed takenOver returned remaining } } } } }"""


async def _ok(graph: Graph, query: str, name: str, **variables: Any) -> dict[str, Any]:
    done = (await graph(query, **variables))[name]
    assert done["errors"] == [], done
    return done["inventoryContract"]  # type: ignore[no-any-return]


async def _line(graph: Graph, kind: str) -> dict[str, Any]:
    node = (await graph(STATUS, type=kind))["inventoryContracts"]["edges"][0]["node"]
    return {"status": node["status"], **node["lines"][0]}


async def _end(manager: Graph, kind: str, remaining: int) -> None:
    """The daily job: a warning 30 days before the end, then ENDED with what remains listed."""
    from datetime import date

    from portal.domain.contracts.expiry import warn_and_end

    warned = 1 if remaining else 0  # nothing remaining: nothing to warn about
    assert await warn_and_end(today=date(2026, 11, 30)) == {"warned": 0, "ended": 0}
    assert await warn_and_end(today=date(2026, 12, 10)) == {"warned": warned, "ended": 0}
    assert await warn_and_end(today=date(2026, 12, 11)) == {"warned": warned, "ended": 0}
    assert await warn_and_end(today=date(2027, 1, 1)) == {"warned": 0, "ended": 1}
    assert (await _line(manager, kind))["status"] == "ENDED"
    events = {
        e.event_type: e.payload
        for e in await OutboxEvent.filter(event_type__in=["contract.expiring", "contract.ended"])
    }
    assert await OutboxEvent.filter(event_type__startswith="contract.e").count() == 1 + warned
    assert set(events) == ({"contract.expiring"} if warned else set()) | {"contract.ended"}
    listed = events["contract.ended"]["lines"]
    assert [x["remaining"] for x in listed] == ([remaining] if remaining else [])


async def _start(client, kind: str, place: str | None, **init: Any):  # type: ignore[no-untyped-def]
    ch, manager, d1, _ = await _setup(client)
    await ship_to_w1(ch, 100)
    made = await _create(manager, contract(kind, place))
    line_id = made["lines"][0]["id"]
    await _init(manager, line_id, d1, **init)
    return ch, manager, d1, made["id"], line_id


async def test_life_of_scs(client, app) -> None:
    ch, manager, d1, contract_id, line_id = await _start(client, "SCS", "C1")
    expected = {("W1", "PARTNER"): 100, ("C1", "MANUFACTURER"): 40}
    await _check_owners(manager, expected)
    supply = (await _shipments(d1))[f"SCS-{contract_id}-1"]  # received by D1 (_start)
    assert (supply["status"], supply["receivedOn"], supply["warehouseCode"]) == (
        "RECEIVED",
        "2026-10-05",
        "C1",
    )
    # Contract stock goes back by returnContractStock, not a return against its shipment.
    await tenants.update_settings(ch.admin, returns_against_shipments=True)
    against = (
        await d1(
            REQUEST_RETURN,
            input={"shipmentId": supply["id"], "lines": [{"sku": "SKU-A", "quantity": 1}]},
        )
    )["requestReturn"]
    assert against["errors"][0]["code"] == "INVALID", against
    await d1(SUBMIT_POS, input=_sold(10))  # consumed by the partner's sales
    await run_jobs(app)
    expected[("C1", "MANUFACTURER")] = 30
    await _check_owners(manager, expected)
    # Takeover beyond remaining: refused; 5 taken over stay in C1, now the partner's.
    over = (await manager(TAKE, input={"lineId": line_id, "on": ON, "quantity": 31}))[
        "takeOverOwnership"
    ]
    assert over["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    await _ok(
        manager, TAKE, "takeOverOwnership", input={"lineId": line_id, "on": ON, "quantity": 5}
    )
    expected[("C1", "MANUFACTURER")] = 25
    expected[("C1", "PARTNER")] = 5
    await _check_owners(manager, expected)
    await _ok(
        manager, RETURN, "returnContractStock", input={"lineId": line_id, "on": ON, "quantity": 5}
    )
    expected[("C1", "MANUFACTURER")] = 20
    await _check_owners(manager, expected)
    line = await _line(manager, "SCS")
    assert (line["consumed"], line["takenOver"], line["returned"], line["remaining"]) == (
        10,
        5,
        5,
        20,
    )
    assert await _charges(manager) == ["47.50", "95.00"]  # takeover 5, sales 10 at 9.50
    await _end(manager, "SCS", 20)
    # An ended contract is extended (ACTIVE again), never shortened.
    shorter = await manager(EXTEND, input={"id": contract_id, "validTo": "2026-12-01"})
    assert shorter["extendContract"]["errors"][0]["code"] == "INVALID"
    extended = await _ok(
        manager, EXTEND, "extendContract", input={"id": contract_id, "validTo": "2027-03-31"}
    )
    assert extended["status"] == "ACTIVE" and extended["validTo"] == "2027-03-31"
    await _check_owners(manager, expected)
    # check-ledger: manufacturer stock in C1 that the contract does not account for.
    from portal.domain.ledger.adjustments import AdjustmentReason, post_adjustment

    await post_adjustment(
        ch.admin, warehouse_code="C1", sku="SKU-A", quantity=-1, reason=AdjustmentReason.DAMAGE
    )
    problems = await ledger_mismatches()
    assert len(problems) == 1 and problems[0].startswith("contract stock"), problems


async def test_after_a_takeover_pos_sells_the_partners_own_stock(client, app) -> None:
    _, manager, d1, _, line_id = await _start(client, "SCS", "C1")
    await _ok(
        manager, TAKE, "takeOverOwnership", input={"lineId": line_id, "on": ON, "quantity": 40}
    )
    expected = {("W1", "PARTNER"): 100, ("C1", "PARTNER"): 40}
    await _check_owners(manager, expected)
    # Nothing left on the contract: the 15 sold from C1 are the partner's own stock.
    await d1(SUBMIT_POS, input=_sold(15))
    await run_jobs(app)
    expected[("C1", "PARTNER")] = 25
    await _check_owners(manager, expected)
    # A resubmission that sells 10 gives 5 back; one that sells 60 sells all 40 it owns,
    # the 20 beyond stay the manufacturer's (a gap reconciliation shows).
    await d1(SUBMIT_POS, input=_sold(10))
    await run_jobs(app)
    expected[("C1", "PARTNER")] = 30
    await _check_owners(manager, expected)
    await d1(SUBMIT_POS, input=_sold(60))
    await run_jobs(app)
    balances = await _balances(manager)
    assert balances[("C1", "MANUFACTURER")] == -20 and ("C1", "PARTNER") not in balances
    assert await _call_offs(manager) == [(40, "TAKEOVER")]  # no call-off for own stock


async def test_life_of_wds(client) -> None:
    ch, manager, d1, contract_id, line_id = await _start(client, "WDS", "DEP")
    expected = {("W1", "PARTNER"): 100, ("DEP", "PARTNER"): 40}
    await _check_owners(manager, expected)
    purchase = (await _shipments(d1))[f"WDS-{contract_id}-1"]  # received at once
    assert (purchase["status"], purchase["receivedOn"], purchase["warehouseCode"]) == (
        "RECEIVED",
        "2026-10-05",
        "DEP",
    )
    # Under ON_SHIPPING, a dispatch's shipment is received as it ships.
    await tenants.update_settings(ch.admin, shipment_receipt_mode=ReceiptMode.ON_SHIPPING)
    await _ok(
        d1,
        REPORT,
        "reportConsumption",
        input={"contractId": contract_id, "lines": [_used(7)], "toWarehouseCode": "W2"},
    )
    expected[("DEP", "PARTNER")] = 33
    expected[("W2", "PARTNER")] = 7
    await _check_owners(manager, expected)
    dispatched = (await _shipments(d1))[f"WDS-{contract_id}-D1"]
    assert (dispatched["status"], dispatched["receivedOn"]) == ("RECEIVED", "2026-10-21")
    # Over remaining: INSUFFICIENT_STOCK, no shipment.
    over = (
        await d1(
            REPORT,
            input={"contractId": contract_id, "lines": [_used(34)], "toWarehouseCode": "W2"},
        )
    )["reportConsumption"]
    assert over["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    assert f"WDS-{contract_id}-D2" not in await _shipments(d1)
    await _check_owners(manager, expected)
    refused = (await manager(TAKE, input={"lineId": line_id, "on": ON, "quantity": 1}))[
        "takeOverOwnership"
    ]
    assert refused["errors"][0]["code"] == "INVALID"  # the partner's already
    await _ok(
        manager, RETURN, "returnContractStock", input={"lineId": line_id, "on": ON, "quantity": 3}
    )
    expected[("DEP", "PARTNER")] = 30
    await _check_owners(manager, expected)
    await _end(manager, "WDS", 30)
    await _check_owners(manager, expected)


async def test_life_of_wbs(client) -> None:
    _, manager, _, _, line_id = await _start(client, "WBS", "MFG")
    expected = {("W1", "PARTNER"): 100}
    await _check_owners(manager, expected)
    # The partner buys part of its buffer (charged), the rest is partly released.
    await _ok(
        manager, TAKE, "takeOverOwnership", input={"lineId": line_id, "on": ON, "quantity": 10}
    )
    await _ok(
        manager, RETURN, "returnContractStock", input={"lineId": line_id, "on": ON, "quantity": 5}
    )
    await _check_owners(manager, expected)
    line = await _line(manager, "WBS")
    assert (line["takenOver"], line["returned"], line["remaining"]) == (10, 5, 25)
    assert await _charges(manager) == ["95.00"]
    await _end(manager, "WBS", 25)


async def test_life_of_cbs(client, app) -> None:
    _, manager, d1, contract_id, line_id = await _start(client, "CBS", "W1")
    expected = {("W1", "PARTNER"): 100}
    await _check_owners(manager, expected)
    refused = await d1(REPORT, input={"contractId": contract_id, "lines": [_used(1)]})
    assert refused["reportConsumption"]["errors"][0]["code"] == "INVALID"  # by orders or POS
    # Only the buffer's customer consumes it ("ACME Robotics, Inc." is the registry's Acme).
    pos = {
        "period": "2026-10",
        "lines": [
            {
                "warehouseCode": "W1",
                "sku": "SKU-A",
                "quantity": quantity,
                "soldOn": "2026-10-20",
                "endCustomer": {"name": name, "country": "US"},
            }
            for quantity, name in ((6, "ACME Robotics, Inc."), (4, "Globex Labs"))
        ],
    }
    assert (await d1(SUBMIT_POS, input=pos))["submitPos"]["errors"] == []
    await run_jobs(app)
    expected[("W1", "PARTNER")] = 90
    await _check_owners(manager, expected)
    line = await _line(manager, "CBS")
    assert (line["consumed"], line["remaining"]) == (6, 34)
    assert await _call_offs(manager) == [(6, "POS")] and await Charge.all().count() == 0
    taken = await manager(TAKE, input={"lineId": line_id, "on": ON, "quantity": 1})
    assert taken["takeOverOwnership"]["errors"][0]["code"] == "INVALID"
    await _ok(
        manager, RETURN, "returnContractStock", input={"lineId": line_id, "on": ON, "quantity": 34}
    )
    await _check_owners(manager, expected)
    assert (await _line(manager, "CBS"))["remaining"] == 0
    await _end(manager, "CBS", 0)


async def test_life_of_wcs(client) -> None:
    _, manager, d1, contract_id, line_id = await _start(
        client, "WCS", "SITE", fromWarehouseCode="W1"
    )
    expected = {("W1", "PARTNER"): 60, ("SITE", "PARTNER"): 40}
    await _check_owners(manager, expected)
    await _ok(
        d1, REPORT, "reportConsumption", input={"contractId": contract_id, "lines": [_used(12)]}
    )
    expected[("SITE", "PARTNER")] = 28
    await _check_owners(manager, expected)
    missing = await manager(RETURN, input={"lineId": line_id, "on": ON, "quantity": 8})
    assert missing["returnContractStock"]["errors"][0]["code"] == "REQUIRED"
    await _ok(
        manager,
        RETURN,
        "returnContractStock",
        input={"lineId": line_id, "on": ON, "quantity": 8, "toWarehouseCode": "W1"},
    )
    expected[("SITE", "PARTNER")] = 20
    expected[("W1", "PARTNER")] = 68
    await _check_owners(manager, expected)
    assert await _charges(manager) == ["114.00"]
    await _end(manager, "WCS", 20)


async def test_life_of_cds(client) -> None:
    _, manager, d1, contract_id, line_id = await _start(client, "CDS", "W1")
    expected = {("W1", "PARTNER"): 60, ("W1", "END_CUSTOMER"): 40}
    await _check_owners(manager, expected)
    await _ok(
        d1, REPORT, "reportConsumption", input={"contractId": contract_id, "lines": [_used(5)]}
    )
    expected[("W1", "END_CUSTOMER")] = 35
    await _check_owners(manager, expected)
    # The re-purchase: the customer's units become the partner's again, in place.
    await _ok(
        manager, TAKE, "takeOverOwnership", input={"lineId": line_id, "on": ON, "quantity": 5}
    )
    expected[("W1", "END_CUSTOMER")] = 30
    expected[("W1", "PARTNER")] = 65
    await _check_owners(manager, expected)
    refused = await manager(RETURN, input={"lineId": line_id, "on": ON, "quantity": 1})
    assert refused["returnContractStock"]["errors"][0]["code"] == "INVALID"
    assert await Charge.all().count() == 0  # logistics only
    await _end(manager, "CDS", 30)
    await _check_owners(manager, expected)


async def test_life_of_dis(client) -> None:
    _, manager, d1, contract_id, line_id = await _start(client, "DIS", None)
    expected = {("W1", "PARTNER"): 100}
    await _check_owners(manager, expected)
    await _ok(
        d1, REPORT, "reportConsumption", input={"contractId": contract_id, "lines": [_used(3)]}
    )
    await _ok(
        manager, TAKE, "takeOverOwnership", input={"lineId": line_id, "on": ON, "quantity": 2}
    )
    await _ok(
        manager, RETURN, "returnContractStock", input={"lineId": line_id, "on": ON, "quantity": 5}
    )
    await _check_owners(manager, expected)  # nothing of the portal's stock moves
    line = await _line(manager, "DIS")
    assert (line["consumed"], line["takenOver"], line["returned"], line["remaining"]) == (
        3,
        2,
        5,
        30,
    )
    assert await _charges(manager) == ["19.00", "28.50"]
    await _end(manager, "DIS", 30)


async def test_buffers_are_hidden_from_all_but_their_beneficiary(client) -> None:
    from portal.domain.contracts.buffers import buffered_quantities
    from portal.models import EndCustomer, Product, Warehouse

    ch, manager, _, _ = await _setup(client)
    m = ch.admin.manufacturer_id
    d1, d2 = await Partner.get(code="D1"), await Partner.get(code="D2")
    w1, mfg = await Warehouse.get(code="W1"), await Warehouse.get(code="MFG")
    product = await Product.get(sku="SKU-A")
    wbs = await _create(manager, contract("WBS", "MFG"))
    cbs = await _create(
        manager, contract("CBS", "W1", lines=[{"sku": "SKU-A", "quantity": 25, "unitPrice": "1"}])
    )
    # Drafts reserve nothing.
    assert await buffered_quantities(m) == {}
    await _init(manager, wbs["lines"][0]["id"])
    await _init(manager, cbs["lines"][0]["id"])
    acme = await EndCustomer.get(manufacturer_id=m, name="Acme Robotics")
    everyone = {(mfg.id, product.id): 40, (w1.id, product.id): 25}
    assert await buffered_quantities(m) == everyone
    assert await buffered_quantities(m, asking_partner_id=d2.id) == everyone
    # The WBS beneficiary (D1) sees its buffer; Acme sees its CBS buffer.
    assert await buffered_quantities(m, asking_partner_id=d1.id) == {(w1.id, product.id): 25}
    assert await buffered_quantities(m, asking_end_customer_id=acme.id) == {
        (mfg.id, product.id): 40
    }
    assert await buffered_quantities(m, warehouse_ids=[w1.id]) == {(w1.id, product.id): 25}
    # Released quantity is no longer reserved; another manufacturer sees nothing of it.
    await _ok(
        manager,
        RETURN,
        "returnContractStock",
        input={"lineId": cbs["lines"][0]["id"], "quantity": 10},
    )
    assert (await buffered_quantities(m))[(w1.id, product.id)] == 15
    assert await buffered_quantities(m + 1000) == {}


async def test_a_wbs_buffer_is_held_from_other_partners_orders(client) -> None:
    """Availability (partner orders) subtracts active buffers: a WBS buffer of 40 at the
    manufacturer's warehouse is available to its beneficiary (D1) only; D2 may order what
    is left and is refused beyond it, naming what it may have."""
    from tests.order_fixtures import AVAILABILITY, place, stock

    ch, manager, d1, d2 = await _setup(client)
    _, shipping = await create_token(ch.admin.manufacturer_id, Role.SHIPPING)
    assert (await stock(Graph(client, shipping), "MFG", 100))["errors"] == []
    wbs = await _create(manager, contract("WBS", "MFG"))

    async def available(graph: Graph) -> int:
        rows = (await graph(AVAILABILITY, sku="SKU-A", warehouse="MFG"))["availability"]
        return int(rows[0]["available"])

    assert (await available(d1), await available(d2)) == (100, 100)  # a draft holds nothing
    await _init(manager, wbs["lines"][0]["id"])
    assert (await available(d1), await available(d2)) == (100, 60)
    refused = await place(
        d2,
        supplyWarehouseCode="MFG",
        shipToWarehouseCode="W3",
        lines=[{"sku": "SKU-A", "quantity": 61}],
    )
    assert refused["order"] is None
    assert refused["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    assert "60" in refused["errors"][0]["message"]
    placed = await place(
        d2,
        supplyWarehouseCode="MFG",
        shipToWarehouseCode="W3",
        lines=[{"sku": "SKU-A", "quantity": 60}],
    )
    assert placed["errors"] == [], placed
    assert (await available(d1), await available(d2)) == (40, 0)  # D1 keeps its buffer

    # D1 orders 15 from its buffer's warehouse: shipped, they leave the buffer (a call-off
    # from the order, no charge: the order is the sale).
    from tests.order_fixtures import act
    from tests.test_order_shipping import notice

    mine = await place(
        d1,
        supplyWarehouseCode="MFG",
        shipToWarehouseCode="W1",
        lines=[{"sku": "SKU-A", "quantity": 15}],
    )
    assert mine["errors"] == [], mine
    order_id = mine["order"]["id"]
    staff = Graph(client, shipping)
    assert (await act(staff, "confirmOrder", order_id))["errors"] == []
    sent = await notice(staff, orderIds=[order_id], documentNo="DN-WBS")
    assert sent["errors"] == [], sent
    line = await _line(manager, "WBS")
    assert (line["consumed"], line["remaining"]) == (15, 25)
    assert await _call_offs(manager) == [(15, "ORDER")]
    assert await _charges(manager) == []


def test_a_window_takes_its_net_sales_returns_included() -> None:
    from datetime import date

    from portal.domain.contracts.pos_consumption import _take

    first, second, later = date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 30)
    sold = {first: 10, second: -10}  # sold, then returned by the customer
    assert _take(sold, first, later, 40) == (0, None)
    sold = {first: 10, second: -4, later: 3}
    assert _take(sold, first, later, 40) == (9, later)
    assert sum(sold.values()) == 0  # nothing left for a later line to take again
    sold = {first: 10, second: -4}
    assert _take(sold, first, second, 5) == (5, first)
    assert _take(sold, first, second, 5) == (1, first)  # the rest, once
