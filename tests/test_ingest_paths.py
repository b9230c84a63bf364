"""The two ways of validating a POS report give the same issues, lines and ledger entries.

PostgreSQL stages the rows and checks them set-based (``pos_staging``); SQLite checks them
row by row in Python (``RowChecker``). Both run here on PostgreSQL, each in a tenant of its
own built the same way, over generated files with every row error kind (bounds, unknown
and foreign warehouses, unknown SKUs and partner SKUs, quantities, dates, customers,
prices, currencies, serial counts, serials repeated on a line or on earlier lines, in a
chain where a refused line frees its other serials, duplicate invoice lines, serials never
shipped or already sold, a resubmission re-selling its own serials; batches required,
refused, too long, and in duplicate invoice lines), with small chunks so
that chunk boundaries matter; more errors than the listing cap; and a file that breaks
midway. Everything is compared by codes and names, never by ids.
"""

from __future__ import annotations

import asyncio
import random
from datetime import date
from typing import Any

import pytest
from tortoise import connections

from portal.domain.access.principal import Principal
from portal.domain.catalog import partners, products, tenants, warehouses
from portal.domain.catalog.tenants import create_manufacturer
from portal.domain.ledger import shipments
from portal.domain.ledger.shipments import LineInput
from portal.domain.reporting import pos_staging, stored, submissions
from portal.domain.reporting.validation import validate_submission
from portal.models import (
    BatchBalance,
    EndCustomer,
    LedgerEntry,
    Partner,
    PosLine,
    Product,
    SerialUnit,
    Submission,
    SubmissionIssue,
    Warehouse,
)
from portal.models.enums import FileRejectionPolicy, PartnerTier, Role, SubmissionKind
from tests.jobs import ParkedQueue

HEADER = (
    "warehouse_code,sku,quantity,sold_on,end_customer_name,end_customer_country,"
    "end_customer_postal_code,unit_price,currency,invoice_no,serials"
)
CHUNK = 7
# the row error kinds of every_error_kind's file
EVERY_CODE = {
    "INVALID_CHARACTERS",
    "FIELD_TOO_LONG",
    "REQUIRED",
    "UNKNOWN_WAREHOUSE",
    "UNKNOWN_SKU",
    "INVALID_QUANTITY",
    "FRACTIONAL_QUANTITY",
    "INVALID_DATE",
    "DATE_OUT_OF_RANGE",
    "DATE_OUTSIDE_PERIOD",
    "END_CUSTOMER_REQUIRED",
    "INVALID_COUNTRY",
    "INVALID_UNIT_PRICE",
    "INVALID_CURRENCY",
    "SERIALS_MISMATCH",
    "DUPLICATE_SERIAL",
    "DUPLICATE_LINE",
    "SERIAL_UNKNOWN",
    "SERIAL_ALREADY_SOLD",
}


class World:
    def __init__(self, admin: Principal, d1: Principal) -> None:
        self.admin, self.d1 = admin, d1

    @property
    def tenant(self) -> int:
        return self.admin.manufacturer_id


