"""Resolvers of the viewer, API tokens and settings."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from portal.domain.access import tokens
from portal.domain.catalog import tenants
from portal.domain.catalog.tenants import get_manufacturer
from portal.domain.integrations.outbound import outbound_policy
from portal.domain.pagination import MAX_INT_ID, paginate
from portal.models import ApiToken as TokenModel
from portal.resolvers.helpers import object_id
from portal.schema.access.types import (
    ApiToken,
    ApiTokenPayload,
    IssueApiTokenInput,
    IssueApiTokenPayload,
    Manufacturer,
    ManufacturerSettings,
    RevokeApiTokenInput,
    SettingsPayload,
    UpdateSettingsInput,
    Viewer,
)
from portal.schema.catalog.partners import Partner
from portal.schema.common import Connection, attempt, to_connection


async def resolve_viewer(info: Info) -> Viewer:
    principal = info.context.principal
    manufacturer = await get_manufacturer(principal)
    partner = None
    if principal.partner_id is not None:
        partner = Partner.from_model(
            await info.context.loaders.catalog.partner.load(principal.partner_id)
        )
    return Viewer(
        role=principal.role,
        manufacturer=Manufacturer(id=strawberry.ID(str(manufacturer.id)), name=manufacturer.name),
        partner=partner,
    )


async def _token(info: Info, token: TokenModel) -> ApiToken:
    partner_id = token.partner_id
    partner = await info.context.loaders.catalog.partner.load(partner_id) if partner_id else None
    return ApiToken.from_model(token, partner.code if partner else None)


async def resolve_api_tokens(
    info: Info, first: int | None = None, after: str | None = None
) -> Connection[ApiToken]:
    ctx = info.context
    page = await paginate(
        tokens.visible_tokens(ctx.principal),
        first=first,
        after=after,
        limit=ctx.settings.max_page_size,
    )
    page.items = [await _token(info, t) for t in page.items]
    return to_connection(page, lambda t: t, after)


async def issue_api_token(info: Info, input: IssueApiTokenInput) -> IssueApiTokenPayload:
    issued, errors = await attempt(
        lambda: tokens.issue_token(
            info.context.principal,
            role=input.role,
            partner_code=input.partner_code,
            label=input.label,
        )
    )
    if issued is None:
        return IssueApiTokenPayload(token=None, api_token=None, errors=errors)
    token, raw = issued
    return IssueApiTokenPayload(token=raw, api_token=await _token(info, token), errors=[])


async def revoke_api_token(info: Info, input: RevokeApiTokenInput) -> ApiTokenPayload:
    token, errors = await attempt(
        lambda: tokens.revoke_token(info.context.principal, object_id(input.id, MAX_INT_ID))
    )
    return ApiTokenPayload(
        api_token=await _token(info, token) if token is not None else None, errors=errors
    )


async def resolve_settings(info: Info) -> ManufacturerSettings:
    return ManufacturerSettings.from_model(await tenants.get_settings(info.context.principal))


async def update_settings(info: Info, input: UpdateSettingsInput) -> SettingsPayload:
    settings, errors = await attempt(
        lambda: tenants.update_settings(
            info.context.principal, outbound=outbound_policy(info.context.settings), **vars(input)
        )
    )
    return SettingsPayload(
        settings=ManufacturerSettings.from_model(settings) if settings is not None else None,
        errors=errors,
    )
