"""Graph types of background jobs and ERP sync runs."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.scalars import JSON

from portal.models import ErpSyncRun as RunModel
from portal.models import Job as JobModel
from portal.models import enums
from portal.schema.common import UserError

JobStatus = enums.JobStatus
strawberry.enum(JobStatus)


@strawberry.type
class Job:
    id: strawberry.ID
    kind: str
    status: JobStatus
    attempts: int
    error: str | None

    @classmethod
    def from_model(cls, job: JobModel) -> Job:
        return cls(
            id=strawberry.ID(str(job.id)),
            kind=job.kind,
            status=job.status,
            attempts=job.attempts,
            error=job.error,
        )


@strawberry.type
class ErpSyncRun:
    id: strawberry.ID
    status: str
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    products_imported: int
    shipments_imported: int
    shipments_skipped: int
    item_errors: JSON
    error: str | None
    http_status: int | None

    @classmethod
    def from_model(cls, run: RunModel) -> ErpSyncRun:
        return cls(
            id=strawberry.ID(str(run.id)),
            status=run.status,
            started_at=run.started_at,
            finished_at=run.finished_at,
            products_imported=run.products_imported,
            shipments_imported=run.shipments_imported,
            shipments_skipped=run.shipments_skipped,
            item_errors=run.item_errors,
            error=run.error,
            http_status=run.http_status,
        )


@strawberry.type
class JobPayload:
    job: Job | None
    errors: list[UserError]


@strawberry.type
class Webhook:
    id: strawberry.ID
    url: str
    events: list[str]
    active: bool


@strawberry.input
class RegisterWebhookInput:
    url: str
    events: list[str] = strawberry.field(default_factory=list, description="Empty: every event.")


@strawberry.type
class RegisterWebhookPayload:
    webhook: Webhook | None
    secret: str | None = strawberry.field(description="Signs deliveries (HMAC-SHA256); shown once.")
    errors: list[UserError]
