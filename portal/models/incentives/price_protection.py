"""Price protection programs: a list-price drop of one SKU, opened by a channel manager,
that partners holding stock bought at the old price claim against."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from portal.models.catalog.products import Product
    from portal.models.catalog.tenants import Manufacturer


class PriceProtectionProgram(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="price_protection_programs"
    )
    manufacturer_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="price_protection_programs"
    )
    product_id: int
    sku = fields.CharField(max_length=64)
    old_price = fields.DecimalField(max_digits=18, decimal_places=4)
    new_price = fields.DecimalField(max_digits=18, decimal_places=4)
    currency = fields.CharField(max_length=3, default="USD")
    effective_on = fields.DateField()
    claim_window_days = fields.IntField()
    include_in_transit = fields.BooleanField(default=False)
    token_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "price_protection_program"
        unique_together = (("manufacturer_id", "product_id", "effective_on"),)
        indexes = (("product_id",),)
