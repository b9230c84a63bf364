"""Partner orders: ``SUBMITTED → CONFIRMED → PARTIALLY_SHIPPED → SHIPPED`` (then
``COMPLETED`` when received), or ``CANCELLED | REJECTED``.

    order = await place_order(principal, supplier_code=None, supply_warehouse_code="MFG-1",
                              ship_to_warehouse_code="W1", lines=[OrderLineInput("A", 5)])
    await confirm_order(supplier_principal, order.id)

Placing checks and reserves atomically per the manufacturer's ordering mode
(``NO_WAREHOUSE``: nothing reserved; ``SINGLE_WAREHOUSE``: the named warehouse;
``CONSOLIDATED``: all the supplier's warehouses) and insufficient-stock policy
(``BLOCK``: ``INSUFFICIENT_STOCK``, nothing stored; ``ALLOW``: the short part backordered).
Rejecting or cancelling releases the reservations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.catalog.lookups import get_partner, get_product, get_warehouse
from portal.domain.catalog.tenants import settings_of
from portal.domain.errors import DomainError, ErrorCode, check_length
from portal.domain.idempotency import idempotent
from portal.domain.ledger.batches import check_batch
from portal.domain.orders.availability import available_locked, resolve_supplier
from portal.domain.orders.events import announce
from portal.domain.orders.reservations import (
    add_reservation,
    batch_free,
    release,
    reserve,
    set_reserved,
)
from portal.domain.orders.supply import lock_supply, supplier_warehouses
from portal.domain.tenancy import save_fields
from portal.models import Order, OrderLine, Partner, Product, Reservation, Warehouse
from portal.models.enums import OrderingMode, OrderStatus

MAX_ORDER_LINES = 500
OPEN = frozenset({OrderStatus.SUBMITTED, OrderStatus.CONFIRMED})
SHIPPABLE = frozenset({OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_SHIPPED})


@dataclass
class OrderLineInput:
    sku: str
    quantity: int
    batch_no: str | None = None  # a batch-controlled SKU's batch asked for (optional)


@dataclass
class ReservationInput:
    sku: str
    warehouse_code: str
    quantity: int
    order_line_id: int | None = None  # which line, where the order has several of the SKU
    batch_no: str | None = None  # or: the line asking for this batch


def visible_orders(
    principal: Principal, status: OrderStatus | None = None, partner_id: int | None = None
) -> QuerySet[Order]:
    """The manufacturer's orders; for a partner those it placed and those it supplies."""
    principal.require(Action.VIEW_INVENTORY)
    orders = Order.filter(manufacturer_id=principal.manufacturer_id)
    if principal.is_partner:
        orders = orders.filter(
            Q(partner_id=principal.partner_id) | Q(supplier_partner_id=principal.partner_id)
        )
    if partner_id is not None:
        orders = orders.filter(partner_id=partner_id)
    if status is not None:
        orders = orders.filter(status=status)
    return orders


async def get_order(principal: Principal, order_id: int) -> Order | None:
    return await visible_orders(principal).filter(id=order_id).first()


async def _orderer(principal: Principal, partner_code: str | None) -> Partner:
    if principal.partner_id is not None:
        return await Partner.get(manufacturer_id=principal.manufacturer_id, id=principal.partner_id)
    if not partner_code:
        raise DomainError(ErrorCode.REQUIRED, "partnerCode is required.", ["partnerCode"])
    return await get_partner(principal, partner_code)


