"""Reserving supplier stock for order lines, and giving it back.

    taken = await reserve(order, [(line, warehouses)], policy)   # under the supply lock
    await release(order)                                          # cancel, reject

Every change of a reservation moves ``SupplyStock.reserved`` of the same (warehouse,
product) by the same amount while that row is locked, so that for every row
``reserved`` = the sum of its reservations ≤ on hand (``portal check-ledger``).
"""

from __future__ import annotations

from collections import defaultdict

from portal.domain.errors import DomainError, ErrorCode
from portal.domain.orders.availability import available_locked
from portal.domain.orders.supply import Pair, lock_supply
from portal.domain.orders.supply_batches import batch_stock
from portal.models import Order, OrderLine, Product, Reservation, SupplyStock, Warehouse
from portal.models.enums import InsufficientStockPolicy, OrderingMode


async def set_reserved(rows: dict[Pair, SupplyStock], changes: dict[Pair, int]) -> None:
    """Move the locked rows' ``reserved`` by ``changes``."""
    for pair, delta in changes.items():
        if not delta:
            continue
        row = rows[pair]
        row.reserved += delta
        await SupplyStock.filter(manufacturer_id=row.manufacturer_id, id=row.id).update(
            reserved=row.reserved
        )


async def add_reservation(line: OrderLine, warehouse_id: int, quantity: int) -> None:
    """Move the line's reservation at ``warehouse_id`` (and ``line.reserved``) by
    ``quantity``; the caller moves the supply row."""
    if not quantity:
        return
    existing = await Reservation.get_or_none(
        manufacturer_id=line.manufacturer_id, order_line_id=line.id, warehouse_id=warehouse_id
    )
    if existing is None:
        await Reservation.create(
            manufacturer_id=line.manufacturer_id,
            order_id=line.order_id,
            order_line_id=line.id,
            warehouse_id=warehouse_id,
            product_id=line.product_id,
            quantity=quantity,
        )
    elif existing.quantity + quantity == 0:
        await Reservation.filter(manufacturer_id=line.manufacturer_id, id=existing.id).delete()
    else:
        await Reservation.filter(manufacturer_id=line.manufacturer_id, id=existing.id).update(
            quantity=existing.quantity + quantity
        )
    line.reserved += quantity


async def reserve(
    order: Order,
    lines: list[tuple[OrderLine, Product]],
    warehouses: list[Warehouse],
    policy: InsufficientStockPolicy,
) -> None:
    """Reserve every line from ``warehouses`` (in their order) atomically.

    ``BLOCK``: a line that cannot be covered is ``INSUFFICIENT_STOCK`` naming the available
    quantity, and the caller's transaction changes nothing. ``ALLOW``: what is short is
    backordered on the line."""
    m = order.manufacturer_id
    pairs = [(w.id, p.id) for _, p in lines for w in warehouses]
    rows = await lock_supply(m, order.supplier_partner_id, pairs)
    available = await available_locked(m, order.supplier_partner_id, order.partner_id, rows)
    changes: dict[Pair, int] = defaultdict(int)
    for index, (line, product) in enumerate(lines):
        need = line.quantity
        batch = await batch_free(m, order.supplier_partner_id, line, [w.id for w in warehouses])
        could = sum(min(available[(w.id, product.id)], batch.get(w.id, need)) for w in warehouses)
        if could < need and policy is InsufficientStockPolicy.BLOCK:
            label = f"{product.sku} batch {line.batch_no}" if batch else product.sku
            raise DomainError(
                ErrorCode.INSUFFICIENT_STOCK,
                f"Only {could} of {label} available, {need} ordered.",
                ["lines", str(index), "quantity"],
            )
        for warehouse in warehouses:
            pair = (warehouse.id, product.id)
            take = min(available[pair], batch.get(warehouse.id, need), need)
            if take:
                available[pair] -= take
                changes[pair] += take
                need -= take
                await add_reservation(line, warehouse.id, take)
        line.backordered = need
        await OrderLine.filter(manufacturer_id=m, id=line.id).update(
            reserved=line.reserved, backordered=line.backordered
        )
    await set_reserved(rows, changes)


