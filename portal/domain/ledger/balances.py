"""Reading stock: balances and the movement history behind them, in the principal's scope."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from portal.domain.access.principal import Action, Principal
from portal.domain.catalog.lookups import get_product, get_warehouse, partner_scope
from portal.models import LedgerEntry, StockBalance


async def visible_balances(
    principal: Principal,
    *,
    partner_code: str | None = None,
    warehouse_code: str | None = None,
    sku: str | None = None,
) -> QuerySet[StockBalance]:
    principal.require(Action.VIEW_INVENTORY)
    balances = StockBalance.filter(manufacturer_id=principal.manufacturer_id)
    partner_id = await partner_scope(principal, partner_code)
    if partner_id is not None:
        balances = balances.filter(partner_id=partner_id)
    if warehouse_code:
        balances = balances.filter(warehouse_id=(await get_warehouse(principal, warehouse_code)).id)
    if sku:
        balances = balances.filter(product_id=(await get_product(principal, sku)).id)
    return balances


async def movement_history(
    principal: Principal, *, warehouse_code: str, sku: str | None = None
) -> QuerySet[LedgerEntry]:
    """Why a balance is what it is: the ledger entries of a warehouse (and SKU)."""
    principal.require(Action.VIEW_INVENTORY)
    warehouse = await get_warehouse(principal, warehouse_code)
    entries = LedgerEntry.filter(
        manufacturer_id=principal.manufacturer_id, warehouse_id=warehouse.id
    )
    if sku:
        entries = entries.filter(product_id=(await get_product(principal, sku)).id)
    return entries
