"""Webhooks: a manufacturer registers URLs for events; a worker delivers the outbox.

Each delivery is a POST of ``{"id", "type", "createdAt", "data"}`` signed with
HMAC-SHA256 of the raw body under the endpoint's secret (``X-Portal-Signature:
sha256=<hex>``), retried with exponential backoff, and recorded (``WebhookDelivery``).
Every call goes through ``outbound_http.fetch``: endpoint URLs are checked when registered
and again at every connection; what a delivery records is ours (the status code and a
fixed text), never the receiver's answer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import httpx
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from portal.domain.access.principal import Action, Principal
from portal.domain.batches import group_under
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.integrations.outbound import (
    OutboundError,
    OutboundPolicy,
    OutboundRefused,
    check_url,
)
from portal.domain.integrations.outbound_http import fetch
from portal.domain.tenancy import joined, save_fields, tenants_with
from portal.models import OutboxEvent, WebhookDelivery, WebhookEndpoint

EVENT_TYPES = (
    "exception.opened",
    "submission.accepted",
    "submission.rejected",
    "reminder.due",
    "design.registered",
    "design.approved",
    "design.rejected",
    "design.expired",
    "claim.validated",
    "order.submitted",
    "order.confirmed",
    "order.rejected",
    "order.cancelled",
    "order.reservation_adjusted",
    "order.shipped",
    "order.completed",
    "return.requested",
    "shipment.delivered",
    "shipment.delivery_difference",
    "claim.approved",
    "claim.rejected",
    "credit_memo.created",
    "contract.call_off",
    "contract.charge",
    "contract.expiring",
    "contract.ended",
    "check.submitted",
    "check.approved",
    "check.rejected",
    "inventory_document.recorded",
    "inventory_document.posted",
    "inventory_document.rejected",
    "price_protection.opened",
    "price_protection.reminder",
    "rebate.accrued",
    "rebate.closed",
)
MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(seconds=30)
MAX_REPLY_BYTES = 64 * 1024  # a receiver's answer is read this far, then dropped
DEADLINE_SECONDS = 10.0  # the whole attempt: connecting, redirects, the answer
RECENT_DELIVERIES = 20  # shown per endpoint
# A delivery is claimed for this long before its attempt: another delivery run (a second
# worker, or the next round while this one waits on a slow receiver) skips it meanwhile,
# and a run that dies mid-attempt leaves it to be retried once the lease has passed.
CLAIM_LEASE = timedelta(minutes=2)

log = logging.getLogger(__name__)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def visible_webhooks(principal: Principal) -> QuerySet[WebhookEndpoint]:
    principal.require(Action.MANAGE_SETTINGS)
    return WebhookEndpoint.filter(manufacturer_id=principal.manufacturer_id)


async def recent_deliveries(
    principal: Principal, endpoint_ids: Sequence[int], per_endpoint: int = RECENT_DELIVERIES
) -> list[list[tuple[WebhookDelivery, str]]]:
    """For each endpoint of the principal's manufacturer, its latest deliveries (newest
    first) with their event types: two statements whatever the number of endpoints."""
    principal.require(Action.MANAGE_SETTINGS)
    ids = sorted({int(i) for i in endpoint_ids})
    if not ids:
        return [[] for _ in endpoint_ids]
    # Integers only, so inlining them is safe in both dialects.
    rows: list[WebhookDelivery] = await WebhookDelivery.raw(
        "SELECT * FROM (SELECT d.*, ROW_NUMBER() OVER "
        "(PARTITION BY d.endpoint_id ORDER BY d.id DESC) AS recent_rank "
        "FROM webhook_delivery d "
        f"WHERE d.manufacturer_id = {int(principal.manufacturer_id)} "
        f"AND d.endpoint_id IN ({', '.join(str(i) for i in ids)})) ranked "
        f"WHERE recent_rank <= {int(per_endpoint)} ORDER BY endpoint_id, id DESC"
    )
    types: dict[int, str] = dict(
        await OutboxEvent.filter(
            manufacturer_id=principal.manufacturer_id, id__in=sorted({d.event_id for d in rows})
        ).values_list("id", "event_type")
    )
    grouped = group_under(list(endpoint_ids), rows, lambda d: d.endpoint_id)
    return [[(d, str(types.get(d.event_id, ""))) for d in group] for group in grouped]


async def register_webhook(
    principal: Principal, *, url: str, events: list[str], outbound: OutboundPolicy
) -> WebhookEndpoint:
    """A new endpoint; its ``secret`` is for signature checks (shown at registration).

    The URL must be one the portal may call (``outbound.check_url``): ``URL_NOT_ALLOWED``.
    """
    principal.require(Action.MANAGE_SETTINGS)
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise DomainError(
            ErrorCode.INVALID,
            f"Unknown events {', '.join(unknown)}; known: {', '.join(EVENT_TYPES)}.",
            ["events"],
        )
    clean = await check_url(url.strip(" "), outbound, field="url")
    return await WebhookEndpoint.create(
        manufacturer_id=principal.manufacturer_id,
        url=clean,
        events=sorted(set(events)),
        secret=secrets.token_hex(32),
    )


async def fan_out(limit: int = 1000) -> int:
    """Turn new outbox events into one pending delivery per subscribed endpoint."""
    pending = OutboxEvent.filter(delivered_at__isnull=True)
    created = 0
    for m in await tenants_with(pending):
        endpoints = await WebhookEndpoint.filter(manufacturer_id=m, active=True)
        for event in await pending.filter(manufacturer_id=m).order_by("id").limit(limit):
            created += await _fan_out_event(event, endpoints)
    return created


async def _fan_out_event(event: OutboxEvent, endpoints: list[WebhookEndpoint]) -> int:
    """One pending delivery per endpoint of the event's tenant subscribed to its type."""
    created = 0
    for endpoint in endpoints:
        if endpoint.events and event.event_type not in endpoint.events:
            continue
        try:
            await WebhookDelivery.create(
                manufacturer_id=event.manufacturer_id,
                endpoint=endpoint,
                event=event,
                next_attempt_at=datetime.now(UTC),
            )
            created += 1
        except IntegrityError:
            pass
    event.delivered_at = datetime.now(UTC)
    await save_fields(event, "delivered_at")
    return created


