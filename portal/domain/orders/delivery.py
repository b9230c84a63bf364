"""Delivery of shipments: a carrier's event (``POST /logistics/events``) or staff
(``recordDeliveryEvent``) says a shipment arrived, with what differed per line.

    result = await record_delivery(
        principal,
        event_id="DHL-123",
        document_no="DN-1",
        differences=[DifferenceInput("SKU-A", "SHORT", 2, "MISSING_CARTON")],
    )

The shipment is a sell-in shipment (the manufacturer's, or of its shipping notice) or a
partner supplier's shipping notice (a distributor shipping its reseller's orders by
transfer; named by its document number): :mod:`portal.domain.orders.delivery_targets`.

The first event of a shipment sets its ``deliveredOn``; when the manufacturer's receipt
mode is ``ON_DELIVERY`` the shipment is received at once (``SELL_IN`` of every shipped
line, as ``receiveShipment`` posts it; a notice's transfers still in transit are received
as ``receiveTransfer`` does: the reseller's ``SELL_IN``, or ``TRANSFER_IN`` between
unrelated partners). Differences (``SHORT``, ``DAMAGED``, ``OVER``, each with the
carrier's reason code) are stored and announced; they do not change the ledger: what is
short or damaged is settled by a return or an adjustment. ``SHORT`` plus ``DAMAGED`` of a
SKU never exceed what shipped of it (``DELIVERY_EXCEEDS_SHIPPED``).

Carriers resend: the event id is unique per manufacturer and a resent event answers the
first result and changes nothing (a different shipment under the same id is ``INVALID``).
Webhooks: ``shipment.delivered`` for each new event, ``shipment.delivery_difference``
when it reports differences (for a partner supplier's notice with ``shipmentId`` null,
``noticeId``, ``transferIds`` and ``supplierPartnerCode``).

Carrier events are signed like outbound webhooks (:func:`verify_signature`): HMAC-SHA256
of the raw body under the manufacturer's ``logisticsSecret`` setting.
"""

from __future__ import annotations

import hmac
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_business_date
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.bounds.text import clean_text
from portal.domain.catalog.lookups import get_product
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.integrations.webhooks import sign
from portal.domain.ledger import shipments, transfers
from portal.domain.orders.delivery_targets import Target, locked_target, target_of
from portal.models import (
    DeliveryDifference,
    DeliveryEvent,
    ManufacturerSettings,
    OutboxEvent,
    Partner,
    Product,
    Shipment,
    ShippingNotice,
)
from portal.models.enums import DeliveryDifferenceKind, Role

MAX_DIFFERENCES = 1000
EVENT_ID_LENGTH = 100
REASON_LENGTH = 40


@dataclass
class DifferenceInput:
    sku: str
    kind: str  # SHORT, DAMAGED or OVER
    quantity: int
    reason_code: str
    note: str = ""


@dataclass
class DeliveryResult:
    event: DeliveryEvent
    target: Target  # the sell-in shipment, or a partner supplier's notice
    replayed: bool  # the event id was seen before: nothing changed
    received: bool  # this event received the shipment (ON_DELIVERY)
    differences: list[DeliveryDifference] = field(default_factory=list)

    @property
    def shipment(self) -> Shipment | None:
        return self.target.shipment

    @property
    def notice(self) -> ShippingNotice | None:
        return self.target.notice


def carrier_principal(manufacturer_id: int) -> Principal:
    """Whom a signed carrier event acts as: the manufacturer's shipping staff."""
    return Principal(manufacturer_id, Role.SHIPPING)


async def verify_signature(manufacturer_id: int | None, body: bytes, signature: str) -> bool:
    """``X-Portal-Signature`` is ``sha256=`` + the hex HMAC-SHA256 of ``body`` under the
    manufacturer's logistics secret. No manufacturer or no secret set: never valid."""
    if manufacturer_id is None:
        return False
    settings = await ManufacturerSettings.get_or_none(manufacturer_id=manufacturer_id)
    if settings is None or not settings.logistics_secret:
        return False
    given = (signature or "").encode("utf-8", "replace")  # bytes: any header text compares
    return hmac.compare_digest(sign(settings.logistics_secret, body).encode(), given)


def _kind(text: str, path: list[str]) -> DeliveryDifferenceKind:
    try:
        return DeliveryDifferenceKind((text or "").strip().upper())
    except ValueError:
        raise DomainError(
            ErrorCode.INVALID, "kind is SHORT, DAMAGED or OVER.", [*path, "kind"]
        ) from None


