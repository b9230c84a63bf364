"""A partner's rebate statement, and paying rebates through claims and credit memos.

    s = await statement(principal, program_id, partner_code="D1")
    # s.attained, s.current_rate, s.next_threshold, s.remaining_to_next, s.accrued,
    # s.paid, s.failing_periods
    await pay_interim(manager, program_id)     # e.g. quarterly: what is accrued, less paid
    await close_program(manager, program_id)   # the final settlement; the program CLOSED

Compliance: a program that requires it counts only the periods in which the partner
reported on time (an accepted POS and STOCK report created by the due date, once that
date has passed) and has no open (``OPEN`` or ``INVESTIGATING``) reconciliation
exception; the others are listed in ``failing_periods`` and their volume is left out of
attainment and accrual.

Paying: each payment is a ``REBATE`` claim, credited at once, with its credit memo (the
gapless numbering and ``credit_memo.created`` of every memo) and a ``rebate_payout`` row.
What is paid is always the accrued amount **less what was paid before**, computed under
the program's row lock, so an amount is never paid twice: an interim payment pays only a
positive difference; the final one a debit memo when accruals fell below what was paid,
and no memo when nothing is owed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.catalog.lookups import get_partner
from portal.domain.catalog.tenants import settings_of
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.incentives.memos import issue_memo
from portal.domain.incentives.rebate_accruals import recompute_program
from portal.domain.incentives.rebates import (
    program_partner_ids,
    program_periods,
    tier_figures,
    visible_programs,
)
from portal.domain.periods import period_containing, stored_period
from portal.models import (
    Claim,
    ClaimLine,
    OutboxEvent,
    Partner,
    RebateAccrual,
    RebatePayout,
    RebateProgram,
    ReconciliationRow,
    Submission,
)
from portal.models.enums import (
    ACCEPTED_STATUSES,
    ClaimKind,
    ClaimLineStatus,
    ClaimStatus,
    ExceptionStatus,
    RebateMeasure,
    RebateStatus,
    SubmissionKind,
)


@dataclass(frozen=True, slots=True)
class Statement:
    program_id: int
    partner_id: int
    partner_code: str
    attained: Decimal
    current_rate: Decimal
    next_threshold: Decimal | None
    remaining_to_next: Decimal | None
    accrued: Decimal
    paid: Decimal
    failing_periods: list[str]


async def failing_periods(
    program: RebateProgram, partner_id: int, today: date | None = None
) -> list[str]:
    """The program periods failing its reporting-compliance condition (none when the
    program does not require it)."""
    return (await failing_periods_of(program, [partner_id], today))[partner_id]


async def failing_periods_of(
    program: RebateProgram, partner_ids: list[int], today: date | None = None
) -> dict[int, list[str]]:
    """:func:`failing_periods` of several partners at once (two queries in all)."""
    failing: dict[int, list[str]] = {p: [] for p in partner_ids}
    if not program.require_compliance or not partner_ids:
        return failing
    m = program.manufacturer_id
    today = today or datetime.now(UTC).date()
    periods = program_periods(program)
    due_days = (await settings_of(m)).submission_due_days
    first: dict[tuple[int, str, str], date] = {}
    for partner_id, period, kind, created_at in await Submission.filter(
        manufacturer_id=m,
        partner_id__in=partner_ids,
        period__in=periods,
        dry_run=False,
        status__in=ACCEPTED_STATUSES,
    ).values_list("partner_id", "period", "kind", "created_at"):
        key = (int(partner_id), period, SubmissionKind(kind).value)
        if key not in first or created_at.date() < first[key]:
            first[key] = created_at.date()
    open_exceptions: set[tuple[int, str]] = {
        (int(partner_id), str(period))
        for partner_id, period in await ReconciliationRow.filter(
            manufacturer_id=m,
            partner_id__in=partner_ids,
            period__in=periods,
            exception_status__in=[ExceptionStatus.OPEN, ExceptionStatus.INVESTIGATING],
        ).values_list("partner_id", "period")
    }
    for partner_id in partner_ids:
        for period in periods:
            due = stored_period(period).due_on(due_days)
            late = today > due and any(
                (partner_id, period, kind.value) not in first
                or first[(partner_id, period, kind.value)] > due
                for kind in SubmissionKind
            )
            if late or (partner_id, period) in open_exceptions:
                failing[partner_id].append(period)
    return failing


async def compute_statement(
    program: RebateProgram, partner: Partner, today: date | None = None
) -> Statement:
    m = program.manufacturer_id
    failing = await failing_periods(program, partner.id, today)
    units = base_units = 0
    value = base_value = Decimal("0")
    for row in await RebateAccrual.filter(
        manufacturer_id=m, program_id=program.id, partner_id=partner.id
    ):
        if row.period in failing:
            continue
        units += row.units
        base_units += row.base_units
        value += Decimal(row.value)
        base_value += Decimal(row.base_value)
    on_units = program.measure is RebateMeasure.SELL_THROUGH_UNITS
    figures = tier_figures(
        program,
        current=Decimal(units) if on_units else value,
        base=Decimal(base_units) if on_units else base_value,
        payable=value,
    )
    paid = (
        await RebatePayout.filter(manufacturer_id=m, program_id=program.id, partner_id=partner.id)
        .annotate(total=Sum("amount"))
        .values_list("total", flat=True)
    )
    return Statement(
        program_id=program.id,
        partner_id=partner.id,
        partner_code=partner.code,
        attained=figures.attained,
        current_rate=figures.current_rate,
        next_threshold=figures.next_threshold,
        remaining_to_next=figures.remaining_to_next,
        accrued=figures.accrued,
        paid=Decimal(paid[0] or 0) if paid else Decimal("0"),
        failing_periods=failing,
    )


async def _program(principal: Principal, program_id: int) -> RebateProgram:
    program = await (await visible_programs(principal)).filter(id=program_id).first()
    if program is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such rebate program.", ["programId"])
    return program


async def statement(
    principal: Principal, program_id: int, partner_code: str | None = None
) -> Statement:
    """A partner's statement: a partner principal's own (naming another partner is
    ``NOT_FOUND``); a manufacturer principal names the partner."""
    program = await _program(principal, program_id)
    if partner_code:
        partner = await get_partner(principal, partner_code)
    elif principal.partner_id is not None:
        partner = await Partner.get(
            manufacturer_id=principal.manufacturer_id, id=principal.partner_id
        )
    else:
        raise DomainError(ErrorCode.REQUIRED, "Name the partner.", ["partnerCode"])
    if partner.id not in await program_partner_ids(program):
        raise DomainError(
            ErrorCode.NOT_FOUND, "The partner is not in this program.", ["partnerCode"]
        )
    return await compute_statement(program, partner)


async def announce_accrued(program: RebateProgram, partner_id: int) -> None:
    """``rebate.accrued``: a partner's accrual of an open program changed."""
    partner = await Partner.get(manufacturer_id=program.manufacturer_id, id=partner_id)
    s = await compute_statement(program, partner)
    now = datetime.now(UTC)
    await OutboxEvent.get_or_create(
        manufacturer_id=program.manufacturer_id,
        dedupe_key=f"rebate.accrued:{program.id}:{partner_id}:{now.isoformat()}",
        defaults={
            "event_type": "rebate.accrued",
            "payload": {
                "programId": str(program.id),
                "partnerCode": partner.code,
                "attained": str(s.attained),
                "currentRate": str(s.current_rate),
                "accrued": str(s.accrued),
                "currency": program.currency,
            },
        },
    )


