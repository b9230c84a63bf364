"""Per-batch stock of batch-controlled products: a projection of the ledger entries that
carry a ``batch_no``, per (warehouse, product, owner, batch), moved by posting in the same
transaction as the entries and never below zero (``portal check-ledger`` verifies it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import Owner

if TYPE_CHECKING:
    from portal.models.catalog.tenants import Manufacturer


class BatchBalance(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="batch_balances"
    )
    manufacturer_id: int
    warehouse_id = fields.IntField()
    product_id = fields.IntField()
    owner = fields.CharEnumField(Owner, max_length=12)
    batch_no = fields.CharField(max_length=64)
    quantity = fields.IntField(default=0)

    class Meta:
        table = "batch_balance"
        unique_together = (("manufacturer", "warehouse_id", "product_id", "owner", "batch_no"),)
        indexes = (("manufacturer_id", "product_id"),)
