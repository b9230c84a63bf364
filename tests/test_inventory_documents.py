"""A partner's inventory documents through the graph, on both backends: opening stock,
inbound and outbound documents post exactly their ledger entries and show in
reconciliation as their own components; above the manufacturer's approval threshold a
document waits, posts nothing, and posts only when a channel manager approves it (a
rejection needs a note); the partner sees only its own documents; bad input is coded and
changes nothing; the idempotency key returns the first document."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.domain.access.tokens import create_token
from portal.domain.catalog import warehouses
from portal.domain.ledger.adjustments import AdjustmentReason, post_adjustment
from portal.domain.reconciliation.recompute import drain_dirty
from portal.models import (
    InventoryDocument,
    InventoryDocumentLine,
    LedgerEntry,
    OutboxEvent,
    Partner,
    StockBalance,
)
from portal.models.enums import LedgerKind, Role, WarehouseKind
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.ledger_fixtures import Channel, build_channel

DOC = """id kind reason status documentNo businessDate period totalQuantity note reviewNote
  warehouseCode partnerCode postedAt lines { sku quantity }"""
RECORD = f"""mutation($input: RecordInventoryDocumentInput!) {{
  recordInventoryDocument(input: $input) {{ inventoryDocument {{ {DOC} }}
  errors {{ field code message }} }} }}"""
REVIEW = f"""mutation($input: ReviewInventoryDocumentInput!) {{
  reviewInventoryDocument(input: $input) {{ inventoryDocument {{ {DOC} }}
  errors {{ field code message }} }} }}"""
DOCS = f"""query($status: InventoryDocumentStatus, $partnerCode: String) {{
  inventoryDocuments(status: $status, partnerCode: $partnerCode, first: 20) {{
  totalCount edges {{ node {{ {DOC} }} }} }} }}"""
ROWS = """{ reconciliation(period: "2026-10", partnerCode: "D1") { edges { node {
  warehouseCode sku opening adjustments calculated
  adjustmentComponents { source reason quantity } } } } }"""
SUMMARY = """{ channelSummary(periodFrom: "2026-09", periodTo: "2026-10", partnerCode: "D1") {
  period calculatedInventory adjustmentComponents { source reason quantity } } }"""
SETTINGS = """mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) {
  settings { documentApprovalThreshold } errors { field code } } }"""


async def _channel(client) -> tuple[Channel, Graph, Graph, Graph, Graph]:  # type: ignore[no-untyped-def]
    ch = await build_channel()
    m = ch.admin.manufacturer_id
    d1 = await Partner.get(code="D1")
    d2 = await Partner.get(code="D2")
    _, manager = await create_token(m, Role.CHANNEL_MANAGER)
    _, keeper = await create_token(m, Role.PARTNER_INVENTORY, partner_id=d1.id)
    _, other = await create_token(m, Role.PARTNER_INVENTORY, partner_id=d2.id)
    _, admin = await create_token(m, Role.ADMIN)
    return (
        ch,
        Graph(client, manager),
        Graph(client, keeper),
        Graph(client, other),
        Graph(client, admin),
    )


def _doc(kind: str, quantity: int, day: str, reason: str | None = None, **extra: Any) -> dict:  # type: ignore[type-arg]
    return {
        "kind": kind,
        "warehouseCode": "W1",
        "reason": reason,
        "businessDate": day,
        "lines": [{"sku": "SKU-A", "quantity": quantity}],
        **extra,
    }


async def _record(graph: Graph, doc: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = (await graph(RECORD, input=doc))["recordInventoryDocument"]
    return payload


async def _balance() -> int:
    rows = await StockBalance.filter(warehouse__code="W1", product__sku="SKU-A").values_list(
        "quantity", flat=True
    )
    return sum(int(q) for q in rows)


async def _entries() -> list[tuple[str, int, str | None, str]]:
    return [
        (e.kind.value, e.quantity, e.reason, e.business_date.isoformat())
        for e in await LedgerEntry.filter(source_type="INVENTORY_DOCUMENT").order_by("id")
    ]


async def _rows(manager: Graph, app: Any) -> dict[str, dict[str, Any]]:
    await run_jobs(app)
    await drain_dirty(today=date(2026, 11, 5))
    edges = (await manager(ROWS))["reconciliation"]["edges"]
    return {f"{e['node']['warehouseCode']}/{e['node']['sku']}": e["node"] for e in edges}


async def test_documents_post_their_entries_and_show_apart_in_reconciliation(client, app) -> None:
    ch, manager, keeper, _, _ = await _channel(client)
    opening = await _record(keeper, _doc("OPENING_STOCK", 40, "2026-09-30", documentNo="OPEN-1"))
    assert opening["errors"] == []
    doc = opening["inventoryDocument"]
    assert (doc["kind"], doc["reason"], doc["status"], doc["period"], doc["totalQuantity"]) == (
        "OPENING_STOCK",
        "OPENING_BALANCE",
        "POSTED",
        "2026-09",
        40,
    )
    assert (doc["warehouseCode"], doc["partnerCode"], doc["documentNo"]) == ("W1", "D1", "OPEN-1")
    assert doc["lines"] == [{"sku": "SKU-A", "quantity": 40}] and doc["postedAt"]

    inbound = await _record(keeper, _doc("INBOUND", 15, "2026-10-05", "OTHER_SUPPLIER"))
    outbound = await _record(keeper, _doc("OUTBOUND", 6, "2026-10-09", "SAMPLE"))
    scrap = await _record(keeper, _doc("OUTBOUND", 2, "2026-10-12", "SCRAP"))
    assert [x["errors"] for x in (inbound, outbound, scrap)] == [[], [], []]
    assert await _balance() == 40 + 15 - 6 - 2
    assert await _entries() == [
        ("OPENING", 40, "OPENING_STOCK", "2026-09-30"),
        ("ADJUSTMENT", 15, "INBOUND:OTHER_SUPPLIER", "2026-10-05"),
        ("ADJUSTMENT", -6, "OUTBOUND:SAMPLE", "2026-10-09"),
        ("ADJUSTMENT", -2, "OUTBOUND:SCRAP", "2026-10-12"),
    ]

    # A manufacturer's adjustment by hand: shown apart from the documents.
    await post_adjustment(
        ch.admin,
        warehouse_code="W1",
        sku="SKU-A",
        quantity=-1,
        reason=AdjustmentReason.DAMAGE,
        business_date=date(2026, 10, 15),
    )
    row = (await _rows(manager, app))["W1/SKU-A"]
    assert (row["opening"], row["adjustments"], row["calculated"]) == (40, 6, 46)
    assert row["adjustmentComponents"] == [
        {"source": "ADJUSTMENT", "reason": "DAMAGE", "quantity": -1},
        {"source": "INBOUND", "reason": "OTHER_SUPPLIER", "quantity": 15},
        {"source": "OUTBOUND", "reason": "SAMPLE", "quantity": -6},
        {"source": "OUTBOUND", "reason": "SCRAP", "quantity": -2},
    ]
    # The channel summary shows the same parts, per period.
    summary = {r["period"]: r for r in (await manager(SUMMARY))["channelSummary"]}
    assert summary["2026-09"]["adjustmentComponents"] == [
        {"source": "OPENING_STOCK", "reason": None, "quantity": 40}
    ]
    assert summary["2026-10"]["adjustmentComponents"] == row["adjustmentComponents"]
    assert summary["2026-10"]["calculatedInventory"] == 46
    events = [e.event_type for e in await OutboxEvent.all().order_by("id")]
    assert events.count("inventory_document.posted") == 4
    assert events.count("inventory_document.recorded") == 4

    # A second opening stock for the same warehouse is refused; nothing changes.
    again = await _record(keeper, _doc("OPENING_STOCK", 5, "2026-10-01"))
    assert (again["inventoryDocument"], again["errors"][0]["code"]) == (None, "ALREADY_EXISTS")
    # An outbound beyond the stock on hand is refused; nothing changes.
    short = await _record(keeper, _doc("OUTBOUND", 48, "2026-10-20", "SCRAP"))
    assert short["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    assert await InventoryDocument.all().count() == 4
    assert await _balance() == 46


async def test_over_the_threshold_a_document_waits_for_a_channel_manager(client, app) -> None:
    _ch, manager, keeper, _, admin = await _channel(client)
    assert (await admin(SETTINGS, input={"documentApprovalThreshold": 10}))["updateSettings"][
        "settings"
    ] == {"documentApprovalThreshold": 10}
    bad = (await admin(SETTINGS, input={"documentApprovalThreshold": -1}))["updateSettings"]
    assert bad["errors"][0]["code"] == "INVALID"

    small = await _record(keeper, _doc("INBOUND", 10, "2026-10-03", "FOUND"))
    assert small["inventoryDocument"]["status"] == "POSTED"  # at the threshold: no approval
    big = await _record(keeper, _doc("INBOUND", 30, "2026-10-04", "OTHER_SUPPLIER"))
    waiting = big["inventoryDocument"]
    assert (waiting["status"], waiting["postedAt"]) == ("PENDING_APPROVAL", None)
    assert await _balance() == 10 and len(await _entries()) == 1

    # The partner cannot approve; the manager sees it among the pending ones.
    refused = await keeper.raw(REVIEW, {"input": {"id": waiting["id"], "decision": "APPROVE"}})
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    pending = (await manager(DOCS, status="PENDING_APPROVAL"))["inventoryDocuments"]
    assert [e["node"]["id"] for e in pending["edges"]] == [waiting["id"]]

    approved = (await manager(REVIEW, input={"id": waiting["id"], "decision": "APPROVE"}))[
        "reviewInventoryDocument"
    ]
    assert approved["errors"] == [] and approved["inventoryDocument"]["status"] == "POSTED"
    assert await _balance() == 40
    assert (await _entries())[-1] == ("ADJUSTMENT", 30, "INBOUND:OTHER_SUPPLIER", "2026-10-04")
    twice = (await manager(REVIEW, input={"id": waiting["id"], "decision": "APPROVE"}))[
        "reviewInventoryDocument"
    ]
    assert twice["errors"][0]["code"] == "INVALID_STATE" and await _balance() == 40

    # A pending outbound: refused now if the stock is not there, else it waits.
    over = await _record(keeper, _doc("OUTBOUND", 41, "2026-10-06", "SCRAP"))
    assert over["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    scrap = (await _record(keeper, _doc("OUTBOUND", 12, "2026-10-06", "SCRAP")))[
        "inventoryDocument"
    ]
    assert scrap["status"] == "PENDING_APPROVAL"
    no_note = (await manager(REVIEW, input={"id": scrap["id"], "decision": "REJECT"}))[
        "reviewInventoryDocument"
    ]
    assert (no_note["errors"][0]["code"], no_note["errors"][0]["field"]) == ("REQUIRED", ["note"])
    rejected = (
        await manager(
            REVIEW, input={"id": scrap["id"], "decision": "REJECT", "note": "show the photos"}
        )
    )["reviewInventoryDocument"]["inventoryDocument"]
    assert (rejected["status"], rejected["reviewNote"]) == ("REJECTED", "show the photos")
    assert await _balance() == 40 and len(await _entries()) == 2
    row = (await _rows(manager, app))["W1/SKU-A"]
    assert row["adjustmentComponents"] == [
        {"source": "INBOUND", "reason": "FOUND", "quantity": 10},
        {"source": "INBOUND", "reason": "OTHER_SUPPLIER", "quantity": 30},
    ]
    kinds = {e.event_type for e in await OutboxEvent.all()}
    assert {"inventory_document.posted", "inventory_document.rejected"} <= kinds


async def test_documents_are_scoped_coded_and_idempotent(client, app) -> None:
    _ch, manager, keeper, other, _ = await _channel(client)
    doc = _doc("INBOUND", 5, "2026-10-02", "FOUND", idempotencyKey="k-1")
    first = (await _record(keeper, doc))["inventoryDocument"]
    repeat = (await _record(keeper, doc))["inventoryDocument"]
    assert repeat["id"] == first["id"] and await _balance() == 5
    reused = await _record(keeper, {**doc, "lines": [{"sku": "SKU-A", "quantity": 6}]})
    assert reused["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"

    # Another partner sees none of D1's documents and cannot record on D1's warehouse.
    assert (await other(DOCS))["inventoryDocuments"]["totalCount"] == 0
    named = await other.raw(DOCS, {"partnerCode": "D1"})
    assert named.json()["data"] is None and "OPEN" not in named.text
    theirs = await _record(other, _doc("INBOUND", 1, "2026-10-02", "FOUND"))
    assert (theirs["errors"][0]["code"], theirs["errors"][0]["field"]) == (
        "NOT_FOUND",
        ["warehouseCode"],
    )
    one = await other.raw(
        "query($id: ID!) { inventoryDocument(id: $id) { id } }", {"id": first["id"]}
    )
    assert one.json()["data"]["inventoryDocument"] is None
    assert (await manager(DOCS, partnerCode="D1"))["inventoryDocuments"]["totalCount"] == 1

    await warehouses.create_warehouse(
        _ch.admin, code="C1", name="C1", partner_code="D1", kind=WarehouseKind.CONSIGNMENT
    )
    before = (await InventoryDocument.all().count(), await InventoryDocumentLine.all().count())
    cases: list[tuple[dict[str, Any], str, list[str]]] = [
        (_doc("INBOUND", 5, "2026-10-02"), "REQUIRED", ["reason"]),
        (_doc("INBOUND", 5, "2026-10-02", "SCRAP"), "INVALID", ["reason"]),
        (_doc("OUTBOUND", 5, "2026-10-02", "OTHER"), "REQUIRED", ["note"]),
        (_doc("INBOUND", 0, "2026-10-02", "FOUND"), "INVALID_QUANTITY", ["lines", "0", "quantity"]),
        (_doc("INBOUND", 5, "2099-01-01", "FOUND"), "DATE_OUT_OF_RANGE", ["businessDate"]),
        (
            {
                **_doc("INBOUND", 5, "2026-10-02", "FOUND"),
                "lines": [{"sku": "NOPE", "quantity": 1}],
            },
            "NOT_FOUND",
            ["lines", "0", "sku"],
        ),
        (
            {
                **_doc("INBOUND", 5, "2026-10-02", "FOUND"),
                "lines": [{"sku": "SKU-S", "quantity": 1}],
            },
            "SERIALS_MISMATCH",
            ["lines", "0", "sku"],
        ),
        ({**_doc("INBOUND", 5, "2026-10-02", "FOUND"), "lines": []}, "REQUIRED", ["lines"]),
        (  # a consignment warehouse's stock is the manufacturer's
            {**_doc("OUTBOUND", 5, "2026-10-02", "SCRAP"), "warehouseCode": "C1"},
            "INVALID",
            ["warehouseCode"],
        ),
    ]
    for payload, code, field in cases:
        errors = (await _record(keeper, payload))["errors"]
        assert (errors[0]["code"], errors[0]["field"]) == (code, field), payload
    assert (
        await InventoryDocument.all().count(),
        await InventoryDocumentLine.all().count(),
    ) == before
    assert await _balance() == 5
    assert [e.kind for e in await LedgerEntry.filter(source_type="INVENTORY_DOCUMENT")] == [
        LedgerKind.ADJUSTMENT
    ]
