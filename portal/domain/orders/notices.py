"""Shipping notices: the supplier ships confirmed orders.

    notice = await create_shipping_notice(principal, order_ids=[7], document_no="DN-1")

By default every shippable quantity of the orders ships (what is reserved; for orders
placed without warehouse, what is not shipped yet), or only the chosen
``(orderLineId, quantity, serials)``. One notice serves one order, or several orders of
the same partner to the same warehouse when ``multiOrderShipping`` is on. From the
manufacturer it becomes the sell-in shipment (``recordShipment``: received by the
manufacturer's receipt mode) and consumes the manufacturer warehouses' on hand; from a
partner supplier it becomes an approved transfer per source warehouse, shipped at once
(the supplier's sell-through, the customer's sell-in when received).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_business_date
from portal.domain.catalog.lookups import CODE_LENGTH
from portal.domain.catalog.tenants import settings_of
from portal.domain.contracts.buffer_orders import consume_by_shipment
from portal.domain.errors import DomainError, ErrorCode, check_code
from portal.domain.idempotency import idempotent
from portal.domain.ledger import serials as serial_units
from portal.domain.ledger import shipments, transfers
from portal.domain.ledger.batches import check_batch
from portal.domain.ledger.shipments import LineInput
from portal.domain.orders.completion import complete_received
from portal.domain.orders.events import announce
from portal.domain.orders.orders import SHIPPABLE, require_supplier, visible_orders
from portal.domain.orders.reservations import (
    NamedBatch,
    add_reservation,
    lock_order_supply,
    require_unreserved_batches,
    set_reserved,
)
from portal.domain.orders.supply import move_supply
from portal.domain.tenancy import save_fields
from portal.models import (
    Order,
    OrderLine,
    Partner,
    Product,
    Reservation,
    ShippingNotice,
    ShippingNoticeLine,
    SupplyStock,
    Warehouse,
)
from portal.models.enums import OrderingMode, OrderStatus

MAX_NOTICE_ORDERS = 50


@dataclass
class NoticeLineInput:
    order_line_id: int
    quantity: int
    serials: list[str] = field(default_factory=list)
    batch_no: str | None = None  # for a batch-controlled line that asked for none


@dataclass
class Pick:
    line: OrderLine
    product: Product
    warehouse_id: int | None  # None: shipped without a reservation (manufacturer, no stock)
    quantity: int
    serials: list[str]
    reserved: bool
    batch_no: str | None = None


async def _locked_orders(principal: Principal, order_ids: list[int]) -> list[Order]:
    if not order_ids:
        raise DomainError(ErrorCode.REQUIRED, "At least one order is required.", ["orderIds"])
    if len(order_ids) > MAX_NOTICE_ORDERS:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_NOTICE_ORDERS} orders.", ["orderIds"])
    query = visible_orders(principal).filter(id__in=sorted(set(order_ids))).order_by("id")
    if is_postgres():
        query = query.select_for_update()
    found = list(await query)
    if len(found) != len(set(order_ids)):
        raise DomainError(ErrorCode.NOT_FOUND, "No such order.", ["orderIds"])
    first = found[0]
    for order in found:
        require_supplier(principal, order)
        if order.status not in SHIPPABLE:
            raise DomainError(
                ErrorCode.INVALID_STATE,
                f"Order {order.id} is {order.status.value}; confirm it first.",
                ["orderIds"],
            )
        if (order.partner_id, order.supplier_partner_id, order.ship_to_warehouse_id) != (
            first.partner_id,
            first.supplier_partner_id,
            first.ship_to_warehouse_id,
        ):
            raise DomainError(
                ErrorCode.INVALID,
                "One notice ships orders of one partner, supplier and ship-to warehouse.",
                ["orderIds"],
            )
    if len(found) > 1 and not (await settings_of(principal.manufacturer_id)).multi_order_shipping:
        raise DomainError(
            ErrorCode.INVALID_STATE, "Multi-order shipping is not enabled.", ["orderIds"]
        )
    return found


async def _picks(
    principal: Principal,
    orders: list[Order],
    chosen: list[NoticeLineInput],
    from_warehouse: Warehouse | None,
) -> list[Pick]:
    m = principal.manufacturer_id
    lines = {
        line.id: line
        for line in await OrderLine.filter(
            manufacturer_id=m, order_id__in=[o.id for o in orders]
        ).order_by("order_id", "line_no")
    }
    modes = {o.id: o.mode for o in orders}
    products = {
        p.id: p
        for p in await Product.filter(
            manufacturer_id=m, id__in={line.product_id for line in lines.values()}
        )
    }
    held: dict[int, list[Reservation]] = defaultdict(list)
    for r in await Reservation.filter(
        manufacturer_id=m, order_id__in=[o.id for o in orders]
    ).order_by("warehouse_id"):
        held[r.order_line_id].append(r)
    wanted: list[tuple[OrderLine, int, list[str], str | None, list[str]]] = []
    if chosen:
        for index, item in enumerate(chosen):
            path = ["lines", str(index)]
            line = lines.get(item.order_line_id)
            if line is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No such order line.", [*path, "orderLineId"]
                )
            if item.quantity <= 0:
                raise DomainError(
                    ErrorCode.INVALID_QUANTITY, "quantity must be positive.", [*path, "quantity"]
                )
            wanted.append((line, item.quantity, item.serials, item.batch_no, path))
    else:
        for index, line in enumerate(lines.values()):
            shippable = _shippable(line, modes[line.order_id])
            if shippable:
                wanted.append((line, shippable, [], None, ["lines", str(index)]))
    if not wanted:
        raise DomainError(ErrorCode.INVALID, "Nothing is shippable.", ["lines"])
    picks: list[Pick] = []
    named: list[NamedBatch] = []  # batches the notice names for lines that asked for none
    for line, quantity, serials, batch_given, path in wanted:
        product = products[line.product_id]
        shippable = _shippable(line, modes[line.order_id])
        if quantity > shippable:
            raise DomainError(
                ErrorCode.INVALID,
                f"At most {shippable} of {product.sku} can ship on this line.",
                [*path, "quantity"],
            )
        cleaned = serial_units.check_serials(product, quantity, serials, [*path, "serials"])
        batch = _batch_of(line, product, batch_given, path)
        start = len(picks)
        if modes[line.order_id] is OrderingMode.NO_WAREHOUSE:
            source = from_warehouse.id if from_warehouse else None
            picks.append(Pick(line, product, source, quantity, cleaned, False, batch))
        else:
            left = quantity
            for reservation in held[line.id]:
                take = min(reservation.quantity, left)
                if take:
                    source = reservation.warehouse_id
                    picks.append(Pick(line, product, source, take, cleaned[:take], True, batch))
                    cleaned = cleaned[take:]
                    left -= take
        if batch is not None and line.batch_no is None:
            named.extend(
                (p.warehouse_id, product, batch, p.quantity, [*path, "batchNo"])
                for p in picks[start:]
                if p.warehouse_id is not None
            )
    await require_unreserved_batches(m, orders[0].supplier_partner_id, named)
    return picks


def _batch_of(line: OrderLine, product: Product, given: str | None, path: list[str]) -> str | None:
    """The batch a notice line ships: the one the order line reserved, else the one named
    (``REQUIRED`` for a batch-controlled SKU; another than the reserved one is ``INVALID``)."""
    field_path = [*path, "batchNo"]
    if line.batch_no is not None:
        if given and given.strip() != line.batch_no:
            raise DomainError(
                ErrorCode.INVALID,
                f"The order line reserved batch {line.batch_no} of {product.sku}.",
                field_path,
            )
        return line.batch_no
    return check_batch(product, given, field_path)


def _shippable(line: OrderLine, mode: OrderingMode) -> int:
    if mode is OrderingMode.NO_WAREHOUSE:
        return line.quantity - line.shipped
    return line.reserved


async def create_shipping_notice(
    principal: Principal,
    *,
    order_ids: list[int],
    document_no: str,
    lines: list[NoticeLineInput] | None = None,
    shipped_on: date | None = None,
    from_warehouse_code: str | None = None,
    idempotency_key: str | None = None,
) -> ShippingNotice:
    principal.require(Action.SHIP_ORDERS)
    request: dict[str, Any] = {
        "orders": sorted(order_ids),
        "doc": document_no,
        "lines": [vars(line) for line in lines or []],
        "on": shipped_on,
        "from": from_warehouse_code,
    }

    async def create() -> ShippingNotice:
        m = principal.manufacturer_id
        doc = check_code(document_no, "documentNo")
        day = check_business_date(shipped_on or datetime.now(UTC).date(), ["shippedOn"])
        async with in_transaction():
            orders = await _locked_orders(principal, order_ids)
            first = orders[0]
            if await ShippingNotice.exists(manufacturer_id=m, document_no=doc):
                raise DomainError(
                    ErrorCode.DUPLICATE_DOCUMENT, f"Notice {doc} exists already.", ["documentNo"]
                )
            supplier_id = first.supplier_partner_id
            if supplier_id is not None and not principal.may(Action.MOVE_STOCK):
                raise DomainError(
                    ErrorCode.INVALID_STATE, "Only the supplier of the order can do this.", ["id"]
                )
            source = None
            if supplier_id is not None and any(o.mode is OrderingMode.NO_WAREHOUSE for o in orders):
                code = from_warehouse_code or ""
                source = (
                    await Warehouse.get_or_none(
                        manufacturer_id=m, partner_id=supplier_id, code=code
                    )
                    if len(code) <= CODE_LENGTH
                    else None
                )
                if source is None:
                    raise DomainError(
                        ErrorCode.REQUIRED,
                        "fromWarehouseCode: the supplier warehouse to ship from.",
                        ["fromWarehouseCode"],
                    )
            rows = await lock_order_supply(orders)  # before reading lines and reservations
            picks = await _picks(principal, orders, lines or [], source)
            customer = await Partner.get(manufacturer_id=m, id=first.partner_id)
            ship_to = await Warehouse.get(manufacturer_id=m, id=first.ship_to_warehouse_id)
            notice = await ShippingNotice.create(
                manufacturer_id=m,
                partner_id=first.partner_id,
                supplier_partner_id=supplier_id,
                document_no=doc,
                token_id=principal.token_id,
            )
            await ShippingNoticeLine.bulk_create(
                [
                    ShippingNoticeLine(
                        manufacturer_id=m,
                        notice_id=notice.id,
                        order_line_id=p.line.id,
                        order_id=p.line.order_id,
                        warehouse_id=p.warehouse_id,
                        product_id=p.product.id,
                        quantity=p.quantity,
                        serials=p.serials,
                        batch_no=p.batch_no,
                    )
                    for p in picks
                ]
            )
            await _consume(notice, picks, supplier_id, rows, principal.token_id)
            if supplier_id is None:
                shipment = await shipments.record_shipment(
                    principal,
                    partner_code=customer.code,
                    warehouse_code=ship_to.code,
                    document_no=doc,
                    shipped_on=day,
                    lines=[
                        LineInput(p.product.sku, p.quantity, p.serials, p.batch_no) for p in picks
                    ],
                    source="ORDER",
                )
                notice.shipment_id = shipment.id
                # The partner's WBS buffers at those warehouses give up what it received.
                await consume_by_shipment(
                    notice,
                    [(p.warehouse_id, p.product.id, p.quantity) for p in picks if p.warehouse_id],
                    day,
                )
            else:
                transfer_ids = []
                by_source: dict[int, list[Pick]] = defaultdict(list)
                for p in picks:
                    by_source[p.warehouse_id or 0].append(p)
                codes = dict(
                    await Warehouse.filter(manufacturer_id=m, id__in=list(by_source)).values_list(
                        "id", "code"
                    )
                )
                for warehouse_id, group in sorted(by_source.items()):
                    transfer = await transfers.raise_transfer(
                        principal,
                        from_warehouse_code=codes[warehouse_id],
                        to_warehouse_code=ship_to.code,
                        to_partner_code=customer.code,
                        lines=[
                            LineInput(p.product.sku, p.quantity, p.serials, p.batch_no)
                            for p in group
                        ],
                        approved=True,
                    )
                    await transfers.ship_transfer(principal, transfer.id, shipped_on=day)
                    transfer_ids.append(transfer.id)
                notice.transfer_id = transfer_ids[0]
                notice.transfer_ids = transfer_ids
            await save_fields(notice, "shipment_id", "transfer_id", "transfer_ids")
            await _advance(orders, picks)
            await complete_received(m, first.partner_id, supplier_id, first.ship_to_warehouse_id)
        return notice

    return await idempotent(
        principal,
        "createShippingNotice",
        idempotency_key,
        request,
        create=create,
        model=ShippingNotice,
    )


async def _consume(
    notice: ShippingNotice,
    picks: list[Pick],
    supplier_id: int | None,
    rows: dict[tuple[int, int], SupplyStock],
    token_id: int | None,
) -> None:
    """Shipped quantities leave their reservations (and a manufacturer warehouse's on hand,
    per batch for a batch-controlled SKU);
    ``rows``: the orders' supply rows, locked."""
    reserved = [p for p in picks if p.reserved and p.warehouse_id is not None]
    changes: dict[tuple[int, int], int] = defaultdict(int)
    for p in reserved:
        pair = (p.warehouse_id or 0, p.product.id)
        changes[pair] -= p.quantity
        await add_reservation(p.line, p.warehouse_id or 0, -p.quantity)
    await set_reserved(rows, changes)
    if supplier_id is None:
        moved: dict[tuple[tuple[int, int], str | None], int] = defaultdict(int)
        for p in reserved:
            moved[((p.warehouse_id or 0, p.product.id), p.batch_no)] -= p.quantity
        for (pair, batch_no), delta in sorted(
            moved.items(), key=lambda m: (m[0][0], m[0][1] or "")
        ):
            await move_supply(
                rows[pair],
                delta,
                reason="SHIPPED",
                source=("SHIPPING_NOTICE", notice.id),
                token_id=token_id,
                batch_no=batch_no,
                field=["lines"],
            )