async def _clean_lines(
    principal: Principal, lines: list[OrderLineInput]
) -> list[tuple[Product, int, str | None]]:
    if not lines:
        raise DomainError(ErrorCode.REQUIRED, "At least one line is required.", ["lines"])
    if len(lines) > MAX_ORDER_LINES:
        raise DomainError(ErrorCode.TOO_MANY_LINES, f"At most {MAX_ORDER_LINES} lines.", ["lines"])
    cleaned: list[tuple[Product, int, str | None]] = []
    seen: set[tuple[int, str | None]] = set()
    for index, line in enumerate(lines):
        product = await get_product(principal, line.sku, field="sku")
        check_quantity(line.quantity, ["lines", str(index), "quantity"], sign=Sign.POSITIVE)
        batch_no = check_batch(
            product, line.batch_no, ["lines", str(index), "batchNo"], required=False
        )
        if (product.id, batch_no) in seen:
            raise DomainError(
                ErrorCode.INVALID, f"{product.sku} is ordered twice.", ["lines", str(index), "sku"]
            )
        seen.add((product.id, batch_no))
        cleaned.append((product, line.quantity, batch_no))
    return cleaned


async def place_order(
    principal: Principal,
    *,
    supplier_code: str | None,
    ship_to_warehouse_code: str,
    lines: list[OrderLineInput],
    supply_warehouse_code: str | None = None,
    partner_code: str | None = None,
    idempotency_key: str | None = None,
) -> Order:
    principal.require(Action.PLACE_ORDERS)
    request: dict[str, Any] = {
        "partner": partner_code,
        "supplier": supplier_code,
        "supply": supply_warehouse_code,
        "shipTo": ship_to_warehouse_code,
        "lines": [vars(line) for line in lines],
    }

    async def create() -> Order:
        m = principal.manufacturer_id
        orderer = await _orderer(principal, partner_code)
        supplier = await resolve_supplier(principal, supplier_code, orderer)
        ship_to = await get_warehouse(principal, ship_to_warehouse_code, "shipToWarehouseCode")
        if ship_to.partner_id != orderer.id:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                f"No warehouse with code '{ship_to_warehouse_code}'.",
                ["shipToWarehouseCode"],
            )
        cleaned = await _clean_lines(principal, lines)
        settings = await settings_of(m)
        mode = settings.ordering_mode
        supplier_id = supplier.id if supplier else None
        warehouses: list[Warehouse] = []
        if mode is OrderingMode.SINGLE_WAREHOUSE:
            if not supply_warehouse_code:
                raise DomainError(
                    ErrorCode.REQUIRED,
                    "supplyWarehouseCode is required (single-warehouse ordering).",
                    ["supplyWarehouseCode"],
                )
            warehouses = [
                w
                for w in await supplier_warehouses(m, supplier_id)
                if w.code == supply_warehouse_code
            ]
            if not warehouses:
                raise DomainError(
                    ErrorCode.NOT_FOUND,
                    f"No supplier warehouse '{supply_warehouse_code}'.",
                    ["supplyWarehouseCode"],
                )
        elif mode is OrderingMode.CONSOLIDATED:
            warehouses = await supplier_warehouses(m, supplier_id)
        async with in_transaction():
            order = await Order.create(
                manufacturer_id=m,
                partner_id=orderer.id,
                supplier_partner_id=supplier_id,
                supply_warehouse_id=warehouses[0].id
                if mode is OrderingMode.SINGLE_WAREHOUSE
                else None,
                ship_to_warehouse_id=ship_to.id,
                mode=mode,
                token_id=principal.token_id,
            )
            created = [
                (
                    await OrderLine.create(
                        manufacturer_id=m,
                        order_id=order.id,
                        line_no=number,
                        product_id=product.id,
                        quantity=quantity,
                        batch_no=batch_no,
                    ),
                    product,
                )
                for number, (product, quantity, batch_no) in enumerate(cleaned, start=1)
            ]
            if mode is not OrderingMode.NO_WAREHOUSE:
                await reserve(order, created, warehouses, settings.insufficient_stock_policy)
            await announce(order, "order.submitted")
        return order

    return await idempotent(
        principal, "placeOrder", idempotency_key, request, create=create, model=Order
    )


async def locked_order(
    principal: Principal, order_id: int, allowed: frozenset[OrderStatus]
) -> Order:
    query = visible_orders(principal).filter(id=order_id)
    if is_postgres():
        query = query.select_for_update()
    order = await query.first()
    if order is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such order.", ["id"])
    if order.status not in allowed:
        raise DomainError(ErrorCode.INVALID_STATE, f"The order is {order.status.value}.", ["id"])
    return order


