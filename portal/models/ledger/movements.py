"""Documents that move stock: sell-in shipments and transfers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import ReturnStatus, ShipmentStatus, TransferStatus

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner, Warehouse
    from portal.models.catalog.products import Product
    from portal.models.catalog.tenants import Manufacturer


class Shipment(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="shipments"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="shipments"
    )
    partner_id: int
    warehouse: fields.ForeignKeyRelation[Warehouse] = fields.ForeignKeyField(
        "models.Warehouse", related_name="shipments"
    )
    warehouse_id: int
    # a WDS dispatch (source CONTRACT): the partner's deposit at the manufacturer it leaves;
    # received as TRANSFER_IN, not SELL_IN (the purchase was the sell-in)
    from_warehouse_id = fields.IntField(null=True)
    document_no = fields.CharField(max_length=64)
    shipped_on = fields.DateField()
    received_on = fields.DateField(null=True)
    delivered_on = fields.DateField(null=True)  # the first delivery event's date
    status = fields.CharEnumField(ShipmentStatus, max_length=12, default=ShipmentStatus.SHIPPED)
    source = fields.CharField(max_length=16, default="GRAPHQL")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "shipment"
        unique_together = (("manufacturer", "document_no"),)
        indexes = (("partner_id",), ("warehouse_id",))


class ShipmentLine(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="lines"
    )
    shipment_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="shipment_lines"
    )
    product_id: int
    quantity = fields.IntField()
    serials: fields.JSONField[list[str]] = fields.JSONField(default=list)
    batch_no = fields.CharField(max_length=64, null=True)  # batch-controlled SKUs' lot

    class Meta:
        table = "shipment_line"
        indexes = (("shipment_id",), ("product_id",))


class Transfer(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="transfers"
    )
    manufacturer_id: int
    from_partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="transfers_out"
    )
    from_partner_id: int
    from_warehouse: fields.ForeignKeyRelation[Warehouse] = fields.ForeignKeyField(
        "models.Warehouse", related_name="transfers_out"
    )
    from_warehouse_id: int
    to_partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="transfers_in"
    )
    to_partner_id: int
    to_warehouse: fields.ForeignKeyRelation[Warehouse] = fields.ForeignKeyField(
        "models.Warehouse", related_name="transfers_in"
    )
    to_warehouse_id: int
    status = fields.CharEnumField(TransferStatus, max_length=12)
    shipped_on = fields.DateField(null=True)
    received_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "transfer"
        indexes = (
            ("manufacturer_id",),
            ("from_partner_id",),
            ("to_partner_id",),
            ("from_warehouse_id",),
            ("to_warehouse_id",),
        )


class TransferLine(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    transfer: fields.ForeignKeyRelation[Transfer] = fields.ForeignKeyField(
        "models.Transfer", related_name="lines"
    )
    transfer_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="transfer_lines"
    )
    product_id: int
    quantity = fields.IntField()
    serials: fields.JSONField[list[str]] = fields.JSONField(default=list)
    batch_no = fields.CharField(max_length=64, null=True)  # batch-controlled SKUs' lot

    class Meta:
        table = "transfer_line"
        indexes = (("transfer_id",), ("product_id",))


class StockReturn(Model):
    """A return to the manufacturer: raised by the partner, posted when received."""

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="returns"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="returns"
    )
    partner_id: int
    warehouse: fields.ForeignKeyRelation[Warehouse] = fields.ForeignKeyField(
        "models.Warehouse", related_name="returns"
    )
    warehouse_id: int
    status = fields.CharEnumField(ReturnStatus, max_length=12, default=ReturnStatus.REQUESTED)
    rma_no = fields.CharField(max_length=64, default="")
    received_on = fields.DateField(null=True)
    # requestReturn: ORDER (order_ids), SHIPMENT (shipment_id) or NONE (source-free)
    source = fields.CharField(max_length=12, default="NONE")
    order_ids: fields.JSONField[list[int]] = fields.JSONField(default=list)
    shipment_id = fields.BigIntField(null=True)
    exchange = fields.BooleanField(default=False)
    replacement_shipment_id = fields.BigIntField(null=True)  # an exchange's replacement
    # where the goods go: null, the manufacturer; else the partner supplier of the orders
    # (a reseller returns to its distributor) and the warehouse that receives them
    to_partner_id = fields.IntField(null=True)
    to_warehouse_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "stock_return"
        indexes = (
            ("manufacturer_id",),
            ("partner_id",),
            ("warehouse_id",),
            ("manufacturer_id", "shipment_id"),
            ("manufacturer_id", "to_partner_id"),
        )


class StockReturnLine(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    stock_return: fields.ForeignKeyRelation[StockReturn] = fields.ForeignKeyField(
        "models.StockReturn", related_name="lines"
    )
    stock_return_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="return_lines"
    )
    product_id: int
    quantity = fields.IntField()
    serials: fields.JSONField[list[str]] = fields.JSONField(default=list)
    batch_no = fields.CharField(max_length=64, null=True)  # batch-controlled SKUs' lot
    order_line_id = fields.BigIntField(null=True)  # what it returns of an order line
    reason = fields.CharField(max_length=200, default="")

    class Meta:
        table = "stock_return_line"
        indexes = (
            ("stock_return_id",),
            ("product_id",),
            ("manufacturer_id", "order_line_id"),
        )
