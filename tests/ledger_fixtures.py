"""A small channel for ledger tests, built through the domain layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.domain.access.principal import Principal
from portal.domain.catalog import partners, products, warehouses
from portal.domain.catalog.tenants import create_manufacturer
from portal.domain.ledger import shipments
from portal.domain.ledger.shipments import LineInput
from portal.models import Partner, Shipment
from portal.models.enums import PartnerTier, Role


@dataclass
class Channel:
    admin: Principal
    d1: Principal
    r1: Principal
    d2: Principal


async def build_channel() -> Channel:
    manufacturer, _ = await create_manufacturer("Acme")
    admin = Principal(manufacturer_id=manufacturer.id, role=Role.ADMIN)
    await partners.create_partner(admin, code="D1", name="Dist 1", tier=PartnerTier.DISTRIBUTOR)
    await partners.create_partner(admin, code="D2", name="Dist 2", tier=PartnerTier.DISTRIBUTOR)
    await partners.create_partner(
        admin, code="R1", name="Res 1", tier=PartnerTier.RESELLER, parent_code="D1"
    )
    for code, partner in (("W1", "D1"), ("W2", "D1"), ("W3", "D2"), ("WR", "R1")):
        await warehouses.create_warehouse(admin, code=code, name=code, partner_code=partner)
    await products.create_product(admin, sku="SKU-A", name="A", list_price=10)
    await products.create_product(admin, sku="SKU-S", name="S", serial_controlled=True)

    async def partner(code: str) -> Principal:
        p = await Partner.get(code=code)
        return Principal(
            manufacturer_id=manufacturer.id, role=Role.PARTNER_INVENTORY, partner_id=p.id
        )

    return Channel(
        admin=admin, d1=await partner("D1"), r1=await partner("R1"), d2=await partner("D2")
    )


async def ship_to_w1(
    ch: Channel, quantity: int, receiver: Principal | None = None, document_no: str = "INV-1"
) -> Shipment:
    """The reference sell-in: ``quantity`` of SKU-A shipped to D1's W1 on 2026-10-01 and
    received on 2026-10-02 (by ``receiver``, the admin unless given)."""
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no=document_no,
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-A", quantity)],
    )
    return await shipments.receive_shipment(
        receiver or ch.admin, shipment.id, received_on=date(2026, 10, 2)
    )


def pos_line(
    quantity: int, customer: str = "Acme", day: str = "2026-10-15", **extra: str
) -> dict[str, Any]:
    """One POS line of SKU-A sold from W1 (October 2026 unless ``day``)."""
    return {
        "warehouse_code": "W1",
        "sku": "SKU-A",
        "quantity": quantity,
        "sold_on": day,
        "end_customer_name": customer,
        "end_customer_country": "US",
        **extra,
    }