def is_supplier(principal: Principal, order: Order) -> bool:
    """The supplier's side: the supplying partner, or the manufacturer (who runs the
    channel, and supplies the orders without a supplier partner)."""
    if principal.is_partner:
        return principal.partner_id == order.supplier_partner_id
    return True


def require_supplier(principal: Principal, order: Order) -> None:
    if not (is_supplier(principal, order) and principal.may(Action.MANAGE_ORDERS)):
        raise DomainError(
            ErrorCode.INVALID_STATE, "Only the supplier of the order can do this.", ["id"]
        )


async def confirm_order(principal: Principal, order_id: int) -> Order:
    principal.require(Action.MANAGE_ORDERS)
    async with in_transaction():
        order = await locked_order(principal, order_id, frozenset({OrderStatus.SUBMITTED}))
        require_supplier(principal, order)
        order.status = OrderStatus.CONFIRMED
        await save_fields(order, "status")
        await announce(order, "order.confirmed")
    return order


async def reject_order(principal: Principal, order_id: int, reason: str | None) -> Order:
    principal.require(Action.MANAGE_ORDERS)
    note = check_length(reason or "", "reason", 500)
    if not note:
        raise DomainError(ErrorCode.REQUIRED, "A reason is required to reject.", ["reason"])
    async with in_transaction():
        order = await locked_order(principal, order_id, OPEN)
        require_supplier(principal, order)
        await release(order)
        order.status, order.reason = OrderStatus.REJECTED, note
        await save_fields(order, "status", "reason")
        await announce(order, "order.rejected", reason=note)
    return order


async def cancel_order(principal: Principal, order_id: int, reason: str | None = None) -> Order:
    """The buyer or the supplier cancels an order nothing of which has shipped."""
    principal.require(Action.CANCEL_ORDERS)
    note = check_length(reason or "", "reason", 500) or None
    async with in_transaction():
        order = await locked_order(principal, order_id, OPEN)
        buyer = principal.partner_id == order.partner_id and principal.may(Action.PLACE_ORDERS)
        if not buyer:
            require_supplier(principal, order)
        await release(order)
        order.status, order.reason = OrderStatus.CANCELLED, note
        await save_fields(order, "status", "reason")
        await announce(order, "order.cancelled")
    return order


def _line_to_adjust(
    order_lines: list[OrderLine], product: Product, item: ReservationInput, path: list[str]
) -> OrderLine:
    """The order line an adjustment names: by ``order_line_id`` (of this order and SKU),
    else the SKU's line asking for ``batch_no`` (none: its only line; two lines of the SKU
    need one of them named, ``INVALID``)."""
    if item.order_line_id is not None:
        line = next((ln for ln in order_lines if ln.id == item.order_line_id), None)
        if line is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such line of this order.", [*path, "orderLineId"]
            )
        if line.product_id != product.id:
            raise DomainError(
                ErrorCode.INVALID, f"Order line {line.id} is not {product.sku}.", [*path, "sku"]
            )
        return line
    candidates = [ln for ln in order_lines if ln.product_id == product.id]
    if not candidates:
        raise DomainError(ErrorCode.NOT_FOUND, f"{product.sku} is not ordered.", [*path, "sku"])
    batch = item.batch_no.strip() if item.batch_no else None
    if batch:
        candidates = [ln for ln in candidates if ln.batch_no == batch]
        if not candidates:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                f"No line of {product.sku} asks for batch {batch}.",
                [*path, "batchNo"],
            )
    if len(candidates) > 1:
        raise DomainError(
            ErrorCode.INVALID,
            f"The order has {len(candidates)} lines of {product.sku}: name one "
            "(orderLineId, or batchNo for a line asking for a batch).",
            [*path, "orderLineId"],
        )
    return candidates[0]