async def world(name: str, set_based: bool, policy: FileRejectionPolicy) -> World:
    """Two partners, three warehouses, a plain and a serial-controlled product, a partner
    SKU, serials at D1 (S1-S8) and at D2 (S9); S5 sold by October's first POS version and
    S6 by November's."""
    manufacturer, _ = await create_manufacturer(name)
    admin = Principal(manufacturer_id=manufacturer.id, role=Role.ADMIN)
    await tenants.update_settings(admin, file_rejection_policy=policy)
    for code in ("D1", "D2"):
        await partners.create_partner(admin, code=code, name=code, tier=PartnerTier.DISTRIBUTOR)
    for code, partner in (("W1", "D1"), ("W2", "D1"), ("W3", "D2")):
        await warehouses.create_warehouse(admin, code=code, name=code, partner_code=partner)
    await products.create_product(admin, sku="SKU-A", name="A", list_price=10)
    await products.create_product(admin, sku="SKU-B", name="B", list_price=4)
    await products.create_product(admin, sku="SKU-S", name="S", serial_controlled=True)
    await products.map_partner_sku(admin, partner_sku="P-A", sku="SKU-A", partner_code="D1")
    await products.map_partner_sku(admin, partner_sku="SKU-B", sku="SKU-A", partner_code="D1")
    await products.create_product(admin, sku="SKU-L", name="L", batch_controlled=True)
    await products.map_partner_sku(admin, partner_sku="P-L", sku="SKU-L", partner_code="D1")
    lots = await shipments.record_shipment(
        admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="SH-LOTS",
        shipped_on=date(2026, 9, 1),
        lines=[LineInput("SKU-L", 20, batch_no="L1"), LineInput("SKU-L", 5, batch_no="L2")],
    )
    await shipments.receive_shipment(admin, lots.id, received_on=date(2026, 9, 2))
    for warehouse, partner, serials in (
        ("W1", "D1", [f"S{n}" for n in range(1, 9)]),
        ("W3", "D2", ["S9"]),
    ):
        shipment = await shipments.record_shipment(
            admin,
            partner_code=partner,
            warehouse_code=warehouse,
            document_no=f"SH-{warehouse}",
            shipped_on=date(2026, 9, 1),
            lines=[LineInput("SKU-A", 500), LineInput("SKU-S", len(serials), serials)],
        )
        await shipments.receive_shipment(admin, shipment.id, received_on=date(2026, 9, 2))
    partner = await Partner.get(manufacturer_id=manufacturer.id, code="D1")
    d1 = Principal(manufacturer.id, Role.PARTNER_INVENTORY, partner.id)
    w = World(admin, d1)
    first = "\n".join(
        [
            HEADER,
            "W1,SKU-S,1,2026-10-03,Acme,US,,,,,S5",
            "W1,SKU-A,4,2026-10-03,Acme,US,,,,,",
        ]
    )
    await submit_and_validate(w, "2026-10", first, set_based)
    november = "\n".join([HEADER, "W1,SKU-S,1,2026-11-03,Acme,US,,,,,S6"])
    await submit_and_validate(w, "2026-11", november, set_based)
    return w


async def submit_and_validate(
    w: World, period: str, text: str, set_based: bool, chunk_rows: int = CHUNK
) -> Submission:
    made = await submissions.submit(
        w.d1,
        ParkedQueue(),  # type: ignore[arg-type]
        kind=SubmissionKind.POS,
        period=period,
        file=(text.encode(), "pos.csv"),
    )
    await validate_submission(made.id, chunk_rows=chunk_rows, set_based=set_based)
    return await Submission.get(id=made.id)


