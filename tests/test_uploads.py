"""File uploads: dialects, mapping templates, and hostile or broken input."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import openpyxl

from portal.domain.access.tokens import create_token
from portal.domain.catalog import tenants
from portal.domain.ledger import shipments
from portal.domain.ledger.shipments import LineInput
from portal.domain.reporting import stored
from portal.models import LedgerEntry, Partner, PosLine, StockBalance, Submission, SubmissionIssue
from portal.models.enums import FileRejectionPolicy, Role, SubmissionStatus
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.ledger_fixtures import build_channel

HEADER = "warehouse_code,sku,quantity,sold_on,end_customer_name,end_customer_country,end_customer_postal_code,unit_price,currency,invoice_no,serials\n"


def pos_csv(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


async def setup(client):  # type: ignore[no-untyped-def]
    ch = await build_channel()
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="INV-1",
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-A", 100)],
    )
    await shipments.receive_shipment(ch.admin, shipment.id)
    d1 = await Partner.get(code="D1")
    _, token = await create_token(
        ch.admin.manufacturer_id, Role.PARTNER_INVENTORY, partner_id=d1.id
    )
    return ch, token


async def upload(
    client,
    token: str,
    data: bytes,
    *,
    kind: str = "POS",
    period: str = "2026-10",
    name: str = "pos.csv",
    headers: dict | None = None,
    **form: str,
):  # type: ignore[no-untyped-def]
    return await client.post(
        "/uploads",
        data={"kind": kind, "period": period, **form},
        files={"file": (name, data, "application/octet-stream")},
        headers={"Authorization": f"Bearer {token}", **(headers or {})},
    )


async def outcome(app, response) -> tuple[Submission, list[tuple]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 202, response.text
    await run_jobs(app)
    submission = await Submission.get(id=int(response.json()["submissionId"]))
    issues = (
        await SubmissionIssue.filter(submission_id=submission.id)
        .order_by("row", "id")
        .values_list("row", "field", "code")
    )
    return submission, issues


GOOD = "W1,SKU-A,5,2026-10-10,Acme Robotics,US,02110,12.50,USD,INV-9,"


async def test_unknown_sku_on_row_3_is_reported_exactly(client, app) -> None:
    _, token = await setup(client)
    response = await upload(client, token, pos_csv(GOOD, "W1,NOPE,1,2026-10-11,Beta,US,,,,INV-10,"))
    submission, issues = await outcome(app, response)
    assert submission.status is SubmissionStatus.REJECTED
    assert issues == [(3, "sku", "UNKNOWN_SKU")]
    assert await LedgerEntry.filter(source_type="SUBMISSION").count() == 0


async def test_skip_bad_rows_policy_posts_the_good_ones(client, app) -> None:
    ch, token = await setup(client)
    await tenants.update_settings(ch.admin, file_rejection_policy=FileRejectionPolicy.SKIP_BAD_ROWS)
    response = await upload(client, token, pos_csv(GOOD, "W1,NOPE,1,2026-10-11,Beta,US,,,,INV-10,"))
    submission, issues = await outcome(app, response)
    assert submission.status is SubmissionStatus.ACCEPTED_WITH_WARNINGS
    assert issues == [(3, "sku", "UNKNOWN_SKU")]
    assert (await StockBalance.get(warehouse__code="W1", product__sku="SKU-A")).quantity == 95


async def test_dialects_windows_1252_semicolons_bom_and_xlsx(client, app) -> None:
    _, token = await setup(client)
    text = HEADER.replace(",", ";") + "W1;SKU-A;2;2026-10-03;Café Zürich AG;CH;8001;;;;\n"
    for data in (text.encode("cp1252"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        submission, issues = await outcome(app, await upload(client, token, data))
        assert (submission.status, issues) == (SubmissionStatus.ACCEPTED, [])
    assert await PosLine.filter(end_customer_name="Café Zürich AG").count() == 2

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["warehouse_code", "sku", "quantity"])
    sheet.append(["W1", "SKU-A", 7])
    buffer = io.BytesIO()
    book.save(buffer)
    submission, issues = await outcome(
        app, await upload(client, token, buffer.getvalue(), kind="STOCK", name="stock.xlsx")
    )
    assert (submission.status, issues) == (SubmissionStatus.ACCEPTED, [])


async def test_mapping_template_with_own_columns_dates_decimals_and_skus(client, app) -> None:
    _, token = await setup(client)
    graph = Graph(client, token)
    await graph(
        'mutation { mapPartnerSku(input: {partnerSku: "OUR-77", sku: "SKU-A"}) { errors { code } } }'
    )
    saved = await graph(
        """mutation { saveMappingTemplate(input: {name: "erp-export", kind: POS, dateFormat: "%d.%m.%Y",
           decimalComma: true, partnerSkus: true, columns: [
             {field: "warehouse_code", column: "Lager"}, {field: "sku", column: "Artikel"},
             {field: "quantity", column: "Menge"}, {field: "sold_on", column: "Datum"},
             {field: "end_customer_name", column: "Kunde"}, {field: "end_customer_country", column: "Land"},
             {field: "unit_price", column: "Preis"}]}) { template { name } errors { code message } } }"""
    )
    assert saved["saveMappingTemplate"]["errors"] == []
    data = "Lager;Artikel;Menge;Datum;Kunde;Land;Preis;Notiz\nW1;OUR-77;3;15.10.2026;Acme;DE;1.234,50;x\n"
    submission, issues = await outcome(
        app, await upload(client, token, data.encode(), mapping="erp-export")
    )
    assert (submission.status, issues) == (SubmissionStatus.ACCEPTED, [])
    line = await PosLine.get(submission_id=submission.id)
    assert (line.quantity, str(line.unit_price), line.sold_on) == (
        3,
        "1234.5000",
        date(2026, 10, 15),
    )


async def test_hostile_and_broken_files_are_coded_and_post_nothing(client, app) -> None:
    _, token = await setup(client)
    cases = {
        "EMPTY_FILE": b"",
        "NO_ROWS": HEADER.encode(),
        "MISSING_COLUMNS": b"warehouse_code,sku\nW1,SKU-A\n",
        "UNKNOWN_COLUMNS": (HEADER.strip() + ",colour\n" + GOOD + ",red\n").encode(),
        "ENCODING": pos_csv(GOOD).decode().encode("utf-16"),
        "LINE_TOO_LONG": b"x" * (20 * 1024 * 1024),
    }
    for code, data in cases.items():
        submission, issues = await outcome(app, await upload(client, token, data))
        assert submission.status is SubmissionStatus.REJECTED, code
        assert [i[2] for i in issues] == [code], (code, issues)
    missing = await SubmissionIssue.get(code="MISSING_COLUMNS")
    assert "Expected: warehouse_code, sku, quantity, sold_on" in missing.message

    foreign = pos_csv("W3,SKU-A,1,2026-10-10,Acme,US,,,,INV-1,")  # D2's warehouse
    _, issues = await outcome(app, await upload(client, token, foreign))
    assert issues == [(2, "warehouse_code", "UNKNOWN_WAREHOUSE")]
    assert await LedgerEntry.filter(source_type="SUBMISSION").count() == 0


async def test_formulas_stay_inert_text(client, app) -> None:
    _, token = await setup(client)
    evil = "=cmd|' /C calc'!A0"
    data = pos_csv(f'W1,SKU-A,1,2026-10-10,"{evil}",US,,,,INV-1,')
    submission, issues = await outcome(app, await upload(client, token, data))
    assert (submission.status, issues) == (SubmissionStatus.ACCEPTED, [])
    assert (await PosLine.get(submission_id=submission.id)).end_customer_name == evil


async def test_xlsx_zip_bomb_is_refused(client, app) -> None:
    _, token = await setup(client)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        bomb.writestr("xl/worksheets/sheet1.xml", b"\x00" * (50 * 1024 * 1024))
    submission, issues = await outcome(
        app, await upload(client, token, buffer.getvalue(), name="bomb.xlsx")
    )
    assert submission.status is SubmissionStatus.REJECTED
    assert [i[2] for i in issues] == ["XLSX_TOO_LARGE"]


async def test_request_level_refusals(client, app) -> None:
    _, token = await setup(client)
    bad_period = await upload(client, token, pos_csv(GOOD), period="2026-13")
    assert bad_period.status_code == 400
    assert bad_period.json()["errors"][0]["code"] == "INVALID_PERIOD"
    too_big = await upload(client, token, b"x" * (app.state.settings.max_body_bytes + 1))
    assert too_big.status_code == 413
    unauthenticated = await client.post("/uploads", files={"file": ("a.csv", b"x")})
    assert unauthenticated.status_code == 401
    assert await Submission.all().count() == 0


async def test_idempotency_key_and_dry_run(client, app) -> None:
    _, token = await setup(client)
    first = await upload(client, token, pos_csv(GOOD), headers={"Idempotency-Key": "file-1"})
    again = await upload(client, token, pos_csv(GOOD), headers={"Idempotency-Key": "file-1"})
    assert first.json()["submissionId"] == again.json()["submissionId"]
    other = await upload(
        client, token, pos_csv(GOOD.replace(",5,", ",6,")), headers={"Idempotency-Key": "file-1"}
    )
    assert (
        other.status_code == 400 and other.json()["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    )
    await run_jobs(app)
    assert (await StockBalance.get(warehouse__code="W1", product__sku="SKU-A")).quantity == 95

    dry = await upload(client, token, pos_csv(GOOD.replace("INV-9", "INV-10")), dryRun="true")
    submission, issues = await outcome(app, dry)
    assert (submission.status, submission.dry_run, issues) == (SubmissionStatus.ACCEPTED, True, [])
    assert (await StockBalance.get(warehouse__code="W1", product__sku="SKU-A")).quantity == 95


async def test_graphql_multipart_upload(client, app) -> None:
    _, token = await setup(client)
    operations = json.dumps(
        {
            "query": 'mutation($f: Upload!) { uploadSubmission(input: {kind: POS, period: "2026-10", file: $f})'
            " { submission { id status } errors { code } } }",
            "variables": {"f": None},
        }
    )
    form = {"operations": operations, "map": json.dumps({"0": ["variables.f"]})}
    files = {"0": ("pos.csv", pos_csv(GOOD), "text/csv")}
    auth = {"Authorization": f"Bearer {token}"}
    refused = await client.post("/graphql", data=form, files=files, headers=auth)
    assert refused.status_code == 400  # no preflighted header: a cross-site form cannot do this
    sent = await client.post(
        "/graphql", data=form, files=files, headers={**auth, "Apollo-Require-Preflight": "1"}
    )
    assert sent.status_code == 200, sent.text
    submission_id = sent.json()["data"]["uploadSubmission"]["submission"]["id"]
    await run_jobs(app)
    assert (await Submission.get(id=int(submission_id))).status is SubmissionStatus.ACCEPTED


def _workbook(cells: dict[str, object]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for at, value in cells.items():
        sheet[at] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_xlsx_rows_keep_their_file_numbers_formulas_and_errors_their_text(
    client, app
) -> None:
    ch, token = await setup(client)
    graph = Graph(client, token)
    saved = await graph(
        """mutation { saveMappingTemplate(input: {name: "offset", kind: STOCK, headerRow: 3,
           columns: []}) { template { name } errors { code message } } }"""
    )
    assert saved["saveMappingTemplate"]["errors"] == []
    # Rows 1-2 and column A empty, the header on row 3, row 5 empty: numbers are file rows.
    offset = _workbook(
        {"B3": "warehouse_code", "C3": "sku", "D3": "quantity"}
        | {"B4": "W1", "C4": "SKU-A", "D4": 4, "B6": "W1", "C6": "NOPE", "D6": 1.0}
    )
    submission, issues = await outcome(
        app, await upload(client, token, offset, kind="STOCK", name="s.xlsx", mapping="offset")
    )
    assert (submission.status, issues) == (SubmissionStatus.REJECTED, [(4, "sku", "UNKNOWN_SKU")])

    # A formula stays its text (never evaluated, no cached value needed); an error cell
    # reads as its code.
    header = dict(zip("ABCDEF", HEADER.split(",")[:6], strict=True))
    row2 = {"A2": "W1", "B2": "SKU-A", "C2": 1, "D2": "2026-10-10", "E2": "=A2", "F2": "US"}
    row3 = {"A3": "W1", "B3": "#N/A", "C3": 1, "D3": "2026-10-11", "E3": "Acme", "F3": "US"}
    typed = _workbook({f"{c}1": name for c, name in header.items()} | row2 | row3)
    submission, issues = await outcome(app, await upload(client, token, typed, name="p.xlsx"))
    assert (submission.status, issues) == (SubmissionStatus.REJECTED, [(3, "sku", "UNKNOWN_SKU")])
    await tenants.update_settings(ch.admin, file_rejection_policy=FileRejectionPolicy.SKIP_BAD_ROWS)
    submission, _ = await outcome(app, await upload(client, token, typed, name="p.xlsx"))
    assert submission.status is SubmissionStatus.ACCEPTED_WITH_WARNINGS
    assert (await PosLine.get(submission_id=submission.id)).end_customer_name == "=A2"


async def test_a_csv_read_in_slices_splits_no_line_character_or_quoted_field(
    client, app, monkeypatch
) -> None:
    # The worker reads the stored file a byte at a time: slice ends fall inside
    # "\r\n", inside multi-byte characters, inside a quoted field spanning two lines.
    monkeypatch.setattr(stored, "SLICE_BYTES", 1)
    ch, token = await setup(client)
    await tenants.update_settings(ch.admin, file_rejection_policy=FileRejectionPolicy.SKIP_BAD_ROWS)
    rows = [
        'W1,SKU-A,1,2026-10-10,"Café Zürich, AG",CH,8001,,,INV-1,',
        'W1,SKU-A,1,2026-10-11,"Multi\r\nline",US,,,,INV-2,',
        "",
        "W1,NOPE,1,2026-10-12,Acme,US,,,,INV-3,",
        "W1,SKU-A,2,2026-10-13,Ärger GmbH,DE,,,,INV-4,",
    ]
    data = b"\xef\xbb\xbf" + (HEADER.strip() + "\r\n" + "\r\n".join(rows) + "\r\n").encode()
    submission, issues = await outcome(app, await upload(client, token, data))
    assert submission.status is SubmissionStatus.ACCEPTED_WITH_WARNINGS
    assert issues == [(3, "end_customer_name", "INVALID_CHARACTERS"), (5, "sku", "UNKNOWN_SKU")]
    lines = await PosLine.filter(submission_id=submission.id).order_by("row")
    assert [(ln.row, ln.end_customer_name, ln.quantity) for ln in lines] == [
        (2, "Café Zürich, AG", 1),
        (6, "Ärger GmbH", 2),
    ]