async def _clean_differences(
    principal: Principal, shipped: dict[int, int], differences: list[DifferenceInput]
) -> list[tuple[Product, DeliveryDifferenceKind, int, str, str]]:
    if len(differences) > MAX_DIFFERENCES:
        raise DomainError(
            ErrorCode.INVALID, f"At most {MAX_DIFFERENCES} differences.", ["differences"]
        )
    cleaned = []
    missing: dict[int, int] = defaultdict(int)
    for index, item in enumerate(differences):
        path = ["differences", str(index)]
        try:
            product = await get_product(principal, item.sku)
        except DomainError as missing_sku:
            missing_sku.field = [*path, "sku"]
            raise
        kind = _kind(item.kind, path)
        check_quantity(item.quantity, [*path, "quantity"], sign=Sign.POSITIVE)
        reason = clean_text(item.reason_code, [*path, "reasonCode"], max_length=REASON_LENGTH)
        note = clean_text(item.note, [*path, "note"], max_length=500, required=False)
        if kind is not DeliveryDifferenceKind.OVER:
            if product.id not in shipped:
                raise DomainError(
                    ErrorCode.INVALID,
                    f"{product.sku} is not on the shipment.",
                    [*path, "sku"],
                )
            missing[product.id] += item.quantity
            if missing[product.id] > shipped[product.id]:
                raise DomainError(
                    ErrorCode.DELIVERY_EXCEEDS_SHIPPED,
                    f"{shipped[product.id]} of {product.sku} shipped: short and damaged "
                    "cannot exceed it.",
                    [*path, "quantity"],
                )
        cleaned.append((product, kind, item.quantity, reason, note))
    return cleaned


async def record_delivery(
    principal: Principal,
    *,
    event_id: str,
    shipment_id: int | None = None,
    document_no: str | None = None,
    delivered_on: date | None = None,
    differences: list[DifferenceInput] | None = None,
    carrier: str = "",
    source: str = "GRAPHQL",
    idempotency_key: str | None = None,
) -> DeliveryResult:
    """Record one delivery event (see the module); nothing changes on an error.

    ``idempotency_key`` (the graph's ``idempotencyKey``) replays the first result like the
    event id does; a key repeated with another request is ``IDEMPOTENCY_KEY_REUSED``."""
    principal.require(Action.RECORD_SHIPMENT)
    request: dict[str, Any] = {
        "event": event_id,
        "shipment": shipment_id,
        "doc": document_no,
        "on": delivered_on,
        "differences": [vars(d) for d in differences or []],
        "carrier": carrier,
    }
    made: list[DeliveryResult] = []

    async def create() -> DeliveryEvent:
        result = await _record(
            principal,
            event_id=event_id,
            shipment_id=shipment_id,
            document_no=document_no,
            delivered_on=delivered_on,
            differences=differences,
            carrier=carrier,
            source=source,
        )
        made.append(result)
        return result.event

    event = await idempotent(
        principal,
        "recordDeliveryEvent",
        idempotency_key,
        request,
        create=create,
        model=DeliveryEvent,
    )
    if made:
        return made[0]
    target = await target_of(event.manufacturer_id, event.shipment_id, event.notice_id)
    return await _replay(event, target)


