"""Reading stock: balances and the movement history behind them, in the principal's scope."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from portal.domain.access.principal import Action, Principal
from portal.domain.catalog.lookups import get_product, get_warehouse, partner_scope
from portal.models import BatchBalance, LedgerEntry, StockBalance, Warehouse


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


async def visible_batches(
    principal: Principal, *, sku: str, warehouse_code: str | None = None
) -> list[BatchBalance]:
    """Per-batch stock of one batch-controlled SKU in the principal's warehouses (a partner:
    its own), batches with stock, by warehouse and batch."""
    principal.require(Action.VIEW_INVENTORY)
    product = await get_product(principal, sku)
    batches = BatchBalance.filter(manufacturer_id=principal.manufacturer_id, product_id=product.id)
    partner_id = await partner_scope(principal, None)
    if partner_id is not None:
        own = Warehouse.filter(manufacturer_id=principal.manufacturer_id, partner_id=partner_id)
        batches = batches.filter(warehouse_id__in=await own.values_list("id", flat=True))
    if warehouse_code:
        batches = batches.filter(warehouse_id=(await get_warehouse(principal, warehouse_code)).id)
    return list(
        await batches.exclude(quantity=0).order_by("warehouse_id", "batch_no", "owner").limit(1000)
    )


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
