"""Automatic interim payouts of rebate programs on a schedule (monthly or quarterly).

    intervals_of(program)                   # [Interval("2026-Q4", [...periods], end), ...]
    await pay_scheduled_interims(today)     # the ``rebate_interims`` job: every tenant

A program created with ``interimSchedule: MONTHLY`` or ``QUARTERLY`` groups its periods
into calendar months or quarters (a weekly period by the month of its Monday). Once an
interval has elapsed (its last period ended before ``today``), the job pays, for every
partner with accruals, the accrued amount **through that interval** (its periods and
the earlier ones, failing compliance periods left out, as the statement) less every
payout so far, when positive: one ``INTERIM`` payout per partner and interval, its memo
line naming the interval and the partner, the claim filed in the interval's last
period. Under the program's row lock, in one transaction per program, the program's
``interim_through`` moves to the interval paid, so an interval is paid once whatever
the number of runs (and ``rebate_payout``'s unique (program, partner, interval) says so
again). Settlement subtracts these payouts like any other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.incentives.rebate_accruals import recompute_program
from portal.domain.incentives.rebate_liability import running_accrued
from portal.domain.incentives.rebate_settlement import failing_periods_of, pay
from portal.domain.incentives.rebates import program_periods
from portal.domain.job_failures import ItemGuard
from portal.domain.periods import stored_period
from portal.jobs.kinds import REBATE_INTERIMS
from portal.models import Partner, RebateAccrual, RebatePayout, RebateProgram
from portal.models.enums import RebateInterimSchedule, RebateStatus

SCHEDULED = (RebateInterimSchedule.MONTHLY, RebateInterimSchedule.QUARTERLY)


@dataclass(frozen=True, slots=True)
class Interval:
    name: str  # "2026-10" (monthly) or "2026-Q4" (quarterly)
    periods: list[str]  # the program periods in it, oldest first
    end: date  # the end of its last period


def intervals_of(program: RebateProgram) -> list[Interval]:
    """The program's periods grouped by its schedule, oldest first (none for ``NONE``)."""
    if program.interim_schedule not in SCHEDULED:
        return []
    grouped: dict[str, list[str]] = defaultdict(list)
    ends: dict[str, date] = {}
    for name in program_periods(program):
        period = stored_period(name)
        start = period.start
        if program.interim_schedule is RebateInterimSchedule.MONTHLY:
            key = f"{start.year}-{start.month:02d}"
        else:
            key = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        grouped[key].append(name)
        ends[key] = max(ends.get(key, period.end), period.end)
    return [Interval(key, grouped[key], ends[key]) for key in sorted(grouped)]


def due_intervals(program: RebateProgram, today: date) -> list[Interval]:
    """The elapsed intervals not paid yet, oldest first."""
    return [
        i
        for i in intervals_of(program)
        if i.end < today and (program.interim_through is None or i.name > program.interim_through)
    ]


async def _pay_interval(program: RebateProgram, interval: Interval) -> int:
    """Pay every partner with accruals what it accrued through ``interval`` less what it
    was paid (positive only); returns the number of payouts."""
    m = program.manufacturer_id
    periods = program_periods(program)
    through = periods[: periods.index(interval.periods[-1]) + 1]
    rows: dict[int, list[RebateAccrual]] = defaultdict(list)
    for row in await RebateAccrual.filter(
        manufacturer_id=m, program_id=program.id, period__in=through
    ).order_by("partner_id", "period"):
        rows[row.partner_id].append(row)
    if not rows:
        return 0
    failing = await failing_periods_of(program, sorted(rows))
    paid = {
        int(partner_id): Decimal(total or 0)
        for partner_id, total in await RebatePayout.filter(
            manufacturer_id=m, program_id=program.id, partner_id__in=sorted(rows)
        )
        .annotate(total=Sum("amount"))
        .group_by("partner_id")
        .values_list("partner_id", "total")
    }
    codes = dict(
        await Partner.filter(manufacturer_id=m, id__in=sorted(rows)).values_list("id", "code")
    )
    count = 0
    for partner_id in sorted(rows):
        accrued = running_accrued(program, rows[partner_id], failing[partner_id], through)[
            through[-1]
        ]
        before = paid.get(partner_id, Decimal("0"))
        owed = accrued - before
        if owed <= 0:
            continue
        reason = (
            f"{program.name}: interim {interval.name} for {codes.get(partner_id, partner_id)},"
            f" accrued {accrued} through {through[-1]}, paid {before}"
        )
        await pay(program, partner_id, owed, "INTERIM", interval.periods[-1], reason, interval.name)
        count += 1
    return count


async def pay_due(program: RebateProgram, today: date) -> int:
    """Under the program's lock (taken here, in the caller's transaction): pay its elapsed
    intervals not paid yet, oldest first, and move ``interim_through``."""
    query = RebateProgram.filter(manufacturer_id=program.manufacturer_id, id=program.id)
    locked = await (query.select_for_update() if is_postgres() else query).first()
    if locked is None or locked.status is not RebateStatus.OPEN:
        return 0
    due = due_intervals(locked, today)
    if not due:
        return 0
    await recompute_program(locked)  # what the accrual job has not drained yet
    count = 0
    for interval in due:
        count += await _pay_interval(locked, interval)
    await query.update(interim_through=due[-1].name)
    return count


async def pay_scheduled_interims(today: date | None = None) -> int:
    """The ``rebate_interims`` job: every tenant's open scheduled programs, each under
    the job's item guard in its own transaction (one that fails is recorded in
    ``jobFailures`` and retried on the next run). Returns the number of payouts."""
    today = today or datetime.now(UTC).date()
    tenants = (
        await RebateProgram.filter(status=RebateStatus.OPEN, interim_schedule__in=SCHEDULED)
        .distinct()
        .values_list("manufacturer_id", flat=True)
    )
    guard = await ItemGuard.open(REBATE_INTERIMS)
    total = 0
    for m in sorted({int(t) for t in tenants}):  # type: ignore[call-overload]
        for program in await RebateProgram.filter(
            manufacturer_id=m, status=RebateStatus.OPEN, interim_schedule__in=SCHEDULED
        ).order_by("id"):
            if not due_intervals(program, today):
                continue

            async def run(program: RebateProgram = program) -> int:
                async with in_transaction():
                    return await pay_due(program, today)

            total += await guard.run(m, f"rebate program {program.id}", run) or 0
    return total
