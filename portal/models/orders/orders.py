"""Partner orders, their lines and the reservations that hold supplier stock for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import OrderingMode, OrderStatus

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner, Warehouse
    from portal.models.catalog.products import Product
    from portal.models.catalog.tenants import Manufacturer


class Order(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="orders"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="orders"
    )
    partner_id: int  # the ordering partner
    supplier_partner_id = fields.IntField(null=True)  # null: the manufacturer
    supply_warehouse_id = fields.IntField(null=True)  # SINGLE_WAREHOUSE orders
    ship_to_warehouse: fields.ForeignKeyRelation[Warehouse] = fields.ForeignKeyField(
        "models.Warehouse", related_name="orders"
    )
    ship_to_warehouse_id: int
    mode = fields.CharEnumField(OrderingMode, max_length=20)
    status = fields.CharEnumField(OrderStatus, max_length=20, default=OrderStatus.SUBMITTED)
    reason = fields.CharField(max_length=500, null=True)
    token_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "partner_order"
        indexes = (
            ("manufacturer_id", "partner_id", "status"),
            ("manufacturer_id", "supplier_partner_id", "status"),
            ("partner_id",),
            ("ship_to_warehouse_id",),
        )


class OrderLine(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="lines"
    )
    order_id: int
    line_no = fields.IntField()
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="order_lines"
    )
    product_id: int
    quantity = fields.IntField()
    reserved = fields.IntField(default=0)  # the sum of the line's reservations
    shipped = fields.IntField(default=0)
    backordered = fields.IntField(default=0)
    returned = fields.IntField(default=0)
    batch_no = fields.CharField(max_length=64, null=True)  # the batch asked for, if any

    class Meta:
        table = "order_line"
        unique_together = (("manufacturer_id", "order", "line_no"),)
        indexes = (("manufacturer_id", "product_id"), ("product_id",), ("order_id",))


class Reservation(Model):
    """Stock of one supplier warehouse held for one order line ("frozen")."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()
    order_id = fields.BigIntField()
    order_line: fields.ForeignKeyRelation[OrderLine] = fields.ForeignKeyField(
        "models.OrderLine", related_name="reservations"
    )
    order_line_id: int
    warehouse_id = fields.IntField()
    product_id = fields.IntField()
    quantity = fields.IntField()

    class Meta:
        table = "order_reservation"
        unique_together = (("manufacturer_id", "order_line", "warehouse_id"),)
        indexes = (
            ("manufacturer_id", "warehouse_id", "product_id"),
            ("manufacturer_id", "order_id"),
            ("order_line_id",),
        )


class ShippingNotice(Model):
    """What the supplier ships against one or several orders of one partner: it becomes the
    sell-in shipment (from the manufacturer) or the transfer (from a distributor)."""

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="shipping_notices"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="shipping_notices"
    )
    partner_id: int  # the receiving (ordering) partner
    supplier_partner_id = fields.IntField(null=True)
    document_no = fields.CharField(max_length=64)
    shipment_id = fields.BigIntField(null=True)
    transfer_id = fields.BigIntField(null=True)  # the first of transfer_ids
    transfer_ids: fields.JSONField[list[int]] = fields.JSONField(default=list)  # per source
    # A partner supplier's notice: its first delivery event's date (a sell-in notice's is
    # its shipment's).
    delivered_on = fields.DateField(null=True)
    token_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "shipping_notice"
        unique_together = (("manufacturer", "document_no"),)
        indexes = (("manufacturer_id", "partner_id"), ("partner_id",))


class ShippingNoticeLine(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()
    notice: fields.ForeignKeyRelation[ShippingNotice] = fields.ForeignKeyField(
        "models.ShippingNotice", related_name="lines"
    )
    notice_id: int
    order_line_id = fields.BigIntField()
    order_id = fields.BigIntField()
    warehouse_id = fields.IntField(null=True)
    product_id = fields.IntField()
    quantity = fields.IntField()
    serials: fields.JSONField[list[str]] = fields.JSONField(default=list)
    batch_no = fields.CharField(max_length=64, null=True)  # batch-controlled SKUs' lot

    class Meta:
        table = "shipping_notice_line"
        indexes = (("notice_id",), ("manufacturer_id", "order_line_id"))
