"""The reporting calendar's consequences: who reported on time, who is late or missing,
and reminders (an outbox the webhook delivery sends) for those still missing near the
due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum

from tortoise.exceptions import IntegrityError

from portal.domain.access.principal import Action, Principal
from portal.domain.catalog.lookups import partner_scope
from portal.domain.catalog.tenants import settings_of
from portal.domain.job_failures import ItemGuard
from portal.domain.periods import Period, parse_period, period_containing
from portal.domain.tenancy import tenant_by_tenant
from portal.jobs.kinds import SEND_REMINDERS
from portal.models import ManufacturerSettings, OutboxEvent, Partner, Submission
from portal.models.enums import ACCEPTED_STATUSES, SubmissionKind

REMINDER_EVENT = "reminder.due"


class ComplianceState(str, Enum):
    ON_TIME = "ON_TIME"
    LATE = "LATE"
    MISSING = "MISSING"


@dataclass(frozen=True, slots=True)
class ComplianceRow:
    partner_code: str
    partner_name: str
    kind: SubmissionKind
    state: ComplianceState
    due_on: date
    submitted_at: datetime | None


async def _first_accepted(
    manufacturer_id: int, period: str
) -> dict[tuple[int, SubmissionKind], datetime]:
    rows = await Submission.filter(
        manufacturer_id=manufacturer_id,
        period=period,
        dry_run=False,
        status__in=ACCEPTED_STATUSES,
    ).values_list("partner_id", "kind", "created_at")
    first: dict[tuple[int, SubmissionKind], datetime] = {}
    for partner_id, kind, created_at in rows:
        key = (partner_id, SubmissionKind(kind))
        if key not in first or created_at < first[key]:
            first[key] = created_at
    return first


async def compliance(
    principal: Principal, period: str, partner_code: str | None = None
) -> list[ComplianceRow]:
    principal.require(Action.VIEW_INVENTORY)
    settings = await settings_of(principal.manufacturer_id)
    parsed = parse_period(period, settings.period_granularity)
    due = parsed.due_on(settings.submission_due_days)
    partners = Partner.filter(manufacturer_id=principal.manufacturer_id, active=True)
    partner_id = await partner_scope(principal, partner_code)
    if partner_id is not None:
        partners = partners.filter(id=partner_id)
    first = await _first_accepted(principal.manufacturer_id, parsed.name)
    rows = []
    for partner in await partners.order_by("code").limit(10_000):
        for kind in SubmissionKind:
            submitted = first.get((partner.id, kind))
            state = (
                ComplianceState.MISSING
                if submitted is None
                else ComplianceState.ON_TIME
                if submitted.date() <= due
                else ComplianceState.LATE
            )
            rows.append(ComplianceRow(partner.code, partner.name, kind, state, due, submitted))
    return rows


async def record_reminders(today: date | None = None, *, days_before: int = 3) -> int:
    """Outbox reminders for partners still missing a report due within ``days_before``.

    One manufacturer at a time under a guard: one that fails is recorded in its
    ``jobFailures`` and the others still get their reminders."""
    today = today or datetime.now(UTC).date()
    guard = await ItemGuard.open(SEND_REMINDERS)
    created = 0
    for settings in await tenant_by_tenant(ManufacturerSettings.all()):

        async def remind(settings: ManufacturerSettings = settings) -> int:
            return await _remind(settings, today, days_before)

        created += await guard.run(settings.manufacturer_id, "reminders", remind) or 0
    return created


async def _remind(settings: ManufacturerSettings, today: date, days_before: int) -> int:
    manufacturer_id = settings.manufacturer_id
    period: Period = period_containing(today, settings.period_granularity).previous()
    due = period.due_on(settings.submission_due_days)
    if not today <= due <= today + timedelta(days=days_before):
        return 0
    created = 0
    first = await _first_accepted(manufacturer_id, period.name)
    for partner in await Partner.filter(manufacturer_id=manufacturer_id, active=True):
        for kind in SubmissionKind:
            if (partner.id, kind) in first:
                continue
            try:
                await OutboxEvent.create(
                    manufacturer_id=manufacturer_id,
                    event_type=REMINDER_EVENT,
                    dedupe_key=f"{REMINDER_EVENT}:{partner.id}:{kind.value}:{period.name}",
                    payload={
                        "partnerCode": partner.code,
                        "kind": kind.value,
                        "period": period.name,
                        "dueOn": due.isoformat(),
                    },
                )
                created += 1
            except IntegrityError:  # already reminded
                pass
    return created
