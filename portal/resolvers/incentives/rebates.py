"""Resolvers of rebates: they clean the input and call the domain."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from portal.domain.incentives import rebate_liability, rebate_settlement, rebates
from portal.domain.pagination import paginate
from portal.models import RebateProgram as ProgramModel
from portal.resolvers.helpers import object_id, page_limit
from portal.schema.common import Connection, IdInput, UserError, attempt, to_connection
from portal.schema.incentives.rebates import (
    CreateRebateProgramInput,
    RebateLiability,
    RebateProgram,
    RebateProgramPayload,
    RebateStatement,
)


async def resolve_rebate_programs(
    info: Info, first: int | None = None, after: str | None = None
) -> Connection[RebateProgram]:
    query = await rebates.visible_programs(info.context.principal)
    page = await paginate(
        query, first=first, after=after, limit=page_limit(info), newest_first=True
    )
    return to_connection(page, RebateProgram.from_model, after)


async def resolve_rebate_statement(
    info: Info, program_id: strawberry.ID, partner_code: str | None = None
) -> RebateStatement:
    found = await rebate_settlement.statement(
        info.context.principal, object_id(program_id), partner_code
    )
    return RebateStatement.from_domain(found)


async def resolve_rebate_liability(info: Info, program_id: strawberry.ID) -> RebateLiability:
    found = await rebate_liability.program_liability(info.context.principal, object_id(program_id))
    return RebateLiability.from_domain(found)


def _payload(made: ProgramModel | None, errors: list[UserError]) -> RebateProgramPayload:
    return RebateProgramPayload(
        rebate_program=RebateProgram.from_model(made) if made else None, errors=errors
    )


async def create_rebate_program(
    info: Info, input: CreateRebateProgramInput
) -> RebateProgramPayload:
    async def run() -> ProgramModel:
        return await rebates.create_program(
            info.context.principal,
            name=input.name,
            period_from=input.period_from,
            period_to=input.period_to,
            measure=input.measure,
            mode=input.mode,
            tiers=[(t.threshold, t.rate) for t in input.tiers],
            growth=input.growth,
            partner_codes=input.partner_codes,
            partner_tier=input.partner_tier,
            skus=input.skus,
            categories=input.categories,
            require_compliance=input.require_compliance,
            currency=input.currency,
            interim_schedule=input.interim_schedule,
            idempotency_key=input.idempotency_key,
        )

    made, errors = await attempt(run)
    return _payload(made, errors)


async def close_rebate_program(info: Info, input: IdInput) -> RebateProgramPayload:
    made, errors = await attempt(
        lambda: rebate_settlement.close_program(info.context.principal, object_id(input.id))
    )
    return _payload(made, errors)


async def pay_rebate_interim(info: Info, input: IdInput) -> RebateProgramPayload:
    made, errors = await attempt(
        lambda: rebate_settlement.pay_interim(info.context.principal, object_id(input.id))
    )
    return _payload(made, errors)
