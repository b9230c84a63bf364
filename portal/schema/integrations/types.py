"""Graph types of background jobs, ERP sync runs and webhooks."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.scalars import JSON

from portal.domain.integrations.outbound import display_url
from portal.models import ErpSyncRun as RunModel
from portal.models import Job as JobModel
from portal.models import WebhookDelivery as DeliveryModel
from portal.models import WebhookEndpoint as EndpointModel
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
    inventory_imported: int = strawberry.field(
        description="Manufacturer-warehouse on-hand rows from GET {erpBaseUrl}/inventory."
    )
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
            inventory_imported=run.inventory_imported,
            item_errors=run.item_errors,
            error=run.error,
            http_status=run.http_status,
        )


@strawberry.type
class JobPayload:
    job: Job | None
    errors: list[UserError]


@strawberry.type
class WebhookDelivery:
    id: strawberry.ID
    event_type: str
    status: str = strawberry.field(description="PENDING, DELIVERED or FAILED.")
    attempts: int
    last_status_code: int | None
    last_error: str | None = strawberry.field(
        description="Ours: the receiver's status code or why no request was made; never its answer."
    )
    next_attempt_at: datetime.datetime | None
    delivered_at: datetime.datetime | None

    @classmethod
    def from_model(cls, delivery: DeliveryModel, event_type: str) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(str(delivery.id)),
            event_type=event_type,
            status=delivery.status,
            attempts=delivery.attempts,
            last_status_code=delivery.last_status_code,
            last_error=delivery.last_error,
            next_attempt_at=delivery.next_attempt_at,
            delivered_at=delivery.delivered_at,
        )


@strawberry.type
class Webhook:
    id: strawberry.ID
    url: str = strawberry.field(description="As registered, credentials masked (***@).")
    events: list[str]
    active: bool
    recent_deliveries: list[WebhookDelivery] = strawberry.field(
        description="The latest deliveries to this endpoint (up to 20), newest first."
    )

    @classmethod
    def from_model(
        cls, endpoint: EndpointModel, deliveries: list[WebhookDelivery] | None = None
    ) -> Webhook:
        return cls(
            id=strawberry.ID(str(endpoint.id)),
            url=display_url(endpoint.url),
            events=list(endpoint.events),
            active=endpoint.active,
            recent_deliveries=deliveries or [],
        )


@strawberry.input
class RegisterWebhookInput:
    url: str
    events: list[str] = strawberry.field(default_factory=list, description="Empty: every event.")


@strawberry.type
class RegisterWebhookPayload:
    webhook: Webhook | None
    secret: str | None = strawberry.field(description="Signs deliveries (HMAC-SHA256); shown once.")
    errors: list[UserError]
