"""Graph types of partners."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from portal.models import Partner as PartnerModel
from portal.schema.common import UserError
from portal.schema.enums import PartnerTier


@strawberry.type
class Partner:
    id: strawberry.ID
    code: str
    name: str
    tier: PartnerTier
    active: bool
    parent_id: strawberry.Private[int | None]

    @strawberry.field(
        description="The upper-level partner; null when not visible to you "
        "(a partner sees its own parent: its supplier)."
    )
    async def parent(self, info: Info) -> Partner | None:
        principal = info.context.principal
        own = principal.is_partner and int(self.id) == principal.partner_id
        if self.parent_id is None or not (own or principal.sees_partner(self.parent_id)):
            return None
        parent = await info.context.loaders.catalog.partner.load(self.parent_id)
        return Partner.from_model(parent) if parent else None

    @classmethod
    def from_model(cls, partner: PartnerModel) -> Partner:
        return cls(
            id=strawberry.ID(str(partner.id)),
            code=partner.code,
            name=partner.name,
            tier=partner.tier,
            active=partner.active,
            parent_id=partner.parent_id,
        )


@strawberry.input
class CreatePartnerInput:
    code: str
    name: str
    tier: PartnerTier
    parent_code: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class UpdatePartnerInput:
    code: str
    name: str | None = None
    tier: PartnerTier | None = None
    parent_code: str | None = strawberry.field(
        default=None, description="Set the parent; use clearParent to remove it."
    )
    clear_parent: bool = False
    active: bool | None = strawberry.field(default=None, description="false deactivates.")


@strawberry.type
class PartnerPayload:
    partner: Partner | None
    errors: list[UserError]
