"""50 partners order the last 100 units of one manufacturer warehouse at once on
PostgreSQL, each placement on its own connection: nothing is reserved beyond on hand and
no reservation is lost (the supply row lock of portal.domain.orders.supply.lock_supply)."""

from __future__ import annotations

import asyncio

import pytest

from portal.domain.access.principal import Principal
from portal.domain.catalog import partners, warehouses
from portal.domain.catalog.tenants import update_settings
from portal.domain.orders import orders, supply
from portal.domain.orders.check import reservation_mismatches
from portal.models import Order, OrderLine, Partner, Reservation, SupplyStock
from portal.models.enums import InsufficientStockPolicy, PartnerTier, Role
from tests.ledger_fixtures import build_channel


async def _fifty_buyers(admin: Principal) -> list[Principal]:
    buyers = []
    for n in range(50):
        code = f"B{n:02d}"
        await partners.create_partner(admin, code=code, name=code, tier=PartnerTier.DISTRIBUTOR)
        await warehouses.create_warehouse(admin, code=f"{code}-W", name=code, partner_code=code)
        partner = await Partner.get(code=code)
        buyers.append(Principal(admin.manufacturer_id, Role.PARTNER_ADMIN, partner_id=partner.id))
    return buyers


async def _race(buyers: list[Principal], quantity: int) -> list[int]:
    async def buy(buyer: Principal, n: int) -> int:
        order = await orders.place_order(
            buyer,
            supplier_code=None,
            supply_warehouse_code="M1",
            ship_to_warehouse_code=f"B{n:02d}-W",
            lines=[orders.OrderLineInput("SKU-A", quantity)],
        )
        return order.id

    results = await asyncio.gather(
        *(buy(b, n) for n, b in enumerate(buyers)), return_exceptions=True
    )
    placed = [r for r in results if isinstance(r, int)]
    failed = [r for r in results if not isinstance(r, int)]
    assert all(getattr(e, "code", None) and e.code.value == "INSUFFICIENT_STOCK" for e in failed), (
        failed
    )
    return placed


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_fifty_partners_block_never_over_reserve(db) -> None:
    ch = await build_channel()
    await warehouses.create_warehouse(ch.admin, code="M1", name="Plant")
    buyers = await _fifty_buyers(ch.admin)
    await supply.adjust_supply(
        ch.admin, warehouse_code="M1", sku="SKU-A", quantity=100, reason="ERP"
    )
    placed = await _race(buyers, 3)
    assert len(placed) == 33  # 33 x 3 = 99 of 100: every order that fit got in
    row = await SupplyStock.get(warehouse__code="M1")
    assert (row.on_hand, row.reserved) == (100, 99)
    assert sum(await Reservation.all().values_list("quantity", flat=True)) == 99  # type: ignore[arg-type]
    assert await Order.all().count() == 33
    assert await reservation_mismatches() == []


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_fifty_partners_allow_reserve_exactly_what_exists(db) -> None:
    ch = await build_channel()
    await warehouses.create_warehouse(ch.admin, code="M1", name="Plant")
    await update_settings(ch.admin, insufficient_stock_policy=InsufficientStockPolicy.ALLOW)
    buyers = await _fifty_buyers(ch.admin)
    await supply.adjust_supply(
        ch.admin, warehouse_code="M1", sku="SKU-A", quantity=100, reason="ERP"
    )
    placed = await _race(buyers, 3)
    assert len(placed) == 50  # all accepted, the short part backordered
    lines = await OrderLine.all()
    assert sum(line.reserved for line in lines) == 100
    assert sum(line.backordered for line in lines) == 50
    row = await SupplyStock.get(warehouse__code="M1")
    assert (row.on_hand, row.reserved) == (100, 100)
    assert await reservation_mismatches() == []
