"""Demo rebates: three programs running mid-way. A retroactive sell-in program for the
distributors over the last three months and the next three, paying quarterly on the
automatic schedule (its elapsed quarter paid by the ``rebate_interims`` job's step, a
payout per distributor naming the quarter) and the months since paid on account by hand
(an interim payout without interval), an incremental sell-through units program for the
resellers, and a growth program for DIST-NA (no history a year back: growth 0 %)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tortoise.transactions import in_transaction

from portal.domain.access.principal import Principal
from portal.domain.incentives.rebate_interims import pay_due
from portal.domain.incentives.rebate_settlement import pay_interim
from portal.domain.incentives.rebates import create_program
from portal.domain.periods import period_containing
from portal.models.enums import (
    PartnerTier,
    PeriodGranularity,
    RebateInterimSchedule,
    RebateMeasure,
    RebateMode,
    Role,
)

VOLUME_PROGRAM = "Distributor volume rebate"


def _tiers(*pairs: tuple[str, str]) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(t), Decimal(r)) for t, r in pairs]


async def seed_rebates(admin: Principal, today: date, categories: list[str]) -> None:
    manager = Principal(admin.manufacturer_id, Role.CHANNEL_MANAGER)
    current = period_containing(today, PeriodGranularity.MONTHLY)
    first = current.previous().previous().previous()
    last = current.next().next()
    volume = await create_program(
        manager,
        name=VOLUME_PROGRAM,
        period_from=first.name,
        period_to=last.name,
        measure=RebateMeasure.SELL_IN_VALUE,
        mode=RebateMode.RETROACTIVE,
        partner_tier=PartnerTier.DISTRIBUTOR,
        categories=categories,
        tiers=_tiers(("0", "0"), ("10000", "1"), ("50000", "2"), ("250000", "3")),
        interim_schedule=RebateInterimSchedule.QUARTERLY,
    )
    # Its first period is three months back: the quarter holding it has always elapsed.
    async with in_transaction():
        await pay_due(volume, today)  # what the daily job pays: the elapsed quarter(s)
    await pay_interim(manager, volume.id)  # the months since, paid on account
    await create_program(
        manager,
        name="Reseller sell-through bands",
        period_from=first.name,
        period_to=last.name,
        measure=RebateMeasure.SELL_THROUGH_UNITS,
        mode=RebateMode.INCREMENTAL,
        partner_tier=PartnerTier.RESELLER,
        categories=categories,
        tiers=_tiers(("0", "1"), ("100", "2"), ("500", "4")),
        require_compliance=True,
    )
    await create_program(
        manager,
        name="Northam growth",
        period_from=first.name,
        period_to=last.name,
        measure=RebateMeasure.SELL_THROUGH_VALUE,
        mode=RebateMode.RETROACTIVE,
        growth=True,
        partner_codes=["DIST-NA"],
        categories=categories,
        tiers=_tiers(("0", "0"), ("10", "2"), ("25", "4")),
    )
