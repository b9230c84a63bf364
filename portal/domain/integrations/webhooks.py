"""Webhooks: a manufacturer registers URLs for events; a worker delivers the outbox.

Each delivery is a POST of ``{"id", "type", "createdAt", "data"}`` signed with
HMAC-SHA256 of the raw body under the endpoint's secret (``X-Portal-Signature:
sha256=<hex>``), retried with exponential backoff, and recorded (``WebhookDelivery``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime, timedelta

import httpx
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from portal.domain.access.principal import Action, Principal
from portal.domain.errors import DomainError, ErrorCode
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
)
MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(seconds=30)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def visible_webhooks(principal: Principal) -> QuerySet[WebhookEndpoint]:
    principal.require(Action.MANAGE_SETTINGS)
    return WebhookEndpoint.filter(manufacturer_id=principal.manufacturer_id)


async def register_webhook(principal: Principal, *, url: str, events: list[str]) -> WebhookEndpoint:
    """A new endpoint; its ``secret`` is for signature checks (shown at registration)."""
    principal.require(Action.MANAGE_SETTINGS)
    clean = url.strip()
    if not clean.startswith(("https://", "http://")) or len(clean) > 500:
        raise DomainError(ErrorCode.INVALID, "url must be an http(s) URL.", ["url"])
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise DomainError(
            ErrorCode.INVALID,
            f"Unknown events {', '.join(unknown)}; known: {', '.join(EVENT_TYPES)}.",
            ["events"],
        )
    return await WebhookEndpoint.create(
        manufacturer_id=principal.manufacturer_id,
        url=clean,
        events=sorted(set(events)),
        secret=secrets.token_hex(32),
    )


async def fan_out(limit: int = 1000) -> int:
    """Turn new outbox events into one pending delivery per subscribed endpoint."""
    events = await OutboxEvent.filter(delivered_at__isnull=True).order_by("id").limit(limit)
    created = 0
    for event in events:
        endpoints = await WebhookEndpoint.filter(manufacturer_id=event.manufacturer_id, active=True)
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
        await event.save(update_fields=["delivered_at"])
    return created


async def deliver_due(
    http: httpx.AsyncClient, *, now: datetime | None = None, limit: int = 200
) -> int:
    """Attempt every pending delivery that is due; returns how many succeeded."""
    now = now or datetime.now(UTC)
    due = (
        await WebhookDelivery.filter(Q(status="PENDING") & Q(next_attempt_at__lte=now))
        .order_by("id")
        .limit(limit)
        .select_related("endpoint", "event")
    )
    delivered = 0
    for delivery in due:
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
        try:
            response = await http.post(
                delivery.endpoint.url, content=body, headers=headers, timeout=10.0
            )
            delivery.last_status_code = response.status_code
            ok = 200 <= response.status_code < 300
            delivery.last_error = None if ok else response.text[:500]
        except httpx.HTTPError as exc:
            ok = False
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if ok:
            delivery.status = "DELIVERED"
            delivery.delivered_at = now
            delivered += 1
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = "FAILED"
        else:
            delivery.next_attempt_at = now + BASE_BACKOFF * 2 ** (delivery.attempts - 1)
        await delivery.save()
    return delivered
