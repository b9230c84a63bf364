"""The validation job of a submission, and its posting: exactly once, atomically.

    status = await validate_submission(submission_id, heartbeat=...)

Resumable: rows are streamed in chunks (memory bounded whatever the file size), each
chunk committing its lines, issues and ``rows_done`` in one transaction; a run cancelled
(arq's ``job_timeout``) or killed mid-file is resumed by the next one after its last
committed chunk. At most ``ISSUE_CAP`` issues are listed, the totals are always counted
(``error_count``, ``warning_count``), and more errors than the cap reject the report.
Then the manufacturer's policy decides: a file with errors is rejected whole, or accepted
without its bad rows. Posting happens in one
transaction with the final status, guarded by ``posted_at``, so a repeat never posts
twice; a resubmission's ledger effect replaces the one of the version it supersedes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tortoise import connections
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.bulk import insert_rows
from portal.domain.catalog.tenants import settings_of
from portal.domain.errors import ErrorCode
from portal.domain.ledger.posting import Movement, post
from portal.domain.periods import Period, parse_period, stored_period
from portal.domain.reconciliation.dirty import mark_dirty, request_reconcile
from portal.domain.reporting import customers as end_customers
from portal.domain.reporting.accepted import current_report, lock_report
from portal.domain.reporting.files import (
    CsvScan,
    FileProblem,
    Layout,
    scan_stored,
    stream_rows,
)
from portal.domain.reporting.lines import pos_lines_of
from portal.domain.reporting.pos_csv import stage_pos_csv
from portal.domain.reporting.pos_staging import WORK_MEM_MB, stage_pos
from portal.domain.reporting.row_validation import CheckedPos, CheckedStock, RowChecker, RowIssue
from portal.domain.reporting.stored import StoredFile
from portal.domain.tenancy import tenant_of
from portal.jobs.records import JobQueue
from portal.models import (
    MappingTemplate,
    OutboxEvent,
    SerialUnit,
    StockBalance,
    StockLine,
    Submission,
    SubmissionContent,
    SubmissionIssue,
    Warehouse,
)
from portal.models.enums import (
    FileRejectionPolicy,
    IssueSeverity,
    LedgerKind,
    SerialStatus,
    SubmissionKind,
    SubmissionStatus,
)

CHUNK = 5000  # rows per committed step (PORTAL_VALIDATION_CHUNK_ROWS for the workers)
ISSUE_CAP = 1000  # issues listed per submission; the true totals are still counted
POS_COLUMNS = {
    "manufacturer_id": "int",
    "submission_id": "bigint",
    "row": "int",
    "warehouse_id": "int",
    "product_id": "int",
    "quantity": "int",
    "sold_on": "date",
    "end_customer_id": "bigint",
    "end_customer_name": "text",
    "unit_price": "numeric",
    "currency": "text",
    "invoice_no": "text",
    "serials": "jsonb",
    "batch_no": "text",
}
STOCK_COLUMNS = {
    "manufacturer_id": "int",
    "submission_id": "bigint",
    "row": "int",
    "warehouse_id": "int",
    "product_id": "int",
    "quantity": "int",
}
ISSUE_COLUMNS = {
    "manufacturer_id": "int",
    "submission_id": "bigint",
    "row": "int",
    "field": "text",
    "code": "text",
    "message": "text",
    "severity": "text",
    "recorded_on": "date",
}
POST_CHUNK = 10_000
Heartbeat = Callable[[], Awaitable[None]]


async def layout_for(submission: Submission) -> Layout:
    if not submission.mapping_name:
        return Layout(kind=submission.kind)
    template = await MappingTemplate.get(
        manufacturer_id=submission.manufacturer_id,
        partner_id=submission.partner_id,
        name=submission.mapping_name,
    )
    return Layout(
        kind=submission.kind,
        columns=dict(template.columns or {}),
        date_format=template.date_format,
        decimal_comma=template.decimal_comma,
        delimiter=template.delimiter,
        header_row=template.header_row,
        partner_skus=template.partner_skus,
    )


@dataclass
class _Content:
    """What was submitted: GraphQL lines, or a stored file read in slices (never whole)."""

    file_format: str  # LINES CSV XLSX
    lines: list[dict[str, Any]]
    stored: StoredFile
    scan: CsvScan | None = None  # a CSV's encoding, head and record count

    @classmethod
    async def load(cls, submission: Submission) -> _Content:
        found = (
            await SubmissionContent.filter(
                manufacturer_id=submission.manufacturer_id, submission_id=submission.id
            )
            .only("id", "file_format", "lines")
            .get()
        )
        content = cls(
            found.file_format,
            list(found.lines or []),
            StoredFile(submission.manufacturer_id, submission.id),
        )
        if content.file_format == "CSV":
            content.scan = await scan_stored(content.stored)
        return content

    @property
    def rows_total(self) -> int:
        """Data rows, for progress (exact for lines, an estimate for a CSV, 0 for XLSX)."""
        if self.file_format == "LINES":
            return len(self.lines)
        return self.scan.records if self.scan is not None else 0


async def _rows(content: _Content, layout: Layout) -> AsyncIterator[tuple[int, dict[str, str]]]:
    if content.file_format == "LINES":
        for index, line in enumerate(content.lines, start=1):
            yield index, {k: ("" if v is None else str(v)).strip() for k, v in line.items()}
        return
    async for numbered in stream_rows(content.stored, content.file_format, layout, content.scan):
        yield numbered


async def series_of(submission: Submission) -> list[Submission]:
    """Earlier versions of the same report (partner, kind, period)."""
    return await Submission.filter(
        partner_id=submission.partner_id,
        kind=submission.kind,
        period=submission.period,
        version__lt=submission.version,
    ).order_by("-version")


async def validate_submission(
    submission_id: int,
    *,
    manufacturer_id: int | None = None,
    heartbeat: Heartbeat | None = None,
    queue: JobQueue | None = None,
    chunk_rows: int | None = None,
    set_based: bool | None = None,
    work_mem_mb: int = WORK_MEM_MB,
) -> SubmissionStatus:
    """Validate, then post an accepted submission; with a ``queue`` an accepted one asks
    for its reconciliation at once (see :func:`request_reconcile`). A POS report is
    validated set-based on PostgreSQL (``set_based``, default: on PostgreSQL), row by row
    otherwise; both give the same issues and lines."""
    use_sql = is_postgres() if set_based is None else set_based and is_postgres()
    submission = await Submission.filter(id=submission_id, **tenant_of(manufacturer_id)).get()
    status = await _validate(submission, heartbeat, chunk_rows or CHUNK, use_sql, work_mem_mb)
    if status.accepted and queue is not None:
        await request_reconcile(queue)
    return status


async def fail_validation(
    submission_id: int, manufacturer_id: int | None = None
) -> SubmissionStatus:
    """The validation job failed for good: the submission is ``REJECTED`` with a file-level
    ``VALIDATION_FAILED`` issue, never left ``VALIDATING``. A final one is left as it is."""
    submission = await Submission.filter(id=submission_id, **tenant_of(manufacturer_id)).get()
    if submission.status.final:
        return submission.status
    async with in_transaction():
        await insert_rows(
            "submission_issue",
            ISSUE_COLUMNS,
            [
                (
                    submission.manufacturer_id,
                    submission_id,
                    1,
                    None,
                    ErrorCode.VALIDATION_FAILED.value,
                    "The report could not be validated (an unexpected failure, retried "
                    "without success); submit it again or contact the manufacturer.",
                    IssueSeverity.ERROR.value,
                    datetime.now(UTC).date(),
                )
            ],
        )
        await Submission.filter(
            manufacturer_id=submission.manufacturer_id, id=submission_id
        ).update(
            status=SubmissionStatus.REJECTED,
            error_count=F("error_count") + 1,
            validated_at=datetime.now(UTC),
        )
    await _announce(submission, SubmissionStatus.REJECTED)
    return SubmissionStatus.REJECTED


async def _validate(
    submission: Submission,
    heartbeat: Heartbeat | None,
    chunk_rows: int,
    set_based: bool,
    work_mem_mb: int,
) -> SubmissionStatus:
    submission_id = submission.id
    if submission.status.final:
        return submission.status
    # Each chunk commits its lines, issues and progress together, so a run that was
    # cancelled or killed resumes after its last committed chunk.
    # POS on PostgreSQL is validated set-based in one transaction: a run that died left
    # nothing to resume, so it starts over.
    staged = set_based and submission.kind is SubmissionKind.POS
    resume = (
        not staged and submission.status is SubmissionStatus.VALIDATING and submission.rows_done > 0
    )
    if not resume:
        # never a finished one (an earlier run of the job may have finished it since it was
        # read), and fenced like every write of a run: all or nothing, ending with the heartbeat
        async with in_transaction():
            reset = await Submission.filter(
                manufacturer_id=submission.manufacturer_id,
                id=submission_id,
                posted_at__isnull=True,
                status__in=[SubmissionStatus.QUEUED, SubmissionStatus.VALIDATING],
            ).update(
                status=SubmissionStatus.VALIDATING, rows_done=0, error_count=0, warning_count=0
            )
            if reset:
                await pos_lines_of(submission).delete()
                for model in (SubmissionIssue, StockLine):
                    await model.filter(
                        manufacturer_id=submission.manufacturer_id, submission_id=submission_id
                    ).delete()
                if heartbeat is not None:
                    await heartbeat()
        if not reset:
            finished = await Submission.get(
                manufacturer_id=submission.manufacturer_id, id=submission_id
            )
            return finished.status
    settings = await settings_of(submission.manufacturer_id)
    content = await _Content.load(submission)
    rows_total = content.rows_total
    await Submission.filter(manufacturer_id=submission.manufacturer_id, id=submission_id).update(
        rows_total=rows_total
    )
    period = parse_period(submission.period, settings.period_granularity)
    layout = await layout_for(submission)
    earlier = await series_of(submission)
    if staged:
        return await _validate_staged(
            submission,
            content,
            layout,
            period,
            earlier,
            heartbeat,
            chunk_rows,
            rows_total,
            work_mem_mb,
        )
    checker = await RowChecker.load(
        submission.manufacturer_id,
        submission.partner_id,
        submission.kind,
        period,
        layout,
        {s.id for s in earlier},
    )
    run = _Run(submission, checker, heartbeat, rows_total)
    if resume:
        await run.restore()
    try:
        chunk: list[tuple[int, dict[str, str]]] = []
        index = -1
        async for row in _rows(content, layout):
            index += 1
            if index < run.rows:  # committed by an earlier run: only rebuild the checker
                run.replay(row)
                continue
            chunk.append(row)
            if len(chunk) >= chunk_rows:
                await run.flush(chunk)
                chunk = []
        await run.flush(chunk)
        if run.rows == 0:
            raise FileProblem("NO_ROWS", "There are no data rows.", 1)
    except FileProblem as problem:
        await run.record([RowIssue(problem.row, None, problem.code, problem.message)], final=True)
        return await _finish(submission, SubmissionStatus.REJECTED, run.rows, heartbeat)
    status = _decide(run, settings.file_rejection_policy)
    if status.accepted and not submission.dry_run:
        await post_submission(
            submission.manufacturer_id, submission_id, status, run.rows, heartbeat
        )
        return status
    return await _finish(submission, status, run.rows, heartbeat)


async def _validate_staged(
    submission: Submission,
    content: _Content,
    layout: Layout,
    period: Period,
    earlier: list[Submission],
    heartbeat: Heartbeat | None,
    chunk_rows: int,
    rows_total: int,
    work_mem_mb: int,
) -> SubmissionStatus:
    """POS on PostgreSQL: the rows are staged and checked set-based (:mod:`pos_staging`),
    with the same outcome as the row-by-row path."""
    checker = RowChecker(
        submission.manufacturer_id,
        submission.kind,
        submission.partner_id,
        period,
        layout,
        {},
        {},
        {},
        {},
        {s.id for s in earlier},
    )
    parsed = None
    if content.scan is not None:  # a CSV: parsed by PostgreSQL if it reads as Python does
        parsed = await stage_pos_csv(
            submission,
            checker,
            content.stored,
            content.scan,
            series_ids=[s.id for s in earlier],
            chunk_rows=chunk_rows,
            cap=ISSUE_CAP,
            heartbeat=heartbeat,
            work_mem_mb=work_mem_mb,
        )
    if parsed is not None:
        outcome, problem = parsed, None
    else:
        outcome, problem = await stage_pos(
            submission,
            checker,
            _rows(content, layout),
            series_ids=[s.id for s in earlier],
            chunk_rows=chunk_rows,
            cap=ISSUE_CAP,
            heartbeat=heartbeat,
            work_mem_mb=work_mem_mb,
        )
    run = _Run(submission, checker, heartbeat, rows_total)
    run.rows, run.valid = outcome.rows, outcome.valid
    run.errors, run.warnings = outcome.errors, outcome.warnings
    if problem is None and run.rows == 0:
        problem = FileProblem("NO_ROWS", "There are no data rows.", 1)
    if problem is not None:
        await run.record([RowIssue(problem.row, None, problem.code, problem.message)], final=True)
        return await _finish(submission, SubmissionStatus.REJECTED, run.rows, heartbeat)
    settings = await settings_of(submission.manufacturer_id)
    status = _decide(run, settings.file_rejection_policy)
    if status.accepted and not submission.dry_run:
        await post_submission(
            submission.manufacturer_id, submission.id, status, run.rows, heartbeat
        )
        return status
    return await _finish(submission, status, run.rows, heartbeat)


def _decide(run: _Run, policy: FileRejectionPolicy) -> SubmissionStatus:
    if run.errors > ISSUE_CAP:  # too many to list: rejected whatever the policy
        return SubmissionStatus.REJECTED
    if run.errors:
        if policy is FileRejectionPolicy.REJECT_FILE or run.valid == 0:
            return SubmissionStatus.REJECTED
        return SubmissionStatus.ACCEPTED_WITH_WARNINGS
    return SubmissionStatus.ACCEPTED_WITH_WARNINGS if run.warnings else SubmissionStatus.ACCEPTED


async def _finish(
    submission: Submission, status: SubmissionStatus, rows: int, heartbeat: Heartbeat | None
) -> SubmissionStatus:
    async with in_transaction():  # fenced: a run that lost its job finishes nothing
        await Submission.filter(
            manufacturer_id=submission.manufacturer_id, id=submission.id
        ).update(status=status, rows_total=rows, rows_done=rows, validated_at=datetime.now(UTC))
        await _announce(submission, status)
        if heartbeat is not None:
            await heartbeat()
    return status


async def _announce(submission: Submission, status: SubmissionStatus) -> None:
    """An outbox event for the webhooks: submission accepted or rejected."""
    if submission.dry_run:
        return
    event = "submission.rejected" if status is SubmissionStatus.REJECTED else "submission.accepted"
    await OutboxEvent.get_or_create(
        manufacturer_id=submission.manufacturer_id,
        dedupe_key=f"{event}:{submission.id}",
        defaults={
            "event_type": event,
            "payload": {
                "submissionId": str(submission.id),
                "kind": submission.kind.value,
                "period": submission.period,
                "status": status.value,
            },
        },
    )


class _Run:
    def __init__(
        self,
        submission: Submission,
        checker: RowChecker,
        heartbeat: Heartbeat | None,
        rows_total: int,
    ) -> None:
        self.submission = submission
        self.tenant = submission.manufacturer_id
        self.checker = checker
        self.heartbeat = heartbeat
        self.rows_total = rows_total
        self.customers = end_customers.CustomerCache(submission.manufacturer_id)
        self.rows = self.valid = self.errors = self.warnings = 0
        self.listed = 0  # issue rows recorded (at most ISSUE_CAP, plus the cap's notice)

    async def restore(self) -> None:
        """Continue after the last committed chunk of an interrupted run."""
        fresh = await Submission.get(
            manufacturer_id=self.submission.manufacturer_id, id=self.submission.id
        )
        self.rows = fresh.rows_done
        self.errors, self.warnings = fresh.error_count, fresh.warning_count
        mine = {"manufacturer_id": self.tenant, "submission_id": self.submission.id}
        if self.submission.kind is SubmissionKind.POS:
            self.valid = await pos_lines_of(self.submission).count()
        else:
            self.valid = await StockLine.filter(**mine).count()
        self.listed = await SubmissionIssue.filter(**mine).count()

    def replay(self, row: tuple[int, dict[str, str]]) -> None:
        """A row an earlier run committed: checked again only for the checker's memory
        (duplicate lines across chunks); nothing is written."""
        if self.submission.kind is SubmissionKind.STOCK:
            self.checker.check_stock(*row)
        else:
            self.checker.check_pos(*row)

    @property
    def too_many(self) -> bool:
        return self.errors > ISSUE_CAP

    async def flush(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        if not chunk:
            return
        async with in_transaction():  # lines, issues and progress of a chunk: all or nothing
            await self._flush(chunk)
            if self.heartbeat is not None:  # in the transaction: a run that lost its job
                await self.heartbeat()  # commits nothing more (LeaseLost rolls back)

    async def _flush(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        issues: list[RowIssue] = []
        if self.submission.kind is SubmissionKind.STOCK:
            stock: list[CheckedStock] = []
            for row, values in chunk:
                checked_stock = self.checker.check_stock(row, values)
                if isinstance(checked_stock, RowIssue):
                    issues.append(checked_stock)
                else:
                    stock.append(checked_stock)
            if not self.too_many:  # past the cap the report is rejected: lines are moot
                await insert_rows(
                    "stock_line",
                    STOCK_COLUMNS,
                    [
                        (
                            self.tenant,
                            self.submission.id,
                            x.row,
                            x.warehouse_id,
                            x.product_id,
                            x.quantity,
                        )
                        for x in stock
                    ],
                )
            self.valid += len(stock)
        else:
            pos: list[CheckedPos] = []
            for row, values in chunk:
                checked_pos = self.checker.check_pos(row, values)
                if isinstance(checked_pos, RowIssue):
                    issues.append(checked_pos)
                else:
                    pos.append(checked_pos)
            serial_issues = await self.checker.check_serials(pos)
            bad_rows = {i.row for i in serial_issues}
            issues.extend(serial_issues)
            pos = [p for p in pos if p.row not in bad_rows]
            if not self.too_many:
                await self._save_pos(pos)
            self.valid += len(pos)
        self.rows += len(chunk)
        await self._record(issues)

    async def _save_pos(self, lines: list[CheckedPos]) -> None:
        customers = await self.customers.resolve_all(line.customer for line in lines)
        await insert_rows(
            "pos_line",
            POS_COLUMNS,
            [
                (
                    self.tenant,
                    self.submission.id,
                    p.row,
                    p.warehouse_id,
                    p.product_id,
                    p.quantity,
                    p.sold_on,
                    customers[p.customer],
                    p.customer[0],
                    p.unit_price,
                    p.currency,
                    p.invoice_no,
                    json.dumps(p.serials),
                    p.batch_no,
                )
                for p in lines
            ],
        )

    async def record(self, issues: list[RowIssue], final: bool = False) -> None:
        """A file-level problem (``final``): listed whatever the cap."""
        async with in_transaction():
            await self._record(issues, final)
            if self.heartbeat is not None:  # fenced, as the chunks are
                await self.heartbeat()

    async def _record(self, issues: list[RowIssue], final: bool = False) -> None:
        self.errors += sum(1 for i in issues if i.severity is IssueSeverity.ERROR)
        self.warnings += sum(1 for i in issues if i.severity is IssueSeverity.WARNING)
        room = len(issues) if final else max(0, ISSUE_CAP - self.listed)
        listed = issues[:room]
        if len(issues) > room and self.listed <= ISSUE_CAP:  # the cap's notice, once
            listed.append(
                RowIssue(
                    issues[room].row,
                    None,
                    ErrorCode.TOO_MANY_ISSUES.value,
                    f"More than {ISSUE_CAP} issues: the rest are counted in errorCount and "
                    "warningCount but not listed.",
                    IssueSeverity.WARNING,
                )
            )
        if listed:
            today = datetime.now(UTC).date()
            await insert_rows(
                "submission_issue",
                ISSUE_COLUMNS,
                [
                    (
                        self.tenant,
                        self.submission.id,
                        i.row,
                        i.field,
                        i.code,
                        i.message[:500],
                        i.severity.value,
                        today,
                    )
                    for i in listed
                ],
            )
            self.listed += len(listed)
        self.rows_total = max(self.rows, self.rows_total)
        await Submission.filter(
            manufacturer_id=self.submission.manufacturer_id, id=self.submission.id
        ).update(
            rows_done=self.rows,
            error_count=self.errors,
            warning_count=self.warnings,
            rows_total=self.rows_total,
        )


async def post_submission(
    manufacturer_id: int,
    submission_id: int,
    status: SubmissionStatus,
    rows: int,
    heartbeat: Heartbeat | None = None,
) -> None:
    """Post an accepted submission and set its final status, in one transaction, once.
    ``heartbeat`` (the job's) is that transaction's last statement: a run that lost its job
    posts nothing."""
    async with in_transaction():
        submission = await Submission.get(manufacturer_id=manufacturer_id, id=submission_id)
        # the versions of one report post one at a time, in whatever order they come
        await lock_report(
            manufacturer_id, submission.partner_id, submission.kind, submission.period
        )
        submission = await Submission.get(manufacturer_id=manufacturer_id, id=submission_id)
        if submission.posted_at is not None or submission.status.final:
            return
        previous = await current_report(
            submission.manufacturer_id,
            submission.partner_id,
            submission.kind,
            submission.period,
        )
        if previous is not None and previous.version > submission.version:
            # a later version was posted first (validated sooner): this one is superseded
            # at once and moves nothing
            await Submission.filter(manufacturer_id=manufacturer_id, id=submission_id).update(
                status=status,
                superseded_by_id=previous.id,
                validated_at=datetime.now(UTC),
                rows_total=rows,
                rows_done=rows,
            )
            await _announce(submission, status)
            if heartbeat is not None:
                await heartbeat()
            return
        if submission.kind is SubmissionKind.POS:
            await _post_pos(submission, previous)
            if not submission.dry_run:  # the accepted lines consume SCS contracts
                from portal.domain.contracts.owned_sales import sell_partner_owned
                from portal.domain.contracts.pos_consumption import consume_from_pos

                await consume_from_pos(submission)
                await sell_partner_owned(submission)  # then the partner's own there
        else:  # a stock report moves no quantity; its rows need a recompute
            start = parse_period(
                submission.period,
                (await settings_of(submission.manufacturer_id)).period_granularity,
            ).start
            m = submission.manufacturer_id
            keys: set[tuple[int, int]] = set()
            for version in (submission, previous):
                if version is not None:
                    lines = await StockLine.filter(
                        manufacturer_id=m, submission_id=version.id
                    ).values_list("warehouse_id", "product_id")
                    keys.update((int(w), int(p)) for w, p in lines)
            # a product left out of a reported warehouse is reported as 0: its rows too
            reported = sorted({w for w, _ in keys})
            if reported:
                held = await StockBalance.filter(
                    manufacturer_id=m, warehouse_id__in=reported
                ).values_list("warehouse_id", "product_id")
                keys.update((int(w), int(p)) for w, p in held)
            await mark_dirty(m, [(w, p, start) for w, p in sorted(keys)])
        if previous is not None:
            await Submission.filter(
                manufacturer_id=previous.manufacturer_id, id=previous.id
            ).update(superseded_by_id=submission.id)
        now = datetime.now(UTC)
        await Submission.filter(
            manufacturer_id=submission.manufacturer_id, id=submission_id
        ).update(status=status, posted_at=now, validated_at=now, rows_total=rows, rows_done=rows)
        if (
            submission.kind is SubmissionKind.POS
            and previous is not None
            and not submission.dry_run
        ):
            # Units a claim was given and this version no longer proves are clawed back.
            from portal.domain.incentives.clawback import claw_back

            await claw_back(
                submission.manufacturer_id,
                submission.partner_id,
                submission.period,
                submission.version,
            )
        await _announce(submission, status)
        if heartbeat is not None:  # last: the job's row is locked only until the commit
            await heartbeat()


_EFFECT_PG = """
SELECT warehouse_id, product_id, sold_on, quantity > 0 AS sale, batch_no,
       -sum(quantity) AS quantity
FROM pos_line
WHERE manufacturer_id = $1 AND submission_id = $2 AND sold_on BETWEEN $3 AND $4
GROUP BY warehouse_id, product_id, sold_on, quantity > 0, batch_no
ORDER BY min(id)"""

EffectKey = tuple[int, int, date, LedgerKind, str | None]  # warehouse, product, day, kind, batch


async def _pos_effect(submission: Submission) -> dict[EffectKey, int]:
    """A POS submission's ledger effect, aggregated per warehouse, product, day, kind and
    batch (on PostgreSQL by one grouped query, in the order the lines first touch each key)."""
    effect: dict[EffectKey, int] = defaultdict(int)
    if is_postgres():
        period = stored_period(submission.period)
        _, grouped = await connections.get("default").execute_query(
            _EFFECT_PG, [submission.manufacturer_id, submission.id, period.start, period.end]
        )
        for r in grouped:
            kind = LedgerKind.SELL_THROUGH if r["sale"] else LedgerKind.CUSTOMER_RETURN
            key = (r["warehouse_id"], r["product_id"], r["sold_on"], kind, r["batch_no"])
            effect[key] = int(r["quantity"])
        return effect
    last = 0
    while True:
        rows = (
            await pos_lines_of(submission)
            .filter(id__gt=last)
            .order_by("id")
            .limit(POST_CHUNK)
            .values_list("id", "warehouse_id", "product_id", "sold_on", "quantity", "batch_no")
        )
        if not rows:
            return effect
        for _, warehouse_id, product_id, sold_on, quantity, batch_no in rows:
            kind = LedgerKind.SELL_THROUGH if quantity > 0 else LedgerKind.CUSTOMER_RETURN
            effect[(warehouse_id, product_id, sold_on, kind, batch_no)] -= quantity
        last = rows[-1][0]


async def _post_pos(submission: Submission, previous: Submission | None) -> None:
    movements = await _pos_effect(submission)
    if previous is not None:  # replace, never add: take the old effect out
        for key, quantity in (await _pos_effect(previous)).items():
            movements[key] = movements.get(key, 0) - quantity
    warehouse_ids = {key[0] for key in movements}
    warehouses = {
        w.id: w
        for w in await Warehouse.filter(
            manufacturer_id=submission.manufacturer_id, id__in=warehouse_ids
        )
    }
    items = [(k, q) for k, q in movements.items() if q]
    for start in range(0, len(items), POST_CHUNK):
        await post(
            submission.manufacturer_id,
            [
                Movement(warehouses[w], p, q, kind, day, batch_no=batch)
                for (w, p, day, kind, batch), q in items[start : start + POST_CHUNK]
            ],
            source=("SUBMISSION", submission.id),
            token_id=submission.token_id,
            allow_negative=True,  # reported sales are facts; a shortfall shows in reconciliation
        )
    await _move_serials(submission, previous)


async def _move_serials(submission: Submission, previous: Submission | None) -> None:
    sold: dict[int, set[str]] = defaultdict(set)
    returned: dict[int, set[str]] = defaultdict(set)
    async for line in _serial_lines(submission):
        (sold if line[2] > 0 else returned)[line[0]].update(line[1])
    if previous is not None:  # serials the old version sold and this one does not: back in stock
        await SerialUnit.filter(
            manufacturer_id=submission.manufacturer_id, sold_in_submission_id=previous.id
        ).update(status=SerialStatus.IN_STOCK, sold_in_submission_id=None)
    for product_id, serials in sold.items():
        await SerialUnit.filter(
            manufacturer_id=submission.manufacturer_id, product_id=product_id, serial__in=serials
        ).update(status=SerialStatus.GONE, sold_in_submission_id=submission.id)
    for product_id, serials in returned.items():
        await SerialUnit.filter(
            manufacturer_id=submission.manufacturer_id, product_id=product_id, serial__in=serials
        ).update(status=SerialStatus.IN_STOCK, sold_in_submission_id=None)


async def _serial_lines(submission: Submission) -> Any:
    rows = (
        await pos_lines_of(submission)
        .exclude(serials=[])
        .values_list("product_id", "serials", "quantity")
    )
    for row in rows:
        yield row
