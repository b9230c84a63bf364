"""Demo demand: a sales agreement per distributor (three SKUs over the last and the next
two months), DIST-NA's forecast (its prefilled draft, submitted as is) and one of the
manager's adjustments with its note."""

from __future__ import annotations

from datetime import date

from portal.demo_incentives import SKUS
from portal.domain.access.principal import Principal
from portal.domain.demand import account, agreements, forecasts
from portal.domain.periods import period_containing
from portal.models import Partner
from portal.models.enums import PeriodGranularity, Role

DISTRIBUTORS = ("DIST-NA", "DIST-EU", "DIST-AP")


async def seed_demand(admin: Principal, today: date) -> None:
    m = admin.manufacturer_id
    manager = Principal(m, Role.CHANNEL_MANAGER)
    current = period_containing(today, PeriodGranularity.MONTHLY)
    periods = [current.previous().name, current.name, current.next().name]
    for number, code in enumerate(DISTRIBUTORS):
        await agreements.create_sales_agreement(
            manager,
            partner_code=code,
            name=f"{code} annual commitment",
            period_from=periods[0],
            period_to=periods[-1],
            lines=[
                agreements.CommitmentInput(sku, period, 20 + 10 * number + 5 * index)
                for index, sku in enumerate(SKUS)
                for period in periods
            ],
        )
    north = await Partner.get(manufacturer_id=m, code="DIST-NA")
    partner = Principal(m, Role.PARTNER_ADMIN, north.id)
    draft = await forecasts.forecast_draft(partner, period_from=current.name, horizon=3)
    if draft.lines:
        await forecasts.submit_forecast(partner, lines=draft.lines)
    await account.adjust_account_forecast(
        manager,
        partner_code="DIST-NA",
        sku=SKUS[0],
        period=current.name,
        adjustment=-10,
        note="Acme Robotics pushes its line 4 ramp a month",
    )
