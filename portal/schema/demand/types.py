"""Graph types of demand: sales agreements, forecasts, account forecasts, accuracy."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from portal.domain.demand.account import AccountForecastRow as RowData
from portal.domain.demand.account import AccuracyRow
from portal.domain.demand.agreements import PerformanceRow
from portal.domain.demand.forecasts import Draft
from portal.models import Forecast as ForecastModel
from portal.models import SalesAgreement as AgreementModel
from portal.schema.common import UserError


@strawberry.type
class SalesAgreementLine:
    sku: str
    period: str
    committed_quantity: int


@strawberry.type
class SalesAgreement:
    id: strawberry.ID
    name: str
    period_from: str
    period_to: str
    created_at: datetime.datetime
    model: strawberry.Private[AgreementModel]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        partner = await info.context.loaders.catalog.partner.load(self.model.partner_id)
        return partner.code if partner else ""

    @strawberry.field
    async def lines(self, info: Info) -> list[SalesAgreementLine]:
        rows = await info.context.loaders.demand.agreement_lines.load(self.model.id)
        products = await info.context.loaders.catalog.product.load_many(
            [r.product_id for r in rows]
        )
        return [
            SalesAgreementLine(
                sku=p.sku if p else "", period=r.period, committed_quantity=r.committed_quantity
            )
            for r, p in zip(rows, products, strict=True)
        ]

    @classmethod
    def from_model(cls, a: AgreementModel) -> SalesAgreement:
        return cls(
            id=strawberry.ID(str(a.id)),
            name=a.name,
            period_from=a.period_from,
            period_to=a.period_to,
            created_at=a.created_at,
            model=a,
        )


@strawberry.type
class AgreementPerformanceRow:
    sku: str
    period: str
    committed: int
    actual: int = strawberry.field(description="The partner's sell-in of the SKU in the period.")
    remaining: int = strawberry.field(
        description="Obligation left: committed - actual, at least 0."
    )
    variance: int = strawberry.field(description="actual - committed.")

    @classmethod
    def from_domain(cls, r: PerformanceRow) -> AgreementPerformanceRow:
        return cls(
            sku=r.sku,
            period=r.period,
            committed=r.committed,
            actual=r.actual,
            remaining=r.remaining,
            variance=r.variance,
        )


@strawberry.type
class ForecastLine:
    sku: str
    period: str
    quantity: int


@strawberry.type
class ForecastDraft:
    period_from: str
    horizon: int
    lines: list[ForecastLine]

    @classmethod
    def from_domain(cls, d: Draft) -> ForecastDraft:
        return cls(
            period_from=d.period_from,
            horizon=d.horizon,
            lines=[ForecastLine(sku=x.sku, period=x.period, quantity=x.quantity) for x in d.lines],
        )


@strawberry.type
class Forecast:
    id: strawberry.ID
    created_at: datetime.datetime
    model: strawberry.Private[ForecastModel]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        partner = await info.context.loaders.catalog.partner.load(self.model.partner_id)
        return partner.code if partner else ""

    @classmethod
    def from_model(cls, f: ForecastModel) -> Forecast:
        return cls(id=strawberry.ID(str(f.id)), created_at=f.created_at, model=f)


@strawberry.type
class ForecastAdjustmentEntry:
    adjustment: int
    note: str
    created_at: datetime.datetime


@strawberry.type
class AccountForecastRow:
    partner_code: str
    sku: str
    period: str
    committed: int
    partner_forecast: int = strawberry.field(
        description="The partner's forecast beyond the commitment: max(forecast - committed, 0)."
    )
    design_pipeline: int = strawberry.field(
        description="Approved (or won) design registrations expected to close in the period."
    )
    adjustment: int
    total: int
    actual_sell_through: int
    data: strawberry.Private[RowData]

    @strawberry.field(description="The cell's adjustments, newest first, with their notes.")
    async def history(self, info: Info) -> list[ForecastAdjustmentEntry]:
        d = self.data
        rows = await info.context.loaders.demand.adjustment_history.load(
            (d.partner_id, d.product_id, d.period)
        )
        return [
            ForecastAdjustmentEntry(adjustment=r.adjustment, note=r.note, created_at=r.created_at)
            for r in rows
        ]

    @classmethod
    def from_domain(cls, r: RowData) -> AccountForecastRow:
        return cls(
            partner_code=r.partner_code,
            sku=r.sku,
            period=r.period,
            committed=r.committed,
            partner_forecast=r.partner_forecast,
            design_pipeline=r.design_pipeline,
            adjustment=r.adjustment,
            total=r.total,
            actual_sell_through=r.actual_sell_through,
            data=r,
        )


@strawberry.type
class ForecastAccuracyRow:
    sku: str
    cells: int = strawberry.field(description="Partner x period cells with actual sell-through.")
    forecast: int
    actual: int
    mape: Decimal | None = strawberry.field(description="Mean absolute percentage error, %.")
    bias: Decimal | None = strawberry.field(
        description="Mean signed percentage error, % (positive: forecast above actual)."
    )

    @classmethod
    def from_domain(cls, r: AccuracyRow) -> ForecastAccuracyRow:
        return cls(
            sku=r.sku, cells=r.cells, forecast=r.forecast, actual=r.actual, mape=r.mape, bias=r.bias
        )


@strawberry.input
class CommitmentLineInput:
    sku: str
    period: str
    committed_quantity: int


@strawberry.input
class CreateSalesAgreementInput:
    partner_code: str
    name: str
    period_from: str
    period_to: str
    lines: list[CommitmentLineInput]
    idempotency_key: str | None = None


@strawberry.input
class ForecastLineInput:
    sku: str
    period: str
    quantity: int


@strawberry.input
class SubmitForecastInput:
    lines: list[ForecastLineInput]
    partner_code: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class AdjustAccountForecastInput:
    partner_code: str
    sku: str
    period: str
    adjustment: int = strawberry.field(description="The cell's adjustment (replaces the last).")
    note: str


@strawberry.type
class SalesAgreementPayload:
    sales_agreement: SalesAgreement | None
    errors: list[UserError]


@strawberry.type
class ForecastPayload:
    forecast: Forecast | None
    errors: list[UserError]


@strawberry.type
class AccountForecastPayload:
    account_forecast: AccountForecastRow | None
    errors: list[UserError]