async def _settle(program: RebateProgram, kind: str) -> list[RebatePayout]:
    """Pay every partner its accrued amount less what it was paid (under the program's
    lock, in the caller's transaction)."""
    m = program.manufacturer_id
    await recompute_program(program)
    partner_ids = sorted(await program_partner_ids(program))
    partners = await Partner.filter(manufacturer_id=m, id__in=partner_ids).order_by("id")
    # An interim payout is filed (claim, memo, finance's export) in the period it is made,
    # within the program; the closing one in the program's last period.
    now = period_containing(
        datetime.now(UTC).date(), (await settings_of(m)).period_granularity
    ).name
    filed = min(now, program.period_to) if kind == "INTERIM" else program.period_to
    filed = max(filed, program.period_from)
    payouts = []
    for partner in partners:
        s = await compute_statement(program, partner)
        owed = s.accrued - s.paid
        if owed == 0 or (kind == "INTERIM" and owed < 0):
            continue
        reason = f"{program.name}: accrued {s.accrued}, paid {s.paid}"
        payouts.append(await pay(program, partner.id, owed, kind, filed, reason))
    return payouts


async def pay(
    program: RebateProgram,
    partner_id: int,
    owed: Decimal,
    kind: str,
    filed: str,
    reason: str,
    interval: str | None = None,
) -> RebatePayout:
    """One payment to a partner (in the caller's transaction, under the program's lock):
    a credited ``REBATE`` claim of one line filed in period ``filed``, its credit memo
    (a debit memo when ``owed`` is negative) and the ``rebate_payout`` row."""
    m = program.manufacturer_id
    now = datetime.now(UTC)
    claim = await Claim.create(
        manufacturer_id=m,
        partner_id=partner_id,
        kind=ClaimKind.REBATE,
        period=filed,
        program_id=program.id,
        status=ClaimStatus.CREDITED,
        currency=program.currency,
        claimed_amount=owed,
        approved_amount=owed,
        validated_at=now,
        reviewed_at=now,
        review_note=f"Rebate {program.name} ({kind.lower()})"[:1000],
    )
    line = await ClaimLine.create(
        manufacturer_id=m,
        claim=claim,
        line_no=1,
        product_id=0,
        sku="REBATE",
        quantity=1,
        approved_quantity=1,
        unit_credit=owed,
        amount=owed,
        status=ClaimLineStatus.APPROVED,
        codes=[],
    )
    memo = await issue_memo(
        claim, [(line, 1, owed, owed, reason)], kind="CREDIT" if owed > 0 else "DEBIT"
    )
    return await RebatePayout.create(
        manufacturer_id=m,
        program_id=program.id,
        partner_id=partner_id,
        claim_id=claim.id,
        memo_id=memo.id,
        kind=kind,
        interval=interval,
        amount=owed,
    )


