"""Demand: sales agreements, partner forecasts and the channel manager's adjustments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner
    from portal.models.catalog.tenants import Manufacturer


class SalesAgreement(Model):
    """What a partner committed to buy, per SKU and period (its lines)."""

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="sales_agreements"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="sales_agreements"
    )
    partner_id: int
    name = fields.CharField(max_length=200)
    period_from = fields.CharField(max_length=8)
    period_to = fields.CharField(max_length=8)
    token_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sales_agreement"
        indexes = (("manufacturer_id", "partner_id"), ("partner_id",))


class SalesAgreementLine(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    agreement: fields.ForeignKeyRelation[SalesAgreement] = fields.ForeignKeyField(
        "models.SalesAgreement", related_name="lines", on_delete=fields.CASCADE
    )
    agreement_id: int
    partner_id = fields.IntField()  # the agreement's, for the account forecast's reads
    product_id = fields.IntField()
    period = fields.CharField(max_length=8)
    committed_quantity = fields.IntField()

    class Meta:
        table = "sales_agreement_line"
        unique_together = (("manufacturer_id", "agreement", "product_id", "period"),)
        indexes = (("manufacturer_id", "partner_id", "period"), ("agreement_id",))


class Forecast(Model):
    """One submission of a partner's forward-looking sell-through; the latest submitted
    line of a (SKU, period) is the partner's forecast of it."""

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="forecasts"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="forecasts"
    )
    partner_id: int
    token_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "forecast"
        indexes = (("manufacturer_id", "partner_id"), ("partner_id",))


class ForecastLine(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    forecast: fields.ForeignKeyRelation[Forecast] = fields.ForeignKeyField(
        "models.Forecast", related_name="lines", on_delete=fields.CASCADE
    )
    forecast_id: int
    partner_id = fields.IntField()
    product_id = fields.IntField()
    period = fields.CharField(max_length=8)
    quantity = fields.IntField()

    class Meta:
        table = "forecast_line"
        unique_together = (("manufacturer_id", "forecast", "product_id", "period"),)
        indexes = (("manufacturer_id", "partner_id", "period"), ("forecast_id",))


class ForecastAdjustment(Model):
    """A channel manager's adjustment of one account-forecast cell, with a note; the
    latest is the cell's adjustment, the earlier ones its history."""

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="forecast_adjustments"
    )
    manufacturer_id: int
    partner_id = fields.IntField()
    product_id = fields.IntField()
    period = fields.CharField(max_length=8)
    adjustment = fields.IntField()
    note = fields.CharField(max_length=500, default="")
    token_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "forecast_adjustment"
        indexes = (("manufacturer_id", "partner_id", "period"),)
