"""Inventory checks through the graph, on both backends: the reference count (+3 / -5
variances post exactly those COUNT_VARIANCE adjustments, dated the count date, and the
reconciliation row shows the count as reported), a blind sheet that never shows the
partner a book quantity, sittings that are idempotent, one open check per warehouse,
coded bad input that changes nothing, the exception-first policy, serial counts, and a
10,000-product sheet read in pages."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from portal.domain.access.tokens import create_token
from portal.domain.ledger import shipments
from portal.domain.ledger.adjustments import AdjustmentReason, post_adjustment
from portal.domain.ledger.shipments import LineInput
from portal.domain.reconciliation.recompute import drain_dirty
from portal.models import (
    InventoryCheck,
    InventoryCheckLine,
    LedgerEntry,
    OutboxEvent,
    Partner,
    Product,
    SerialUnit,
    Submission,
)
from portal.models.enums import LedgerKind, Role, SerialStatus, SubmissionSource
from portal.schema import build_schema
from portal.settings import Settings
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.ledger_fixtures import Channel, build_channel
from tests.test_connections_n_plus_one import connections

BOOK_A, BOOK_B = 7919, 4111  # distinctive: the blind sheet must never show them
LINE = "sku serialControlled book counted serials variance missingSerials foundSerials"
CHECK = f"""id status blind source countDate period warehouseCode partnerCode lineCount
  countedCount variancesPosted stockSubmissionId
  lines(first: 50) {{ totalCount edges {{ node {{ {LINE} }} }} pageInfo {{ hasNextPage endCursor }} }}"""
START = f"""mutation($input: StartInventoryCheckInput!) {{ startInventoryCheck(input: $input) {{
  inventoryCheck {{ {CHECK} }} errors {{ field code message }} }} }}"""
RECORD = f"""mutation($input: RecordCountsInput!) {{ recordCounts(input: $input) {{
  inventoryCheck {{ {CHECK} }} errors {{ field code message }} }} }}"""
SUBMIT = f"""mutation($input: IdInput!) {{ submitInventoryCheck(input: $input) {{
  inventoryCheck {{ {CHECK} }} errors {{ field code message }} }} }}"""
REVIEW = f"""mutation($input: ReviewInventoryCheckInput!) {{ reviewInventoryCheck(input: $input) {{
  inventoryCheck {{ {CHECK} }} errors {{ field code message }} }} }}"""
CHECKS = f"""query($status: InventoryCheckStatus) {{ inventoryChecks(status: $status, first: 5) {{
  totalCount edges {{ node {{ {CHECK} }} }} }} }}"""
ROWS = """{ reconciliation(period: "2026-10", partnerCode: "D1") { edges { node {
  warehouseCode sku calculated reported gap adjustments status stockSubmissionId } } } }"""
SETTINGS = """mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) {
  settings { countVariancePolicy } errors { code } } }"""


async def _channel(client) -> tuple[Channel, Graph, Graph, Graph]:  # type: ignore[no-untyped-def]
    """D1's W1 holds BOOK_A of SKU-A and BOOK_B of SKU-B, received on 2026-10-02."""
    ch = await build_channel()
    m = ch.admin.manufacturer_id
    from portal.domain.catalog import products

    await products.create_product(ch.admin, sku="SKU-B", name="B", list_price=3)
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="INV-1",
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-A", BOOK_A), LineInput("SKU-B", BOOK_B)],
    )
    await shipments.receive_shipment(ch.admin, shipment.id, received_on=date(2026, 10, 2))
    d1 = await Partner.get(code="D1")
    _, manager = await create_token(m, Role.CHANNEL_MANAGER)
    _, counter = await create_token(m, Role.PARTNER_INVENTORY, partner_id=d1.id)
    _, admin = await create_token(m, Role.ADMIN)
    return ch, Graph(client, manager), Graph(client, counter), Graph(client, admin)


def _lines(check: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["node"]["sku"]: e["node"] for e in check["lines"]["edges"]}


async def _state() -> list[Any]:
    return [
        await InventoryCheck.all()
        .order_by("id")
        .values("status", "counted_count", "line_count", "open_warehouse_id"),
        await InventoryCheckLine.all().order_by("id").values("counted", "serials", "variance"),
        await LedgerEntry.all().count(),
    ]


