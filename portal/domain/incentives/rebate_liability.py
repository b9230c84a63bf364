"""The liability of a rebate program, all its partners, for the manufacturer's staff:

    liability = await program_liability(manager, program_id)
    liability.accrued, liability.paid, liability.open   # Decimal; open = accrued - paid
    liability.accruals[0].period, .accrued              # what each period added

``accrued`` is the sum of the partners' statements (:func:`compute_statement`): their
accruals as the ``accrue_rebates`` job keeps them, the periods failing a compliance
condition left out. What a period added is, per partner, the accrued amount of the
program's periods up to and including it less that of the periods before it (a
retroactive tier reached in a period raises the rate of the earlier volume too, and so
shows in that period), summed over the partners; the periods add up to ``accrued``.
``paid`` is every interim and final payout of the program (a debit memo counts
negative). A partner principal may not ask (``FORBIDDEN``). A fixed number of queries
whatever the number of partners and periods.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tortoise.functions import Sum

from portal.domain.access.principal import Principal
from portal.domain.errors import DomainError, ErrorCode, PermissionDenied
from portal.domain.incentives.rebate_settlement import failing_periods_of
from portal.domain.incentives.rebates import (
    program_partner_ids,
    program_periods,
    tier_figures,
    visible_programs,
)
from portal.models import RebateAccrual, RebatePayout, RebateProgram
from portal.models.enums import RebateMeasure

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class PeriodAccrual:
    period: str
    accrued: Decimal


@dataclass(frozen=True, slots=True)
class ProgramLiability:
    program_id: int
    currency: str
    partners: int
    accrued: Decimal
    paid: Decimal
    open: Decimal
    accruals: list[PeriodAccrual]


def running_accrued(
    program: RebateProgram, rows: list[RebateAccrual], skip: list[str], periods: list[str]
) -> dict[str, Decimal]:
    """One partner's accrued amount through each period (the periods in ``skip`` left
    out), as :func:`tier_figures` gives it for the volume of the periods so far."""
    by_period = {r.period: r for r in rows if r.period not in skip}
    on_units = program.measure is RebateMeasure.SELL_THROUGH_UNITS
    units = base_units = 0
    value = base_value = Decimal("0")
    through: dict[str, Decimal] = {}
    for period in periods:
        row = by_period.get(period)
        if row is not None:
            units += row.units
            base_units += row.base_units
            value += Decimal(row.value)
            base_value += Decimal(row.base_value)
        through[period] = tier_figures(
            program,
            current=Decimal(units) if on_units else value,
            base=Decimal(base_units) if on_units else base_value,
            payable=value,
        ).accrued
    return through


async def program_liability(
    principal: Principal, program_id: int, today: date | None = None
) -> ProgramLiability:
    if principal.is_partner:
        raise PermissionDenied("Only the manufacturer's staff see a program's liability.")
    program = await (await visible_programs(principal)).filter(id=program_id).first()
    if program is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such rebate program.", ["programId"])
    m = program.manufacturer_id
    partner_ids = sorted(await program_partner_ids(program))
    periods = program_periods(program)
    rows: dict[int, list[RebateAccrual]] = defaultdict(list)
    for row in await RebateAccrual.filter(
        manufacturer_id=m, program_id=program.id, partner_id__in=partner_ids
    ):
        rows[row.partner_id].append(row)
    failing = await failing_periods_of(program, partner_ids, today)
    added = {period: Decimal("0") for period in periods}
    accrued = Decimal("0")
    for partner_id, partner_rows in rows.items():
        through = running_accrued(program, partner_rows, failing[partner_id], periods)
        before = ZERO
        for period in periods:
            added[period] += through[period] - before
            before = through[period]
        accrued += before
    paid = (
        await RebatePayout.filter(
            manufacturer_id=m, program_id=program.id, partner_id__in=partner_ids
        )
        .annotate(total=Sum("amount"))
        .values_list("total", flat=True)
    )
    paid_total = Decimal(paid[0] or 0).quantize(ZERO) if paid else ZERO
    accrued = accrued.quantize(ZERO)
    return ProgramLiability(
        program_id=program.id,
        currency=program.currency,
        partners=len(partner_ids),
        accrued=accrued,
        paid=paid_total,
        open=accrued - paid_total,
        accruals=[PeriodAccrual(p, added[p].quantize(ZERO)) for p in periods],
    )
