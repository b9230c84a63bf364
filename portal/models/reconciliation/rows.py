"""Reconciliation rows (calculated against reported), the keys waiting for a recompute,
and the audit trail of the exception workflow."""

from __future__ import annotations

from types import UnionType
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import ExceptionReason, ExceptionStatus, ReconciliationStatus
from portal.models.reconciliation.columns import FIGURES, Figure

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner, Warehouse
    from portal.models.catalog.products import Product
    from portal.models.catalog.tenants import Manufacturer
    from portal.models.reporting.submissions import OutboxEvent


def _figure_field(figure: Figure) -> fields.Field[Any]:
    nullable = isinstance(figure.type, UnionType)
    if figure.type is ReconciliationStatus:
        return fields.CharEnumField(ReconciliationStatus, max_length=20)
    if figure.sql_type == "numeric":
        return fields.DecimalField(max_digits=20, decimal_places=2, default=0)
    if figure.sql_type == "float8":
        return fields.FloatField(null=True) if nullable else fields.FloatField(default=0)
    field_type = fields.BigIntField if figure.sql_type == "bigint" else fields.IntField
    return field_type(null=True) if nullable else field_type(default=0)


class ReconciliationRow(Model):
    """A projection of the ledger and the reports, rewritten in bulk by the recompute: its
    references carry no database foreign keys (as ``ledger_entry``); every key comes from
    a warehouse and product that exist (partners, warehouses and products are never
    deleted, only deactivated)."""

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="reconciliation", db_constraint=False
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="reconciliation", db_constraint=False
    )
    partner_id: int
    warehouse: fields.ForeignKeyRelation[Warehouse] = fields.ForeignKeyField(
        "models.Warehouse", related_name="reconciliation", db_constraint=False
    )
    warehouse_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="reconciliation", db_constraint=False
    )
    product_id: int
    period = fields.CharField(max_length=8)
    for _figure in FIGURES:  # opening, the components, calculated ... (columns.py)
        locals()[_figure.name] = _figure_field(_figure)
    del _figure
    exception_status = fields.CharEnumField(ExceptionStatus, max_length=16, null=True)
    owner_email = fields.CharField(max_length=200, null=True)
    reason = fields.CharEnumField(ExceptionReason, max_length=24, null=True)
    computed_at = fields.DatetimeField(auto_now=True)

    if TYPE_CHECKING:  # the figures above, generated from FIGURES

        def __getattr__(self, name: str) -> Any: ...

    class Meta:
        table = "reconciliation_row"
        unique_together = (("manufacturer", "warehouse", "product", "period"),)
        indexes = (
            ("manufacturer_id", "period", "status"),
            ("manufacturer_id", "period", "abs_gap", "id"),  # the default page order
            ("partner_id",),
            ("warehouse_id",),
            ("product_id",),
        )


class ReconcileDirty(Model):
    """A (warehouse, product) whose rows need a recompute from a date on (coalesced)."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()
    warehouse_id = fields.IntField()
    product_id = fields.IntField()
    from_date = fields.DateField()
    version = fields.IntField(default=0, db_default=0)  # bumped by every mark

    class Meta:
        table = "reconcile_dirty"
        unique_together = (("manufacturer_id", "warehouse_id", "product_id"),)


class ExceptionEvent(Model):
    """Who did what to an exception, when: status, owner, reason, comments, corrections."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    row: fields.ForeignKeyRelation[ReconciliationRow] = fields.ForeignKeyField(
        "models.ReconciliationRow",
        related_name="events",
        on_delete=fields.CASCADE,
        db_constraint=False,  # a full recompute writes one per opened row: no per-row check
    )
    row_id: int
    token_id = fields.IntField(null=True)
    partner_id = fields.IntField(null=True)  # set when a partner principal acted
    action = fields.CharField(max_length=32)
    details: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "exception_event"
        indexes = (("row_id",),)


class WebhookEndpoint(Model):
    id = fields.IntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="webhooks"
    )
    manufacturer_id: int
    url = fields.CharField(max_length=500)
    events: fields.JSONField[list[str]] = fields.JSONField(default=list)  # event types; empty: all
    secret = fields.CharField(max_length=100)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_endpoint"
        indexes = (("manufacturer_id",),)


class WebhookDelivery(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    endpoint: fields.ForeignKeyRelation[WebhookEndpoint] = fields.ForeignKeyField(
        "models.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    endpoint_id: int
    event: fields.ForeignKeyRelation[OutboxEvent] = fields.ForeignKeyField(
        "models.OutboxEvent", related_name="deliveries", on_delete=fields.CASCADE
    )
    event_id: int
    status = fields.CharField(max_length=12, default="PENDING")  # PENDING DELIVERED FAILED
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    last_status_code = fields.IntField(null=True)
    last_error = fields.CharField(max_length=500, null=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        unique_together = (("manufacturer_id", "endpoint", "event"),)
        indexes = (("endpoint_id",), ("event_id",))