async def deliver_due(
    http: httpx.AsyncClient, *, now: datetime | None = None, limit: int = 200
) -> int:
    """Attempt every pending delivery that is due; returns how many succeeded.

    Each delivery stands alone: a refused or malformed URL, a dead host or an unexpected
    fault is recorded on that delivery and the others go on.
    """
    now = now or datetime.now(UTC)
    pending = WebhookDelivery.filter(Q(status="PENDING") & Q(next_attempt_at__lte=now))
    delivered = 0
    for m in await tenants_with(pending):
        due = await joined(
            pending.filter(manufacturer_id=m).order_by("id").limit(limit), m, "endpoint", "event"
        )
        for delivery in due:
            if await _claim(delivery, now):
                delivered += await _attempt(http, delivery, now)
    return delivered


async def _claim(delivery: WebhookDelivery, now: datetime) -> bool:
    """Whether this run won the delivery: a conditional update that only one concurrent
    run can make (the row must still be pending and due), so no event is sent twice."""
    won = await WebhookDelivery.filter(
        manufacturer_id=delivery.manufacturer_id,
        id=delivery.id,
        status="PENDING",
        next_attempt_at__lte=now,
    ).update(next_attempt_at=now + CLAIM_LEASE)
    return bool(won)


async def _attempt(http: httpx.AsyncClient, delivery: WebhookDelivery, now: datetime) -> int:
    event = delivery.event
    body = json.dumps(
        {
            "id": str(event.id),
            "type": event.event_type,
            "createdAt": event.created_at.isoformat(),
            "data": event.payload,
        },
        separators=(",", ":"),
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Portal-Event": event.event_type,
        "X-Portal-Delivery": str(delivery.id),
        "X-Portal-Signature": sign(delivery.endpoint.secret, body),
    }
    delivery.attempts += 1
    final = False
    try:
        reply = await fetch(
            http,
            "POST",
            delivery.endpoint.url,
            content=body,
            headers=headers,
            max_bytes=MAX_REPLY_BYTES,
            deadline=DEADLINE_SECONDS,
        )
    except OutboundRefused as exc:
        ok, final = False, True
        delivery.last_status_code = None
        delivery.last_error = f"Not sent: {exc.message}"
    except OutboundError as exc:
        ok = False
        delivery.last_status_code = None
        delivery.last_error = exc.message
    except Exception:  # one delivery never stops the batch; the fault is logged, not shown
        log.exception("webhook delivery %s failed unexpectedly", delivery.id)
        ok = False
        delivery.last_status_code = None
        delivery.last_error = "Not sent: unexpected failure."
    else:
        ok = 200 <= reply.status < 300
        delivery.last_status_code = reply.status
        delivery.last_error = None if ok else f"Receiver answered HTTP {reply.status}."
    if ok:
        delivery.status = "DELIVERED"
        delivery.delivered_at = now
    elif final or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "FAILED"
    else:
        delivery.next_attempt_at = now + BASE_BACKOFF * 2 ** (delivery.attempts - 1)
    await save_fields(
        delivery,
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
    )
    return int(ok)