def every_error_kind(rng: random.Random) -> str:
    """October's second version: each row kind several times, shuffled."""
    good = [
        "W1,SKU-A,3,2026-10-05,ACME Robotics Inc.,us,10115,12.50,eur,INV-1,",
        "W2,P-A,2,2026-10-06,Acme  Robotics,US,,9,USD,INV-2,",
        "W1,SKU-B,1,2026-10-07,Globex GmbH,DE,,,,INV-3,",  # a partner SKU named like a SKU
        "W1,SKU-A,-1,2026-10-08,Globex,DE,,,,,",  # a customer return
        "W2,SKU-A,7,2026-10-31,Initech,FR,,0,,,",
        "W1,SKU-A,2,2026-10-09,Müller AG,DE,,,,,",
    ]
    bad = [
        "W1,SKU-A,1,2026-10-05,Bad\x01Name,US,,,,,",
        "W1,SKU-A,1,2026-10-05,Acme,US,,,,INV-" + "9" * 70 + ",",
        ",SKU-A,1,2026-10-05,Acme,US,,,,,",
        "W9,SKU-A,1,2026-10-05,Acme,US,,,,,",
        "W3,SKU-A,1,2026-10-05,Acme,US,,,,,",  # another partner's warehouse
        "W9,SKU-A,x,2026-10-05,Acme,US,,,,,",  # unknown warehouse before the quantity
        "W1,,1,2026-10-05,Acme,US,,,,,",
        "W1,NOPE,1,2026-10-05,Acme,US,,,,,",
        "W1,NOPE,1,2026-09-05,Acme,US,,,,,",  # unknown SKU before the date
        "W1,SKU-A,,2026-10-05,Acme,US,,,,,",
        "W1,SKU-A,abc,2026-10-05,Acme,US,,,,,",
        "W1,SKU-A,1.5,2026-10-05,Acme,US,,,,,",
        "W1,SKU-A,0,2026-10-05,Acme,US,,,,,",
        "W1,SKU-A,1,,Acme,US,,,,,",
        "W1,SKU-A,1,05/10/2026,Acme,US,,,,,",
        "W1,SKU-A,1,1990-01-01,Acme,US,,,,,",
        "W1,SKU-A,1,2026-09-30,Acme,US,,,,,",
        "W1,SKU-A,1,2026-11-01,,US,,,,,",  # outside the period before the customer
        "W1,SKU-A,1,2026-10-05,,US,,,,,",
        "W1,SKU-A,1,2026-10-05,Acme,USA,,,,,",
        "W1,SKU-A,1,2026-10-05,Acme,US,,abc,,,",
        "W1,SKU-A,1,2026-10-05,Acme,US,,-3,,,",
        "W1,SKU-A,1,2026-10-05,Acme,US,,,US,,",
        "W1,SKU-S,1,2026-10-05,Acme,US,,,,," + "X" * 120,
        "W1,SKU-S,2,2026-10-05,Acme,US,,,,,S1",
        "W1,SKU-A,1,2026-10-05,Acme,US,,,,,S1",
        "W1,SKU-S,2,2026-10-05,Acme,US,,,,,S2;S2",
        "W1,SKU-S,3,2026-10-05,Acme,US,,,,,S2;S2",  # the count before the repetition
        "W1,SKU-S,1,2026-10-05,Acme,US,,,,,NEVER",
        "W1,SKU-S,1,2026-10-05,Acme,US,,,,,S9",  # at another partner
        "W1,SKU-S,1,2026-10-05,Acme,US,,,,,S6",  # sold by November's report
        "W1,SKU-S,-1,2026-10-05,Acme,US,,,,,S8",  # a return of a unit in stock
    ]
    rows = good * 3 + bad
    rng.shuffle(rows)
    ordered = [
        "W1,SKU-S,1,2026-10-04,Acme,US,,,,INV-S,S5",  # re-sold by this version: allowed
        "W1,SKU-S,1,2026-10-04,Acme,US,,,,INV-S,S3",
        "W1,SKU-S,2,2026-10-04,Acme,US,,,,INV-T,S3;S4",  # S3 on an earlier line
        "W1,SKU-S,1,2026-10-04,Acme,US,,,,INV-T,S4",  # S4's line was refused: sold here
        "W1,SKU-S,1,2026-10-04,Acme,US,,,,INV-U,S4",
        "W1,SKU-A,1,2026-10-04,Hooli,US,,,,INV-D,",
        "W1,P-A,2,2026-10-04,Hooli,US,,,,INV-D,",  # the same invoice and product again
        "W2,SKU-A,1,2026-10-04,Hooli,US,,,,INV-D,",
        "",  # a blank line is skipped
        "W1,SKU-S,1,2026-10-04,Acme,US,,,,,S7",
    ]
    return "\n".join([HEADER, *rows[:20], *ordered, *rows[20:]])


