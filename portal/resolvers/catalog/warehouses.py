"""Resolvers of warehouses."""

from __future__ import annotations

from strawberry.types import Info

from portal.domain.catalog import warehouses
from portal.schema.catalog.warehouses import (
    CreateWarehouseInput,
    UpdateWarehouseInput,
    Warehouse,
    WarehousePayload,
)
from portal.schema.common import attempt


async def resolve_warehouses(info: Info, partner_code: str | None = None) -> list[Warehouse]:
    rows = await warehouses.visible_warehouses(info.context.principal, partner_code)
    return [Warehouse.from_model(w) for w in rows]


async def create_warehouse(info: Info, input: CreateWarehouseInput) -> WarehousePayload:
    warehouse, errors = await attempt(
        lambda: warehouses.create_warehouse(
            info.context.principal,
            code=input.code,
            name=input.name,
            partner_code=input.partner_code,
            kind=input.kind,
            idempotency_key=input.idempotency_key,
        )
    )
    return WarehousePayload(
        warehouse=Warehouse.from_model(warehouse) if warehouse is not None else None, errors=errors
    )


async def update_warehouse(info: Info, input: UpdateWarehouseInput) -> WarehousePayload:
    warehouse, errors = await attempt(
        lambda: warehouses.update_warehouse(
            info.context.principal, input.code, name=input.name, active=input.active
        )
    )
    return WarehousePayload(
        warehouse=Warehouse.from_model(warehouse) if warehouse is not None else None, errors=errors
    )
