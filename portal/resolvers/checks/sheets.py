"""Resolvers of inventory checks: they clean the input and call the domain."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from portal.domain.checks import review, sheets
from portal.domain.errors import DomainError
from portal.domain.pagination import paginate
from portal.models import InventoryCheck as CheckModel
from portal.resolvers.helpers import object_id, page_limit
from portal.schema.checks.types import (
    CheckDecision,
    CheckStatus,
    InventoryCheck,
    InventoryCheckPayload,
    RecordCountsInput,
    ReviewInventoryCheckInput,
    StartInventoryCheckInput,
)
from portal.schema.common import Connection, IdInput, UserError, attempt, to_connection


async def resolve_inventory_checks(
    info: Info,
    partner_code: str | None = None,
    status: CheckStatus | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[InventoryCheck]:
    query = await sheets.find_checks(
        info.context.principal, partner_code=partner_code, status=status
    )
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, InventoryCheck.from_model, after)


async def resolve_inventory_check(info: Info, id: strawberry.ID) -> InventoryCheck | None:
    try:
        check_id = object_id(id)
    except DomainError:
        return None
    found = await sheets.visible_checks(info.context.principal).filter(id=check_id).first()
    return InventoryCheck.from_model(found) if found else None


def _payload(made: CheckModel | None, errors: list[UserError]) -> InventoryCheckPayload:
    return InventoryCheckPayload(
        inventory_check=InventoryCheck.from_model(made) if made is not None else None,
        errors=errors,
    )


async def start_inventory_check(
    info: Info, input: StartInventoryCheckInput
) -> InventoryCheckPayload:
    made, errors = await attempt(
        lambda: sheets.start_inventory_check(
            info.context.principal,
            warehouse_code=input.warehouse_code,
            source=input.source,
            blind=input.blind,
            count_date=input.count_date,
            idempotency_key=input.idempotency_key,
        )
    )
    return _payload(made, errors)


async def record_counts(info: Info, input: RecordCountsInput) -> InventoryCheckPayload:
    async def run() -> CheckModel:
        return await sheets.record_counts(
            info.context.principal,
            object_id(input.id),
            [sheets.CountInput(x.sku, x.counted, list(x.serials)) for x in input.lines],
        )

    made, errors = await attempt(run)
    return _payload(made, errors)


async def submit_inventory_check(info: Info, input: IdInput) -> InventoryCheckPayload:
    made, errors = await attempt(
        lambda: review.submit_inventory_check(info.context.principal, object_id(input.id))
    )
    return _payload(made, errors)


async def review_inventory_check(
    info: Info, input: ReviewInventoryCheckInput
) -> InventoryCheckPayload:
    made, errors = await attempt(
        lambda: review.review_inventory_check(
            info.context.principal,
            info.context.queue,
            object_id(input.id),
            approve=input.decision is CheckDecision.APPROVE,
            note=input.note,
        )
    )
    return _payload(made, errors)