async def test_reference_count_posts_variances_and_becomes_the_stock_report(client, app) -> None:
    ch, manager, counter, _ = await _channel(client)
    # A movement after the count date: it must not distort the count's variance.
    await post_adjustment(
        ch.admin,
        warehouse_code="W1",
        sku="SKU-A",
        quantity=-2,
        reason=AdjustmentReason.DAMAGE,
        business_date=date(2026, 10, 25),
    )
    seen: list[str] = []  # every response the counting partner gets

    async def as_partner(query: str, **variables: Any) -> dict[str, Any]:
        response = await counter.raw(query, variables)
        seen.append(response.text)
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    start = {"warehouseCode": "W1", "source": "IN_STOCK", "blind": True, "countDate": "2026-10-20"}
    made = (await as_partner(START, input=start))["startInventoryCheck"]
    assert made["errors"] == []
    check = made["inventoryCheck"]
    assert (check["status"], check["period"], check["lineCount"], check["countedCount"]) == (
        "DRAFT",
        "2026-10",
        2,
        0,
    )
    assert set(_lines(check)) == {"SKU-A", "SKU-B"}  # IN_STOCK: products with book stock
    assert all(line["book"] is None for line in _lines(check).values())
    check_id = check["id"]
    # The manager sees the book of the blind sheet: at the count date, not today's balance.
    managed = (await manager(CHECKS))["inventoryChecks"]["edges"][0]["node"]
    assert {k: v["book"] for k, v in _lines(managed).items()} == {"SKU-A": BOOK_A, "SKU-B": BOOK_B}

    # One open check per warehouse.
    again = (await as_partner(START, input=start))["startInventoryCheck"]
    assert again["errors"][0]["code"] == "CHECK_ALREADY_OPEN"
    assert await InventoryCheck.all().count() == 1

    # Submitting with lines not counted is refused.
    early = (await as_partner(SUBMIT, input={"id": check_id}))["submitInventoryCheck"]
    assert early["errors"][0]["code"] == "NOT_COUNTED"

    # Two sittings; the second repeated (a dropped connection) changes nothing.
    first = [{"sku": "SKU-A", "counted": BOOK_A + 3}]
    second = [{"sku": "SKU-A", "counted": BOOK_A + 3}, {"sku": "SKU-B", "counted": BOOK_B - 5}]
    one = (await as_partner(RECORD, input={"id": check_id, "lines": first}))["recordCounts"]
    assert (one["errors"], one["inventoryCheck"]["countedCount"]) == ([], 1)
    two = (await as_partner(RECORD, input={"id": check_id, "lines": second}))["recordCounts"]
    assert two["inventoryCheck"]["countedCount"] == 2
    after_two = await _state()
    repeat = (await as_partner(RECORD, input={"id": check_id, "lines": second}))["recordCounts"]
    assert repeat["errors"] == []
    assert await _state() == after_two
    # Bad input changes nothing, with a code.
    for lines, code in (
        ([{"sku": "NOPE", "counted": 1}], "NOT_FOUND"),
        ([{"sku": "SKU-A", "counted": -1}], "INVALID_QUANTITY"),
        ([{"sku": "SKU-A"}], "REQUIRED"),
        ([{"sku": "SKU-A", "counted": 1, "serials": ["X"]}], "SERIALS_MISMATCH"),
        ([{"sku": "SKU-A", "counted": 1}, {"sku": "SKU-A", "counted": 2}], "ALREADY_EXISTS"),
    ):
        bad = (await as_partner(RECORD, input={"id": check_id, "lines": lines}))["recordCounts"]
        assert bad["errors"][0]["code"] == code, (lines, bad)
    assert await _state() == after_two

    submitted = (await as_partner(SUBMIT, input={"id": check_id}))["submitInventoryCheck"]
    assert submitted["errors"] == []
    assert submitted["inventoryCheck"]["status"] == "SUBMITTED"
    assert all(x["variance"] is None for x in _lines(submitted["inventoryCheck"]).values())
    # Every field of the schema the partner can reach on its checks, selected in full.
    full = connections(build_schema(Settings(env="test"))._schema)["inventoryChecks"]
    seen.append((await counter.raw(full, {"n": 10})).text)
    for text in seen:
        assert str(BOOK_A) not in text and str(BOOK_B) not in text, text
    # The partner may not review its own count.
    refused = await counter.errors(REVIEW, input={"id": check_id, "decision": "APPROVE"})
    assert refused[0]["extensions"]["code"] == "FORBIDDEN"

    reviewed = await manager(REVIEW, input={"id": check_id, "decision": "APPROVE"})
    result = reviewed["reviewInventoryCheck"]
    assert result["errors"] == []
    approved = result["inventoryCheck"]
    assert (approved["status"], approved["variancesPosted"]) == ("APPROVED", True)
    assert {k: (v["book"], v["counted"], v["variance"]) for k, v in _lines(approved).items()} == {
        "SKU-A": (BOOK_A, BOOK_A + 3, 3),
        "SKU-B": (BOOK_B, BOOK_B - 5, -5),
    }
    posted = (
        await LedgerEntry.filter(reason="COUNT_VARIANCE")
        .order_by("quantity")
        .values("quantity", "kind", "business_date", "source_type")
    )
    assert posted == [
        {
            "quantity": -5,
            "kind": LedgerKind.ADJUSTMENT,
            "business_date": date(2026, 10, 20),
            "source_type": "INVENTORY_CHECK",
        },
        {
            "quantity": 3,
            "kind": LedgerKind.ADJUSTMENT,
            "business_date": date(2026, 10, 20),
            "source_type": "INVENTORY_CHECK",
        },
    ]
    report = await Submission.get(id=int(approved["stockSubmissionId"]))
    assert (report.source, report.kind.value, report.period) == (
        SubmissionSource.CHECK,
        "STOCK",
        "2026-10",
    )
    assert {e.event_type for e in await OutboxEvent.all()} >= {"check.submitted", "check.approved"}

    await run_jobs(app)
    await drain_dirty(today=date(2026, 11, 5))
    rows = {r["node"]["sku"]: r["node"] for r in (await manager(ROWS))["reconciliation"]["edges"]}
    # SKU-B: the count, as reported; SKU-A: the count rolled forward by the later -2.
    assert (rows["SKU-B"]["reported"], rows["SKU-B"]["calculated"], rows["SKU-B"]["gap"]) == (
        BOOK_B - 5,
        BOOK_B - 5,
        0,
    )
    assert (rows["SKU-A"]["reported"], rows["SKU-A"]["calculated"], rows["SKU-A"]["gap"]) == (
        BOOK_A + 3 - 2,
        BOOK_A + 3 - 2,
        0,
    )
    assert rows["SKU-A"]["stockSubmissionId"] == approved["stockSubmissionId"]
    # The warehouse is free for the next count; an approved one is not reviewed twice.
    assert (await counter(START, input=start))["startInventoryCheck"]["errors"] == []
    twice = await manager(REVIEW, input={"id": check_id, "decision": "APPROVE"})
    assert twice["reviewInventoryCheck"]["errors"][0]["code"] == "INVALID_STATE"


