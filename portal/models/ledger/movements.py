"""Documents that move stock: sell-in shipments and transfers."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import ReturnStatus, ShipmentStatus, TransferStatus


class Shipment(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer = fields.ForeignKeyField("models.Manufacturer", related_name="shipments")
    partner = fields.ForeignKeyField("models.Partner", related_name="shipments")
    warehouse = fields.ForeignKeyField("models.Warehouse", related_name="shipments")
    document_no = fields.CharField(max_length=64)
    shipped_on = fields.DateField()
    received_on = fields.DateField(null=True)
    status = fields.CharEnumField(ShipmentStatus, max_length=12, default=ShipmentStatus.SHIPPED)
    source = fields.CharField(max_length=16, default="GRAPHQL")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "shipment"
        unique_together = (("manufacturer", "document_no"),)


class ShipmentLine(Model):
    id = fields.BigIntField(primary_key=True)
    shipment = fields.ForeignKeyField("models.Shipment", related_name="lines")
    product = fields.ForeignKeyField("models.Product", related_name="shipment_lines")
    quantity = fields.IntField()
    serials = fields.JSONField(default=list)

    class Meta:
        table = "shipment_line"


class Transfer(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer = fields.ForeignKeyField("models.Manufacturer", related_name="transfers")
    from_partner = fields.ForeignKeyField("models.Partner", related_name="transfers_out")
    from_warehouse = fields.ForeignKeyField("models.Warehouse", related_name="transfers_out")
    to_partner = fields.ForeignKeyField("models.Partner", related_name="transfers_in")
    to_warehouse = fields.ForeignKeyField("models.Warehouse", related_name="transfers_in")
    status = fields.CharEnumField(TransferStatus, max_length=12)
    shipped_on = fields.DateField(null=True)
    received_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "transfer"


class TransferLine(Model):
    id = fields.BigIntField(primary_key=True)
    transfer = fields.ForeignKeyField("models.Transfer", related_name="lines")
    product = fields.ForeignKeyField("models.Product", related_name="transfer_lines")
    quantity = fields.IntField()
    serials = fields.JSONField(default=list)

    class Meta:
        table = "transfer_line"


class StockReturn(Model):
    """A return to the manufacturer: raised by the partner, posted when received."""

    id = fields.BigIntField(primary_key=True)
    manufacturer = fields.ForeignKeyField("models.Manufacturer", related_name="returns")
    partner = fields.ForeignKeyField("models.Partner", related_name="returns")
    warehouse = fields.ForeignKeyField("models.Warehouse", related_name="returns")
    status = fields.CharEnumField(ReturnStatus, max_length=12, default=ReturnStatus.REQUESTED)
    rma_no = fields.CharField(max_length=64, default="")
    received_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "stock_return"


class StockReturnLine(Model):
    id = fields.BigIntField(primary_key=True)
    stock_return = fields.ForeignKeyField("models.StockReturn", related_name="lines")
    product = fields.ForeignKeyField("models.Product", related_name="return_lines")
    quantity = fields.IntField()
    serials = fields.JSONField(default=list)

    class Meta:
        table = "stock_return_line"
