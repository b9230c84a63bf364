"""Hostile input through the public surface: long or control-character text, quantities
at the limits or written oddly, duplicate serials, dates far from today, and customer
names in other scripts. Each refusal is coded and nothing is stored or posted."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl

from portal.domain.access.principal import Principal
from portal.domain.access.tokens import create_token
from portal.domain.ledger import shipments
from portal.domain.ledger.shipments import LineInput
from portal.domain.reporting.customer_keys import recompute_customer_keys
from portal.models import (
    DesignRegistration,
    EndCustomer,
    LedgerEntry,
    Partner,
    PosLine,
    Product,
    SerialUnit,
    Shipment,
    Submission,
)
from portal.models.enums import Role, SerialStatus, SubmissionStatus
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.ledger_fixtures import build_channel
from tests.test_uploads import GOOD, outcome, pos_csv, setup, upload

SUBMIT_POS = """mutation($input: SubmitPosInput!) { submitPos(input: $input) {
  submission { id } errors { field code message } } }"""
SHIP = """mutation($input: RecordShipmentInput!) { recordShipment(input: $input) {
  shipment { id } errors { field code message } } }"""
ADJUST = """mutation($input: PostAdjustmentInput!) { postAdjustment(input: $input) {
  entry { id } errors { field code message } } }"""
TRANSFER = """mutation($input: RaiseTransferInput!) { raiseTransfer(input: $input) {
  transfer { id } errors { field code message } } }"""
REGISTER = """mutation($input: RegisterDesignInput!) { registerDesign(input: $input) {
  designRegistration { id conflicts { sku } } errors { field code message } } }"""
PARTNER = """mutation($input: CreatePartnerInput!) { createPartner(input: $input) {
  partner { id } errors { field code } } }"""
PRODUCT = """mutation($input: CreateProductInput!) { createProduct(input: $input) {
  product { id } errors { field code } } }"""


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def posted() -> int:
    return await LedgerEntry.filter(source_type="SUBMISSION").count()


def gql_line(quantity: int = 1, name: str = "Acme", **extra: Any) -> dict[str, Any]:
    return {
        "warehouseCode": "W1",
        "sku": "SKU-A",
        "quantity": quantity,
        "soldOn": "2026-10-10",
        "endCustomer": {"name": name, "country": "US"},
        **extra,
    }


async def submit_lines(app, graph: Graph, lines: list[dict[str, Any]], period: str = "2026-10"):  # type: ignore[no-untyped-def]
    made = (await graph(SUBMIT_POS, input={"period": period, "lines": lines}))["submitPos"]
    assert made["errors"] == [], made
    await run_jobs(app)
    submission = await Submission.get(id=int(made["submission"]["id"]))
    issues = await submission.issues.all().order_by("row").values_list("row", "field", "code")
    return submission, issues


# -- (a) text: lengths and characters ---------------------------------------------------


async def test_long_or_control_character_cells_are_row_errors_in_files(client, app) -> None:
    _, token = await setup(client)
    rows = [
        GOOD,
        "W1,SKU-A,1,2026-10-10," + "N" * 400 + ",US,,,,INV-2,",
        "W1,SKU-A,1,2026-10-10,Acme\x00Robotics,US,,,,INV-3,",
        "W1,SKU-A,1,2026-10-10,Acme,US,,,,INV\x07-4,",
        "W1,SKU-A,1,2026-10-10,Acme,US," + "9" * 25 + ",,,INV-5,",
        "W1\x1b,SKU-A,1,2026-10-10,Acme,US,,,,INV-6,",
    ]
    submission, issues = await outcome(app, await upload(client, token, pos_csv(*rows)))
    assert submission.status is SubmissionStatus.REJECTED
    assert issues == [
        (3, "end_customer_name", "FIELD_TOO_LONG"),
        (4, "end_customer_name", "INVALID_CHARACTERS"),
        (5, "invoice_no", "INVALID_CHARACTERS"),
        (6, "end_customer_postal_code", "FIELD_TOO_LONG"),
        (7, "warehouse_code", "INVALID_CHARACTERS"),
    ]
    assert await posted() == 0
    assert await PosLine.filter(row__gt=2).count() == 0  # only the good row was staged

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["warehouse_code", "sku", "quantity", "sold_on", "end_customer_name"])
    sheet["F1"] = "end_customer_country"
    sheet.append(["W1", "SKU-A", 2, "2026-10-10", "Z" * 301, "US"])
    sheet.append(["W1", "SKU-A", 2, "2026-10-11", "Acme", "US"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    submission, issues = await outcome(app, await upload(client, token, data, name="pos.xlsx"))
    assert submission.status is SubmissionStatus.REJECTED
    assert (2, "end_customer_name", "FIELD_TOO_LONG") in issues
    assert await posted() == 0


async def test_hostile_text_in_graph_pos_lines_is_a_row_error(client, app) -> None:
    _, token = await setup(client)
    graph = Graph(client, token)
    submission, issues = await submit_lines(
        app,
        graph,
        [
            gql_line(),
            gql_line(name="Acme\x01Robotics"),
            gql_line(name="x" * 301),
            gql_line(invoiceNo="IN\u2028V"),
            gql_line(serials=["S" * 101]),
        ],
    )
    assert submission.status is SubmissionStatus.REJECTED
    assert issues == [
        (2, "end_customer_name", "INVALID_CHARACTERS"),
        (3, "end_customer_name", "FIELD_TOO_LONG"),
        (4, "invoice_no", "INVALID_CHARACTERS"),
        (5, "serials", "FIELD_TOO_LONG"),
    ]
    assert await posted() == 0
    # NUL never reaches the domain: the graph refuses the whole operation, storing nothing
    before = await Submission.all().count()
    errors = await graph.errors(
        SUBMIT_POS, input={"period": "2026-10", "lines": [gql_line(name="Acme\x00Robotics")]}
    )
    assert [e["extensions"]["code"] for e in errors] == ["INVALID"]
    assert await Submission.all().count() == before


async def test_hostile_text_in_other_graph_inputs_is_refused(client, app) -> None:
    ch = await build_channel()
    _, admin = await create_token(ch.admin.manufacturer_id, Role.ADMIN)
    graph = Graph(client, admin)
    for name in ("Dist\x01X", "Dist\nX", "D" * 201, "Dist\x7f"):
        made = await graph(PARTNER, input={"code": "DX", "name": name, "tier": "DISTRIBUTOR"})
        assert made["createPartner"]["errors"] == [{"field": ["name"], "code": "INVALID"}], name
    for code in ("D\x01X", "X" * 65):
        made = await graph(PARTNER, input={"code": code, "name": "Dist", "tier": "DISTRIBUTOR"})
        assert codes(made["createPartner"]) == ["INVALID"]
    made = await graph(PRODUCT, input={"sku": "SKU-Z", "name": "Widget\x1b"})
    assert codes(made["createProduct"]) == ["INVALID"]
    assert (
        await Partner.filter(code="DX").count() == 0
        and await Product.filter(sku="SKU-Z").count() == 0
    )

    d1 = await Partner.get(code="D1")
    _, sales = await create_token(ch.admin.manufacturer_id, Role.PARTNER_SALES, partner_id=d1.id)
    for customer in ({"name": "Acme\x01", "country": "US"}, {"name": "A" * 301, "country": "US"}):
        made = await Graph(client, sales)(
            REGISTER,
            input={
                "endCustomer": customer,
                "projectName": "Arm",
                "expectedCloseOn": "2027-03-01",
                "lines": [{"sku": "SKU-A", "expectedQuantity": 5}],
            },
        )
        assert made["registerDesign"]["errors"][0]["code"] == "INVALID"
        assert made["registerDesign"]["errors"][0]["field"] == ["endCustomer", "name"]
    assert await DesignRegistration.all().count() == 0 and await EndCustomer.all().count() == 0


# -- (b) customer names of every script -------------------------------------------------


def design(name: str, country: str = "CN") -> dict[str, Any]:
    return {
        "endCustomer": {"name": name, "country": country},
        "projectName": "Base station",
        "expectedCloseOn": "2027-03-01",
        "lines": [{"sku": "SKU-A", "expectedQuantity": 50}],
    }


async def test_customers_of_other_scripts_keep_apart_and_spellings_still_meet(client) -> None:
    ch = await build_channel()
    d1, d2 = await Partner.get(code="D1"), await Partner.get(code="D2")
    _, t1 = await create_token(ch.admin.manufacturer_id, Role.PARTNER_SALES, partner_id=d1.id)
    _, t2 = await create_token(ch.admin.manufacturer_id, Role.PARTNER_SALES, partner_id=d2.id)
    first, second = Graph(client, t1), Graph(client, t2)
    pairs = [
        ("华为技术有限公司", "中兴通讯股份有限公司", "CN", False),
        ("株式会社日立製作所", "ソニー株式会社", "JP", False),
        ("ООО Ромашка", "ООО Василёк", "RU", False),  # noqa: RUF001
        ("ACME Robotics, Inc.", "Acme Robotics", "US", True),
        ("ＡＣＭＥ Ｒｏｂｏｔｉｃｓ", "acme robotics", "DE", True),  # noqa: RUF001
    ]
    for one, other, country, conflict in pairs:
        made1 = (await first(REGISTER, input=design(one, country)))["registerDesign"]
        made2 = (await second(REGISTER, input=design(other, country)))["registerDesign"]
        assert made1["errors"] == [] and made2["errors"] == []
        found = made2["designRegistration"]["conflicts"]
        assert (found == [{"sku": "SKU-A"}]) is conflict, (one, other, found)


async def test_stored_keys_are_recomputed_and_wrongly_merged_customers_split(db) -> None:
    ch = await build_channel()
    from portal.domain.designs import registrations as designs
    from portal.domain.designs.registrations import DesignLineInput

    d1 = await Partner.get(code="D1")
    sales = Principal(
        manufacturer_id=ch.admin.manufacturer_id, role=Role.PARTNER_SALES, partner_id=d1.id
    )
    made = []
    for name in ("华为技术有限公司", "中兴通讯股份有限公司"):
        made.append(
            await designs.register_design(
                sales,
                customer_name=name,
                country="CN",
                project_name="Base station",
                expected_close_on=date(2027, 3, 1),
                lines=[DesignLineInput("SKU-A", 5)],
            )
        )
    huawei, zte = made
    # The state an ASCII-only normalisation left: one entry for both, under key "|CN".
    await EndCustomer.filter(id=huawei.end_customer_id).update(key="|CN")
    await DesignRegistration.filter(id=zte.id).update(end_customer_id=huawei.end_customer_id)
    await EndCustomer.filter(id=zte.end_customer_id).delete()
    from tortoise import connections

    assert await recompute_customer_keys(connections.get("default")) > 0
    assert await recompute_customer_keys(connections.get("default")) == 0  # idempotent
    rows = {r.end_customer_name: r for r in await DesignRegistration.all()}
    split = {r.end_customer_id for r in rows.values()}
    assert len(split) == 2
    keys = set(await EndCustomer.all().values_list("key", flat=True))
    assert keys == {"华为技术|CN", "中兴通讯|CN"}


# -- (c) quantities ---------------------------------------------------------------------


async def test_quantities_are_strict_integers_in_one_range_in_files(client, app) -> None:
    _, token = await setup(client)
    quantities = ["1e9", "1_000", "٣", "1 000", "1000001", "2147483647", "0x10", "10.5", "NaN"]
    rows = [f"W1,SKU-A,{q},2026-10-10,Acme,US,,,,INV-{i},\n" for i, q in enumerate(quantities)]
    rows.append("W1,SKU-A,10.0,2026-10-10,Acme,US,,,,INV-OK,\n")  # a whole number: accepted
    rows.append("W1,SKU-A,-2,2026-10-10,Acme,US,,,,INV-RET,\n")  # a customer return
    data = pos_csv(*[r.rstrip("\n") for r in rows])
    submission, issues = await outcome(app, await upload(client, token, data))
    assert submission.status is SubmissionStatus.REJECTED
    expected = ["INVALID_QUANTITY"] * 7 + ["FRACTIONAL_QUANTITY", "INVALID_QUANTITY"]
    assert issues == [(i + 2, "quantity", code) for i, code in enumerate(expected)]
    assert await posted() == 0

    stock = b"warehouse_code,sku,quantity\nW1,SKU-A,-1\nW1,SKU-S,1000001\n"
    submission, issues = await outcome(
        app, await upload(client, token, stock, kind="STOCK", name="stock.csv")
    )
    assert issues == [(2, "quantity", "NEGATIVE_STOCK"), (3, "quantity", "INVALID_QUANTITY")]


async def test_graph_quantities_beyond_the_range_are_refused(client, app) -> None:
    ch = await build_channel()
    _, admin_token = await create_token(ch.admin.manufacturer_id, Role.ADMIN)
    admin = Graph(client, admin_token)
    for quantity in (2147483647, 1_000_001, 0, -3):
        made = await admin(
            SHIP,
            input={
                "partnerCode": "D1",
                "warehouseCode": "W1",
                "documentNo": f"DOC-{quantity}",
                "shippedOn": "2026-10-01",
                "lines": [{"sku": "SKU-A", "quantity": quantity}],
            },
        )
        assert made["recordShipment"]["errors"] == [
            {
                "field": ["lines", "0", "quantity"],
                "code": "INVALID_QUANTITY",
                "message": made["recordShipment"]["errors"][0]["message"],
            }
        ]
    assert await Shipment.all().count() == 0
    made = await admin(
        ADJUST,
        input={"warehouseCode": "W1", "sku": "SKU-A", "quantity": -1_000_001, "reason": "DAMAGE"},
    )
    assert codes(made["postAdjustment"]) == ["INVALID_QUANTITY"]
    d1 = await Partner.get(code="D1")
    _, inventory = await create_token(
        ch.admin.manufacturer_id, Role.PARTNER_INVENTORY, partner_id=d1.id
    )
    made = await Graph(client, inventory)(
        TRANSFER,
        input={
            "fromWarehouseCode": "W1",
            "toWarehouseCode": "W2",
            "lines": [{"sku": "SKU-A", "quantity": 2147483647}],
        },
    )
    assert codes(made["raiseTransfer"]) == ["INVALID_QUANTITY"]
    _, sales = await create_token(ch.admin.manufacturer_id, Role.PARTNER_SALES, partner_id=d1.id)
    request = design("Acme", "US")
    request["lines"][0]["expectedQuantity"] = 2147483647
    made = await Graph(client, sales)(REGISTER, input=request)
    assert codes(made["registerDesign"]) == ["INVALID_QUANTITY"]
    assert await LedgerEntry.all().count() == 0 and await DesignRegistration.all().count() == 0

    _, issues = await submit_lines(
        app, Graph(client, inventory), [gql_line(2_000_000), gql_line(-2147483648)]
    )
    assert issues == [(1, "quantity", "INVALID_QUANTITY"), (2, "quantity", "INVALID_QUANTITY")]
    assert await posted() == 0


# -- (d) serials ------------------------------------------------------------------------


async def test_a_serial_is_sold_once_within_and_across_submissions(client, app) -> None:
    ch = await build_channel()
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="SER-1",
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-S", 2, ["S1", "S2"])],
    )
    await shipments.receive_shipment(ch.admin, shipment.id, received_on=date(2026, 10, 2))
    d1 = await Partner.get(code="D1")
    _, token = await create_token(
        ch.admin.manufacturer_id, Role.PARTNER_INVENTORY, partner_id=d1.id
    )
    graph = Graph(client, token)

    def sale(serials: list[str], invoice: str, day: str = "2026-10-10") -> dict[str, Any]:
        return {
            **gql_line(len(serials), sku="SKU-S", serials=serials, invoiceNo=invoice),
            "soldOn": day,
        }

    for lines in (
        [sale(["S1"], "INV-1"), sale(["S1"], "INV-2")],  # two lines, different invoices
        [sale(["S1"], ""), sale(["S2"], ""), sale(["S1"], "")],  # no invoice at all
        [sale(["S2", "S2"], "INV-3")],  # twice on one line
    ):
        submission, issues = await submit_lines(app, graph, lines)
        assert submission.status is SubmissionStatus.REJECTED
        assert issues == [(len(lines), "serials", "DUPLICATE_SERIAL")], issues
        assert await posted() == 0
    assert await SerialUnit.filter(status=SerialStatus.IN_STOCK).count() == 2

    submission, issues = await submit_lines(app, graph, [sale(["S1"], "INV-9")])
    assert (submission.status, issues) == (SubmissionStatus.ACCEPTED, [])
    again, issues = await submit_lines(
        app, graph, [sale(["S1"], "INV-10", "2026-11-05")], period="2026-11"
    )
    assert again.status is SubmissionStatus.REJECTED
    assert issues == [(1, "serials", "SERIAL_ALREADY_SOLD")]
    assert await LedgerEntry.filter(source_type="SUBMISSION", source_id=again.id).count() == 0


# -- (e) dates --------------------------------------------------------------------------


async def test_business_dates_far_from_today_are_refused(client, app) -> None:
    ch = await build_channel()
    _, admin_token = await create_token(ch.admin.manufacturer_id, Role.ADMIN)
    admin = Graph(client, admin_token)
    for day in ("0001-01-01", "1999-12-31", "9999-12-31"):
        made = await admin(
            SHIP,
            input={
                "partnerCode": "D1",
                "warehouseCode": "W1",
                "documentNo": f"OLD-{day}",
                "shippedOn": day,
                "lines": [{"sku": "SKU-A", "quantity": 1}],
            },
        )
        assert codes(made["recordShipment"]) == ["DATE_OUT_OF_RANGE"]
        made = await admin(
            ADJUST,
            input={
                "warehouseCode": "W1",
                "sku": "SKU-A",
                "quantity": 1,
                "reason": "DAMAGE",
                "businessDate": day,
            },
        )
        assert codes(made["postAdjustment"]) == ["DATE_OUT_OF_RANGE"]
    assert await Shipment.all().count() == 0 and await LedgerEntry.all().count() == 0

    d1 = await Partner.get(code="D1")
    _, sales = await create_token(ch.admin.manufacturer_id, Role.PARTNER_SALES, partner_id=d1.id)
    request = design("Acme", "US")
    request["expectedCloseOn"] = "0001-01-01"
    made = await Graph(client, sales)(REGISTER, input=request)
    assert codes(made["registerDesign"]) == ["DATE_OUT_OF_RANGE"]

    _, inventory = await create_token(
        ch.admin.manufacturer_id, Role.PARTNER_INVENTORY, partner_id=d1.id
    )
    graph = Graph(client, inventory)
    for period in ("0001-01", "1999-12", "2099-01"):
        made = await graph(SUBMIT_POS, input={"period": period, "lines": [gql_line()]})
        assert codes(made["submitPos"]) == ["DATE_OUT_OF_RANGE"], period
    assert await Submission.all().count() == 0

    data = pos_csv(
        "W1,SKU-A,1,0001-10-10,Acme,US,,,,INV-1,", "W1,SKU-A,1,9999-10-10,Acme,US,,,,INV-2,"
    )
    _, issues = await outcome(app, await upload(client, inventory, data))
    assert issues == [(2, "sold_on", "DATE_OUT_OF_RANGE"), (3, "sold_on", "DATE_OUT_OF_RANGE")]
    assert await posted() == 0
