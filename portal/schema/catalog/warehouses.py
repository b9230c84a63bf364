"""Graph types of warehouses."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from portal.models import Warehouse as WarehouseModel
from portal.schema.common import UserError
from portal.schema.enums import WarehouseKind


@strawberry.type
class Warehouse:
    id: strawberry.ID
    code: str
    name: str
    kind: WarehouseKind
    active: bool
    partner_id: strawberry.Private[int | None]

    @strawberry.field(description="The owning partner's code; null for the manufacturer's own.")
    async def partner_code(self, info: Info) -> str | None:
        if self.partner_id is None:
            return None
        partner = await info.context.loaders.catalog.partner.load(self.partner_id)
        return partner.code if partner else None

    @classmethod
    def from_model(cls, warehouse: WarehouseModel) -> Warehouse:
        return cls(
            id=strawberry.ID(str(warehouse.id)),
            code=warehouse.code,
            name=warehouse.name,
            kind=warehouse.kind,
            active=warehouse.active,
            partner_id=warehouse.partner_id,
        )


@strawberry.input
class CreateWarehouseInput:
    code: str
    name: str
    partner_code: str | None = None
    kind: WarehouseKind = WarehouseKind.OWNED
    idempotency_key: str | None = None


@strawberry.input
class UpdateWarehouseInput:
    code: str
    name: str | None = None
    active: bool | None = None


@strawberry.type
class WarehousePayload:
    warehouse: Warehouse | None
    errors: list[UserError]
