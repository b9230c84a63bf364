"""Resolvers of the ERP connector and the webhooks (manufacturer settings)."""

from __future__ import annotations

from strawberry.types import Info

from portal.domain.integrations import erp, webhooks
from portal.domain.integrations.outbound import outbound_policy
from portal.domain.pagination import paginate
from portal.resolvers.helpers import page_limit
from portal.schema.common import Connection, attempt, to_connection
from portal.schema.integrations.types import (
    ErpSyncRun,
    Job,
    JobPayload,
    RegisterWebhookInput,
    RegisterWebhookPayload,
    Webhook,
    WebhookDelivery,
)


async def sync_erp(info: Info) -> JobPayload:
    job, errors = await attempt(
        lambda: erp.request_sync(info.context.principal, info.context.queue)
    )
    return JobPayload(job=Job.from_model(job) if job is not None else None, errors=errors)


async def resolve_erp_sync_runs(
    info: Info, first: int | None = None, after: str | None = None
) -> Connection[ErpSyncRun]:
    page = await paginate(
        erp.visible_runs(info.context.principal), first=first, after=after, limit=page_limit(info)
    )
    return to_connection(page, ErpSyncRun.from_model, after)


async def resolve_webhooks(info: Info) -> list[Webhook]:
    principal = info.context.principal
    rows = await webhooks.visible_webhooks(principal).order_by("id").limit(100)
    recent = await webhooks.recent_deliveries(principal, [w.id for w in rows])
    return [
        Webhook.from_model(w, [WebhookDelivery.from_model(d, kind) for d, kind in deliveries])
        for w, deliveries in zip(rows, recent, strict=True)
    ]


async def register_webhook(info: Info, input: RegisterWebhookInput) -> RegisterWebhookPayload:
    made, errors = await attempt(
        lambda: webhooks.register_webhook(
            info.context.principal,
            url=input.url,
            events=list(input.events),
            outbound=outbound_policy(info.context.settings),
        )
    )
    if made is None:
        return RegisterWebhookPayload(webhook=None, secret=None, errors=errors)
    return RegisterWebhookPayload(webhook=Webhook.from_model(made), secret=made.secret, errors=[])