async def batch_free(
    manufacturer_id: int, supplier_id: int | None, line: OrderLine, warehouse_ids: list[int]
) -> dict[int, int]:
    """What each warehouse of the supplier can still reserve of the batch the line
    asks for (on hand of the batch - reserved for it; under the supply lock); empty when
    the line names no batch."""
    if line.batch_no is None:
        return {}
    stock = await batch_stock(
        manufacturer_id, supplier_id, warehouse_ids, line.product_id, line.batch_no
    )
    return {
        w: max(sum(on - taken for (wid, _), (on, taken) in stock.items() if wid == w), 0)
        for w in warehouse_ids
    }


NamedBatch = tuple[int, Product, str, int, list[str]]  # warehouse, product, batch, units, field


async def require_unreserved_batches(
    manufacturer_id: int, supplier_id: int | None, named: list[NamedBatch]
) -> None:
    """A batch named on a notice line (its order line asked for none) ships only what order
    lines asking for that batch have not reserved of it: per (warehouse, product, batch)
    the named units ≤ its on hand - reserved for it (``INSUFFICIENT_STOCK`` naming the
    batch on the last such line). Under the supply lock."""
    wanted: dict[tuple[int, int, str], int] = defaultdict(int)
    for warehouse_id, product, batch_no, quantity, field in named:
        key = (warehouse_id, product.id, batch_no)
        wanted[key] += quantity
        stock = await batch_stock(
            manufacturer_id, supplier_id, [warehouse_id], product.id, batch_no
        )
        on, reserved = stock.get((warehouse_id, batch_no), (0, 0))
        if wanted[key] > on - reserved:
            raise DomainError(
                ErrorCode.INSUFFICIENT_STOCK,
                f"Only {max(on - reserved, 0)} of {product.sku} batch {batch_no} free "
                f"({reserved} of {on} reserved for other orders), {wanted[key]} to ship.",
                field,
            )


async def lock_order_supply(orders: list[Order]) -> dict[Pair, SupplyStock]:
    """Lock every supply row the orders may hold reservations on, *before* reading their
    reservations: a backorder fill (which locks the same rows) cannot slip in between."""
    from portal.domain.orders.supply import supplier_warehouses

    if not orders:
        return {}
    m = orders[0].manufacturer_id
    products: dict[int, set[int]] = defaultdict(set)
    for line in await OrderLine.filter(manufacturer_id=m, order_id__in=[o.id for o in orders]):
        products[line.order_id].add(line.product_id)
    pairs: set[Pair] = set()
    for order in orders:
        if order.supply_warehouse_id is not None:
            places = [order.supply_warehouse_id]
        elif order.mode is OrderingMode.CONSOLIDATED:
            places = [w.id for w in await supplier_warehouses(m, order.supplier_partner_id)]
            places += [
                r.warehouse_id
                for r in await Reservation.filter(manufacturer_id=m, order_id=order.id)
            ]
        else:
            places = []
        pairs |= {(w, p) for w in places for p in products[order.id]}
    return await lock_supply(m, orders[0].supplier_partner_id, pairs)


async def release(order: Order) -> None:
    """Give back everything still reserved for the order; nothing stays backordered."""
    m = order.manufacturer_id
    rows = await lock_order_supply([order])
    held = await Reservation.filter(manufacturer_id=m, order_id=order.id)
    changes: dict[Pair, int] = defaultdict(int)
    for reservation in held:
        changes[(reservation.warehouse_id, reservation.product_id)] -= reservation.quantity
    await set_reserved(rows, changes)
    await Reservation.filter(manufacturer_id=m, order_id=order.id).delete()
    await OrderLine.filter(manufacturer_id=m, order_id=order.id).update(reserved=0, backordered=0)
