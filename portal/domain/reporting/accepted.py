"""The current accepted report: the one rule every reader of partner reports shares.

A report is a partner's (kind, period); resubmissions are new versions that supersede the
previous one. The *current accepted* version is the one that is accepted (with or without
warnings), not a dry run, and not superseded; at most one per report.

    reports = current_reports(manufacturer_id, SubmissionKind.STOCK, periods=["2026-10"])
    report = await current_report(manufacturer_id, partner_id, SubmissionKind.POS, "2026-09")
    CURRENT_REPORT_SQL.format(alias="s")   # the same rule inside the set-based SQL ($n: statuses)

Drafts prefill from it, reconciliation reads reported stock from it (both paths), design
sell-through counts its POS, and posting replaces the effect of the previous one.
"""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.queryset import QuerySet

from portal.db import is_postgres
from portal.models import Submission
from portal.models.enums import ACCEPTED_STATUSES, SubmissionKind

ACCEPTED_VALUES: list[str] = [status.value for status in ACCEPTED_STATUSES]
CURRENT_REPORT_SQL = (
    "{alias}.superseded_by_id IS NULL AND NOT {alias}.dry_run "
    "AND {alias}.status = ANY({statuses}::text[])"
)


def current_reports(
    manufacturer_id: int,
    kind: SubmissionKind,
    *,
    partner_id: int | None = None,
    periods: Iterable[str] | None = None,
) -> QuerySet[Submission]:
    """The current accepted versions of a tenant's reports of one kind, optionally narrowed."""
    query = Submission.filter(
        manufacturer_id=manufacturer_id,
        kind=kind,
        superseded_by_id__isnull=True,
        dry_run=False,
        status__in=ACCEPTED_STATUSES,
    )
    if partner_id is not None:
        query = query.filter(partner_id=partner_id)
    if periods is not None:
        query = query.filter(period__in=list(periods))
    return query


async def current_report(
    manufacturer_id: int,
    partner_id: int,
    kind: SubmissionKind,
    period: str,
) -> Submission | None:
    """The current accepted version of one report."""
    query = current_reports(manufacturer_id, kind, partner_id=partner_id, periods=[period])
    return await query.order_by("-version").first()


async def lock_report(
    manufacturer_id: int, partner_id: int, kind: SubmissionKind, period: str
) -> None:
    """Lock every version of one report (PostgreSQL; in id order), in the caller's
    transaction. The writers of a report's current version (posting a validated version,
    accepting an approved count) take it before they read the current version, so they
    replace it one at a time and exactly one version stays current."""
    if is_postgres():
        await (
            Submission.filter(
                manufacturer_id=manufacturer_id, partner_id=partner_id, kind=kind, period=period
            )
            .order_by("id")
            .select_for_update()
        )