async def _locked_open(principal: Principal, program_id: int) -> RebateProgram:
    query = (await visible_programs(principal)).filter(id=program_id)
    if is_postgres():
        query = query.select_for_update()
    program = await query.first()
    if program is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such rebate program.", ["id"])
    if program.status is not RebateStatus.OPEN:
        raise DomainError(ErrorCode.INVALID_STATE, "The program is closed.", ["id"])
    return program


async def pay_interim(principal: Principal, program_id: int) -> RebateProgram:
    """An interim payout (e.g. quarterly): every partner's accrued amount less what it
    was paid, when positive; the program stays open."""
    principal.require(Action.REVIEW_CLAIMS)
    async with in_transaction():
        program = await _locked_open(principal, program_id)
        await _settle(program, "INTERIM")
    return program


async def close_program(principal: Principal, program_id: int) -> RebateProgram:
    """Close the program: one credit memo per partner for what is owed (accrued less
    interim payouts; a debit memo if it went negative; none when zero), then
    ``rebate.closed``."""
    principal.require(Action.REVIEW_CLAIMS)
    async with in_transaction():
        program = await _locked_open(principal, program_id)
        payouts = await _settle(program, "FINAL")
        program.status = RebateStatus.CLOSED
        program.closed_at = datetime.now(UTC)
        await RebateProgram.filter(manufacturer_id=program.manufacturer_id, id=program.id).update(
            status=program.status, closed_at=program.closed_at
        )
        await OutboxEvent.create(
            manufacturer_id=program.manufacturer_id,
            event_type="rebate.closed",
            dedupe_key=f"rebate.closed:{program.id}",
            payload={
                "programId": str(program.id),
                "name": program.name,
                "memos": len(payouts),
                "amount": str(sum((p.amount for p in payouts), Decimal("0"))),
                "currency": program.currency,
            },
        )
    return program
