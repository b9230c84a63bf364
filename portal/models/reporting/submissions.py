"""Partner submissions (POS and stock snapshots), what they carried, and what was found."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import IssueSeverity, SubmissionKind, SubmissionSource, SubmissionStatus

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner
    from portal.models.catalog.tenants import Manufacturer


class Submission(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="submissions"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="submissions"
    )
    partner_id: int
    kind = fields.CharEnumField(SubmissionKind, max_length=8)
    period = fields.CharField(max_length=8)
    version = fields.IntField()
    status = fields.CharEnumField(SubmissionStatus, max_length=24, default=SubmissionStatus.QUEUED)
    source = fields.CharEnumField(SubmissionSource, max_length=8)
    dry_run = fields.BooleanField(default=False)
    file_name = fields.CharField(max_length=255, null=True)
    mapping_name = fields.CharField(max_length=100, null=True)
    rows_total = fields.IntField(default=0)
    rows_done = fields.IntField(default=0)
    error_count = fields.IntField(default=0)
    warning_count = fields.IntField(default=0)
    superseded_by_id = fields.BigIntField(null=True)
    posted_at = fields.DatetimeField(null=True)
    validated_at = fields.DatetimeField(null=True)
    token_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "submission"
        unique_together = (("manufacturer", "partner", "kind", "period", "version"),)
        indexes = (("partner_id",),)  # the unique key leads with the tenant


class SubmissionContent(Model):
    """What was submitted, kept so that any worker can (re)validate it."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    submission: fields.ForeignKeyRelation[Submission] = fields.ForeignKeyField(
        "models.Submission", related_name="contents", on_delete=fields.CASCADE
    )
    submission_id: int
    # GraphQL: list of row dicts
    lines: fields.JSONField[list[dict[str, Any]] | None] = fields.JSONField(null=True)
    data = fields.BinaryField(null=True)  # files: the bytes as uploaded
    file_format = fields.CharField(max_length=8, default="LINES")  # LINES CSV XLSX

    class Meta:
        table = "submission_content"
        unique_together = (("manufacturer_id", "submission"),)  # one per submission
        indexes = (("submission_id",),)  # the foreign key's checks


class SubmissionIssue(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    submission: fields.ForeignKeyRelation[Submission] = fields.ForeignKeyField(
        "models.Submission", related_name="issues", on_delete=fields.CASCADE
    )
    submission_id: int
    row = fields.IntField()
    field = fields.CharField(max_length=64, null=True)
    code = fields.CharField(max_length=40)
    message = fields.CharField(max_length=500)
    severity = fields.CharEnumField(IssueSeverity, max_length=8, default=IssueSeverity.ERROR)
    # the day it was recorded: the partition key on PostgreSQL, and what retention ages
    recorded_on = fields.DateField()

    class Meta:
        table = "submission_issue"
        # recorded_on: retention deletes by age on SQLite, where the table is not partitioned
        indexes = (("submission_id", "id"), ("recorded_on",))


class EndCustomer(Model):
    """The registry: one row per customer, whatever the spelling partners use."""

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="end_customers"
    )
    manufacturer_id: int
    key = fields.CharField(max_length=300)
    name = fields.CharField(max_length=300)
    country = fields.CharField(max_length=2)
    postal_code = fields.CharField(max_length=20, default="")

    class Meta:
        table = "end_customer"
        unique_together = (("manufacturer", "key"),)


class PosLine(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    submission: fields.ForeignKeyRelation[Submission] = fields.ForeignKeyField(
        "models.Submission",
        related_name="pos_lines",
        on_delete=fields.CASCADE,
        db_constraint=False,  # written only for the submission validating them: no per-row check
    )
    submission_id: int
    row = fields.IntField()
    warehouse_id = fields.IntField()
    product_id = fields.IntField()
    quantity = fields.IntField()
    sold_on = fields.DateField()
    end_customer_id = fields.BigIntField(null=True)
    end_customer_name = fields.CharField(max_length=300, default="")
    unit_price = fields.DecimalField(max_digits=18, decimal_places=4, null=True)
    currency = fields.CharField(max_length=3, default="")
    invoice_no = fields.CharField(max_length=64, default="")
    serials: fields.JSONField[list[str]] = fields.JSONField(default=list)
    batch_no = fields.CharField(max_length=64, null=True)  # batch-controlled SKUs' lot

    class Meta:
        table = "pos_line"
        indexes = (("submission_id", "id"),)


class StockLine(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    submission: fields.ForeignKeyRelation[Submission] = fields.ForeignKeyField(
        "models.Submission", related_name="stock_lines", on_delete=fields.CASCADE
    )
    submission_id: int
    row = fields.IntField()
    warehouse_id = fields.IntField()
    product_id = fields.IntField()
    quantity = fields.IntField()

    class Meta:
        table = "stock_line"
        indexes = (("submission_id", "warehouse_id", "product_id"),)


class MappingTemplate(Model):
    """A partner's own file layout: its column names, date format, decimal comma."""

    id = fields.IntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="mappings"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="mappings"
    )
    partner_id: int
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(SubmissionKind, max_length=8)
    # our field -> their column header
    columns: fields.JSONField[dict[str, str]] = fields.JSONField(default=dict)
    date_format = fields.CharField(max_length=32, default="%Y-%m-%d")
    decimal_comma = fields.BooleanField(default=False)
    delimiter = fields.CharField(max_length=1, null=True)
    header_row = fields.IntField(default=1)
    partner_skus = fields.BooleanField(default=False)

    class Meta:
        table = "mapping_template"
        unique_together = (("manufacturer", "partner", "name"),)
        indexes = (("partner_id",),)


class OutboxEvent(Model):
    """Events for the outside world (reminders now, webhooks later), delivered by a worker."""

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer",
        related_name="outbox",
        db_constraint=False,  # a full recompute writes one per opened exception: no check
    )
    manufacturer_id: int
    event_type = fields.CharField(max_length=64)
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    dedupe_key = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_event"
        unique_together = (("manufacturer", "dedupe_key"),)