async def adjust_reservation(
    principal: Principal, order_id: int, lines: list[ReservationInput]
) -> Order:
    """The supplier sets what is reserved ("frozen") for lines of an open order, per
    warehouse; what is no longer reserved is backordered. Needs the manufacturer's
    ``allowReservationAdjustment`` setting; an increase must be available."""
    principal.require(Action.MANAGE_ORDERS)
    if not lines:
        raise DomainError(ErrorCode.REQUIRED, "At least one line is required.", ["lines"])
    m = principal.manufacturer_id
    if not (await settings_of(m)).allow_reservation_adjustment:
        raise DomainError(
            ErrorCode.INVALID_STATE, "Reservation adjustment is not enabled.", ["lines"]
        )
    async with in_transaction():
        order = await locked_order(principal, order_id, OPEN | SHIPPABLE)
        require_supplier(principal, order)
        if order.mode is OrderingMode.NO_WAREHOUSE:
            raise DomainError(ErrorCode.INVALID_STATE, "The order reserves nothing.", ["id"])
        allowed = {w.code: w for w in await supplier_warehouses(m, order.supplier_partner_id)}
        if order.supply_warehouse_id is not None:
            allowed = {c: w for c, w in allowed.items() if w.id == order.supply_warehouse_id}
        order_lines = list(
            await OrderLine.filter(manufacturer_id=m, order_id=order.id).order_by("line_no")
        )
        wanted: list[tuple[OrderLine, Product, Warehouse, int, list[str]]] = []
        for index, item in enumerate(lines):
            path = ["lines", str(index)]
            product = await get_product(principal, item.sku, field="sku")
            line = _line_to_adjust(order_lines, product, item, path)
            warehouse = allowed.get(item.warehouse_code)
            if warehouse is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND,
                    f"No supplier warehouse '{item.warehouse_code}'.",
                    [*path, "warehouseCode"],
                )
            check_quantity(item.quantity, [*path, "quantity"], sign=Sign.NON_NEGATIVE)
            wanted.append((line, product, warehouse, item.quantity, path))
        rows = await lock_supply(
            m, order.supplier_partner_id, [(w.id, p.id) for _, p, w, _, _ in wanted]
        )
        fresh = {  # read again under the lock: a backorder fill may have moved them
            line.id: line for line in await OrderLine.filter(manufacturer_id=m, order_id=order.id)
        }
        wanted = [(fresh[line.id], p, w, q, path) for line, p, w, q, path in wanted]
        available = await available_locked(m, order.supplier_partner_id, order.partner_id, rows)
        held = {
            (r.order_line_id, r.warehouse_id): r.quantity
            for r in await Reservation.filter(manufacturer_id=m, order_id=order.id)
        }
        for line, product, warehouse, quantity, path in wanted:
            pair = (warehouse.id, product.id)
            delta = quantity - held.get((line.id, warehouse.id), 0)
            batch = await batch_free(m, order.supplier_partner_id, line, [warehouse.id])
            free = min(available[pair], batch.get(warehouse.id, available[pair]))
            if delta > free:
                label = f"{product.sku} batch {line.batch_no}" if batch else product.sku
                raise DomainError(
                    ErrorCode.INSUFFICIENT_STOCK,
                    f"Only {free} more of {label} available at {warehouse.code}.",
                    [*path, "quantity"],
                )
            if line.reserved + delta > line.quantity - line.shipped:
                raise DomainError(
                    ErrorCode.INVALID,
                    f"At most {line.quantity - line.shipped} of {product.sku} can be reserved.",
                    [*path, "quantity"],
                )
            available[pair] -= delta
            held[(line.id, warehouse.id)] = quantity
            await add_reservation(line, warehouse.id, delta)
            line.backordered = line.quantity - line.shipped - line.reserved
            await OrderLine.filter(manufacturer_id=m, id=line.id).update(
                reserved=line.reserved, backordered=line.backordered
            )
            await set_reserved(rows, {pair: delta})
        await announce(order, "order.reservation_adjusted")
    return order
