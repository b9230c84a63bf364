"""Supplier stock: where an order's quantities come from, and the locked rows that hold
what is reserved of it.

    warehouses = await supplier_warehouses(manufacturer_id, supplier_partner_id)
    rows = await lock_supply(manufacturer_id, supplier_partner_id, [(w.id, p.id), ...])
    await adjust_supply(principal, warehouse_code="MFG-1", sku="A", quantity=50, reason="ERP")

The manufacturer's own warehouses (``partner_id`` null) keep their on hand in
``SupplyStock.on_hand``, changed only through :func:`move_supply` (each change a
``SupplyMovement``); a partner supplier's on hand is its ledger balance of its own stock
(``StockBalance``, owner ``PARTNER``), which only the ledger changes. Either way the
``SupplyStock`` row of a (warehouse, product) is the lock every reservation takes
(``SELECT ... FOR UPDATE`` in (warehouse, product) order on PostgreSQL; SQLite
transactions hold the whole database).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.catalog.lookups import CODE_LENGTH, get_product
from portal.domain.errors import DomainError, ErrorCode, check_code
from portal.domain.ledger.batches import check_batch
from portal.domain.orders.supply_batches import (
    batch_stock,
    batches_on_hand,
    move_supply_batch,
    supply_batch,
)
from portal.models import Product, StockBalance, SupplyMovement, SupplyStock, Warehouse
from portal.models.enums import Owner, WarehouseKind

Pair = tuple[int, int]  # warehouse id, product id

ADJUSTMENT_REASONS = ("RECEIPT", "COUNT", "DAMAGE", "ERP", "OTHER")


async def supplier_warehouses(manufacturer_id: int, supplier_id: int | None) -> list[Warehouse]:
    """The warehouses a supplier ships orders from: the manufacturer's own, or the partner's
    active warehouses of its own (consignment stock is the manufacturer's), by code."""
    query = Warehouse.filter(manufacturer_id=manufacturer_id, partner_id=supplier_id, active=True)
    if supplier_id is not None:
        query = query.filter(kind=WarehouseKind.OWNED)
    return list(await query.order_by("code"))


async def lock_supply(
    manufacturer_id: int, supplier_id: int | None, pairs: Iterable[Pair]
) -> dict[Pair, SupplyStock]:
    """The ``SupplyStock`` rows of ``pairs``, created when missing, locked in key order."""
    keys = sorted(set(pairs))
    if not keys:
        return {}
    await SupplyStock.bulk_create(
        [
            SupplyStock(
                manufacturer_id=manufacturer_id,
                partner_id=supplier_id,
                warehouse_id=w,
                product_id=p,
            )
            for w, p in keys
        ],
        ignore_conflicts=True,
    )
    query = SupplyStock.filter(
        manufacturer_id=manufacturer_id,
        warehouse_id__in=sorted({w for w, _ in keys}),
        product_id__in=sorted({p for _, p in keys}),
    ).order_by("warehouse_id", "product_id")
    if is_postgres():
        query = query.select_for_update()
    wanted = set(keys)
    return {
        (r.warehouse_id, r.product_id): r
        for r in await query
        if (r.warehouse_id, r.product_id) in wanted
    }


async def on_hand(
    manufacturer_id: int,
    supplier_id: int | None,
    pairs: Iterable[Pair],
    rows: dict[Pair, SupplyStock],
) -> dict[Pair, int]:
    """On hand per (warehouse, product): the supply row's for the manufacturer, the ledger
    balance of the partner's own stock for a partner supplier."""
    keys = set(pairs)
    if supplier_id is None:
        return {k: rows[k].on_hand if k in rows else 0 for k in keys}
    held = {k: 0 for k in keys}
    if not keys:
        return held
    for balance in await StockBalance.filter(
        manufacturer_id=manufacturer_id,
        warehouse_id__in={w for w, _ in keys},
        product_id__in={p for _, p in keys},
        owner=Owner.PARTNER,
    ).values("warehouse_id", "product_id", "quantity"):
        key = (balance["warehouse_id"], balance["product_id"])
        if key in held:
            held[key] += balance["quantity"]
    return held


async def move_supply(
    row: SupplyStock,
    quantity: int,
    *,
    reason: str,
    source: tuple[str, int | None],
    token_id: int | None,
    batch_no: str | None = None,
    field: Sequence[str] = ("batchNo",),
) -> None:
    """Change a manufacturer warehouse's on hand (locked ``row``) with its movement, and
    the batch's (never below zero) when the movement carries one."""
    if batch_no is not None:
        product = await Product.get(manufacturer_id=row.manufacturer_id, id=row.product_id)
        await move_supply_batch(
            row, batch_no, quantity, label=f"{product.sku} batch {batch_no}", field=field
        )
    await SupplyMovement.create(
        manufacturer_id=row.manufacturer_id,
        warehouse_id=row.warehouse_id,
        product_id=row.product_id,
        quantity=quantity,
        batch_no=batch_no,
        reason=reason,
        source_type=source[0],
        source_id=source[1],
        token_id=token_id,
    )
    row.on_hand += quantity
    await SupplyStock.filter(manufacturer_id=row.manufacturer_id, id=row.id).update(
        on_hand=row.on_hand
    )


async def adjust_supply(
    principal: Principal,
    *,
    warehouse_code: str,
    sku: str,
    quantity: int,
    reason: str,
    batch_no: str | None = None,
) -> SupplyStock:
    """Shipping staff record a change of a manufacturer warehouse's on hand.

    A batch-controlled SKU's change names its batch (``REQUIRED``; ``INVALID`` for another
    SKU). Never below what is reserved, nor a batch below zero or what order lines asking
    for it reserve (``INSUFFICIENT_STOCK``); an increase fills backorders of that
    warehouse's orders, oldest first."""
    from portal.domain.orders.backorders import fill_backorders

    principal.require(Action.ADJUST_SUPPLY)
    code = check_code(warehouse_code, "warehouseCode")
    warehouse = await Warehouse.get_or_none(
        manufacturer_id=principal.manufacturer_id, code=code, partner_id=None
    )
    if warehouse is None:
        raise DomainError(
            ErrorCode.NOT_FOUND, f"No manufacturer warehouse '{code}'.", ["warehouseCode"]
        )
    product = await get_product(principal, sku)
    check_quantity(quantity, ["quantity"], sign=Sign.NON_ZERO)
    batch = check_batch(product, batch_no, ["batchNo"])
    if reason not in ADJUSTMENT_REASONS:
        raise DomainError(
            ErrorCode.INVALID, f"reason is one of {', '.join(ADJUSTMENT_REASONS)}.", ["reason"]
        )
    async with in_transaction():
        rows = await lock_supply(principal.manufacturer_id, None, [(warehouse.id, product.id)])
        row = rows[(warehouse.id, product.id)]
        if row.on_hand + quantity < row.reserved:
            raise DomainError(
                ErrorCode.INSUFFICIENT_STOCK,
                f"Only {row.on_hand - row.reserved} of {product.sku} are not reserved; "
                f"{-quantity} requested.",
                ["quantity"],
            )
        if batch is not None:
            await _keep_batch_reserved(row, product.sku, batch, quantity, ["quantity"])
        await move_supply(
            row,
            quantity,
            reason=reason,
            source=("ADJUSTMENT", None),
            token_id=principal.token_id,
            batch_no=batch,
        )
        if quantity > 0:
            await fill_backorders(principal.manufacturer_id, None, warehouse.id, product.id, row)
    return row


async def _keep_batch_reserved(
    row: SupplyStock, sku: str, batch_no: str, quantity: int, field: list[str]
) -> None:
    """A decrease of a batch leaves what order lines asking for it reserve."""
    if quantity >= 0:
        return
    stock = await batch_stock(
        row.manufacturer_id, None, [row.warehouse_id], row.product_id, batch_no
    )
    held, reserved = stock.get((row.warehouse_id, batch_no), (0, 0))
    if held + quantity < reserved:
        raise DomainError(
            ErrorCode.INSUFFICIENT_STOCK,
            f"Only {max(held - reserved, 0)} of {sku} batch {batch_no} are not reserved; "
            f"{-quantity} requested.",
            field,
        )


async def set_supply_on_hand(
    principal: Principal,
    *,
    warehouse_code: str,
    sku: str,
    on_hand: int,
    source: tuple[str, int | None],
    batch_no: str | None = None,
) -> SupplyStock:
    """The ERP's count of a manufacturer warehouse's on hand: the difference is posted as a
    movement (reason ``ERP``); below what is reserved it is ``INSUFFICIENT_STOCK`` and
    nothing changes; an increase fills backorders.

    With ``batch_no`` (batch-controlled SKUs only, else ``INVALID``) it counts that batch:
    the batch and the SKU move by the difference, never below what order lines asking for
    the batch reserve. Without, a batch-controlled SKU's count is never below its
    batches' sum."""
    from portal.domain.orders.backorders import fill_backorders

    principal.require(Action.ADJUST_SUPPLY)
    check_quantity(on_hand, ["on_hand"], sign=Sign.NON_NEGATIVE)
    warehouse = (
        await Warehouse.get_or_none(
            manufacturer_id=principal.manufacturer_id, code=warehouse_code, partner_id=None
        )
        if len(warehouse_code) <= CODE_LENGTH
        else None
    )
    if warehouse is None:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            f"No manufacturer warehouse '{warehouse_code}'.",
            ["warehouse_code"],
        )
    product = await get_product(principal, sku)
    batch = check_batch(product, batch_no, ["batch_no"], required=False)
    async with in_transaction():
        rows = await lock_supply(principal.manufacturer_id, None, [(warehouse.id, product.id)])
        row = rows[(warehouse.id, product.id)]
        if batch is None:
            delta = on_hand - row.on_hand
            floor = await batches_on_hand(row) if product.batch_controlled else 0
            if on_hand < floor:
                raise DomainError(
                    ErrorCode.INSUFFICIENT_STOCK,
                    f"{floor} of {product.sku} are held in batches; on hand {on_hand} is less.",
                    ["on_hand"],
                )
        else:
            delta = on_hand - (await supply_batch(row, batch)).on_hand
            await _keep_batch_reserved(row, product.sku, batch, delta, ["on_hand"])
        if row.on_hand + delta < row.reserved:
            raise DomainError(
                ErrorCode.INSUFFICIENT_STOCK,
                f"{row.reserved} of {product.sku} are reserved; "
                f"on hand {row.on_hand + delta} is less.",
                ["on_hand"],
            )
        if delta:
            await move_supply(
                row, delta, reason="ERP", source=source, token_id=None, batch_no=batch
            )
        if delta > 0:
            await fill_backorders(principal.manufacturer_id, None, warehouse.id, product.id, row)
    return row
