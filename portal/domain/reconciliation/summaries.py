"""The manufacturer's view over periods: sell-in, sell-through, calculated and reported
inventory, weeks of supply (inventory / average weekly sell-through over the trailing
periods) and flags for excess stock and stock-out risk; for principals who plan demand,
weeks of supply against the forecast too (inventory / average weekly account-forecast
total of the next periods)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tortoise.functions import Count, Sum

from portal.domain.access.principal import Action, Principal
from portal.domain.catalog.lookups import get_product, partner_scope
from portal.domain.catalog.tenants import settings_of
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.periods import Period, parse_period, stored_period
from portal.domain.reconciliation.adjustments import AdjustmentPart, period_adjustments
from portal.models import ReconciliationRow, ReconciliationTotal
from portal.models.enums import PeriodGranularity

TRAILING = 3
EXCESS_WEEKS = 12.0
STOCK_OUT_WEEKS = 2.0
MAX_PERIODS = 60


@dataclass(frozen=True, slots=True)
class SummaryRow:
    period: str
    sell_in: int
    sell_through: int
    calculated: int
    reported: int | None
    weeks_of_supply: float | None
    weeks_of_supply_forecast: float | None
    excess_stock: bool
    stock_out_risk: bool
    adjustments: list[AdjustmentPart]  # what the period's adjustments are made of


async def channel_summary(
    principal: Principal,
    period_from: str,
    period_to: str,
    partner_code: str | None = None,
    sku: str | None = None,
    *,
    with_forecast: bool = True,
    with_adjustments: bool = True,
) -> list[SummaryRow]:
    """``with_forecast=False`` leaves ``weeks_of_supply_forecast`` out (``None``): the
    account forecast behind it is computed per partner, SKU and period;
    ``with_adjustments=False`` leaves ``adjustments`` empty (read from ledger entries)."""
    principal.require(Action.VIEW_INVENTORY)
    settings = await settings_of(principal.manufacturer_id)
    first = parse_period(period_from, settings.period_granularity, "periodFrom")
    last = parse_period(period_to, settings.period_granularity, "periodTo")
    if last.start < first.start:
        raise DomainError(ErrorCode.INVALID, "periodTo is before periodFrom.", ["periodTo"])
    periods = [first]
    while periods[-1].end < last.end and len(periods) < MAX_PERIODS:
        periods.append(periods[-1].next())
    trailing = [first]
    for _ in range(TRAILING - 1):
        trailing.insert(0, trailing[0].previous())
    names = [p.name for p in trailing[:-1]] + [p.name for p in periods]
    partner_id = await partner_scope(principal, partner_code)
    product_id = (await get_product(principal, sku)).id if sku else None
    if product_id is not None:  # per SKU: its rows, one per warehouse and period
        rows = ReconciliationRow.filter(
            manufacturer_id=principal.manufacturer_id, period__in=names, product_id=product_id
        )
        reported = Sum("reported")
        count: Count | Sum = Count("reported")
    else:  # the kept totals: one row per partner and period (totals.py)
        rows = ReconciliationTotal.filter(  # type: ignore[assignment]
            manufacturer_id=principal.manufacturer_id, period__in=names
        )
        reported, count = Sum("reported"), Sum("reported_count")
    if partner_id is not None:
        rows = rows.filter(partner_id=partner_id)
    sums = (
        await rows.annotate(
            sell_in_total=Sum("sell_in"),
            sell_through_total=Sum("sell_through"),
            calculated_total=Sum("calculated"),
            reported_total=reported,
            reported_count=count,
        )
        .group_by("period")
        .values(
            "period",
            "sell_in_total",
            "sell_through_total",
            "calculated_total",
            "reported_total",
            "reported_count",
        )
    )
    by_period: dict[str, dict[str, int]] = defaultdict(dict)
    for s in sums:
        by_period[s["period"]] = {k: int(v or 0) for k, v in s.items() if k != "period"}
    weeks_per_period = 1.0 if settings.period_granularity is PeriodGranularity.WEEKLY else 52 / 12
    ahead = await _forecast_ahead(principal, periods, partner_code, sku) if with_forecast else []
    parts = (
        await period_adjustments(
            principal.manufacturer_id,
            [p.name for p in periods],
            partner_id=partner_id,
            product_id=product_id,
        )
        if with_adjustments
        else {}
    )
    result = []
    for index, period in enumerate(periods):
        figures = by_period.get(period.name, {})
        window = names[index : index + TRAILING]
        sold = sum(by_period.get(name, {}).get("sell_through_total", 0) for name in window)
        weekly = sold / (len(window) * weeks_per_period)
        calculated = figures.get("calculated_total", 0)
        weeks = round(calculated / weekly, 1) if weekly > 0 else None
        coming = ahead[index + 1 : index + 1 + TRAILING] if ahead else []
        weekly_forecast = sum(coming) / (TRAILING * weeks_per_period) if coming else 0.0
        forecast_weeks = round(calculated / weekly_forecast, 1) if weekly_forecast > 0 else None
        result.append(
            SummaryRow(
                period=period.name,
                sell_in=figures.get("sell_in_total", 0),
                sell_through=figures.get("sell_through_total", 0),
                calculated=calculated,
                reported=figures.get("reported_total") if figures.get("reported_count") else None,
                weeks_of_supply=weeks,
                weeks_of_supply_forecast=forecast_weeks,
                excess_stock=weeks is not None and weeks > EXCESS_WEEKS,
                stock_out_risk=weeks is not None and weeks < STOCK_OUT_WEEKS,
                adjustments=parts.get(period.name, []),
            )
        )
    return result


async def _forecast_ahead(
    principal: Principal, periods: list[Period], partner_code: str | None, sku: str | None
) -> list[int]:
    """The account-forecast total of each period from ``periods[0]`` through
    ``TRAILING`` periods past the last (empty when the principal does not plan demand or
    the range is too long for the account forecast)."""
    from portal.domain.demand.account import account_forecast
    from portal.domain.demand.periods import MAX_PERIODS as FORECAST_PERIODS

    if not principal.may(Action.PLAN_DEMAND) or len(periods) + TRAILING > FORECAST_PERIODS:
        return []
    names = [p.name for p in periods]
    for _ in range(TRAILING):
        names.append(stored_period(names[-1]).next().name)
    rows = await account_forecast(
        principal, period_from=names[0], period_to=names[-1], partner_code=partner_code, sku=sku
    )
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row.period] += row.total
    return [totals.get(name, 0) for name in names]
