"""Resolvers of price protection: they clean the input and call the domain."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from portal.domain.incentives import price_protection
from portal.domain.pagination import paginate
from portal.models import PriceProtectionProgram as ProgramModel
from portal.resolvers.helpers import object_id, page_limit
from portal.schema.common import Connection, attempt, to_connection
from portal.schema.incentives.price_protection import (
    AnnouncePriceDropInput,
    PriceProtectionProgram,
    PriceProtectionProgramDetail,
    PriceProtectionProgramPayload,
)


async def resolve_price_protection_programs(
    info: Info, first: int | None = None, after: str | None = None
) -> Connection[PriceProtectionProgram]:
    query = price_protection.visible_programs(info.context.principal)
    page = await paginate(
        query, first=first, after=after, limit=page_limit(info), newest_first=True
    )
    return to_connection(page, PriceProtectionProgram.from_model, after)


async def resolve_price_protection_program(
    info: Info, id: strawberry.ID
) -> PriceProtectionProgramDetail | None:
    program = (
        await price_protection.visible_programs(info.context.principal)
        .filter(id=object_id(id))
        .first()
    )
    return PriceProtectionProgramDetail.from_model(program) if program else None


async def announce_price_drop(
    info: Info, input: AnnouncePriceDropInput
) -> PriceProtectionProgramPayload:
    async def run() -> ProgramModel:
        return await price_protection.announce_price_drop(
            info.context.principal,
            sku=input.sku,
            new_price=input.new_price,
            effective_on=input.effective_on,
            claim_window_days=input.claim_window_days,
            include_in_transit=input.include_in_transit,
            idempotency_key=input.idempotency_key,
        )

    made, errors = await attempt(run)
    return PriceProtectionProgramPayload(
        price_protection_program=PriceProtectionProgram.from_model(made) if made else None,
        errors=errors,
    )
