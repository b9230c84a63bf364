"""The channel inventory ledger and its balance projection.

Entries are immutable; a mistake is undone by a reversing entry. ``StockBalance`` is a
projection per (warehouse, product, owner), updated in the same transaction as the
entries; ``in_transit`` is the open shipments and transfers headed to the warehouse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import LedgerKind, Owner, SerialStatus

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner, Warehouse
    from portal.models.catalog.products import Product
    from portal.models.catalog.tenants import Manufacturer


class LedgerEntry(Model):
    """An immutable movement. Its references carry no database foreign keys: the table is
    append-only, written only by ``portal.domain.ledger.posting.post``, which resolves every
    reference first and in the same transaction locks (or creates) the foreign-keyed
    ``StockBalance`` row of the same manufacturer, partner, warehouse and product. That
    halves the cost of posting (measured by ``bench/ledger.py``)."""

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="ledger", db_constraint=False
    )
    manufacturer_id: int
    partner: fields.ForeignKeyNullableRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="ledger", null=True, db_constraint=False
    )
    partner_id: int | None
    warehouse: fields.ForeignKeyRelation[Warehouse] = fields.ForeignKeyField(
        "models.Warehouse", related_name="ledger", db_constraint=False
    )
    warehouse_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="ledger", db_constraint=False
    )
    product_id: int
    owner = fields.CharEnumField(Owner, max_length=12)
    quantity = fields.IntField()
    kind = fields.CharEnumField(LedgerKind, max_length=24)
    business_date = fields.DateField()
    period = fields.CharField(max_length=8)
    recorded_at = fields.DatetimeField(auto_now_add=True)
    source_type = fields.CharField(max_length=24)
    source_id = fields.BigIntField()
    serials: fields.JSONField[list[str]] = fields.JSONField(default=list)
    batch_no = fields.CharField(max_length=64, null=True)  # batch-controlled SKUs' lot
    reason = fields.CharField(max_length=40, null=True)
    reverses: fields.ForeignKeyNullableRelation[LedgerEntry] = fields.ForeignKeyField(
        "models.LedgerEntry", related_name="reversals", null=True, db_constraint=False
    )
    reverses_id: int | None
    token_id = fields.IntField(null=True)

    class Meta:
        table = "ledger_entry"
        indexes = (
            ("warehouse_id", "product_id", "owner"),
            ("manufacturer_id", "period"),
            ("source_type", "source_id"),
            ("partner_id",),
            ("product_id",),
            ("reverses_id",),  # on PostgreSQL partial: reversals only (0042_hot_balances)
        )


class StockBalance(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="balances"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyNullableRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="balances", null=True
    )
    partner_id: int | None
    warehouse: fields.ForeignKeyRelation[Warehouse] = fields.ForeignKeyField(
        "models.Warehouse", related_name="balances"
    )
    warehouse_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="balances"
    )
    product_id: int
    owner = fields.CharEnumField(Owner, max_length=12)
    quantity = fields.IntField(default=0)
    in_transit = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "stock_balance"
        unique_together = (("manufacturer", "warehouse", "product", "owner"),)
        indexes = (("warehouse_id",), ("partner_id",), ("product_id",))


class SerialUnit(Model):
    """Where one serial-controlled unit is; a serial is in stock in one place at most."""

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="serial_units"
    )
    manufacturer_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="serial_units"
    )
    product_id: int
    serial = fields.CharField(max_length=100)
    warehouse: fields.ForeignKeyNullableRelation[Warehouse] = fields.ForeignKeyField(
        "models.Warehouse", related_name="serial_units", null=True
    )
    warehouse_id: int | None
    status = fields.CharEnumField(SerialStatus, max_length=12)
    sold_in_submission_id = fields.BigIntField(null=True)

    class Meta:
        table = "serial_unit"
        unique_together = (("manufacturer", "product", "serial"),)
        indexes = (("product_id",), ("warehouse_id",))
