"""Warehouses: a partner's channel locations, or the manufacturer's own."""

from __future__ import annotations

from typing import Any

from tortoise.queryset import QuerySet

from portal.domain.access.principal import Action, Principal
from portal.domain.catalog.lookups import get_warehouse, partner_scope
from portal.domain.errors import DomainError, ErrorCode, check_code, check_length, require
from portal.domain.idempotency import idempotent
from portal.domain.tenancy import save_fields
from portal.models import Partner, Warehouse
from portal.models.enums import WarehouseKind


async def visible_warehouses(
    principal: Principal, partner_code: str | None = None, limit: int = 1000
) -> list[Warehouse]:
    principal.require(Action.VIEW_CATALOG)
    partner_id = await partner_scope(principal, partner_code)
    warehouses: QuerySet[Warehouse] = Warehouse.filter(manufacturer_id=principal.manufacturer_id)
    if partner_id is not None:
        warehouses = warehouses.filter(partner_id=partner_id)
    return await warehouses.order_by("code").limit(limit)


async def create_warehouse(
    principal: Principal,
    *,
    code: str,
    name: str,
    partner_code: str | None = None,
    kind: WarehouseKind = WarehouseKind.OWNED,
    idempotency_key: str | None = None,
) -> Warehouse:
    """A partner admin creates its own; a manufacturer admin names the partner (or none).

    Consignment stock belongs to the manufacturer: only its staff create such a warehouse.
    """
    principal.require(Action.MANAGE_WAREHOUSES)
    if kind is WarehouseKind.CONSIGNMENT:
        principal.require(Action.MANAGE_CONSIGNMENT)
    request: dict[str, Any] = {"code": code, "name": name, "partner": partner_code, "kind": kind}

    async def create() -> Warehouse:
        clean_code = check_code(code, "code")
        clean_name = check_length(require(name, "name"), "name")
        partner_id = await partner_scope(principal, partner_code)
        if (
            partner_id is not None
            and not (
                await Partner.get(manufacturer_id=principal.manufacturer_id, id=partner_id)
            ).active
        ):
            raise DomainError(ErrorCode.INACTIVE, "The partner is deactivated.", ["partnerCode"])
        if partner_id is None and kind is WarehouseKind.CONSIGNMENT:
            raise DomainError(
                ErrorCode.INVALID,
                "A consignment warehouse sits at a partner: partnerCode is required.",
                ["kind"],
            )
        if await Warehouse.exists(manufacturer_id=principal.manufacturer_id, code=clean_code):
            raise DomainError(
                ErrorCode.ALREADY_EXISTS, f"A warehouse with code '{clean_code}' exists.", ["code"]
            )
        return await Warehouse.create(
            manufacturer_id=principal.manufacturer_id,
            partner_id=partner_id,
            code=clean_code,
            name=clean_name,
            kind=kind,
        )

    return await idempotent(
        principal, "createWarehouse", idempotency_key, request, create=create, model=Warehouse
    )


async def update_warehouse(
    principal: Principal, code: str, *, name: str | None = None, active: bool | None = None
) -> Warehouse:
    principal.require(Action.MANAGE_WAREHOUSES)
    warehouse = await get_warehouse(principal, code, field="code")
    if warehouse.kind is WarehouseKind.CONSIGNMENT:
        principal.require(Action.MANAGE_CONSIGNMENT)
    if name is not None:
        warehouse.name = check_length(require(name, "name"), "name")
    if active is not None:
        warehouse.active = active
    await save_fields(warehouse, "name", "active")
    return warehouse
