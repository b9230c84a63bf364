"""Partner submissions: receive them, queue their validation, read them back.

    submission = await submit(principal, queue, kind=SubmissionKind.POS, period="2026-10",
                              lines=[{...}], idempotency_key="k")
    submission = await submit(..., file=(b"...", "pos.csv"), mapping="My layout")

The submission is stored (``QUEUED``) with what it carried and a validation job is
queued; the caller gets it back at once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_business_date
from portal.domain.bounds.text import printable, storable
from portal.domain.catalog.lookups import partner_scope
from portal.domain.catalog.tenants import settings_of
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent, request_hash
from portal.domain.periods import parse_period
from portal.domain.tenancy import visible_to
from portal.jobs.kinds import VALIDATE_SUBMISSION
from portal.jobs.records import JobQueue, submit_job
from portal.models import MappingTemplate, Partner, Submission, SubmissionContent
from portal.models.enums import SubmissionKind, SubmissionSource, SubmissionStatus

MAX_LINES = 10_000  # lines of one graph submission; larger reports are uploaded as files
XLSX_MAGIC = b"PK\x03\x04"


def check_line_count(count: int) -> None:
    """A graph submission carries at most ``MAX_LINES`` lines (``TOO_MANY_LINES``)."""
    if count > MAX_LINES:
        raise DomainError(
            ErrorCode.TOO_MANY_LINES,
            f"{count} lines: a GraphQL submission carries at most {MAX_LINES}; "
            "upload larger reports as a file (POST /uploads or uploadSubmission).",
            ["lines"],
        )


def file_format_of(data: bytes, file_name: str) -> str:
    if data.startswith(XLSX_MAGIC) or file_name.lower().endswith((".xlsx", ".xlsm")):
        return "XLSX"
    return "CSV"


def _check_received_at(principal: Principal, received_at: datetime, period_start: date) -> datetime:
    if principal.is_partner or not principal.may(Action.MANAGE_SETTINGS):
        raise DomainError(
            ErrorCode.ROLE_NOT_ALLOWED,
            "Only a manufacturer admin imports history with receivedAt.",
            ["receivedAt"],
        )
    moment = received_at if received_at.tzinfo else received_at.replace(tzinfo=UTC)
    if moment > datetime.now(UTC) or moment.date() < period_start:
        raise DomainError(
            ErrorCode.INVALID,
            "receivedAt lies between the period's start and now.",
            ["receivedAt"],
        )
    return moment


async def _partner_for_submission(principal: Principal, partner_code: str | None) -> int:
    partner_id = await partner_scope(principal, partner_code)
    if partner_id is None:
        raise DomainError(ErrorCode.REQUIRED, "partnerCode is required.", ["partnerCode"])
    partner = await Partner.get(manufacturer_id=principal.manufacturer_id, id=partner_id)
    if not partner.active:
        raise DomainError(ErrorCode.INACTIVE, "The partner is deactivated.", ["partnerCode"])
    return partner_id


async def submit(
    principal: Principal,
    queue: JobQueue,
    *,
    kind: SubmissionKind,
    period: str,
    lines: list[dict[str, Any]] | None = None,
    file: tuple[bytes, str] | None = None,
    mapping: str | None = None,
    dry_run: bool = False,
    partner_code: str | None = None,
    idempotency_key: str | None = None,
    received_at: datetime | None = None,
) -> Submission:
    """Store a submission ``QUEUED`` and queue its validation.

    ``received_at`` imports history: a manufacturer admin loading reports received
    before the portal existed gives their original time, which compliance then judges.
    """
    principal.require(Action.SUBMIT_REPORTS)
    settings = await settings_of(principal.manufacturer_id)
    parsed = parse_period(period, settings.period_granularity)
    check_business_date(parsed.start, ["period"])
    partner_id = await _partner_for_submission(principal, partner_code)
    if received_at is not None:
        received_at = _check_received_at(principal, received_at, parsed.start)
    if (lines is None) == (file is None):
        raise DomainError(ErrorCode.INVALID, "Send either lines or a file.", ["lines"])
    if lines is not None:
        check_line_count(len(lines))
    if lines is not None and not lines:
        raise DomainError(ErrorCode.REQUIRED, "At least one line is required.", ["lines"])
    if lines is not None:  # kept as given; the validation's row checks refuse bad text
        lines = [{k: storable(v) if isinstance(v, str) else v for k, v in x.items()} for x in lines]
    if mapping:
        if not await MappingTemplate.exists(partner_id=partner_id, name=mapping, kind=kind):
            raise DomainError(
                ErrorCode.NOT_FOUND, f"No {kind.value} mapping template '{mapping}'.", ["mapping"]
            )
    request = {
        "kind": kind,
        "period": parsed.name,
        "partner": partner_id,
        "mapping": mapping,
        "dry": dry_run,
        "received": received_at.isoformat() if received_at else None,
        "content": request_hash({"lines": lines})
        if lines is not None
        else request_hash({"file": file[0].hex() if file else ""}),
    }

    async def create() -> Submission:
        for _ in range(5):  # a concurrent resubmission may take the version number
            try:
                async with in_transaction():
                    made = await _create(
                        principal, partner_id, kind, parsed.name, lines, file, mapping, dry_run
                    )
                    if received_at is not None:
                        await Submission.filter(id=made.id).update(created_at=received_at)
                        made.created_at = received_at
                    return made
            except IntegrityError:
                continue
        raise DomainError(
            ErrorCode.INVALID_STATE, "Too many concurrent submissions; retry.", ["period"]
        )

    submission = await idempotent(
        principal, f"submit{kind.value}", idempotency_key, request, create=create, model=Submission
    )
    if submission.status is SubmissionStatus.QUEUED:
        await submit_job(
            queue,
            VALIDATE_SUBMISSION,
            {"submission_id": submission.id},
            manufacturer_id=principal.manufacturer_id,
            dedupe_key=f"{VALIDATE_SUBMISSION}:{submission.id}",
        )
    return submission


async def _create(
    principal: Principal,
    partner_id: int,
    kind: SubmissionKind,
    period: str,
    lines: list[dict[str, Any]] | None,
    file: tuple[bytes, str] | None,
    mapping: str | None,
    dry_run: bool,
) -> Submission:
    latest = (
        await Submission.filter(
            manufacturer_id=principal.manufacturer_id,
            partner_id=partner_id,
            kind=kind,
            period=period,
        )
        .order_by("-version")
        .first()
    )
    submission = await Submission.create(
        manufacturer_id=principal.manufacturer_id,
        partner_id=partner_id,
        kind=kind,
        period=period,
        version=(latest.version + 1) if latest else 1,
        source=SubmissionSource.GRAPHQL if lines is not None else SubmissionSource.FILE,
        dry_run=dry_run,
        file_name=printable(file[1], 250) if file else None,
        mapping_name=mapping,
        rows_total=len(lines) if lines is not None else 0,
        token_id=principal.token_id,
    )
    if lines is not None:
        await SubmissionContent.create(
            manufacturer_id=submission.manufacturer_id,
            submission=submission,
            lines=lines,
            file_format="LINES",
        )
    else:
        assert file is not None
        await SubmissionContent.create(
            manufacturer_id=submission.manufacturer_id,
            submission=submission,
            data=file[0],
            file_format=file_format_of(file[0], file[1]),
        )
    return submission


def visible_submissions(principal: Principal) -> QuerySet[Submission]:
    principal.require(Action.VIEW_INVENTORY)
    submissions = visible_to(principal, Submission)
    return submissions


async def find_submissions(
    principal: Principal,
    *,
    partner_code: str | None = None,
    period: str | None = None,
    kind: SubmissionKind | None = None,
    status: SubmissionStatus | None = None,
) -> QuerySet[Submission]:
    submissions = visible_submissions(principal)
    partner_id = await partner_scope(principal, partner_code)
    if partner_id is not None:
        submissions = submissions.filter(partner_id=partner_id)
    if period:
        settings = await settings_of(principal.manufacturer_id)
        submissions = submissions.filter(
            period=parse_period(period, settings.period_granularity).name
        )
    if kind:
        submissions = submissions.filter(kind=kind)
    if status:
        submissions = submissions.filter(status=status)
    return submissions
