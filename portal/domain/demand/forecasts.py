"""Partner forecasts: forward-looking sell-through per SKU for the next periods.

    draft = await forecast_draft(partner, period_from="2026-11", horizon=3)
    forecast = await submit_forecast(partner, lines=draft.lines)    # "no change": as is

The draft holds every SKU the partner forecast before or sold in the three periods
before ``period_from``; each cell is prefilled with the partner's latest forecast of it,
or else the trailing three-period average of its sell-through (rounded half to even).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from tortoise.transactions import in_transaction

from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.catalog.lookups import partner_scope
from portal.domain.catalog.tenants import settings_of
from portal.domain.demand.periods import periods_ahead
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.ledger.period_totals import SELL_THROUGH_KINDS, period_totals
from portal.domain.periods import parse_period
from portal.models import Forecast, ForecastLine, Product

MAX_LINES = 5000
TRAILING = 3


@dataclass(frozen=True, slots=True)
class ForecastCell:
    sku: str
    period: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Draft:
    partner_id: int
    period_from: str
    horizon: int
    lines: list[ForecastCell]


async def _partner(principal: Principal, partner_code: str | None) -> int:
    partner_id = await partner_scope(principal, partner_code)
    if partner_id is None:
        raise DomainError(ErrorCode.REQUIRED, "partnerCode is required.", ["partnerCode"])
    return partner_id


async def latest_forecasts(
    manufacturer_id: int, partner_ids: list[int], periods: list[str]
) -> dict[tuple[int, int, str], int]:
    """(partner, product, period) -> the quantity of the partner's latest forecast of it."""
    latest: dict[tuple[int, int, str], int] = {}
    rows = (
        await ForecastLine.filter(
            manufacturer_id=manufacturer_id, partner_id__in=partner_ids, period__in=periods
        )
        .order_by("forecast_id", "id")
        .values_list("partner_id", "product_id", "period", "quantity")
    )
    for partner_id, product_id, period, quantity in rows:
        latest[(int(partner_id), int(product_id), str(period))] = int(quantity)
    return latest


async def forecast_draft(
    principal: Principal, *, period_from: str, horizon: int, partner_code: str | None = None
) -> Draft:
    principal.require(Action.VIEW_INVENTORY)
    m = principal.manufacturer_id
    partner_id = await _partner(principal, partner_code)
    periods = [p.name for p in await periods_ahead(m, period_from, horizon)]
    granularity = (await settings_of(m)).period_granularity
    trailing, cursor = [], parse_period(periods[0], granularity)
    for _ in range(TRAILING):
        cursor = cursor.previous()
        trailing.append(cursor.name)
    previous = await latest_forecasts(m, [partner_id], periods)
    sold = await period_totals(m, SELL_THROUGH_KINDS, periods=trailing, partner_ids=[partner_id])
    totals: dict[int, int] = defaultdict(int)
    for (_, product_id, _), units in sold.items():
        totals[product_id] += units
    product_ids = {p for _, p, _ in previous} | set(totals)
    skus = {
        p.id: p.sku
        for p in await Product.filter(manufacturer_id=m, id__in=sorted(product_ids)).order_by("sku")
    }
    lines = []
    for product_id, sku in sorted(skus.items(), key=lambda item: item[1]):
        average = int(
            (Decimal(max(totals.get(product_id, 0), 0)) / TRAILING).quantize(
                Decimal(1), rounding=ROUND_HALF_EVEN
            )
        )
        for period in periods:
            quantity = previous.get((partner_id, product_id, period), average)
            lines.append(ForecastCell(sku, period, quantity))
    return Draft(partner_id, periods[0], horizon, lines)


async def submit_forecast(
    principal: Principal,
    *,
    lines: list[ForecastCell],
    partner_code: str | None = None,
    idempotency_key: str | None = None,
) -> Forecast:
    principal.require(Action.SUBMIT_FORECASTS)
    request = {"partner": partner_code, "lines": [asdict(x) for x in lines]}

    async def create() -> Forecast:
        m = principal.manufacturer_id
        partner_id = await _partner(principal, partner_code)
        if not lines or len(lines) > MAX_LINES:
            raise DomainError(
                ErrorCode.REQUIRED, f"1 to {MAX_LINES} lines are required.", ["lines"]
            )
        granularity = (await settings_of(m)).period_granularity
        products = {
            p.sku: p
            for p in await Product.filter(manufacturer_id=m, sku__in={x.sku for x in lines})
        }
        checked: dict[tuple[int, str], int] = {}
        for index, line in enumerate(lines):
            at = ["lines", str(index)]
            product = products.get(line.sku)
            if product is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, f"No product with SKU '{line.sku}'.", [*at, "sku"]
                )
            period = parse_period(line.period, granularity, "period").name
            check_quantity(line.quantity, [*at, "quantity"], sign=Sign.NON_NEGATIVE)
            if (product.id, period) in checked:
                raise DomainError(
                    ErrorCode.ALREADY_EXISTS, f"{line.sku} {period} twice.", [*at, "sku"]
                )
            checked[(product.id, period)] = line.quantity
        async with in_transaction():
            forecast = await Forecast.create(
                manufacturer_id=m, partner_id=partner_id, token_id=principal.token_id
            )
            await ForecastLine.bulk_create(
                [
                    ForecastLine(
                        manufacturer_id=m,
                        forecast_id=forecast.id,
                        partner_id=partner_id,
                        product_id=product_id,
                        period=period,
                        quantity=quantity,
                    )
                    for (product_id, period), quantity in checked.items()
                ]
            )
        return forecast

    return await idempotent(
        principal, "submitForecast", idempotency_key, request, create=create, model=Forecast
    )