async def snapshot(w: World, submission: Submission) -> dict[str, Any]:
    t = w.tenant
    warehouses_by_id = dict(await Warehouse.filter(manufacturer_id=t).values_list("id", "code"))
    skus = dict(await Product.filter(manufacturer_id=t).values_list("id", "sku"))
    customers = {
        c.id: (c.key, c.name, c.country, c.postal_code)
        for c in await EndCustomer.filter(manufacturer_id=t)
    }
    issues = [
        (i.row, i.field, i.code, i.message, i.severity.value)
        for i in await SubmissionIssue.filter(
            manufacturer_id=t, submission_id=submission.id
        ).order_by("id")
    ]
    lines = [
        (
            ln.row,
            warehouses_by_id[ln.warehouse_id],
            skus[ln.product_id],
            ln.quantity,
            ln.sold_on,
            customers[ln.end_customer_id] if ln.end_customer_id else None,
            ln.end_customer_name,
            ln.unit_price,
            ln.currency,
            ln.invoice_no,
            ln.serials,
            ln.batch_no,
        )
        for ln in await PosLine.filter(manufacturer_id=t, submission_id=submission.id).order_by(
            "id"
        )
    ]
    entries = sorted(
        (
            warehouses_by_id[e.warehouse_id],
            skus[e.product_id],
            e.owner.value,
            e.quantity,
            e.kind.value,
            e.business_date,
            e.period,
            e.source_type,
            e.batch_no,
        )
        for e in await LedgerEntry.filter(manufacturer_id=t, source_type="SUBMISSION")
    )
    serials = sorted(
        (u.serial, u.status.value, u.sold_in_submission_id == submission.id)
        for u in await SerialUnit.filter(manufacturer_id=t)
    )
    batches = sorted(
        (warehouses_by_id[b.warehouse_id], skus[b.product_id], b.batch_no, b.quantity)
        for b in await BatchBalance.filter(manufacturer_id=t)
    )
    fresh = await Submission.get(id=submission.id)
    return {
        "submission": (
            fresh.status.value,
            fresh.rows_done,
            fresh.rows_total,
            fresh.error_count,
            fresh.warning_count,
            fresh.posted_at is not None,
        ),
        "issues": issues,
        "lines": lines,
        "entries": entries,
        "customers": sorted(customers.values()),
        "serials": serials,
        "batches": batches,
    }


