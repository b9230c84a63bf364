"""Resolver of ``recordDeliveryEvent``: cleans the input, calls the orders domain."""

from __future__ import annotations

from strawberry.types import Info

from portal.domain.orders import delivery
from portal.resolvers.helpers import object_id
from portal.schema.common import attempt
from portal.schema.ledger.inventory import Shipment
from portal.schema.orders.delivery import DeliveryEventPayload, RecordDeliveryEventInput
from portal.schema.orders.types import ShippingNotice


async def record_delivery_event(
    info: Info, input: RecordDeliveryEventInput
) -> DeliveryEventPayload:
    result, errors = await attempt(
        lambda: delivery.record_delivery(
            info.context.principal,
            event_id=input.event_id,
            shipment_id=object_id(input.shipment_id) if input.shipment_id is not None else None,
            document_no=input.document_no,
            delivered_on=input.delivered_on,
            differences=[
                delivery.DifferenceInput(d.sku, d.kind.value, d.quantity, d.reason_code, d.note)
                for d in input.differences
            ],
            carrier=input.carrier,
            idempotency_key=input.idempotency_key,
        )
    )
    if result is None:
        return DeliveryEventPayload(
            shipment=None, shipping_notice=None, replayed=False, received=False, errors=errors
        )
    return DeliveryEventPayload(
        shipment=Shipment.from_model(result.shipment) if result.shipment else None,
        shipping_notice=ShippingNotice.from_model(result.notice) if result.notice else None,
        replayed=result.replayed,
        received=result.received,
        errors=errors,
    )
