"""``order.*`` webhook events, recorded in the outbox in the writer's transaction."""

from __future__ import annotations

import uuid

from portal.models import Order, OutboxEvent


def order_number(order_id: int) -> str:
    return f"SO-{order_id:06d}"


async def announce(order: Order, event: str, **extra: str) -> None:
    """Record ``event`` for ``order``; every call is its own event (a unique dedupe key)."""
    await OutboxEvent.create(
        manufacturer_id=order.manufacturer_id,
        dedupe_key=f"{event}:{order.id}:{uuid.uuid4().hex}",
        event_type=event,
        payload={
            "orderId": str(order.id),
            "number": order_number(order.id),
            "status": order.status.value,
            **extra,
        },
    )
