"""Consumption of inventory contracts: call-off notifications to the owner and charges
(billing lines at the contract price). A reversal is a row with negative quantities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner
    from portal.models.catalog.tenants import Manufacturer


class CallOffNotification(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="call_offs"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="call_offs"
    )
    partner_id: int
    contract_id = fields.BigIntField()
    line_id = fields.BigIntField()
    product_id = fields.IntField()
    quantity = fields.IntField()  # negative: a reversal (a POS resubmission sold fewer)
    consumed_on = fields.DateField()
    period = fields.CharField(max_length=8)
    source_type = fields.CharField(max_length=16)  # REPORT, POS
    source_id = fields.BigIntField(null=True)  # the POS submission
    report_period = fields.CharField(max_length=8, null=True)  # POS: the report it belongs to
    end_customer_name = fields.CharField(max_length=300, default="")
    token_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contract_call_off"
        indexes = (
            ("manufacturer_id", "partner_id", "period"),
            ("manufacturer_id", "line_id", "source_type", "report_period"),
            ("partner_id",),
        )


class Charge(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="contract_charges"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="contract_charges"
    )
    partner_id: int
    contract_id = fields.BigIntField()
    line_id = fields.BigIntField()
    call_off_id = fields.BigIntField()
    product_id = fields.IntField()
    quantity = fields.IntField()
    unit_price = fields.DecimalField(max_digits=18, decimal_places=4)
    amount = fields.DecimalField(max_digits=18, decimal_places=2)
    currency = fields.CharField(max_length=3)
    charged_on = fields.DateField()
    period = fields.CharField(max_length=8)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contract_charge"
        indexes = (("manufacturer_id", "partner_id", "period"), ("partner_id",))
