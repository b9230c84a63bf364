"""Account forecasts: per partner, SKU and period, the expected demand built from its
components, next to the actual sell-through; the channel manager's adjustments; accuracy.

    rows = await account_forecast(manager, period_from="2026-10", period_to="2026-12")
    row.total == row.committed + row.partner_forecast + row.design_pipeline + row.adjustment

- ``committed``: the partner's sales agreement lines for the SKU and period;
- ``partner_forecast``: the partner's latest forecast *beyond* the commitment
  (``max(forecast - committed, 0)``: a commitment is not counted twice);
- ``design_pipeline``: expected quantities of the partner's approved (or won) design
  registrations whose expected close date falls in the period;
- ``adjustment``: the channel manager's latest adjustment of the cell (``adjust``).

Reference case: committed 100, forecast 130, design 50, adjustment -10 -> 170; actual
sell-through 150 -> absolute percentage error 20 / 150 = 13.3 %.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.bounds.text import clean_text
from portal.domain.catalog.lookups import get_product, partner_scope
from portal.domain.catalog.tenants import settings_of
from portal.domain.demand.forecasts import latest_forecasts
from portal.domain.demand.periods import period_range
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger.period_totals import SELL_THROUGH_KINDS, period_totals
from portal.domain.periods import Period, parse_period
from portal.models import (
    DesignLine,
    DesignRegistration,
    ForecastAdjustment,
    Partner,
    Product,
    SalesAgreementLine,
)
from portal.models.enums import DesignStatus

MAX_ROWS = 10_000
PIPELINE_STATUSES = (DesignStatus.APPROVED, DesignStatus.WON)
TENTH = Decimal("0.1")

Key = tuple[int, int, str]  # partner, product, period


@dataclass(frozen=True, slots=True)
class AccountForecastRow:
    partner_id: int
    partner_code: str
    product_id: int
    sku: str
    period: str
    committed: int
    partner_forecast: int
    design_pipeline: int
    adjustment: int
    actual_sell_through: int

    @property
    def total(self) -> int:
        return self.committed + self.partner_forecast + self.design_pipeline + self.adjustment


@dataclass(frozen=True, slots=True)
class AccuracyRow:
    sku: str
    cells: int  # partner x period cells with actual sell-through (the MAPE's denominator)
    forecast: int
    actual: int
    mape: Decimal | None  # mean absolute percentage error, %, one decimal
    bias: Decimal | None  # mean signed percentage error, % (positive: over-forecast)


async def _committed(
    m: int, partner_ids: list[int] | None, periods: list[str], product_id: int | None
) -> dict[Key, int]:
    query = SalesAgreementLine.filter(manufacturer_id=m, period__in=periods)
    if partner_ids is not None:
        query = query.filter(partner_id__in=partner_ids)
    if product_id is not None:
        query = query.filter(product_id=product_id)
    rows = (
        await query.annotate(total=Sum("committed_quantity"))
        .group_by("partner_id", "product_id", "period")
        .values_list("partner_id", "product_id", "period", "total")
    )
    return {(int(a), int(b), str(c)): int(t or 0) for a, b, c, t in rows}


async def _pipeline(
    m: int, partner_ids: list[int] | None, periods: list[Period], product_id: int | None
) -> dict[Key, int]:
    designs = DesignRegistration.filter(
        manufacturer_id=m,
        status__in=PIPELINE_STATUSES,
        expected_close_on__gte=periods[0].start,
        expected_close_on__lte=periods[-1].end,
    )
    if partner_ids is not None:
        designs = designs.filter(partner_id__in=partner_ids)
    found = await designs.values_list("id", "partner_id", "expected_close_on")
    if not found:
        return {}
    period_of_design = {}
    for design_id, partner_id, day in found:
        period = next(p for p in periods if p.contains(day))
        period_of_design[int(design_id)] = (int(partner_id), period.name)
    lines = DesignLine.filter(manufacturer_id=m, registration_id__in=sorted(period_of_design))
    if product_id is not None:
        lines = lines.filter(product_id=product_id)
    pipeline: dict[Key, int] = defaultdict(int)
    for registration_id, line_product, quantity in await lines.values_list(
        "registration_id", "product_id", "expected_annual_quantity"
    ):
        partner_id, period_name = period_of_design[int(registration_id)]
        pipeline[(partner_id, int(line_product), period_name)] += int(quantity)
    return dict(pipeline)


async def current_adjustments(
    m: int, partner_ids: list[int] | None, periods: list[str], product_id: int | None
) -> dict[Key, int]:
    query = ForecastAdjustment.filter(manufacturer_id=m, period__in=periods)
    if partner_ids is not None:
        query = query.filter(partner_id__in=partner_ids)
    if product_id is not None:
        query = query.filter(product_id=product_id)
    latest: dict[Key, int] = {}
    for a, b, c, value in await query.order_by("id").values_list(
        "partner_id", "product_id", "period", "adjustment"
    ):
        latest[(int(a), int(b), str(c))] = int(value)
    return latest


async def account_forecast(
    principal: Principal,
    *,
    period_from: str,
    period_to: str,
    partner_code: str | None = None,
    sku: str | None = None,
) -> list[AccountForecastRow]:
    principal.require(Action.PLAN_DEMAND)
    m = principal.manufacturer_id
    periods = await period_range(m, period_from, period_to)
    names = [p.name for p in periods]
    scope = await partner_scope(principal, partner_code)
    partner_ids = [scope] if scope is not None else None
    product_id = (await get_product(principal, sku)).id if sku else None
    committed = await _committed(m, partner_ids, names, product_id)
    forecast = await latest_forecasts(
        m,
        partner_ids
        if partner_ids is not None
        else [int(p.id) for p in await Partner.filter(manufacturer_id=m).only("id")],
        names,
    )
    if product_id is not None:
        forecast = {k: v for k, v in forecast.items() if k[1] == product_id}
    pipeline = await _pipeline(m, partner_ids, periods, product_id)
    adjustments = await current_adjustments(m, partner_ids, names, product_id)
    actual = await period_totals(
        m,
        SELL_THROUGH_KINDS,
        periods=names,
        partner_ids=partner_ids,
        product_ids=[product_id] if product_id is not None else None,
    )
    keys = set(committed) | set(forecast) | set(pipeline) | set(adjustments) | set(actual)
    if len(keys) > MAX_ROWS:
        raise DomainError(
            ErrorCode.INVALID,
            f"More than {MAX_ROWS} rows: narrow the periods, partner or SKU.",
            ["periodTo"],
        )
    partners = {
        p.id: p.code
        for p in await Partner.filter(manufacturer_id=m, id__in=sorted({k[0] for k in keys}))
    }
    products = {
        p.id: p.sku
        for p in await Product.filter(manufacturer_id=m, id__in=sorted({k[1] for k in keys}))
    }
    rows = []
    for key in keys:
        promised = committed.get(key, 0)
        rows.append(
            AccountForecastRow(
                partner_id=key[0],
                partner_code=partners.get(key[0], ""),
                product_id=key[1],
                sku=products.get(key[1], ""),
                period=key[2],
                committed=promised,
                partner_forecast=max(forecast.get(key, 0) - promised, 0),
                design_pipeline=pipeline.get(key, 0),
                adjustment=adjustments.get(key, 0),
                actual_sell_through=actual.get(key, 0),
            )
        )
    rows.sort(key=lambda r: (r.partner_code, r.sku, r.period))
    return rows


async def adjust_account_forecast(
    principal: Principal,
    *,
    partner_code: str,
    sku: str,
    period: str,
    adjustment: int,
    note: str,
) -> AccountForecastRow:
    """Set the cell's adjustment (not add to it), with a note; earlier values stay as its
    history. Returns the cell recomputed."""
    principal.require(Action.PLAN_DEMAND)
    m = principal.manufacturer_id
    partner_id = await partner_scope(principal, partner_code)
    if partner_id is None:
        raise DomainError(ErrorCode.REQUIRED, "partnerCode is required.", ["partnerCode"])
    product = await get_product(principal, sku)
    granularity = (await settings_of(m)).period_granularity
    name = parse_period(period, granularity).name
    if adjustment:
        check_quantity(adjustment, ["adjustment"], sign=Sign.NON_ZERO)
    clean_note = clean_text(note, ["note"], max_length=500)
    async with in_transaction():
        await ForecastAdjustment.create(
            manufacturer_id=m,
            partner_id=partner_id,
            product_id=product.id,
            period=name,
            adjustment=adjustment,
            note=clean_note,
            token_id=principal.token_id,
        )
    code = (await Partner.get(manufacturer_id=m, id=partner_id)).code
    rows = await account_forecast(
        principal, period_from=name, period_to=name, partner_code=code, sku=product.sku
    )
    return rows[0]


def _percent(value: Decimal) -> Decimal:
    return (value * 100).quantize(TENTH, rounding=ROUND_HALF_EVEN)


async def forecast_accuracy(
    principal: Principal,
    *,
    period_from: str,
    period_to: str,
    partner_code: str | None = None,
) -> list[AccuracyRow]:
    """Per SKU over the partner x period cells with actual sell-through: MAPE (mean of
    |total - actual| / actual) and bias (mean of (total - actual) / actual), in %."""
    rows = await account_forecast(
        principal, period_from=period_from, period_to=period_to, partner_code=partner_code
    )
    by_sku: dict[str, list[AccountForecastRow]] = defaultdict(list)
    for row in rows:
        by_sku[row.sku].append(row)
    result = []
    for sku, cells in sorted(by_sku.items()):
        measured = [c for c in cells if c.actual_sell_through > 0]
        errors = [
            Decimal(c.total - c.actual_sell_through) / c.actual_sell_through for c in measured
        ]
        result.append(
            AccuracyRow(
                sku=sku,
                cells=len(measured),
                forecast=sum(c.total for c in cells),
                actual=sum(c.actual_sell_through for c in cells),
                mape=_percent(sum((abs(e) for e in errors), Decimal(0)) / len(errors))
                if errors
                else None,
                bias=_percent(sum(errors, Decimal(0)) / len(errors)) if errors else None,
            )
        )
    return result


async def adjustment_history(
    manufacturer_id: int, keys: list[Key]
) -> list[list[ForecastAdjustment]]:
    """For each (partner, product, period), its adjustments, newest first."""
    if not keys:
        return []
    rows = await ForecastAdjustment.filter(
        manufacturer_id=manufacturer_id,
        partner_id__in=sorted({k[0] for k in keys}),
        product_id__in=sorted({k[1] for k in keys}),
        period__in=sorted({k[2] for k in keys}),
    ).order_by("-id")
    grouped: dict[Key, list[ForecastAdjustment]] = defaultdict(list)
    for row in rows:
        grouped[(row.partner_id, row.product_id, row.period)].append(row)
    return [grouped.get(key, []) for key in keys]
