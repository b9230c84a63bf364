"""Channel partners and the warehouses that hold stock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import PartnerTier, WarehouseKind

if TYPE_CHECKING:
    from portal.models.catalog.tenants import Manufacturer


class Partner(Model):
    id = fields.IntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="partners"
    )
    manufacturer_id: int
    code = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    tier = fields.CharEnumField(PartnerTier, max_length=20)
    parent: fields.ForeignKeyNullableRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    parent_id: int | None
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "partner"
        unique_together = (("manufacturer", "code"),)
        indexes = (("parent_id",),)


class Warehouse(Model):
    """A stock location: a partner's (channel) warehouse or the manufacturer's own."""

    id = fields.IntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="warehouses"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyNullableRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="warehouses", null=True, on_delete=fields.RESTRICT
    )
    partner_id: int | None
    code = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    kind = fields.CharEnumField(WarehouseKind, max_length=16, default=WarehouseKind.OWNED)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "warehouse"
        unique_together = (("manufacturer", "code"),)
        indexes = (("partner_id",),)
