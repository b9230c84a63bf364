"""Resolvers of demand: they clean the input and call the domain."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from portal.domain.catalog.lookups import partner_scope
from portal.domain.demand import account, agreements, forecasts
from portal.domain.pagination import paginate
from portal.models import Forecast as ForecastModel
from portal.models import SalesAgreement as AgreementModel
from portal.resolvers.helpers import object_id, page_limit
from portal.schema.common import Connection, UserError, attempt, to_connection
from portal.schema.demand.types import (
    AccountForecastPayload,
    AccountForecastRow,
    AdjustAccountForecastInput,
    AgreementPerformanceRow,
    CreateSalesAgreementInput,
    Forecast,
    ForecastAccuracyRow,
    ForecastDraft,
    ForecastPayload,
    SalesAgreement,
    SalesAgreementPayload,
    SubmitForecastInput,
)


async def resolve_sales_agreements(
    info: Info, partner_code: str | None = None, first: int | None = None, after: str | None = None
) -> Connection[SalesAgreement]:
    principal = info.context.principal
    query = agreements.visible_sales_agreements(
        principal, partner_id=await partner_scope(principal, partner_code)
    )
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, SalesAgreement.from_model, after)


async def resolve_agreement_performance(
    info: Info, id: strawberry.ID
) -> list[AgreementPerformanceRow]:
    rows = await agreements.agreement_performance(info.context.principal, object_id(id))
    return [AgreementPerformanceRow.from_domain(r) for r in rows]


async def resolve_forecast_draft(
    info: Info, period_from: str, horizon: int, partner_code: str | None = None
) -> ForecastDraft:
    draft = await forecasts.forecast_draft(
        info.context.principal, period_from=period_from, horizon=horizon, partner_code=partner_code
    )
    return ForecastDraft.from_domain(draft)


async def resolve_account_forecast(
    info: Info,
    period_from: str,
    period_to: str,
    partner_code: str | None = None,
    sku: str | None = None,
) -> list[AccountForecastRow]:
    rows = await account.account_forecast(
        info.context.principal,
        period_from=period_from,
        period_to=period_to,
        partner_code=partner_code,
        sku=sku,
    )
    return [AccountForecastRow.from_domain(r) for r in rows]


async def resolve_forecast_accuracy(
    info: Info, period_from: str, period_to: str, partner_code: str | None = None
) -> list[ForecastAccuracyRow]:
    rows = await account.forecast_accuracy(
        info.context.principal,
        period_from=period_from,
        period_to=period_to,
        partner_code=partner_code,
    )
    return [ForecastAccuracyRow.from_domain(r) for r in rows]


async def create_sales_agreement(
    info: Info, input: CreateSalesAgreementInput
) -> SalesAgreementPayload:
    made, errors = await attempt(
        lambda: agreements.create_sales_agreement(
            info.context.principal,
            partner_code=input.partner_code,
            name=input.name,
            period_from=input.period_from,
            period_to=input.period_to,
            lines=[
                agreements.CommitmentInput(x.sku, x.period, x.committed_quantity)
                for x in input.lines
            ],
            idempotency_key=input.idempotency_key,
        )
    )
    return _agreement(made, errors)


def _agreement(made: AgreementModel | None, errors: list[UserError]) -> SalesAgreementPayload:
    return SalesAgreementPayload(
        sales_agreement=SalesAgreement.from_model(made) if made is not None else None,
        errors=errors,
    )


async def submit_forecast(info: Info, input: SubmitForecastInput) -> ForecastPayload:
    made, errors = await attempt(
        lambda: forecasts.submit_forecast(
            info.context.principal,
            lines=[forecasts.ForecastCell(x.sku, x.period, x.quantity) for x in input.lines],
            partner_code=input.partner_code,
            idempotency_key=input.idempotency_key,
        )
    )
    return _forecast(made, errors)


def _forecast(made: ForecastModel | None, errors: list[UserError]) -> ForecastPayload:
    return ForecastPayload(
        forecast=Forecast.from_model(made) if made is not None else None, errors=errors
    )


async def adjust_account_forecast(
    info: Info, input: AdjustAccountForecastInput
) -> AccountForecastPayload:
    made, errors = await attempt(
        lambda: account.adjust_account_forecast(
            info.context.principal,
            partner_code=input.partner_code,
            sku=input.sku,
            period=input.period,
            adjustment=input.adjustment,
            note=input.note,
        )
    )
    return AccountForecastPayload(
        account_forecast=AccountForecastRow.from_domain(made) if made is not None else None,
        errors=errors,
    )