async def _advance(orders: list[Order], picks: list[Pick]) -> None:
    """Lines count what shipped; orders become ``PARTIALLY_SHIPPED`` or ``SHIPPED``."""
    shipped: dict[int, int] = defaultdict(int)
    lines: dict[int, OrderLine] = {}
    for p in picks:
        shipped[p.line.id] += p.quantity
        lines[p.line.id] = p.line
    for line_id, quantity in shipped.items():
        line = lines[line_id]
        line.shipped += quantity
        await OrderLine.filter(manufacturer_id=line.manufacturer_id, id=line.id).update(
            shipped=line.shipped, reserved=line.reserved
        )
    for order in orders:
        if not any(p.line.order_id == order.id for p in picks):
            continue
        all_lines = await OrderLine.filter(manufacturer_id=order.manufacturer_id, order_id=order.id)
        done = all(line.shipped >= line.quantity for line in all_lines)
        order.status = OrderStatus.SHIPPED if done else OrderStatus.PARTIALLY_SHIPPED
        await save_fields(order, "status")
        await announce(order, "order.shipped")


def visible_notices(
    principal: Principal, partner_id: int | None = None
) -> QuerySet[ShippingNotice]:
    """The manufacturer's shipping notices; for a partner those it received and those it
    issued as a supplier (a distributor shipping its resellers' orders)."""
    principal.require(Action.VIEW_INVENTORY)
    found = ShippingNotice.filter(manufacturer_id=principal.manufacturer_id)
    if principal.is_partner:
        found = found.filter(
            Q(partner_id=principal.partner_id) | Q(supplier_partner_id=principal.partner_id)
        )
    if partner_id is not None:
        found = found.filter(partner_id=partner_id)
    return found


async def lines_of_notice(notice: ShippingNotice) -> list[ShippingNoticeLine]:
    return list(
        await ShippingNoticeLine.filter(
            manufacturer_id=notice.manufacturer_id, notice_id=notice.id
        ).order_by("id")
    )
