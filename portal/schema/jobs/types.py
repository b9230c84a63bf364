"""``JobFailure``: one item a shared periodic job could not process and set aside."""

from __future__ import annotations

import datetime

import strawberry

from portal.models import JobFailure as FailureModel


@strawberry.type(
    description="An item of a shared background job that failed and was skipped; "
    "the rest of the job went on. Resolved when the item later succeeds."
)
class JobFailure:
    id: strawberry.ID
    kind: str = strawberry.field(description="The job: reconcile, auto_receive_shipments, ...")
    item_key: str = strawberry.field(description="What failed, e.g. 'shipment 42'.")
    code: str
    message: str
    attempts: int
    first_seen: datetime.datetime
    last_seen: datetime.datetime
    resolved_at: datetime.datetime | None

    @classmethod
    def from_model(cls, failure: FailureModel) -> JobFailure:
        return cls(
            id=strawberry.ID(str(failure.id)),
            kind=failure.kind,
            item_key=failure.item_key,
            code=failure.code,
            message=failure.message,
            attempts=failure.attempts,
            first_seen=failure.first_seen,
            last_seen=failure.last_seen,
            resolved_at=failure.resolved_at,
        )
