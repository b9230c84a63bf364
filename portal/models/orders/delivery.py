"""Delivery of sell-in shipments: carrier events and the differences they report.

A ``DeliveryEvent`` is one carrier (or staff) event that a shipment was delivered (a
sell-in ``shipment_id``, or a partner supplier's shipping notice ``notice_id``, which ships
by transfer); its
``event_id`` is unique per manufacturer, so a resent event changes nothing. Each line that
did not arrive as shipped is a ``DeliveryDifference`` (short, damaged or over, with the
carrier's reason code).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import DeliveryDifferenceKind

if TYPE_CHECKING:
    from portal.models.catalog.tenants import Manufacturer


class DeliveryEvent(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="delivery_events"
    )
    manufacturer_id: int
    event_id = fields.CharField(max_length=100)  # the carrier's id: resends are ignored
    shipment_id = fields.BigIntField(null=True)  # null: a partner supplier's notice
    notice_id = fields.BigIntField(null=True)  # set for a partner supplier's notice only
    partner_id = fields.IntField()  # the receiving partner, as on the shipment
    delivered_on = fields.DateField()
    source = fields.CharField(max_length=16)  # HTTP (carrier) or GRAPHQL (staff)
    carrier = fields.CharField(max_length=100, default="")
    token_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "delivery_event"
        unique_together = (("manufacturer", "event_id"),)
        indexes = (("manufacturer_id", "shipment_id"),)


class DeliveryDifference(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()
    delivery_event_id = fields.BigIntField()
    shipment_id = fields.BigIntField(null=True)
    notice_id = fields.BigIntField(null=True)
    product_id = fields.IntField()
    kind = fields.CharEnumField(DeliveryDifferenceKind, max_length=8)
    quantity = fields.IntField()
    reason_code = fields.CharField(max_length=40)
    note = fields.CharField(max_length=500, default="")

    class Meta:
        table = "delivery_difference"
        indexes = (("manufacturer_id", "shipment_id"), ("manufacturer_id", "notice_id"))
