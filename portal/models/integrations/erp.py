"""The ERP connector's cursors and the record of every sync run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from portal.models.catalog.tenants import Manufacturer


class ErpCursor(Model):
    """How far a resource (``products``, ``shipments``) has been pulled: its updated-since."""

    id = fields.IntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="erp_cursors"
    )
    manufacturer_id: int
    resource = fields.CharField(max_length=32)
    cursor = fields.CharField(max_length=64)

    class Meta:
        table = "erp_cursor"
        unique_together = (("manufacturer", "resource"),)


class ErpSyncRun(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="erp_runs"
    )
    manufacturer_id: int
    started_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)
    status = fields.CharField(max_length=12, default="RUNNING")  # RUNNING OK FAILED
    products_imported = fields.IntField(default=0)
    shipments_imported = fields.IntField(default=0)
    shipments_skipped = fields.IntField(default=0)
    inventory_imported = fields.IntField(default=0)  # supply on hand rows (orders)
    # [{resource, item, error}]; Any, as the graph's JSON scalar takes it
    item_errors: fields.JSONField[Any] = fields.JSONField(default=list)
    error: fields.Field[str | None] = fields.TextField(null=True)  # type: ignore[assignment]  # stubs: TextField is Field[str], null or not
    http_status = fields.IntField(null=True)

    class Meta:
        table = "erp_sync_run"
        indexes = (("manufacturer_id",),)