async def test_exception_first_policy_posts_nothing_and_opens_an_exception(client, app) -> None:
    _ch, manager, counter, admin = await _channel(client)
    policy = await admin(SETTINGS, input={"countVariancePolicy": "OPEN_EXCEPTION"})
    assert policy["updateSettings"]["settings"]["countVariancePolicy"] == "OPEN_EXCEPTION"
    start = {"warehouseCode": "W1", "source": "IN_STOCK", "countDate": "2026-10-31"}
    check = (await counter(START, input=start))["startInventoryCheck"]["inventoryCheck"]
    assert _lines(check)["SKU-A"]["book"] == BOOK_A  # not blind: the partner sees the book
    lines = [{"sku": "SKU-A", "counted": BOOK_A - 60}, {"sku": "SKU-B", "counted": BOOK_B}]
    await counter(RECORD, input={"id": check["id"], "lines": lines})
    await counter(SUBMIT, input={"id": check["id"]})
    entries = await LedgerEntry.all().count()
    done = (await manager(REVIEW, input={"id": check["id"], "decision": "APPROVE"}))[
        "reviewInventoryCheck"
    ]
    assert done["inventoryCheck"]["variancesPosted"] is False
    assert await LedgerEntry.all().count() == entries
    await run_jobs(app)
    await drain_dirty(today=date(2026, 11, 5))
    rows = {r["node"]["sku"]: r["node"] for r in (await manager(ROWS))["reconciliation"]["edges"]}
    assert (rows["SKU-A"]["reported"], rows["SKU-A"]["gap"], rows["SKU-A"]["status"]) == (
        BOOK_A - 60,
        60,
        "EXCEPTION",
    )
    assert rows["SKU-B"]["status"] == "OK"


