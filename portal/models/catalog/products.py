"""The manufacturer's catalogue, its dated list prices and partners' own part numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner
    from portal.models.catalog.tenants import Manufacturer


class Product(Model):
    id = fields.IntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="products"
    )
    manufacturer_id: int
    sku = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    category = fields.CharField(max_length=100, default="")
    serial_controlled = fields.BooleanField(default=False)
    batch_controlled = fields.BooleanField(default=False)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "product"
        unique_together = (("manufacturer", "sku"),)


class ProductPrice(Model):
    """A list price valid from a date until the next one."""

    id = fields.IntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="prices"
    )
    product_id: int
    valid_from = fields.DateField()
    price = fields.DecimalField(max_digits=18, decimal_places=4)
    currency = fields.CharField(max_length=3, default="USD")

    class Meta:
        table = "product_price"
        unique_together = (("manufacturer_id", "product", "valid_from"),)
        indexes = (("product_id",),)


class PartnerSkuMapping(Model):
    id = fields.IntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="sku_mappings"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="sku_mappings"
    )
    partner_id: int
    partner_sku = fields.CharField(max_length=100)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="partner_mappings"
    )
    product_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "partner_sku_mapping"
        unique_together = (("manufacturer", "partner", "partner_sku"),)
        indexes = (("partner_id",), ("product_id",))
