"""Inventory checks (check sheets) and their lines, one per product counted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import CheckSource, CheckStatus

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner
    from portal.models.catalog.tenants import Manufacturer


class InventoryCheck(Model):
    """A count of one partner warehouse as of ``count_date``.

    ``open_warehouse_id`` holds the warehouse while the check is open (DRAFT or
    SUBMITTED) and is cleared when it is reviewed: the unique key on it lets one check
    at most be open per warehouse, even under concurrent starts."""

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="inventory_checks"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="inventory_checks"
    )
    partner_id: int
    warehouse_id = fields.IntField()
    open_warehouse_id = fields.IntField(null=True)
    source = fields.CharEnumField(CheckSource, max_length=16)
    blind = fields.BooleanField(default=False)
    count_date = fields.DateField()
    period = fields.CharField(max_length=8)
    status = fields.CharEnumField(CheckStatus, max_length=12, default=CheckStatus.DRAFT)
    line_count = fields.IntField(default=0)
    counted_count = fields.IntField(default=0)
    stock_submission_id = fields.BigIntField(null=True)  # the stock report it became
    variances_posted = fields.BooleanField(default=False)
    review_note = fields.CharField(max_length=500, default="")
    token_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    submitted_at = fields.DatetimeField(null=True)
    reviewed_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "inventory_check"
        unique_together = (("manufacturer", "open_warehouse_id"),)
        indexes = (("manufacturer_id", "partner_id"), ("partner_id",), ("warehouse_id",))


class InventoryCheckLine(Model):
    """One product of a sheet: the book quantity (as of the count date), what was counted
    (serials for serial-controlled products) and the variance, counted minus book."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    check: fields.ForeignKeyRelation[InventoryCheck] = fields.ForeignKeyField(
        "models.InventoryCheck", related_name="lines", on_delete=fields.CASCADE
    )
    check_id: int
    product_id = fields.IntField()
    book = fields.IntField(default=0)
    counted = fields.IntField(null=True)
    serials: fields.JSONField[list[str]] = fields.JSONField(default=list)
    book_serials: fields.JSONField[list[str]] = fields.JSONField(default=list)
    variance = fields.IntField(null=True)

    class Meta:
        table = "inventory_check_line"
        unique_together = (("manufacturer_id", "check", "product_id"),)
        indexes = (("manufacturer_id", "check_id", "id"), ("check_id",))