async def _record(
    principal: Principal,
    *,
    event_id: str,
    shipment_id: int | None,
    document_no: str | None,
    delivered_on: date | None,
    differences: list[DifferenceInput] | None,
    carrier: str,
    source: str,
) -> DeliveryResult:
    m = principal.manufacturer_id
    event_key = clean_text(event_id, "eventId", max_length=EVENT_ID_LENGTH)
    carrier_name = clean_text(carrier, "carrier", max_length=100, required=False)
    day = check_business_date(delivered_on or datetime.now(UTC).date(), ["deliveredOn"])
    try:
        async with in_transaction():
            target = await locked_target(principal, shipment_id, document_no)
            earlier = await DeliveryEvent.get_or_none(manufacturer_id=m, event_id=event_key)
            if earlier is not None:
                return await _replay(earlier, target)
            cleaned = await _clean_differences(principal, await target.shipped(), differences or [])
            if day < target.shipped_on:
                raise DomainError(
                    ErrorCode.INVALID, "A shipment is delivered after it shipped.", ["deliveredOn"]
                )
            shipment = target.shipment
            notice_id = target.notice.id if target.by_transfer and target.notice else None
            event = await DeliveryEvent.create(
                manufacturer_id=m,
                event_id=event_key,
                shipment_id=shipment.id if shipment else None,
                notice_id=notice_id,
                partner_id=target.partner_id,
                delivered_on=day,
                source=source,
                carrier=carrier_name,
                token_id=principal.token_id,
            )
            rows = [
                DeliveryDifference(
                    manufacturer_id=m,
                    delivery_event_id=event.id,
                    shipment_id=event.shipment_id,
                    notice_id=notice_id,
                    product_id=product.id,
                    kind=kind,
                    quantity=quantity,
                    reason_code=reason,
                    note=note,
                )
                for product, kind, quantity, reason, note in cleaned
            ]
            if rows:
                await DeliveryDifference.bulk_create(rows)
            received = await _deliver(m, target, day, principal.token_id)
            await _announce(event, target, cleaned)
            return DeliveryResult(event, target, False, received, rows)
    except IntegrityError:
        # the same event id recorded at once by another request (SQLite, no row lock)
        earlier = await DeliveryEvent.get_or_none(manufacturer_id=m, event_id=event_key)
        if earlier is None:
            raise
        return await _replay(earlier, await locked_target(principal, shipment_id, document_no))


async def _deliver(m: int, target: Target, day: date, token_id: int | None) -> bool:
    """The first event sets ``delivered_on``; receives per the receipt mode."""
    if target.shipment is not None:
        shipment = target.shipment
        if shipment.delivered_on is None:
            shipment.delivered_on = day
            await Shipment.filter(manufacturer_id=m, id=shipment.id).update(delivered_on=day)
        return await shipments.receive_on_delivery(shipment, day, token_id)
    notice = target.notice
    assert notice is not None
    if notice.delivered_on is None:
        notice.delivered_on = day
        await ShippingNotice.filter(manufacturer_id=m, id=notice.id).update(delivered_on=day)
    received = await transfers.receive_on_delivery(
        m, [t.id for t in target.transfers], day, token_id
    )
    await target.reload_transfers()
    return received


async def _replay(earlier: DeliveryEvent, target: Target) -> DeliveryResult:
    same = (
        earlier.notice_id == target.notice.id
        if target.by_transfer and target.notice is not None
        else target.shipment is not None and earlier.shipment_id == target.shipment.id
    )
    if not same:
        raise DomainError(
            ErrorCode.INVALID,
            "This event id was recorded for another shipment.",
            ["eventId"],
        )
    rows = list(
        await DeliveryDifference.filter(
            manufacturer_id=earlier.manufacturer_id, delivery_event_id=earlier.id
        ).order_by("id")
    )
    return DeliveryResult(earlier, target, True, False, rows)


async def _announce(
    event: DeliveryEvent,
    target: Target,
    cleaned: list[tuple[Product, DeliveryDifferenceKind, int, str, str]],
) -> None:
    m = event.manufacturer_id
    partner = await Partner.get(manufacturer_id=m, id=target.partner_id)
    document = target.shipment or target.notice
    assert document is not None
    base: dict[str, Any] = {
        "shipmentId": str(event.shipment_id) if event.shipment_id else None,
        "documentNo": document.document_no,
        "partnerCode": partner.code,
        "eventId": event.event_id,
        "deliveredOn": event.delivered_on.isoformat(),
        "status": target.status,
    }
    if target.by_transfer and target.notice is not None:
        supplier = await Partner.get(manufacturer_id=m, id=target.notice.supplier_partner_id)
        base |= {
            "noticeId": str(target.notice.id),
            "transferIds": [str(t.id) for t in target.transfers],
            "supplierPartnerCode": supplier.code,
        }
    await OutboxEvent.create(
        manufacturer_id=m,
        dedupe_key=f"shipment.delivered:{event.id}:{uuid.uuid4().hex}",
        event_type="shipment.delivered",
        payload=base,
    )
    if cleaned:
        await OutboxEvent.create(
            manufacturer_id=m,
            dedupe_key=f"shipment.delivery_difference:{event.id}:{uuid.uuid4().hex}",
            event_type="shipment.delivery_difference",
            payload={
                **base,
                "differences": [
                    {
                        "sku": product.sku,
                        "kind": kind.value,
                        "quantity": quantity,
                        "reasonCode": reason,
                        "note": note,
                    }
                    for product, kind, quantity, reason, note in cleaned
                ],
            },
        )
