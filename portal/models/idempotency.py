"""What a creating mutation returned for an idempotency key, so a repeat returns the same."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from portal.models.catalog.tenants import Manufacturer


class IdempotencyRecord(Model):
    id = fields.IntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="idempotency"
    )
    manufacturer_id: int
    scope = fields.CharField(max_length=32)  # "m" for the manufacturer side, "p:<id>" a partner
    operation = fields.CharField(max_length=64)
    key = fields.CharField(max_length=200)
    request_hash = fields.CharField(max_length=64)
    object_id = fields.BigIntField(null=True)  # null: claimed, the first call still running
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotency_record"
        unique_together = (("manufacturer", "scope", "operation", "key"),)