async def both_paths(
    policy: FileRejectionPolicy, text_of: Any, chunk_rows: int = CHUNK
) -> tuple[dict[str, Any], dict[str, Any]]:
    seen = []
    for n, set_based in enumerate((False, True)):
        w = await world(f"Paths {n}", set_based, policy)
        submission = await submit_and_validate(w, "2026-10", text_of(), set_based, chunk_rows)
        seen.append(await snapshot(w, submission))
    return seen[0], seen[1]


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
@pytest.mark.parametrize("seed", [3, 19])
async def test_every_error_kind_gives_the_same_issues_lines_and_entries(
    app: Any, seed: int
) -> None:
    text = every_error_kind(random.Random(seed))
    python, sql = await both_paths(FileRejectionPolicy.SKIP_BAD_ROWS, lambda: text)
    codes = {i[2] for i in python["issues"]}
    assert codes >= EVERY_CODE, codes
    assert python["submission"][0] == "ACCEPTED_WITH_WARNINGS"
    assert len(python["lines"]) >= 15 and len(python["entries"]) >= 10
    for part in ("submission", "issues", "lines", "entries", "customers", "serials"):
        assert sql[part] == python[part], part


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_past_the_issue_cap_both_list_the_same_and_keep_the_same_lines(app: Any) -> None:
    rows = [
        f"W1,{'NOPE' if n % 3 else 'SKU-A'},1,2026-10-{1 + n % 28:02d},C{n},US,,,,INV-{n},"
        for n in range(1700)
    ]
    text = "\n".join([HEADER, *rows])
    python, sql = await both_paths(FileRejectionPolicy.SKIP_BAD_ROWS, lambda: text, 200)
    assert python["submission"][0] == "REJECTED"
    assert python["issues"][-1][2] == "TOO_MANY_ISSUES" and len(python["issues"]) == 1001
    assert 0 < len(python["lines"]) < 567  # the chunks after the cap keep no lines
    for part in ("submission", "issues", "lines", "customers"):
        assert sql[part] == python[part], part


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_a_file_that_breaks_midway_keeps_the_same_whole_chunks(app: Any) -> None:
    rows = [f"W1,SKU-A,1,2026-10-05,C{n},US,,,,INV-{n}," for n in range(30)]
    rows[17] = "W1,SKU-A,1,2026-10-05," + "x" * (70 * 1024) + ",US,,,,,"
    text = "\n".join([HEADER, *rows])
    python, sql = await both_paths(FileRejectionPolicy.REJECT_FILE, lambda: text)
    assert python["issues"][-1][2] == "LINE_TOO_LONG"
    assert len(python["lines"]) == 14  # two whole chunks of seven
    for part in ("submission", "issues", "lines", "customers"):
        assert sql[part] == python[part], part


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_batches_give_the_same_issues_lines_entries_and_batch_stock(app: Any) -> None:
    rows = [
        "W1,SKU-L,3,2026-10-05,Acme,US,,,,INV-L,,L1",
        "W1,SKU-L,2,2026-10-05,Acme,US,,,,INV-L,,L2",  # same invoice, another batch: fine
        "W1,P-L,1,2026-10-05,Acme,US,,,,INV-L,,L2",  # same invoice, product and batch
        "W1,SKU-L,1,2026-10-05,Acme,US,,,,,,",  # a sale of a batch-controlled SKU
        "W1,P-L,-1,2026-10-06,Acme,US,,,,,,",  # a customer return may leave it out
        "W1,SKU-A,1,2026-10-05,Acme,US,,,,,,L1",  # not batch-controlled
        "W1,SKU-S,1,2026-10-05,Acme,US,,,,,S1,L1",
        "W1,SKU-S,2,2026-10-05,Acme,US,,,,,S1,L1",  # the serial count before the batch
        "W1,SKU-L,1,2026-10-05,Acme,US,,,,,,L\x01",
        "W1,SKU-L,1,2026-10-05,Acme,US,,,,,," + "L" * 70,
        "W9,SKU-L,1,2026-10-05,Acme,US,,,,,,L1",
        "W1,P-L,4,2026-10-07,Acme,US,,,,,,L1",
        "W2,SKU-L,1,2026-10-07,Acme,US,,,,,,L1",  # a batch W2 does not hold: a reported fact
    ]
    text = "\n".join([HEADER + ",batch_no", *rows])
    python, sql = await both_paths(FileRejectionPolicy.SKIP_BAD_ROWS, lambda: text, 4)
    assert {(i[1], i[2]) for i in python["issues"]} >= {
        ("batch_no", "REQUIRED"),
        ("batch_no", "INVALID"),
        ("batch_no", "FIELD_TOO_LONG"),
        ("batch_no", "INVALID_CHARACTERS"),
        ("invoice_no", "DUPLICATE_LINE"),
        ("serials", "SERIALS_MISMATCH"),
    }, python["issues"]
    assert [ln[-1] for ln in python["lines"]] == ["L1", "L2", None, "L1", "L1"]
    assert ("W1", "SKU-L", "L1", 13) in python["batches"]
    assert ("W1", "SKU-L", "L2", 3) in python["batches"]
    assert ("W2", "SKU-L", "L1", -1) in python["batches"]
    for part in ("submission", "issues", "lines", "entries", "customers", "serials", "batches"):
        assert sql[part] == python[part], part


