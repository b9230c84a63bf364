"""Variants of the hardened input classes, tried again through the public surface: the
ERP feed's quantities and malformed items, customer names that differ only by invisible
characters or accents, bidirectional controls in text, and typed XLSX cells read under a
mapping template. Each was accepted (or crashed a run) before its fix."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import openpyxl

from portal.domain.access.tokens import create_token
from portal.domain.integrations.erp import sync_erp
from portal.domain.integrations.outbound_http import guarded_client
from portal.models import ErpCursor, Partner, PosLine, Shipment
from portal.models.enums import Role, SubmissionStatus
from tests.fake_erp import FakeErp, serve_fake_erp
from tests.graph import Graph
from tests.ledger_fixtures import build_channel
from tests.test_erp import LOOPBACK, _configure
from tests.test_hostile_input import PARTNER, REGISTER, design
from tests.test_uploads import outcome, pos_csv, setup, upload


def _shipment(doc: str, quantity: Any, **extra: Any) -> dict[str, Any]:
    return {
        "document_no": doc,
        "partner_code": "D1",
        "warehouse_code": "W1",
        "shipped_on": "2026-10-01",
        "updated_at": "2026-10-01T00:00:00Z",
        "lines": [{"sku": "SKU-A", "quantity": quantity}],
        **extra,
    }


async def test_erp_quantities_are_strict_and_a_malformed_item_never_fails_the_run(db) -> None:
    ch = await build_channel()
    erp = FakeErp(
        products=[
            "not an object",
            {"sku": "SKU-A", "name": ["a", "list"], "updated_at": "2026-10-01T00:00:00Z"},
            {"sku": "ERP-1", "name": "Fine", "updated_at": "2026-10-02T00:00:00Z"},
        ],
        shipments=[
            _shipment("ERP-OK", 5, updated_at="2026-10-03T00:00:00Z"),
            _shipment("ERP-UNDERSCORE", "1_000"),
            _shipment("ERP-FULLWIDTH", "\uff15"),
            _shipment("ERP-ARABIC", "\u0663"),
            _shipment("ERP-FRACTION", 2.9),
            _shipment("ERP-BOOL", True),
            _shipment("ERP-HUGE", 10**30),
            _shipment("ERP-FUTURE", 1, updated_at="9999-12-31T00:00:00Z"),
            _shipment("ERP-LONGSTAMP", 1, updated_at="2026-10-01T00:00:00" + "0" * 100),
            _shipment("ERP-SERIALS", 1, lines=[{"sku": "SKU-A", "quantity": 1, "serials": 7}]),
            ["a", "list"],
        ],
    )
    async with serve_fake_erp(erp) as erp, guarded_client(LOOPBACK) as http:
        await _configure(ch, erp)
        run = await sync_erp(ch.admin.manufacturer_id, http, backoff=0.01)
    assert run.status == "OK", run.error
    assert (run.products_imported, run.shipments_imported) == (1, 1)
    failed = {(e["resource"], e["item"]) for e in run.item_errors}
    assert failed == {
        ("products", None),
        ("products", "SKU-A"),
        *(
            ("shipments", doc)
            for doc in (
                "ERP-UNDERSCORE",
                "ERP-FULLWIDTH",
                "ERP-ARABIC",
                "ERP-FRACTION",
                "ERP-BOOL",
                "ERP-HUGE",
                "ERP-FUTURE",
                "ERP-LONGSTAMP",
                "ERP-SERIALS",
            )
        ),
        ("shipments", None),
    }, run.item_errors
    assert [s.document_no for s in await Shipment.filter(source="ERP")] == ["ERP-OK"]
    cursors = dict(await ErpCursor.all().values_list("resource", "cursor"))
    assert cursors == {"products": "2026-10-02T00:00:00Z", "shipments": "2026-10-03T00:00:00Z"}


async def test_customers_differing_by_invisible_characters_or_accents_meet(client) -> None:
    ch = await build_channel()
    d1, d2 = await Partner.get(code="D1"), await Partner.get(code="D2")
    _, t1 = await create_token(ch.admin.manufacturer_id, Role.PARTNER_SALES, partner_id=d1.id)
    _, t2 = await create_token(ch.admin.manufacturer_id, Role.PARTNER_SALES, partner_id=d2.id)
    first, second = Graph(client, t1), Graph(client, t2)
    pairs = [
        ("Ac\u200bme Robotics", "Acme Robotics", "US", True),  # zero-width space
        ("Acme\u00adRobotics", "AcmeRobotics", "CA", True),  # soft hyphen
        ("Acme\u2060 Robo\u200dtics", "ACME ROBOTICS", "GB", True),  # joiners
        ("Acmé Röbotics GmbH", "ACME Robotics", "DE", True),  # accents
        ("Ωμέγα ΑΕ", "ΩΜΕΓΑ ΑΕ", "GR", True),  # noqa: RUF001  # Greek tonos
        ("संत", "सत", "IN", False),  # a Devanagari mark is part of the word
        ("Василёк", "Ромашка", "RU", False),
    ]
    for one, other, country, conflict in pairs:
        made1 = (await first(REGISTER, input=design(one, country)))["registerDesign"]
        made2 = (await second(REGISTER, input=design(other, country)))["registerDesign"]
        assert made1["errors"] == [] and made2["errors"] == [], (made1, made2)
        found = made2["designRegistration"]["conflicts"]
        assert (found == [{"sku": "SKU-A"}]) is conflict, (one, other, found)


async def test_bidirectional_controls_are_refused_in_text(client, app) -> None:
    ch, token = await setup(client)
    admin_token = (await create_token(ch.admin.manufacturer_id, Role.ADMIN))[1]
    admin = Graph(client, admin_token)
    for name in ("Acme\u202eHbmG", "Acme\u2067x\u2069", "\u202aAcme"):
        made = await admin(PARTNER, input={"code": "DX", "name": name, "tier": "DISTRIBUTOR"})
        assert [e["code"] for e in made["createPartner"]["errors"]] == ["INVALID"], name
    bad = "W1,SKU-A,1,2026-10-10,Acme\u202eHbmG,US,,,,INV-B,"
    submission, issues = await outcome(app, await upload(client, token, pos_csv(bad)))
    assert issues == [(2, "end_customer_name", "INVALID_CHARACTERS")]
    assert submission.status is SubmissionStatus.REJECTED


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_typed_xlsx_cells_read_as_their_values_under_a_template(client, app) -> None:
    _, token = await setup(client)
    graph = Graph(client, token)
    saved = await graph(
        """mutation { saveMappingTemplate(input: {name: "de", kind: POS, dateFormat: "%d.%m.%Y",
           decimalComma: true, columns: [{field: "unit_price", column: "Preis"}]})
           { template { name } errors { code message } } }"""
    )
    assert saved["saveMappingTemplate"]["errors"] == []
    header = ["warehouse_code", "sku", "quantity", "sold_on", "end_customer_name"]
    header += ["end_customer_country", "Preis", "invoice_no"]
    data = _xlsx(
        [
            header,
            ["W1", "SKU-A", 3, datetime(2026, 10, 15, 9, 30), "Acme", "DE", 12.5, "I-1"],
            ["W1", "SKU-A", 2.0, date(2026, 10, 16), "Acme", "DE", 0.1, "I-2"],
        ]
    )
    submission, issues = await outcome(
        app, await upload(client, token, data, name="pos.xlsx", mapping="de")
    )
    assert (submission.status, issues) == (SubmissionStatus.ACCEPTED, [])
    lines = await PosLine.filter(submission_id=submission.id).order_by("invoice_no")
    assert [(ln.quantity, ln.sold_on, str(ln.unit_price)) for ln in lines] == [
        (3, date(2026, 10, 15), "12.5000"),
        (2, date(2026, 10, 16), "0.1000"),
    ]

    default = _xlsx(
        [
            [*header[:6], "invoice_no"],
            ["W1", "SKU-A", 2.5, date(2026, 10, 15), "Acme", "DE", "I-3"],
            ["W1", "SKU-A", 1e-7, date(2026, 10, 15), "Acme", "DE", "I-4"],
            ["W1", "SKU-A", 1, datetime(2026, 10, 15, 23, 59), "Acme", "DE", "I-5"],
            ["W1", "SKU-A", 1, datetime(1900, 1, 1), "Acme", "DE", "I-6"],
        ]
    )
    submission, issues = await outcome(
        app, await upload(client, token, default, name="pos.xlsx", period="2026-10")
    )
    assert issues == [
        (2, "quantity", "FRACTIONAL_QUANTITY"),
        (3, "quantity", "FRACTIONAL_QUANTITY"),
        (5, "sold_on", "DATE_OUT_OF_RANGE"),
    ]
