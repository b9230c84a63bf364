"""Resolvers of returns, adjustments, reversals and the ERP connector."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from portal.domain import adjustments, erp, returns, webhooks
from portal.domain.pagination import paginate
from portal.resolvers.helpers import line_inputs, object_id, page_limit
from portal.schema.common import Connection, attempt, to_connection
from portal.schema.erp import (
    ErpSyncRun,
    Job,
    JobPayload,
    RegisterWebhookInput,
    RegisterWebhookPayload,
    Webhook,
)
from portal.schema.inventory import LedgerEntry
from portal.schema.returns import (
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
    return ReturnPayload(stock_return=made and StockReturn.from_model(made), errors=errors)


async def receive_return(info: Info, input: ReturnActionInput) -> ReturnPayload:
    made, errors = await attempt(
        lambda: returns.receive_return(
            info.context.principal, object_id(input.id), received_on=input.received_on
        )
    )
    return ReturnPayload(stock_return=made and StockReturn.from_model(made), errors=errors)


async def cancel_return(info: Info, input: ReturnActionInput) -> ReturnPayload:
    made, errors = await attempt(
        lambda: returns.cancel_return(info.context.principal, object_id(input.id))
    )
    return ReturnPayload(stock_return=made and StockReturn.from_model(made), errors=errors)


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
    return LedgerEntryPayload(entry=entry and LedgerEntry.from_model(entry), errors=errors)


async def reverse_ledger_entry(info: Info, input: ReverseLedgerEntryInput) -> LedgerEntryPayload:
    entry, errors = await attempt(
        lambda: adjustments.reverse_entry(
            info.context.principal, object_id(input.id), note=input.note
        )
    )
    return LedgerEntryPayload(entry=entry and LedgerEntry.from_model(entry), errors=errors)


async def sync_erp(info: Info) -> JobPayload:
    job, errors = await attempt(
        lambda: erp.request_sync(info.context.principal, info.context.queue)
    )
    return JobPayload(job=job and Job.from_model(job), errors=errors)


async def resolve_erp_sync_runs(
    info: Info, first: int | None = None, after: str | None = None
) -> Connection[ErpSyncRun]:
    page = await paginate(
        erp.visible_runs(info.context.principal), first=first, after=after, limit=page_limit(info)
    )
    return to_connection(page, ErpSyncRun.from_model, after)


async def resolve_webhooks(info: Info) -> list[Webhook]:
    rows = await webhooks.visible_webhooks(info.context.principal).order_by("id").limit(100)
    return [
        Webhook(id=strawberry.ID(str(w.id)), url=w.url, events=list(w.events), active=w.active)
        for w in rows
    ]


async def register_webhook(info: Info, input: RegisterWebhookInput) -> RegisterWebhookPayload:
    made, errors = await attempt(
        lambda: webhooks.register_webhook(
            info.context.principal, url=input.url, events=list(input.events)
        )
    )
    if made is None:
        return RegisterWebhookPayload(webhook=None, secret=None, errors=errors)
    return RegisterWebhookPayload(
        webhook=Webhook(
            id=strawberry.ID(str(made.id)),
            url=made.url,
            events=list(made.events),
            active=made.active,
        ),
        secret=made.secret,
        errors=[],
    )
