"""Graph types of delivery events (``recordDeliveryEvent``)."""

from __future__ import annotations

import datetime

import strawberry

from portal.schema.common import UserError
from portal.schema.ledger.inventory import DeliveryDifferenceKind, Shipment
from portal.schema.orders.types import ShippingNotice


@strawberry.input
class DeliveryDifferenceInput:
    sku: str
    kind: DeliveryDifferenceKind
    quantity: int
    reason_code: str = strawberry.field(description="The carrier's reason, e.g. MISSING_CARTON.")
    note: str = ""


@strawberry.input
class RecordDeliveryEventInput:
    event_id: str = strawberry.field(
        description="The carrier's event id: a resent event changes nothing."
    )
    shipment_id: strawberry.ID | None = None
    document_no: str | None = strawberry.field(
        default=None,
        description="The shipment's document number (instead of shipmentId), or a partner "
        "supplier's shipping notice's (it ships by transfer).",
    )
    delivered_on: datetime.date | None = strawberry.field(default=None, description="Null: today.")
    carrier: str = ""
    differences: list[DeliveryDifferenceInput] = strawberry.field(default_factory=list)
    idempotency_key: str | None = None


@strawberry.type
class DeliveryEventPayload:
    shipment: Shipment | None = strawberry.field(
        description="The sell-in shipment (null for a partner supplier's notice)."
    )
    shipping_notice: ShippingNotice | None = strawberry.field(
        description="The shipping notice: a partner supplier's (delivered by transfer), or "
        "the sell-in shipment's (null: a shipment without notice)."
    )
    replayed: bool = strawberry.field(
        description="The event id was recorded before: nothing changed."
    )
    received: bool = strawberry.field(
        description="This event received the shipment or the notice's transfers (receipt "
        "mode ON_DELIVERY)."
    )
    errors: list[UserError]
