"""Resolvers of partners."""

from __future__ import annotations

from strawberry.types import Info

from portal.domain.catalog import partners
from portal.domain.pagination import paginate
from portal.schema.catalog.partners import (
    CreatePartnerInput,
    Partner,
    PartnerPayload,
    UpdatePartnerInput,
)
from portal.schema.common import Connection, attempt, to_connection


async def resolve_partners(
    info: Info, first: int | None = None, after: str | None = None, search: str | None = None
) -> Connection[Partner]:
    ctx = info.context
    page = await paginate(
        partners.visible_partners(ctx.principal, search),
        first=first,
        after=after,
        limit=ctx.settings.max_page_size,
    )
    return to_connection(page, Partner.from_model, after)


async def create_partner(info: Info, input: CreatePartnerInput) -> PartnerPayload:
    partner, errors = await attempt(
        lambda: partners.create_partner(
            info.context.principal,
            code=input.code,
            name=input.name,
            tier=input.tier,
            parent_code=input.parent_code,
            idempotency_key=input.idempotency_key,
        )
    )
    return PartnerPayload(
        partner=Partner.from_model(partner) if partner is not None else None, errors=errors
    )


async def update_partner(info: Info, input: UpdatePartnerInput) -> PartnerPayload:
    partner, errors = await attempt(
        lambda: partners.update_partner(
            info.context.principal,
            input.code,
            name=input.name,
            tier=input.tier,
            parent_code=input.parent_code,
            clear_parent=input.clear_parent,
            active=input.active,
        )
    )
    return PartnerPayload(
        partner=Partner.from_model(partner) if partner is not None else None, errors=errors
    )
