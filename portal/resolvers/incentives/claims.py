"""Resolvers of incentives: they clean the input and call the domain."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from portal.domain.catalog.lookups import partner_scope
from portal.domain.incentives import agreements, claims, liability, memos
from portal.domain.pagination import paginate
from portal.models import Claim as ClaimModel
from portal.models import PriceAgreement as AgreementModel
from portal.resolvers.helpers import object_id, page_limit
from portal.schema.common import Connection, UserError, attempt, to_connection
from portal.schema.incentives.types import (
    AgreementLiability,
    Claim,
    ClaimDecision,
    ClaimDraft,
    ClaimKind,
    ClaimPayload,
    ClaimStatus,
    CreatePriceAgreementInput,
    CreditMemo,
    PriceAgreement,
    PriceAgreementPayload,
    ReviewClaimInput,
    SubmitClaimInput,
)


async def resolve_price_agreements(
    info: Info, partner_code: str | None = None, first: int | None = None, after: str | None = None
) -> Connection[PriceAgreement]:
    principal = info.context.principal
    query = agreements.visible_agreements(
        principal, partner_id=await partner_scope(principal, partner_code)
    )
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, PriceAgreement.from_model, after)


async def resolve_claim_draft(
    info: Info,
    kind: ClaimKind,
    period: str | None = None,
    program_id: strawberry.ID | None = None,
    partner_code: str | None = None,
) -> ClaimDraft:
    draft = await claims.claim_draft(
        info.context.principal,
        kind=kind,
        period=period,
        partner_code=partner_code,
        program_id=object_id(program_id) if program_id is not None else None,
    )
    return ClaimDraft.from_domain(draft)


async def resolve_claims(
    info: Info,
    partner_code: str | None = None,
    kind: ClaimKind | None = None,
    status: ClaimStatus | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[Claim]:
    principal = info.context.principal
    query = claims.visible_claims(
        principal,
        partner_id=await partner_scope(principal, partner_code),
        kind=kind,
        status=status,
    )
    page = await paginate(
        query, first=first, after=after, limit=page_limit(info), newest_first=True
    )
    return to_connection(page, Claim.from_model, after)


async def resolve_claim(info: Info, id: strawberry.ID) -> Claim | None:
    try:
        claim_id = object_id(id)
    except Exception:
        return None
    found = await claims.visible_claims(info.context.principal).filter(id=claim_id).first()
    return Claim.from_model(found) if found else None


async def resolve_credit_memos(
    info: Info, partner_code: str | None = None, first: int | None = None, after: str | None = None
) -> Connection[CreditMemo]:
    principal = info.context.principal
    query = memos.visible_memos(principal, partner_id=await partner_scope(principal, partner_code))
    page = await paginate(
        query, first=first, after=after, limit=page_limit(info), newest_first=True
    )
    return to_connection(page, CreditMemo.from_model, after)


async def resolve_incentive_liability(
    info: Info, partner_code: str | None = None, first: int | None = None, after: str | None = None
) -> Connection[AgreementLiability]:
    page = await liability.incentive_liability(
        info.context.principal,
        partner_code=partner_code,
        first=first,
        after=after,
        limit=page_limit(info),
    )
    return to_connection(page, AgreementLiability.from_domain, after)


def _agreement(made: AgreementModel | None, errors: list[UserError]) -> PriceAgreementPayload:
    return PriceAgreementPayload(
        price_agreement=PriceAgreement.from_model(made) if made is not None else None,
        errors=errors,
    )


def _claim(made: ClaimModel | None, errors: list[UserError]) -> ClaimPayload:
    return ClaimPayload(claim=Claim.from_model(made) if made is not None else None, errors=errors)


async def create_price_agreement(
    info: Info, input: CreatePriceAgreementInput
) -> PriceAgreementPayload:
    async def run() -> AgreementModel:
        customer = input.end_customer
        return await agreements.create_price_agreement(
            info.context.principal,
            partner_code=input.partner_code,
            valid_from=input.valid_from,
            valid_to=input.valid_to,
            lines=[
                agreements.AgreementLineInput(
                    x.sku, x.book_cost, x.authorized_price, x.max_quantity
                )
                for x in input.lines
            ],
            customer=(customer.name, customer.country, customer.postal_code)
            if customer is not None
            else None,
            design_registration_id=object_id(input.design_registration_id)
            if input.design_registration_id is not None
            else None,
            currency=input.currency,
            idempotency_key=input.idempotency_key,
        )

    made, errors = await attempt(run)
    return _agreement(made, errors)


async def submit_claim(info: Info, input: SubmitClaimInput) -> ClaimPayload:
    async def run() -> ClaimModel:
        return await claims.submit_claim(
            info.context.principal,
            info.context.queue,
            kind=input.kind,
            period=input.period,
            program_id=object_id(input.program_id) if input.program_id is not None else None,
            partner_code=input.partner_code,
            lines=[
                claims.ClaimLineInput(
                    sku=x.sku,
                    quantity=x.quantity,
                    end_customer_name=x.end_customer_name,
                    warehouse_code=x.warehouse_code,
                    agreement_id=object_id(x.agreement_id) if x.agreement_id else None,
                )
                for x in input.lines
            ],
            idempotency_key=input.idempotency_key,
        )

    made, errors = await attempt(run)
    return _claim(made, errors)


async def review_claim(info: Info, input: ReviewClaimInput) -> ClaimPayload:
    made, errors = await attempt(
        lambda: claims.review_claim(
            info.context.principal,
            info.context.queue,
            object_id(input.id),
            approve=input.decision is ClaimDecision.APPROVE,
            note=input.note,
        )
    )
    return _claim(made, errors)
