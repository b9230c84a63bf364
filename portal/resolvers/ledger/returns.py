"""Resolvers of returns, adjustments and reversals."""

from __future__ import annotations

from strawberry.types import Info

from portal.domain.ledger import adjustments, returns
from portal.domain.pagination import paginate
from portal.resolvers.helpers import line_inputs, object_id, page_limit
from portal.schema.common import Connection, attempt, to_connection
from portal.schema.ledger.inventory import LedgerEntry
from portal.schema.ledger.returns import (
    LedgerEntryPayload,
    PostAdjustmentInput,
    RaiseReturnInput,
    ReturnActionInput,
    ReturnPayload,
    ReverseLedgerEntryInput,
    StockReturn,
)


async def resolve_returns(
    info: Info, first: int | None = None, after: str | None = None
) -> Connection[StockReturn]:
    page = await paginate(
        returns.visible_returns(info.context.principal),
        first=first,
        after=after,
        limit=page_limit(info),
    )
    return to_connection(page, StockReturn.from_model, after)


async def raise_return(info: Info, input: RaiseReturnInput) -> ReturnPayload:
    made, errors = await attempt(
        lambda: returns.raise_return(
            info.context.principal,
            warehouse_code=input.warehouse_code,
            lines=line_inputs(input.lines),
            rma_no=input.rma_no,
            idempotency_key=input.idempotency_key,
        )
    )
    return ReturnPayload(
        stock_return=StockReturn.from_model(made) if made is not None else None, errors=errors
    )


async def receive_return(info: Info, input: ReturnActionInput) -> ReturnPayload:
    made, errors = await attempt(
        lambda: returns.receive_return(
            info.context.principal, object_id(input.id), received_on=input.received_on
        )
    )
    return ReturnPayload(
        stock_return=StockReturn.from_model(made) if made is not None else None, errors=errors
    )


async def cancel_return(info: Info, input: ReturnActionInput) -> ReturnPayload:
    made, errors = await attempt(
        lambda: returns.cancel_return(info.context.principal, object_id(input.id))
    )
    return ReturnPayload(
        stock_return=StockReturn.from_model(made) if made is not None else None, errors=errors
    )


async def post_adjustment(info: Info, input: PostAdjustmentInput) -> LedgerEntryPayload:
    entry, errors = await attempt(
        lambda: adjustments.post_adjustment(
            info.context.principal,
            warehouse_code=input.warehouse_code,
            sku=input.sku,
            quantity=input.quantity,
            reason=adjustments.AdjustmentReason(input.reason.value),
            business_date=input.business_date,
        )
    )
    return LedgerEntryPayload(
        entry=LedgerEntry.from_model(entry) if entry is not None else None, errors=errors
    )


async def reverse_ledger_entry(info: Info, input: ReverseLedgerEntryInput) -> LedgerEntryPayload:
    entry, errors = await attempt(
        lambda: adjustments.reverse_entry(
            info.context.principal, object_id(input.id), note=input.note
        )
    )
    return LedgerEntryPayload(
        entry=LedgerEntry.from_model(entry) if entry is not None else None, errors=errors
    )
