"""Channel partners: create, update, deactivate, list."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from portal.domain.access.principal import Action, Principal
from portal.domain.catalog.lookups import get_partner
from portal.domain.errors import DomainError, ErrorCode, check_code, check_length, require
from portal.domain.idempotency import idempotent
from portal.domain.tenancy import save_fields
from portal.models import Partner
from portal.models.enums import PartnerTier


def visible_partners(principal: Principal, search: str | None = None) -> QuerySet[Partner]:
    principal.require(Action.VIEW_CATALOG)
    partners = Partner.filter(manufacturer_id=principal.manufacturer_id)
    if principal.is_partner:
        partners = partners.filter(id=principal.partner_id)
    if search and search.strip():
        term = search.strip()
        partners = partners.filter(Q(code__icontains=term) | Q(name__icontains=term))
    return partners


async def _parent(principal: Principal, parent_code: str | None, own_id: int | None) -> int | None:
    if not parent_code:
        return None
    parent = await get_partner(principal, parent_code, field="parentCode")
    if own_id is not None:
        ancestor: Partner | None = parent
        while ancestor is not None:
            if ancestor.id == own_id:
                raise DomainError(
                    ErrorCode.INVALID_PARENT,
                    "A partner cannot be its own ancestor.",
                    ["parentCode"],
                )
            ancestor = await Partner.get_or_none(
                manufacturer_id=ancestor.manufacturer_id, id=ancestor.parent_id
            )
    return parent.id


async def create_partner(
    principal: Principal,
    *,
    code: str,
    name: str,
    tier: PartnerTier,
    parent_code: str | None = None,
    idempotency_key: str | None = None,
) -> Partner:
    principal.require(Action.MANAGE_PARTNERS)
    request: dict[str, Any] = {"code": code, "name": name, "tier": tier, "parent": parent_code}

    async def create() -> Partner:
        clean_code = check_code(code, "code")
        clean_name = check_length(require(name, "name"), "name")
        parent_id = await _parent(principal, parent_code, None)
        if await Partner.exists(manufacturer_id=principal.manufacturer_id, code=clean_code):
            raise DomainError(
                ErrorCode.ALREADY_EXISTS, f"A partner with code '{clean_code}' exists.", ["code"]
            )
        return await Partner.create(
            manufacturer_id=principal.manufacturer_id,
            code=clean_code,
            name=clean_name,
            tier=tier,
            parent_id=parent_id,
        )

    return await idempotent(
        principal, "createPartner", idempotency_key, request, create=create, model=Partner
    )


async def update_partner(
    principal: Principal,
    code: str,
    *,
    name: str | None = None,
    tier: PartnerTier | None = None,
    parent_code: str | None = None,
    clear_parent: bool = False,
    active: bool | None = None,
) -> Partner:
    principal.require(Action.MANAGE_PARTNERS)
    partner = await get_partner(principal, code, field="code")
    if name is not None:
        partner.name = check_length(require(name, "name"), "name")
    if tier is not None:
        partner.tier = tier
    if clear_parent:
        partner.parent_id = None
    elif parent_code is not None:
        partner.parent_id = await _parent(principal, parent_code, partner.id)
    if active is not None:
        partner.active = active
    await save_fields(partner, "name", "tier", "parent_id", "active")
    return partner
