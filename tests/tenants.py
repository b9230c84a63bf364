"""A minimal tenant for multi-tenant tests: partner D1 with warehouse W1, product SKU-A,
an ADMIN token and a PARTNER_ADMIN token of D1, built through the domain layer."""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain.access.principal import Principal
from portal.domain.access.tokens import create_token
from portal.domain.catalog import partners, products, warehouses
from portal.domain.catalog.tenants import create_manufacturer
from portal.models import Partner
from portal.models.enums import PartnerTier, Role


@dataclass
class Tenant:
    admin: Principal
    admin_token: str
    partner: Principal
    partner_token: str


async def tenant(name: str) -> Tenant:
    manufacturer, admin_token = await create_manufacturer(name)
    admin = Principal(manufacturer_id=manufacturer.id, role=Role.ADMIN)
    await partners.create_partner(admin, code="D1", name="Dist", tier=PartnerTier.DISTRIBUTOR)
    await warehouses.create_warehouse(admin, code="W1", name="W1", partner_code="D1")
    await products.create_product(admin, sku="SKU-A", name="A", list_price=10)
    d1 = await Partner.get(manufacturer_id=manufacturer.id, code="D1")
    _, partner_token = await create_token(manufacturer.id, Role.PARTNER_ADMIN, partner_id=d1.id)
    partner = Principal(manufacturer_id=manufacturer.id, role=Role.PARTNER_ADMIN, partner_id=d1.id)
    return Tenant(admin, admin_token, partner, partner_token)
