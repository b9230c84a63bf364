"""Resolvers of reconciliation, exceptions and the channel summary."""

from __future__ import annotations

from strawberry.types import Info

from portal.domain.pagination import paginate_sorted
from portal.domain.reconciliation import exceptions
from portal.domain.reconciliation import summaries as channel_summary
from portal.models.enums import ExceptionReason as ReasonModel
from portal.models.enums import ExceptionStatus as StatusModel
from portal.resolvers.helpers import object_id, page_limit, selects
from portal.schema.common import Connection, attempt, to_connection
from portal.schema.reconciliation.types import (
    ROW_VALUES,
    ChannelSummaryRow,
    ReconciliationRow,
    ReconciliationRowPayload,
    ReconciliationSort,
    UpdateExceptionInput,
    to_components,
)


async def resolve_reconciliation(
    info: Info,
    period: str,
    partner_code: str | None = None,
    only_exceptions: bool = False,
    min_gap: int | None = None,
    sku: str | None = None,
    warehouse_code: str | None = None,
    sort: ReconciliationSort = ReconciliationSort.ABS_GAP_DESC,
    first: int | None = None,
    after: str | None = None,
) -> Connection[ReconciliationRow]:
    query = await exceptions.find_rows(
        info.context.principal,
        period=period,
        partner_code=partner_code,
        only_exceptions=only_exceptions,
        min_gap=min_gap,
        sku=sku,
        warehouse_code=warehouse_code,
        sort=sort.value,
    )
    page = await paginate_sorted(
        query, first=first, after=after, limit=page_limit(info), values=ROW_VALUES
    )
    return to_connection(page, ReconciliationRow.from_values, after)


async def update_exception(info: Info, input: UpdateExceptionInput) -> ReconciliationRowPayload:
    row, errors = await attempt(
        lambda: exceptions.update_exception(
            info.context.principal,
            object_id(input.row_id),
            status=StatusModel(input.status.value) if input.status else None,
            owner_email=input.owner_email,
            reason=ReasonModel(input.reason.value) if input.reason else None,
            note=input.note,
            correction_quantity=input.correction_quantity,
        )
    )
    return ReconciliationRowPayload(
        row=ReconciliationRow.from_model(row) if row is not None else None, errors=errors
    )


async def resolve_channel_summary(
    info: Info,
    period_from: str,
    period_to: str,
    partner_code: str | None = None,
    sku: str | None = None,
) -> list[ChannelSummaryRow]:
    rows = await channel_summary.channel_summary(
        info.context.principal,
        period_from,
        period_to,
        partner_code,
        sku,
        # the costly parts, computed when asked
        with_forecast=selects(info, "weeksOfSupplyForecast"),
        with_adjustments=selects(info, "adjustmentComponents"),
    )
    return [
        ChannelSummaryRow(
            period=r.period,
            partner_code=partner_code,
            sku=sku,
            sell_in=r.sell_in,
            sell_through=r.sell_through,
            calculated_inventory=r.calculated,
            reported_inventory=r.reported,
            weeks_of_supply=r.weeks_of_supply,
            weeks_of_supply_forecast=r.weeks_of_supply_forecast,
            excess_stock=r.excess_stock,
            stock_out_risk=r.stock_out_risk,
            adjustment_components=to_components(r.adjustments),
        )
        for r in rows
    ]
