"""What a supplier holds for orders: per (warehouse, product) the reserved quantity, and
for the manufacturer's own warehouses the on-hand quantity with its movement log.

A partner supplier's on hand is its ledger balance (``stock_balance``); the manufacturer's
warehouses are outside the channel ledger, so their on hand is kept here, changed only by
``SupplyMovement`` rows (adjustments by shipping staff, shipping notices) and proved equal
to their sum by ``portal check-ledger``. For a batch-controlled SKU the part of that on
hand held per batch is ``SupplyBatch`` (moved by the same movements, which carry the
batch), changed only under the ``SupplyStock`` row's lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from portal.models.catalog.partners import Warehouse
    from portal.models.catalog.products import Product
    from portal.models.catalog.tenants import Manufacturer


class SupplyStock(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="supply_stock"
    )
    manufacturer_id: int
    partner_id = fields.IntField(null=True)  # the supplier; null: the manufacturer
    warehouse: fields.ForeignKeyRelation[Warehouse] = fields.ForeignKeyField(
        "models.Warehouse", related_name="supply_stock"
    )
    warehouse_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="supply_stock"
    )
    product_id: int
    on_hand = fields.IntField(default=0)  # manufacturer warehouses only
    reserved = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "supply_stock"
        unique_together = (("manufacturer", "warehouse", "product"),)
        # a foreign key leads an index of its own (tests/test_hostile_access.py)
        indexes = (("manufacturer_id", "product_id"), ("warehouse_id",), ("product_id",))


class SupplyMovement(Model):
    """An immutable change of a manufacturer warehouse's on hand."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()
    warehouse_id = fields.IntField()
    product_id = fields.IntField()
    quantity = fields.IntField()
    batch_no = fields.CharField(max_length=64, null=True)  # batch-controlled SKUs
    reason = fields.CharField(max_length=40)
    source_type = fields.CharField(max_length=24)
    source_id = fields.BigIntField(null=True)
    token_id = fields.IntField(null=True)
    recorded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "supply_movement"
        indexes = (("manufacturer_id", "warehouse_id", "product_id"),)


class SupplyBatch(Model):
    """A manufacturer warehouse's on hand of one batch of a batch-controlled SKU: the sum
    of the movements carrying that batch, never below zero; all batches ≤ the SKU's."""

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="supply_batches"
    )
    manufacturer_id: int
    warehouse_id = fields.IntField()
    product_id = fields.IntField()
    batch_no = fields.CharField(max_length=64)
    on_hand = fields.IntField(default=0)

    class Meta:
        table = "supply_batch"
        unique_together = (("manufacturer", "warehouse_id", "product_id", "batch_no"),)
        indexes = (("manufacturer_id", "product_id"),)
