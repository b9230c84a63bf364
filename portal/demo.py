"""Seed a demo tenant through the domain layer (``portal demo``).

Grows with each capability: today partners in two tiers, products, warehouses, tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portal.domain import partners, products, tenants, tokens, warehouses
from portal.domain.principal import Principal
from portal.models import Manufacturer, Partner
from portal.models.enums import PartnerTier, Role, WarehouseKind

DEMO_NAME = "Demo Manufacturer"

DISTRIBUTORS = [
    ("DIST-NA", "Northam Distribution"),
    ("DIST-EU", "Eurolink Components"),
    ("DIST-AP", "Asia Pacific Parts"),
]
RESELLERS = [
    ("RES-BOS", "Boston Automation", "DIST-NA"),
    ("RES-AUS", "Austin Controls", "DIST-NA"),
    ("RES-BER", "Berlin Robotics", "DIST-EU"),
    ("RES-SIN", "Singapore Systems", "DIST-AP"),
]
CATEGORIES = ["Sensors", "Controllers", "Drives", "Cables", "Power"]


@dataclass
class DemoTokens:
    admin: str
    manager: str
    partner: str
    partner_code: str


async def seed_demo() -> DemoTokens:
    """Create (or reuse) the demo tenant and issue fresh tokens for it."""
    manufacturer = await Manufacturer.get_or_none(name=DEMO_NAME)
    if manufacturer is None:
        manufacturer, _ = await tenants.create_manufacturer(DEMO_NAME)
        await _seed_catalogue(Principal(manufacturer_id=manufacturer.id, role=Role.ADMIN))
    partner = await Partner.get(manufacturer_id=manufacturer.id, code=DISTRIBUTORS[0][0])
    _, admin = await tokens.create_token(manufacturer.id, Role.ADMIN, label="demo admin")
    _, manager = await tokens.create_token(
        manufacturer.id, Role.CHANNEL_MANAGER, label="demo channel manager"
    )
    _, partner_token = await tokens.create_token(
        manufacturer.id, Role.PARTNER_ADMIN, partner_id=partner.id, label="demo partner"
    )
    return DemoTokens(
        admin=admin, manager=manager, partner=partner_token, partner_code=partner.code
    )


async def _seed_catalogue(admin: Principal) -> None:
    for code, name in DISTRIBUTORS:
        await partners.create_partner(admin, code=code, name=name, tier=PartnerTier.DISTRIBUTOR)
        await warehouses.create_warehouse(
            admin, code=f"{code}-MAIN", name=f"{name} main", partner_code=code
        )
    await warehouses.create_warehouse(
        admin,
        code="DIST-NA-CONS",
        name="Northam consignment",
        partner_code="DIST-NA",
        kind=WarehouseKind.CONSIGNMENT,
    )
    for code, name, parent in RESELLERS:
        await partners.create_partner(
            admin, code=code, name=name, tier=PartnerTier.RESELLER, parent_code=parent
        )
        await warehouses.create_warehouse(admin, code=f"{code}-WH", name=name, partner_code=code)
    await warehouses.create_warehouse(admin, code="MFG-CENTRAL", name="Central distribution centre")
    for number in range(1, 51):
        category = CATEGORIES[number % len(CATEGORIES)]
        await products.create_product(
            admin,
            sku=f"SKU-{number:04d}",
            name=f"{category[:-1]} model {number}",
            category=category,
            serial_controlled=number % 10 == 0,
            list_price=Decimal(10 + number * 7) + Decimal("0.99"),
        )
