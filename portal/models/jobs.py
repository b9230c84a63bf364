"""Background jobs: recorded here before they are enqueued; the database is the truth."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import JobStatus

if TYPE_CHECKING:
    from portal.models.catalog.tenants import Manufacturer


class Job(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyNullableRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="jobs", null=True
    )
    manufacturer_id: int | None
    kind = fields.CharField(max_length=64)
    args: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    dedupe_key = fields.CharField(max_length=200, null=True)
    status = fields.CharEnumField(JobStatus, max_length=12, default=JobStatus.QUEUED)
    attempts = fields.IntField(default=0)
    dispatches = fields.IntField(default=0)
    lease_until = fields.DatetimeField(null=True)
    enqueued_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)
    result: fields.JSONField[Any] = fields.JSONField(null=True)  # what the handler returned
    error: fields.Field[str | None] = fields.TextField(null=True)  # type: ignore[assignment]  # stubs: TextField is Field[str], null or not

    class Meta:
        table = "job"
        indexes = (("status", "created_at"), ("manufacturer_id",))


class JobFailure(Model):
    """One item a shared job could not process, set aside so the rest could proceed.

    Keyed by (manufacturer, job kind, item key): a repeat bumps ``attempts`` and
    ``last_seen``; the item succeeding later sets ``resolved_at``.
    """

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="job_failures"
    )
    manufacturer_id: int
    kind = fields.CharField(max_length=64)
    item_key = fields.CharField(max_length=200)
    code = fields.CharField(max_length=40)
    message = fields.CharField(max_length=500)
    attempts = fields.IntField(default=1)
    first_seen = fields.DatetimeField()
    last_seen = fields.DatetimeField()
    resolved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "job_failure"
        unique_together = (("manufacturer", "kind", "item_key"),)
        indexes = (("manufacturer_id", "resolved_at", "last_seen"),)
