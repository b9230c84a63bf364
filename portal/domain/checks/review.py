"""Submitting a counted sheet and reviewing it.

    check = await submit_inventory_check(principal, check_id)
    check = await review_inventory_check(manager, queue, check_id, approve=True)

Submitting computes each line's variance, counted minus book *as of the count date*:
movements dated after it do not distort the count. Every line must be counted
(``NOT_COUNTED``). Approval recomputes the variances (a backdated movement may have
landed meanwhile) and then, by the manufacturer's ``countVariancePolicy``:

- ``POST_AT_APPROVAL`` (default): the variances post as ``ADJUSTMENT`` entries with reason
  ``COUNT_VARIANCE`` (``portal.domain.ledger.adjustments.post_count_variances``);
- ``OPEN_EXCEPTION``: nothing posts; the gap shows in reconciliation, where an exception
  outside tolerance is investigated (and corrected there) rather than written off.

Either way the count becomes the warehouse's accepted stock report for the check's period
(``portal.domain.reporting.counted``), rolled forward to the period end by the movements
dated after the count date, and reconciliation recomputes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise import connections
from tortoise.transactions import in_transaction

from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.text import clean_text
from portal.domain.catalog.tenants import settings_of
from portal.domain.checks.book import book_at, book_serials_at, movements_between
from portal.domain.checks.sheets import get_check, lines_of
from portal.domain.conflicts import retried_on_conflict
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger.adjustments import CountVariance, post_count_variances
from portal.domain.periods import parse_period
from portal.domain.reconciliation.dirty import request_reconcile
from portal.domain.reporting.counted import accept_counted_stock
from portal.domain.tenancy import save_fields
from portal.jobs.records import JobQueue
from portal.models import InventoryCheck, InventoryCheckLine, OutboxEvent, Product, Warehouse
from portal.models.enums import CheckStatus, CountVariancePolicy

CHECK_SUBMITTED = "check.submitted"
CHECK_APPROVED = "check.approved"
CHECK_REJECTED = "check.rejected"
_CHUNK = 1000
_NULL = "CAST(NULL AS INTEGER)"


async def _compute_variances(check: InventoryCheck) -> list[InventoryCheckLine]:
    """Book at the count date and variance of every line, saved; the lines returned."""
    m = check.manufacturer_id
    lines = await lines_of(m, check.id).order_by("id")
    book = await book_at(m, check.warehouse_id, check.count_date)
    serial_ids = {
        int(p.id)
        for p in await Product.filter(
            manufacturer_id=m, id__in=[x.product_id for x in lines], serial_controlled=True
        ).only("id")
    }
    serials = await book_serials_at(m, check.warehouse_id, check.count_date, sorted(serial_ids))
    for line in lines:
        line.book = book.get(line.product_id, 0)
        line.book_serials = (
            serials.get(line.product_id, []) if line.product_id in serial_ids else []
        )
        line.variance = None if line.counted is None else line.counted - line.book
    await _save_books(check, lines)
    for line in lines:
        if line.product_id in serial_ids:
            await save_fields(line, "book_serials")
    return lines


async def _save_books(check: InventoryCheck, lines: list[InventoryCheckLine]) -> None:
    """Book and variance of many lines, a chunk per statement, inside the tenant."""
    conn = connections.get("default")
    for start in range(0, len(lines), _CHUNK):
        chunk = lines[start : start + _CHUNK]
        # Integers only (ids, quantities), so inlining them is safe in both dialects.
        book = " ".join(f"WHEN {int(x.id)} THEN {int(x.book)}" for x in chunk)
        variance = " ".join(
            f"WHEN {int(x.id)} THEN {_NULL if x.variance is None else int(x.variance)}"
            for x in chunk
        )
        await conn.execute_query(
            f"UPDATE inventory_check_line SET book = CASE id {book} END, "
            f"variance = CASE id {variance} END "
            f"WHERE manufacturer_id = {int(check.manufacturer_id)} "
            f"AND check_id = {int(check.id)} "
            f"AND id IN ({', '.join(str(int(x.id)) for x in chunk)})"
        )


async def _event(check: InventoryCheck, event_type: str, **data: object) -> None:
    await OutboxEvent.create(
        manufacturer_id=check.manufacturer_id,
        event_type=event_type,
        payload={
            "checkId": str(check.id),
            "warehouseId": str(check.warehouse_id),
            "partnerId": str(check.partner_id),
            "countDate": check.count_date.isoformat(),
            "period": check.period,
            **data,
        },
        dedupe_key=f"{event_type}:{check.id}",
    )


async def submit_inventory_check(principal: Principal, check_id: int) -> InventoryCheck:
    principal.require(Action.COUNT_STOCK)
    async with in_transaction():
        check = await get_check(principal, check_id, lock=True)
        if check.status is not CheckStatus.DRAFT:
            raise DomainError(
                ErrorCode.INVALID_STATE, f"The check is {check.status.value}.", ["id"]
            )
        uncounted = await lines_of(check.manufacturer_id, check.id, uncounted_only=True).count()
        if uncounted:
            raise DomainError(
                ErrorCode.NOT_COUNTED,
                f"{uncounted} lines are not counted; count them (0 when none are there).",
                ["id"],
            )
        lines = await _compute_variances(check)
        check.status = CheckStatus.SUBMITTED
        check.submitted_at = datetime.now(UTC)
        await save_fields(check, "status", "submitted_at")
        await _event(
            check,
            CHECK_SUBMITTED,
            lines=len(lines),
            linesWithVariance=sum(1 for x in lines if x.variance),
        )
    return check


def _variances(
    lines: list[InventoryCheckLine], products: dict[int, Product]
) -> list[CountVariance]:
    found: list[CountVariance] = []
    for line in lines:
        product = products[line.product_id]
        if product.serial_controlled:
            counted, book = set(line.serials or []), set(line.book_serials or [])
            extra, gone = sorted(counted - book), sorted(book - counted)
            if extra or gone:
                found.append(CountVariance(product, len(extra) - len(gone), extra, gone))
        elif line.variance:
            found.append(CountVariance(product, line.variance))
    return found


@retried_on_conflict
async def review_inventory_check(
    principal: Principal,
    queue: JobQueue | None,
    check_id: int,
    *,
    approve: bool,
    note: str | None = None,
) -> InventoryCheck:
    principal.require(Action.REVIEW_CHECKS)
    clean_note = clean_text(note or "", ["note"], max_length=500, required=False)
    async with in_transaction():
        check = await get_check(principal, check_id, lock=True)
        if check.status is not CheckStatus.SUBMITTED:
            raise DomainError(
                ErrorCode.INVALID_STATE, f"The check is {check.status.value}.", ["id"]
            )
        check.reviewed_at = datetime.now(UTC)
        check.review_note = clean_note
        check.open_warehouse_id = None
        if not approve:
            check.status = CheckStatus.REJECTED
            await save_fields(check, "status", "reviewed_at", "review_note", "open_warehouse_id")
            await _event(check, CHECK_REJECTED)
            return check
        m = check.manufacturer_id
        lines = await _compute_variances(check)
        products = {
            p.id: p
            for p in await Product.filter(manufacturer_id=m, id__in=[x.product_id for x in lines])
        }
        warehouse = await Warehouse.get(manufacturer_id=m, id=check.warehouse_id)
        settings = await settings_of(m)
        variances = _variances(lines, products)
        if settings.count_variance_policy is CountVariancePolicy.POST_AT_APPROVAL and variances:
            await post_count_variances(
                m,
                warehouse,
                variances,
                day=check.count_date,
                source=("INVENTORY_CHECK", check.id),
                token_id=principal.token_id,
            )
            check.variances_posted = True
        period_end = parse_period(check.period, settings.period_granularity).end
        later = await movements_between(
            m, check.warehouse_id, check.count_date, period_end, [x.product_id for x in lines]
        )
        report = await accept_counted_stock(
            m,
            check.partner_id,
            check.period,
            check.warehouse_id,
            {x.product_id: (x.counted or 0) + later.get(x.product_id, 0) for x in lines},
            token_id=principal.token_id,
        )
        check.stock_submission_id = report.id
        check.status = CheckStatus.APPROVED
        await save_fields(
            check,
            "status",
            "reviewed_at",
            "review_note",
            "open_warehouse_id",
            "stock_submission_id",
            "variances_posted",
        )
        await _event(
            check,
            CHECK_APPROVED,
            stockSubmissionId=str(report.id),
            variancesPosted=check.variances_posted,
            netVariance=sum(v.quantity for v in variances),
        )
    if queue is not None:  # None: the caller drains the dirty keys itself (the demo's seeding)
        await request_reconcile(queue)
    return check
