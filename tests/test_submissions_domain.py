"""The submissions issue's reference case, through the domain and the real job runners."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger.check import ledger_mismatches
from portal.domain.reporting import drafts, submissions, validation
from portal.domain.reporting.compliance import ComplianceState, compliance
from portal.domain.reporting.counted import accept_counted_stock
from portal.domain.reporting.validation import validate_submission
from portal.models import LedgerEntry, StockBalance, Submission, SubmissionIssue, Warehouse
from portal.models.enums import LedgerKind, SubmissionKind, SubmissionStatus
from tests.jobs import ParkedQueue, run_jobs
from tests.ledger_fixtures import build_channel, pos_line, ship_to_w1


def pos(
    quantity: int, customer: str = "ACME Robotics, Inc.", day: str = "2026-10-15", **extra: str
) -> dict:
    return pos_line(quantity, customer, day, **extra)


async def on_hand() -> int:
    return (await StockBalance.get(warehouse__code="W1", product__sku="SKU-A")).quantity


async def test_reference_case_pos_stock_drafts_and_resubmission(app) -> None:
    ch = await build_channel()
    await ship_to_w1(ch, 1000, receiver=ch.d1)
    queue = app.state.queue

    sold = await submissions.submit(
        ch.d1,
        queue,
        kind=SubmissionKind.POS,
        period="2026-10",
        lines=[pos(400), pos(300, "Acme Robotics")],
    )
    assert sold.status is SubmissionStatus.QUEUED
    await run_jobs(app)
    sold = await Submission.get(id=sold.id)
    assert sold.status is SubmissionStatus.ACCEPTED, await SubmissionIssue.filter(
        submission_id=sold.id
    ).values()
    assert (sold.rows_done, sold.rows_total) == (2, 2)
    assert await on_hand() == 300

    counted = await submissions.submit(
        ch.d1,
        queue,
        kind=SubmissionKind.STOCK,
        period="2026-10",
        lines=[{"warehouse_code": "W1", "sku": "SKU-A", "quantity": 240}],
    )
    await run_jobs(app)
    assert (await Submission.get(id=counted.id)).status is SubmissionStatus.ACCEPTED
    assert await on_hand() == 300  # a stock report records, it does not move the ledger

    draft = await drafts.stock_draft(ch.d1, "2026-11")
    assert [(r.warehouse_code, r.sku, r.quantity) for r in draft] == [("W1", "SKU-A", 300)]
    pos_draft = await drafts.pos_draft(ch.d1, "2026-11")
    assert [(r.warehouse_code, r.sku, r.customer_name) for r in pos_draft] == [
        ("W1", "SKU-A", "ACME Robotics, Inc.")  # two spellings, one customer
    ]

    again = await submissions.submit(
        ch.d1, queue, kind=SubmissionKind.POS, period="2026-10", lines=[pos(650)]
    )
    await run_jobs(app)
    again = await Submission.get(id=again.id)
    assert (again.status, again.version) == (SubmissionStatus.ACCEPTED, 2)
    assert await on_hand() == 350  # replaced, not added
    assert (await Submission.get(id=sold.id)).superseded_by_id == again.id
    total = sum(
        await LedgerEntry.filter(kind=LedgerKind.SELL_THROUGH).values_list("quantity", flat=True)
    )
    assert total == -650


async def test_row_errors_reject_the_file_and_post_nothing(app) -> None:
    ch = await build_channel()
    queue = app.state.queue
    bad = await submissions.submit(
        ch.d1,
        queue,
        kind=SubmissionKind.POS,
        period="2026-10",
        lines=[
            pos(5),
            pos(5, sku="NOPE"),
            pos(0),
            pos(2, day="2026-09-30"),
            pos(1, end_customer_name=""),
            pos(3, warehouse_code="W3"),
            {**pos(1), "quantity": "1.5"},
        ],
    )
    await run_jobs(app)
    bad = await Submission.get(id=bad.id)
    assert bad.status is SubmissionStatus.REJECTED
    issues = (
        await SubmissionIssue.filter(submission_id=bad.id)
        .order_by("row")
        .values_list("row", "field", "code")
    )
    assert issues == [
        (2, "sku", "UNKNOWN_SKU"),
        (3, "quantity", "ZERO_QUANTITY"),
        (4, "sold_on", "DATE_OUTSIDE_PERIOD"),
        (5, "end_customer_name", "END_CUSTOMER_REQUIRED"),
        (6, "warehouse_code", "UNKNOWN_WAREHOUSE"),
        (7, "quantity", "FRACTIONAL_QUANTITY"),
    ]
    assert await LedgerEntry.all().count() == 0


async def test_history_import_keeps_the_receipt_time(app) -> None:
    ch = await build_channel()
    stock = [{"warehouse_code": "W1", "sku": "SKU-A", "quantity": 0}]
    on_time = datetime(2026, 11, 8, 9, tzinfo=UTC)  # October is due on 2026-11-10
    for principal, received, code in [
        (ch.d1, on_time, ErrorCode.ROLE_NOT_ALLOWED),  # a partner cannot backdate its own report
        (ch.admin, datetime.now(UTC) + timedelta(days=1), ErrorCode.INVALID),
        (ch.admin, datetime(2026, 9, 30, tzinfo=UTC), ErrorCode.INVALID),  # before the period
    ]:
        with pytest.raises(DomainError) as refused:
            await submissions.submit(
                principal,
                app.state.queue,
                kind=SubmissionKind.STOCK,
                period="2026-10",
                lines=stock,
                partner_code="D1" if principal is ch.admin else None,
                received_at=received,
            )
        assert refused.value.code is code
    assert await Submission.all().count() == 0
    made = await submissions.submit(
        ch.admin,
        app.state.queue,
        kind=SubmissionKind.STOCK,
        period="2026-10",
        lines=stock,
        partner_code="D1",
        received_at=on_time,
    )
    await run_jobs(app)
    assert (await Submission.get(id=made.id)).created_at == on_time
    states = {(r.partner_code, r.kind): r.state for r in await compliance(ch.admin, "2026-10")}
    assert states[("D1", SubmissionKind.STOCK)] is ComplianceState.ON_TIME


async def _versions(ch, quantities: list[int]) -> list[Submission]:  # type: ignore[no-untyped-def]
    """Versions of one POS report, recorded but not validated yet."""
    return [
        await submissions.submit(
            ch.d1, ParkedQueue(), kind=SubmissionKind.POS, period="2026-10", lines=[pos(q)]
        )
        for q in quantities
    ]


async def _sold_and_current() -> tuple[int, list[int]]:
    sold = await LedgerEntry.filter(kind=LedgerKind.SELL_THROUGH).values_list("quantity", flat=True)
    current = await Submission.filter(
        kind=SubmissionKind.POS, superseded_by_id__isnull=True
    ).values_list("version", flat=True)
    return -sum(sold), sorted(current)


async def test_a_version_validated_after_a_later_one_is_superseded_at_once(db) -> None:
    ch = await build_channel()
    await ship_to_w1(ch, 1000, receiver=ch.d1)
    first, second = await _versions(ch, [400, 650])
    await validate_submission(second.id)
    await validate_submission(first.id)  # validated last (a retry, a slow worker)
    first = await Submission.get(id=first.id)
    assert (first.status, first.superseded_by_id, first.posted_at) == (
        SubmissionStatus.ACCEPTED,
        second.id,
        None,
    )
    assert await _sold_and_current() == (650, [2])
    assert await on_hand() == 350
    assert await ledger_mismatches() == []


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_versions_validated_at_once_leave_one_current_and_count_once(db) -> None:
    ch = await build_channel()
    await ship_to_w1(ch, 1000, receiver=ch.d1)
    versions = await _versions(ch, [10 * q for q in range(1, 7)])
    await asyncio.gather(*(validate_submission(v.id) for v in versions))
    assert await _sold_and_current() == (60, [6])
    superseded = await Submission.filter(superseded_by_id__isnull=False).count()
    assert superseded == 5
    assert await on_hand() == 940
    assert await ledger_mismatches() == []


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_an_approved_count_waits_for_a_version_being_posted(db, monkeypatch) -> None:
    """Accepting an inventory check's count writes a new version of the stock report: it
    takes the report's lock, so it supersedes the version posted meanwhile (before, both
    stayed current)."""
    ch = await build_channel()
    await ship_to_w1(ch, 100, receiver=ch.d1)
    line = {"warehouse_code": "W1", "sku": "SKU-A", "quantity": 90}
    first = await submissions.submit(
        ch.d1, ParkedQueue(), kind=SubmissionKind.STOCK, period="2026-10", lines=[line]
    )
    await validate_submission(first.id)
    second = await submissions.submit(
        ch.d1, ParkedQueue(), kind=SubmissionKind.STOCK, period="2026-10", lines=[line]
    )
    current = validation.current_report
    posting = asyncio.Event()

    async def slow_current(*args: object, **kwargs: object) -> Submission | None:
        found = await current(*args, **kwargs)  # type: ignore[arg-type]
        posting.set()
        await asyncio.sleep(0.5)  # the count is accepted meanwhile
        return found

    monkeypatch.setattr(validation, "current_report", slow_current)
    w1 = await Warehouse.get(code="W1")

    async def count() -> Submission:
        await posting.wait()
        async with in_transaction():  # as reviewing the inventory check does
            return await accept_counted_stock(
                first.manufacturer_id, first.partner_id, "2026-10", w1.id, {}, token_id=None
            )

    _, counted = await asyncio.gather(validate_submission(second.id), count())
    versions = await Submission.filter(kind=SubmissionKind.STOCK).order_by("version")
    assert [(v.version, v.superseded_by_id) for v in versions] == [
        (1, second.id),
        (2, counted.id),
        (3, None),
    ]
