"""Design registrations: the opportunities partners claim, with lines and an audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import DesignStatus

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner
    from portal.models.catalog.products import Product
    from portal.models.catalog.tenants import Manufacturer
    from portal.models.reporting.submissions import EndCustomer


class DesignRegistration(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="designs"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="designs"
    )
    partner_id: int
    end_customer: fields.ForeignKeyRelation[EndCustomer] = fields.ForeignKeyField(
        "models.EndCustomer", related_name="designs"
    )
    end_customer_id: int
    end_customer_name = fields.CharField(max_length=300)
    project_name = fields.CharField(max_length=200)
    application = fields.CharField(max_length=200, default="")
    expected_close_on = fields.DateField()
    status = fields.CharEnumField(DesignStatus, max_length=12, default=DesignStatus.SUBMITTED)
    expires_on = fields.DateField(null=True)
    review_note = fields.CharField(max_length=1000, null=True)
    attachments: fields.JSONField[list[str]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "design_registration"
        indexes = (
            ("manufacturer_id", "end_customer_id", "status"),
            ("end_customer_id",),
            ("partner_id",),
        )


class DesignLine(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    registration: fields.ForeignKeyRelation[DesignRegistration] = fields.ForeignKeyField(
        "models.DesignRegistration", related_name="lines", on_delete=fields.CASCADE
    )
    registration_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="design_lines"
    )
    product_id: int
    expected_annual_quantity = fields.IntField()
    requested_price = fields.DecimalField(max_digits=18, decimal_places=4, null=True)
    authorized_price = fields.DecimalField(max_digits=18, decimal_places=4, null=True)

    class Meta:
        table = "design_line"
        indexes = (("registration_id",), ("product_id",))


class DesignEvent(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    registration: fields.ForeignKeyRelation[DesignRegistration] = fields.ForeignKeyField(
        "models.DesignRegistration", related_name="events", on_delete=fields.CASCADE
    )
    registration_id: int
    token_id = fields.IntField(null=True)
    action = fields.CharField(max_length=32)
    details: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "design_event"
        indexes = (("registration_id",),)
