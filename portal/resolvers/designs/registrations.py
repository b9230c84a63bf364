"""Resolvers of design registrations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from portal.domain.catalog.lookups import partner_scope
from portal.domain.designs import registrations as designs
from portal.domain.pagination import paginate
from portal.models import DesignRegistration as RegistrationModel
from portal.models.enums import DesignStatus as StatusModel
from portal.resolvers.helpers import object_id, page_limit
from portal.schema.common import Connection, UserError, attempt, to_connection
from portal.schema.designs.types import (
    CloseDesignInput,
    DesignDecision,
    DesignOutcome,
    DesignRegistration,
    DesignRegistrationPayload,
    DesignStatus,
    RegisterDesignInput,
    ReviewDesignInput,
)


async def resolve_designs(
    info: Info,
    status: DesignStatus | None = None,
    partner_code: str | None = None,
    first: int | None = None,
    after: str | None = None,
    newest_first: Annotated[
        bool, strawberry.argument(description="The newest registrations on the first page.")
    ] = False,
) -> Connection[DesignRegistration]:
    principal = info.context.principal
    query = designs.visible_designs(
        principal,
        partner_id=await partner_scope(principal, partner_code),
        status=StatusModel(status.value) if status is not None else None,
    )
    page = await paginate(
        query, first=first, after=after, limit=page_limit(info), newest_first=newest_first
    )
    return to_connection(page, DesignRegistration.from_model, after)


def _payload(made: RegistrationModel | None, errors: list[UserError]) -> DesignRegistrationPayload:
    return DesignRegistrationPayload(
        design_registration=DesignRegistration.from_model(made) if made is not None else None,
        errors=errors,
    )


async def register_design(info: Info, input: RegisterDesignInput) -> DesignRegistrationPayload:
    made, errors = await attempt(
        lambda: designs.register_design(
            info.context.principal,
            customer_name=input.end_customer.name,
            country=input.end_customer.country,
            postal_code=input.end_customer.postal_code,
            project_name=input.project_name,
            application=input.application,
            expected_close_on=input.expected_close_on,
            lines=[
                designs.DesignLineInput(x.sku, x.expected_quantity, x.requested_price)
                for x in input.lines
            ],
            attachments=list(input.attachments),
            partner_code=input.partner_code,
            idempotency_key=input.idempotency_key,
        )
    )
    return _payload(made, errors)


async def review_design(info: Info, input: ReviewDesignInput) -> DesignRegistrationPayload:
    made, errors = await attempt(
        lambda: designs.review_design(
            info.context.principal,
            object_id(input.id),
            approve=input.decision is DesignDecision.APPROVE,
            expires_on=input.expires_on,
            note=input.note,
            authorized_prices={p.sku: p.price for p in input.authorized_prices},
        )
    )
    return _payload(made, errors)


async def close_design(info: Info, input: CloseDesignInput) -> DesignRegistrationPayload:
    made, errors = await attempt(
        lambda: designs.close_design(
            info.context.principal, object_id(input.id), won=input.outcome is DesignOutcome.WON
        )
    )
    return _payload(made, errors)
