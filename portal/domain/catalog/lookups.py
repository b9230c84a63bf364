"""Finding things by their public codes, always inside the principal's scope.

A partner principal asking for another partner's code gets ``NOT_FOUND``, exactly as
for a code that does not exist, so nothing about other partners leaks.
"""

from __future__ import annotations

from portal.domain.access.principal import Principal
from portal.domain.bounds.text import CODE
from portal.domain.errors import DomainError, ErrorCode
from portal.models import Partner, Product, Warehouse

CODE_LENGTH = 64  # partner and warehouse codes, SKUs: longer ones name nothing


def _too_long(code: str) -> bool:
    """A code longer than any stored one names nothing (and the ORM refuses to filter on it)."""
    return len(code) > CODE


async def get_partner(principal: Principal, code: str, field: str = "partnerCode") -> Partner:
    if _too_long(code):
        raise DomainError(ErrorCode.NOT_FOUND, "No partner with that code.", [field])
    partner = await Partner.get_or_none(manufacturer_id=principal.manufacturer_id, code=code)
    if partner is None or not principal.sees_partner(partner.id):
        raise DomainError(ErrorCode.NOT_FOUND, f"No partner with code '{code}'.", [field])
    return partner


async def partner_scope(principal: Principal, partner_code: str | None) -> int | None:
    """The partner a query is about: the principal's own, the named one, or None (all)."""
    if partner_code:
        return (await get_partner(principal, partner_code)).id
    return principal.partner_id


async def get_product(principal: Principal, sku: str, field: str = "sku") -> Product:
    if _too_long(sku):
        raise DomainError(ErrorCode.NOT_FOUND, "No product with that SKU.", [field])
    product = await Product.get_or_none(manufacturer_id=principal.manufacturer_id, sku=sku)
    if product is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"No product with SKU '{sku}'.", [field])
    return product


async def get_warehouse(
    principal: Principal, code: str, field: str = "warehouseCode", *, own_only: bool = True
) -> Warehouse:
    """A warehouse by code; for a partner principal only its own unless ``own_only=False``."""
    if _too_long(code):
        raise DomainError(ErrorCode.NOT_FOUND, "No warehouse with that code.", [field])
    warehouse = await Warehouse.get_or_none(manufacturer_id=principal.manufacturer_id, code=code)
    if warehouse is None or (own_only and not principal.sees_partner(warehouse.partner_id)):
        raise DomainError(ErrorCode.NOT_FOUND, f"No warehouse with code '{code}'.", [field])
    return warehouse
