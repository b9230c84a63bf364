"""The demo's open work: what a partner and a manager find waiting when they log in.

A lateral transfer shipped to DIST-NA and not yet received; a downstream transfer that
DIST-NA raised and the manager has yet to approve; design registrations, one approved
(with sell-through from the demo's POS lines) and two in conflict over the same end
customer, spelled differently, awaiting review; three returns DIST-NA raised that the
manufacturer has yet to receive, and DIST-NA's own part numbers mapped to the catalogue
(its files may use them).
"""

from __future__ import annotations

from datetime import date, timedelta

from portal.domain.access.principal import Principal
from portal.domain.catalog import products
from portal.domain.designs import registrations as designs
from portal.domain.designs.registrations import DesignLineInput
from portal.domain.ledger import returns, transfers
from portal.domain.ledger.shipments import LineInput
from portal.models import Partner
from portal.models.enums import Role


async def seed_open_items(admin: Principal, today: date) -> None:
    ids = dict(
        await Partner.filter(manufacturer_id=admin.manufacturer_id).values_list("code", "id")
    )
    north = Principal(admin.manufacturer_id, Role.PARTNER_ADMIN, ids["DIST-NA"])
    euro = Principal(admin.manufacturer_id, Role.PARTNER_ADMIN, ids["DIST-EU"])

    inbound = await transfers.raise_transfer(
        euro,
        from_warehouse_code="DIST-EU-MAIN",
        to_partner_code="DIST-NA",
        to_warehouse_code="DIST-NA-MAIN",
        lines=[LineInput("SKU-0002", 12), LineInput("SKU-0004", 6)],
    )
    await transfers.approve_transfer(admin, inbound.id)
    await transfers.ship_transfer(euro, inbound.id, shipped_on=today)
    await transfers.raise_transfer(
        north,
        from_warehouse_code="DIST-NA-MAIN",
        to_partner_code="RES-AUS",
        to_warehouse_code="RES-AUS-WH",
        lines=[LineInput("SKU-0001", 10)],
    )

    for number, (sku, quantity) in enumerate([("SKU-0002", 3), ("SKU-0003", 2), ("SKU-0004", 1)]):
        await returns.raise_return(
            north,
            warehouse_code="DIST-NA-MAIN",
            rma_no=f"RMA-{today:%Y%m}-{number + 1}",
            lines=[LineInput(sku, quantity)],
        )
    for sku in ("SKU-0001", "SKU-0002", "SKU-0003"):
        await products.map_partner_sku(
            admin, partner_code="DIST-NA", partner_sku=f"NA-{sku[4:]}", sku=sku
        )

    close_on = today + timedelta(days=120)
    approved = await designs.register_design(
        north,
        customer_name="Globex Manufacturing",
        country="US",
        project_name="Packaging line sensors",
        expected_close_on=close_on,
        lines=[DesignLineInput("SKU-0001", 400), DesignLineInput("SKU-0003", 150)],
    )
    await designs.review_design(
        admin, approved.id, approve=True, expires_on=today + timedelta(days=180), today=today
    )
    for who, spelling in [(north, "Acme Robotics"), (euro, "ACME Robotics, Inc.")]:
        await designs.register_design(
            who,
            customer_name=spelling,
            country="US",
            project_name="Cell controller refresh",
            expected_close_on=close_on,
            lines=[DesignLineInput("SKU-0005", 250)],
        )