async def test_serials_are_counted_by_serial_and_reject_frees_the_warehouse(client) -> None:
    ch, manager, counter, _ = await _channel(client)
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W2",
        document_no="INV-S",
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-S", 3, ["S1", "S2", "S3"])],
    )
    await shipments.receive_shipment(ch.admin, shipment.id, received_on=date(2026, 10, 2))
    start = {"warehouseCode": "W2", "source": "IN_STOCK", "countDate": "2026-10-20"}
    check = (await counter(START, input=start))["startInventoryCheck"]["inventoryCheck"]
    wrong = [{"sku": "SKU-S", "counted": 2, "serials": ["S1", "S2", "S9"]}]
    bad = (await counter(RECORD, input={"id": check["id"], "lines": wrong}))["recordCounts"]
    assert bad["errors"][0]["code"] == "SERIALS_MISMATCH"
    found = [{"sku": "SKU-S", "serials": ["S1", "S2", "S9"]}]
    counted = (await counter(RECORD, input={"id": check["id"], "lines": found}))["recordCounts"]
    assert _lines(counted["inventoryCheck"])["SKU-S"]["counted"] == 3
    await counter(SUBMIT, input={"id": check["id"]})
    line = _lines((await manager(CHECKS))["inventoryChecks"]["edges"][0]["node"])["SKU-S"]
    assert (line["variance"], line["missingSerials"], line["foundSerials"]) == (0, ["S3"], ["S9"])
    approved = await manager(REVIEW, input={"id": check["id"], "decision": "APPROVE"})
    assert approved["reviewInventoryCheck"]["errors"] == []
    moved = (
        await LedgerEntry.filter(reason="COUNT_VARIANCE")
        .order_by("quantity")
        .values_list("quantity", "serials")
    )
    assert moved == [(-1, ["S3"]), (1, ["S9"])]
    units = {u.serial: (u.status, u.warehouse_id) for u in await SerialUnit.all()}
    assert units["S3"][0] is SerialStatus.GONE
    assert units["S9"][0] is SerialStatus.IN_STOCK and units["S9"][1] == units["S1"][1]
    # A rejected check changes no stock and frees the warehouse.
    second = (await counter(START, input=start))["startInventoryCheck"]["inventoryCheck"]
    await counter(RECORD, input={"id": second["id"], "lines": [{"sku": "SKU-S", "serials": []}]})
    await counter(SUBMIT, input={"id": second["id"]})
    entries = await LedgerEntry.all().count()
    rejected = await manager(
        REVIEW, input={"id": second["id"], "decision": "REJECT", "note": "recount"}
    )
    assert rejected["reviewInventoryCheck"]["inventoryCheck"]["status"] == "REJECTED"
    assert await LedgerEntry.all().count() == entries
    assert (await counter(START, input=start))["startInventoryCheck"]["errors"] == []


async def test_a_ten_thousand_product_sheet_is_read_in_pages(client, settings) -> None:
    ch, _manager, counter, _ = await _channel(client)
    m = ch.admin.manufacturer_id
    await Product.bulk_create(
        [Product(manufacturer_id=m, sku=f"BULK-{i:05d}", name="bulk") for i in range(10_000)],
        batch_size=2000,
    )
    began = time.perf_counter()
    start = {"warehouseCode": "W1", "countDate": "2026-10-20"}
    made = await counter(START.replace("lines(first: 50)", "lines(first: 100)"), input=start)
    elapsed = time.perf_counter() - began
    check = made["startInventoryCheck"]["inventoryCheck"]
    assert check["lineCount"] == 10_003  # SKU-A, SKU-S, SKU-B and the bulk products
    assert len(check["lines"]["edges"]) == 100 and check["lines"]["pageInfo"]["hasNextPage"]
    page = """query($id: ID!, $after: String, $todo: Boolean!) { inventoryCheck(id: $id) {
      lines(first: 100, after: $after, uncountedOnly: $todo) {
        totalCount edges { node { sku } } pageInfo { hasNextPage } } } }"""
    after = check["lines"]["pageInfo"]["endCursor"]
    two = (await counter(page, id=check["id"], after=after, todo=False))["inventoryCheck"]
    skus = [e["node"]["sku"] for e in two["lines"]["edges"]]
    assert len(skus) == 100 and not set(skus) & set(_lines(check))
    counts = [{"sku": e["node"]["sku"], "counted": 0} for e in check["lines"]["edges"][:40]]
    await counter(RECORD, input={"id": check["id"], "lines": counts})
    todo = (await counter(page, id=check["id"], after=None, todo=True))["inventoryCheck"]
    assert todo["lines"]["totalCount"] == 10_003 - 40
    too_big = await counter.raw(
        "{ inventoryChecks { edges { node { lines(first: 100000) { totalCount } } } } }"
    )
    assert "first must be between" in too_big.text
    print(
        f"\nstart of a 10,003-line sheet ({settings.database_url.split(':')[0]}): {elapsed:.2f} s"
    )
    assert elapsed < 30


async def test_the_demo_counts_leave_no_reconcile_job_parked(db) -> None:
    """A reconcile job recorded but never dispatched would hold the coalescing key that every
    later request dedupes onto: the served demo would never reconcile again."""
    from portal.demo import seed_demo
    from portal.jobs.kinds import RECONCILE
    from portal.models import Job
    from portal.models.enums import CheckStatus, JobStatus

    await seed_demo(today=date(2026, 11, 21))
    statuses = sorted(c.status.value for c in await InventoryCheck.all())
    assert statuses == sorted(
        [CheckStatus.APPROVED.value, CheckStatus.SUBMITTED.value, CheckStatus.DRAFT.value]
    )
    assert await Job.filter(kind=RECONCILE, status=JobStatus.QUEUED).count() == 0
