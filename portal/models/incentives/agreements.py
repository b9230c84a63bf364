"""Price agreements (special pricing authorizations) and their lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner
    from portal.models.catalog.tenants import Manufacturer


class PriceAgreement(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="price_agreements"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="price_agreements"
    )
    partner_id: int
    end_customer_id = fields.BigIntField(null=True)  # the registry entry, or any customer
    end_customer_name = fields.CharField(max_length=300, default="")
    end_customer_country = fields.CharField(max_length=2, default="")
    design_registration_id = fields.BigIntField(null=True)
    valid_from = fields.DateField()
    valid_to = fields.DateField()
    currency = fields.CharField(max_length=3, default="USD")
    token_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "price_agreement"
        indexes = (("manufacturer_id", "partner_id"), ("partner_id",))


class PriceAgreementLine(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    agreement: fields.ForeignKeyRelation[PriceAgreement] = fields.ForeignKeyField(
        "models.PriceAgreement", related_name="lines", on_delete=fields.CASCADE
    )
    agreement_id: int
    product_id = fields.IntField()
    book_cost = fields.DecimalField(max_digits=18, decimal_places=4)
    authorized_price = fields.DecimalField(max_digits=18, decimal_places=4)
    max_quantity = fields.IntField(null=True)

    class Meta:
        table = "price_agreement_line"
        unique_together = (("manufacturer_id", "agreement", "product_id"),)
        indexes = (("manufacturer_id", "product_id"), ("agreement_id",))