async def one_partner(name: str) -> Principal:
    """A tenant with one partner D1, its warehouse W1 and a product SKU-A: D1's principal."""
    manufacturer, _ = await create_manufacturer(name)
    admin = Principal(manufacturer_id=manufacturer.id, role=Role.ADMIN)
    await partners.create_partner(admin, code="D1", name="D1", tier=PartnerTier.DISTRIBUTOR)
    await warehouses.create_warehouse(admin, code="W1", name="W1", partner_code="D1")
    await products.create_product(admin, sku="SKU-A", name="A")
    partner = await Partner.get(manufacturer_id=manufacturer.id, code="D1")
    return Principal(manufacturer.id, Role.PARTNER_INVENTORY, partner.id)


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_more_stagings_at_once_than_pooled_connections_all_finish(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A staging holds a pooled connection for its transaction and needs another now and
    then (its reading task reads the stored file a slice at a time, its progress): six at
    once over a pool of five must not wait for each other for ever."""
    monkeypatch.setattr(stored, "SLICE_BYTES", 256)  # many slices, each a query
    d1 = await one_partner("Month end")
    made = []
    for month in range(5, 11):  # one report per month: six series
        rows = [f"W1,SKU-A,1,2026-{month:02d}-05,C{n},US,,,,INV-{n}," for n in range(40)]
        made.append(
            await submissions.submit(
                d1,
                ParkedQueue(),  # type: ignore[arg-type]
                kind=SubmissionKind.POS,
                period=f"2026-{month:02d}",
                file=("\n".join([HEADER, *rows]).encode(), "pos.csv"),
            )
        )
    statuses = await asyncio.wait_for(
        asyncio.gather(*(validate_submission(m.id, chunk_rows=3, set_based=True) for m in made)),
        timeout=60,
    )
    assert [s.value for s in statuses] == ["ACCEPTED"] * 6
    assert await PosLine.filter(manufacturer_id=d1.manufacturer_id).count() == 6 * 40


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_a_staging_whose_reading_fails_leaves_no_task_behind(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reading task's failure ends the validation with that error, and neither it nor
    the task keeping the progress and heartbeat goes on (a heartbeat left running would
    keep a retried job's lease for ever)."""
    d1 = await one_partner("Broken read")
    rows = [f"W1,SKU-A,1,2026-10-05,C{n},US,,,,INV-{n}," for n in range(40)]
    made = await submissions.submit(
        d1,
        ParkedQueue(),  # type: ignore[arg-type]
        kind=SubmissionKind.POS,
        period="2026-10",
        file=("\n".join([HEADER, *rows]).encode(), "pos.csv"),
    )
    monkeypatch.setattr(stored, "SLICE_BYTES", 256)
    read = stored.StoredFile.slices
    calls = 0

    async def breaking(self: stored.StoredFile) -> Any:
        nonlocal calls
        calls += 1
        n = 0
        async for part in read(self):
            n += 1
            if calls > 1 and n == 3:  # the scan reads it whole; the staging's read breaks
                raise ConnectionError("the database went away")
            yield part

    monkeypatch.setattr(stored.StoredFile, "slices", breaking)
    beats = 0

    async def beat() -> None:
        nonlocal beats
        beats += 1

    with pytest.raises(ConnectionError):
        await validate_submission(made.id, chunk_rows=3, set_based=True, heartbeat=beat)
    names = {getattr(t.get_coro(), "__qualname__", "") for t in asyncio.all_tasks()}
    left = names & {"keep_up", "_Feed.read", "_Blocks._read"}
    assert left == set()
    after = beats
    await asyncio.sleep(1.5)  # longer than the keeper's period
    assert beats == after
    assert await PosLine.filter(manufacturer_id=d1.manufacturer_id).count() == 0


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_the_validating_transaction_has_the_ingest_work_mem_and_no_jit(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PORTAL_INGEST_WORK_MEM_MB is the set-based validation's work_mem (0: the database's
    own), JIT off, for that transaction only."""
    d1 = await one_partner("Work mem")
    seen: list[tuple[str, str]] = []
    checked = pos_staging.check_and_write

    async def observed(tx: Any, *args: Any, **kwargs: Any) -> Any:
        _, rows = await tx.execute_query(
            "SELECT current_setting('work_mem') AS w, current_setting('jit') AS j"
        )
        seen.append((rows[0]["w"], rows[0]["j"]))
        return await checked(tx, *args, **kwargs)

    monkeypatch.setattr(pos_staging, "check_and_write", observed)
    conn = connections.get("default")
    _, rows = await conn.execute_query("SELECT current_setting('work_mem') AS w")
    database_default = rows[0]["w"]
    for month, work_mem in ((9, 64), (10, 0)):
        made = await submissions.submit(
            d1,
            ParkedQueue(),  # type: ignore[arg-type]
            kind=SubmissionKind.POS,
            period=f"2026-{month:02d}",
            file=(f"{HEADER}\nW1,SKU-A,1,2026-{month:02d}-05,C,US,,,,INV-1,".encode(), "p.csv"),
        )
        status = await validate_submission(made.id, set_based=True, work_mem_mb=work_mem)
        assert status.value == "ACCEPTED"
    assert seen == [("64MB", "off"), (database_default, "off")]
    _, rows = await conn.execute_query("SELECT current_setting('work_mem') AS w")
    assert rows[0]["w"] == database_default  # the transaction's own, gone with it
