"""Returns of ordered goods: against orders, a shipment, or source-free, per settings.

    stock_return = await request_return(
        principal, order_ids=[7], lines=[ReturnLineInput("SKU-A", 2, reason="damaged")]
    )

The return is the ledger's return document (``StockReturn``): receiving it posts
``RETURN_TO_MANUFACTURER`` like any return. Orders a reseller placed with its distributor
go back to that distributor (``to_partner_id``), into the warehouse that shipped them
(the first of their shipping notices' source warehouses); the distributor receives them
into its ledger (``CUSTOMER_RETURN``) and no exchange is offered for them.

Against orders (``returnsAgainstOrders``) the quantity is spread over the orders' lines,
oldest first, never more than shipped - returned (``RETURN_EXCEEDS_SHIPPED``), and
``OrderLine.returned`` counts it at once (a cancelled return gives it back). Against a
shipment (``returnsAgainstShipments``) never more than the shipment's quantity less its
other returns, and, for a shipment of a shipping notice, also within its order lines.
Source-free (``sourceFreeReturns``) names the warehouse. Serials must be among those
shipped to the partner (by the source documents; source-free: the partner's units), and
so must a batch (``BATCH_MISMATCH``; source-free: the warehouse must hold it).
``exchange`` (``exchanges`` on) records the replacement shipment of the same quantities
in the same document.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.text import CODE, clean_text
from portal.domain.catalog.lookups import get_warehouse
from portal.domain.catalog.tenants import settings_of
from portal.domain.contracts.receipts import SOURCE as CONTRACT_SOURCE
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.ledger import shipments
from portal.domain.ledger.shipments import (
    CleanLine,
    LineInput,
    clean_lines,
    require_lines_in_stock,
)
from portal.domain.orders.orders import visible_orders
from portal.domain.tenancy import save_fields
from portal.models import (
    Order,
    OrderLine,
    OutboxEvent,
    Partner,
    Product,
    SerialUnit,
    Shipment,
    ShipmentLine,
    ShippingNotice,
    ShippingNoticeLine,
    StockReturn,
    StockReturnLine,
    Warehouse,
)
from portal.models.enums import OrderStatus, ReturnStatus, Role, ShipmentStatus

RETURNABLE = frozenset({OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.COMPLETED})
MAX_RETURN_ORDERS = 50


@dataclass
class ReturnLineInput:
    sku: str
    quantity: int
    serials: list[str] = field(default_factory=list)
    reason: str = ""
    batch_no: str | None = None


@dataclass
class Part:
    """What one return line takes: of a product, of an order line (or none)."""

    product: Product
    quantity: int
    serials: list[str]
    order_line: OrderLine | None
    index: int  # of the input line


async def request_return(
    principal: Principal,
    *,
    lines: list[ReturnLineInput],
    order_ids: list[int] | None = None,
    shipment_id: int | None = None,
    warehouse_code: str | None = None,
    exchange: bool = False,
    rma_no: str = "",
    idempotency_key: str | None = None,
) -> StockReturn:
    principal.require(Action.MOVE_STOCK)
    request: dict[str, Any] = {
        "orders": sorted(order_ids or []),
        "shipment": shipment_id,
        "warehouse": warehouse_code,
        "lines": [vars(line) for line in lines],
        "exchange": exchange,
        "rma": rma_no,
    }

    async def create() -> StockReturn:
        m = principal.manufacturer_id
        settings = await settings_of(m)
        if order_ids and shipment_id is not None:
            raise DomainError(
                ErrorCode.INVALID, "Return against orders or a shipment, not both.", ["shipmentId"]
            )
        source = "ORDER" if order_ids else "SHIPMENT" if shipment_id is not None else "NONE"
        allowed = {
            "ORDER": settings.returns_against_orders,
            "SHIPMENT": settings.returns_against_shipments,
            "NONE": settings.source_free_returns,
        }[source]
        if not allowed:
            raise DomainError(
                ErrorCode.INVALID_STATE,
                f"Returns {_KINDS[source]} are not enabled.",
                [_FIELDS[source]],
            )
        if exchange and not settings.exchanges:
            raise DomainError(ErrorCode.INVALID_STATE, "Exchanges are not enabled.", ["exchange"])
        rma = clean_text(rma_no, "rmaNo", max_length=CODE, required=False)
        cleaned = await clean_lines(
            principal, [LineInput(ln.sku, ln.quantity, ln.serials, ln.batch_no) for ln in lines]
        )
        reasons = [
            clean_text(ln.reason, ["lines", str(i), "reason"], max_length=200, required=False)
            for i, ln in enumerate(lines)
        ]
        if exchange and any(ln.product.serial_controlled for ln in cleaned):
            raise DomainError(
                ErrorCode.INVALID,
                "An exchange of serial-controlled SKUs is not supported; return them instead.",
                ["exchange"],
            )
        destination: tuple[int | None, int | None] = (None, None)
        async with in_transaction():
            if source == "ORDER":
                warehouse, parts, destination = await _against_orders(
                    principal, order_ids or [], cleaned
                )
                if exchange and destination[0] is not None:
                    raise DomainError(
                        ErrorCode.INVALID,
                        "Goods ordered from a partner supplier are returned, not exchanged.",
                        ["exchange"],
                    )
            elif source == "SHIPMENT":
                warehouse, parts = await _against_shipment(principal, shipment_id or 0, cleaned)
            else:
                warehouse, parts = await _source_free(principal, warehouse_code, cleaned)
            await require_lines_in_stock(m, warehouse.id, cleaned)
            stock_return = await StockReturn.create(
                manufacturer_id=m,
                partner_id=warehouse.partner_id,
                warehouse=warehouse,
                rma_no=rma,
                source=source,
                order_ids=sorted(set(order_ids or [])),
                shipment_id=shipment_id,
                exchange=exchange,
                to_partner_id=destination[0],
                to_warehouse_id=destination[1],
            )
            await StockReturnLine.bulk_create(
                [
                    StockReturnLine(
                        manufacturer_id=m,
                        stock_return=stock_return,
                        product=part.product,
                        quantity=part.quantity,
                        serials=part.serials,
                        batch_no=cleaned[part.index].batch_no,
                        order_line_id=part.order_line.id if part.order_line else None,
                        reason=reasons[part.index],
                    )
                    for part in parts
                ]
            )
            for part in parts:
                if part.order_line is not None:
                    await OrderLine.filter(manufacturer_id=m, id=part.order_line.id).update(
                        returned=part.order_line.returned
                    )
            if exchange:
                stock_return.replacement_shipment_id = await _replacement(
                    principal, stock_return, warehouse, cleaned
                )
                await save_fields(stock_return, "replacement_shipment_id")
            await _announce(stock_return)
        return stock_return

    return await idempotent(
        principal, "requestReturn", idempotency_key, request, create=create, model=StockReturn
    )


@dataclass(frozen=True)
class ReturnOptions:
    """Which returns the manufacturer's settings allow: what a return form offers."""

    against_orders: bool
    against_shipments: bool
    source_free: bool
    exchanges: bool


async def return_options(principal: Principal) -> ReturnOptions:
    """The return settings, readable by every principal that may see inventory (a
    partner may not read ``settings`` but its return form needs these four)."""
    principal.require(Action.VIEW_INVENTORY)
    settings = await settings_of(principal.manufacturer_id)
    return ReturnOptions(
        against_orders=settings.returns_against_orders,
        against_shipments=settings.returns_against_shipments,
        source_free=settings.source_free_returns,
        exchanges=settings.exchanges,
    )


_KINDS = {"ORDER": "against orders", "SHIPMENT": "against shipments", "NONE": "without a source"}
_FIELDS = {"ORDER": "orderIds", "SHIPMENT": "shipmentId", "NONE": "warehouseCode"}

Cleaned = list[CleanLine]


def _exceeds(product: Product, available: int, index: int) -> DomainError:
    return DomainError(
        ErrorCode.RETURN_EXCEEDS_SHIPPED,
        f"At most {max(available, 0)} of {product.sku} can be returned (shipped less returned).",
        ["lines", str(index), "quantity"],
    )


def _require_shipped_serials(
    product: Product, serials: list[str], shipped: set[str], index: int
) -> None:
    strangers = [s for s in serials if s not in shipped]
    if strangers:
        raise DomainError(
            ErrorCode.SERIALS_MISMATCH,
            f"{product.sku} {', '.join(strangers[:5])} was not shipped to the partner here.",
            ["lines", str(index), "serials"],
        )


def _require_shipped_batch(
    product: Product, batch_no: str | None, shipped: Shipped, index: int
) -> None:
    """A returned batch is one the source documents shipped of that product."""
    if batch_no is not None and batch_no not in shipped.get(product.id, {}):
        raise DomainError(
            ErrorCode.BATCH_MISMATCH,
            f"{product.sku} batch {batch_no} was not shipped to the partner here.",
            ["lines", str(index), "batchNo"],
        )


Shipped = dict[int, dict[str, set[int]]]  # product -> batch -> order lines that shipped it


def _spread(
    product: Product,
    quantity: int,
    serials: list[str],
    order_lines: list[OrderLine],
    index: int,
    shipped_with: set[int] | None = None,
) -> list[Part]:
    """Take ``quantity`` from the order lines of the product, oldest first (those that
    shipped the returned batch, ``shipped_with``, before the others)."""
    candidates = sorted(
        (ln for ln in order_lines if ln.product_id == product.id),
        key=lambda ln: ln.id not in (shipped_with or set()),
    )
    available = sum(ln.shipped - ln.returned for ln in candidates)
    if quantity > available:
        raise _exceeds(product, available, index)
    parts = []
    left = quantity
    for line in candidates:
        take = min(line.shipped - line.returned, left)
        if take > 0:
            line.returned += take
            parts.append(Part(product, take, serials[:take], line, index))
            serials = serials[take:]
            left -= take
    return parts


async def _order_lines_locked(m: int, order_ids: list[int]) -> list[OrderLine]:
    query = OrderLine.filter(manufacturer_id=m, order_id__in=order_ids).order_by(
        "order_id", "line_no"
    )
    if is_postgres():
        query = query.select_for_update()
    return list(await query)


async def _notice_shipped(m: int, order_line_ids: list[int]) -> tuple[set[str], Shipped]:
    """The serials and the batches (with the order lines that shipped them) of the order
    lines' shipping notices."""
    serials: set[str] = set()
    batches: Shipped = defaultdict(lambda: defaultdict(set))
    for row in await ShippingNoticeLine.filter(
        manufacturer_id=m, order_line_id__in=order_line_ids
    ).values("serials", "batch_no", "product_id", "order_line_id"):
        serials.update(row["serials"])
        if row["batch_no"] is not None:
            batches[int(row["product_id"])][row["batch_no"]].add(int(row["order_line_id"]))
    return serials, batches


async def _against_orders(
    principal: Principal, order_ids: list[int], cleaned: Cleaned
) -> tuple[Warehouse, list[Part], tuple[int | None, int | None]]:
    m = principal.manufacturer_id
    if len(set(order_ids)) > MAX_RETURN_ORDERS:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_RETURN_ORDERS} orders.", ["orderIds"])
    query = visible_orders(principal).filter(id__in=sorted(set(order_ids))).order_by("id")
    if principal.is_partner:
        query = query.filter(partner_id=principal.partner_id)  # the buyer returns
    if is_postgres():
        query = query.select_for_update()
    orders: list[Order] = list(await query)
    if len(orders) != len(set(order_ids)):
        raise DomainError(ErrorCode.NOT_FOUND, "No such order.", ["orderIds"])
    first = orders[0]
    for order in orders:
        if order.status not in RETURNABLE:
            raise DomainError(
                ErrorCode.INVALID_STATE,
                f"Order {order.id} is {order.status.value}: nothing shipped to return.",
                ["orderIds"],
            )
        if (order.partner_id, order.ship_to_warehouse_id, order.supplier_partner_id) != (
            first.partner_id,
            first.ship_to_warehouse_id,
            first.supplier_partner_id,
        ):
            raise DomainError(
                ErrorCode.INVALID,
                "One return covers orders of one partner, supplier and ship-to warehouse.",
                ["orderIds"],
            )
    warehouse = await Warehouse.get(manufacturer_id=m, id=first.ship_to_warehouse_id)
    order_lines = await _order_lines_locked(m, [o.id for o in orders])
    shipped_serials, shipped_batches = await _notice_shipped(m, [ln.id for ln in order_lines])
    parts: list[Part] = []
    for index, (product, quantity, serials, batch_no) in enumerate(cleaned):
        _require_shipped_serials(product, serials, shipped_serials, index)
        _require_shipped_batch(product, batch_no, shipped_batches, index)
        shipped_with = shipped_batches[product.id][batch_no] if batch_no else set()
        parts.extend(_spread(product, quantity, serials, order_lines, index, shipped_with))
    destination: tuple[int | None, int | None] = (None, None)
    if first.supplier_partner_id is not None:
        source_warehouse = (
            await ShippingNoticeLine.filter(
                manufacturer_id=m,
                order_id__in=[o.id for o in orders],
                warehouse_id__isnull=False,
            )
            .order_by("id")
            .first()
            .values_list("warehouse_id", flat=True)
        )
        if source_warehouse is None:
            raise DomainError(
                ErrorCode.INVALID_STATE, "Nothing of these orders has shipped.", ["orderIds"]
            )
        destination = (first.supplier_partner_id, int(str(source_warehouse)))
    return warehouse, parts, destination


async def _against_shipment(
    principal: Principal, shipment_id: int, cleaned: Cleaned
) -> tuple[Warehouse, list[Part]]:
    m = principal.manufacturer_id
    query = shipments.visible_shipments(principal).filter(id=shipment_id)
    if is_postgres():
        query = query.select_for_update()
    shipment = await query.first()
    if shipment is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such shipment.", ["shipmentId"])
    if shipment.status is not ShipmentStatus.RECEIVED:
        raise DomainError(
            ErrorCode.INVALID_STATE, "Only a received shipment can be returned.", ["shipmentId"]
        )
    if shipment.source == CONTRACT_SOURCE:
        raise DomainError(
            ErrorCode.INVALID,
            "An inventory contract's shipment goes back by returnContractStock.",
            ["shipmentId"],
        )
    shipped: dict[int, int] = defaultdict(int)
    shipped_serials: set[str] = set()
    shipped_batches: Shipped = defaultdict(dict)
    for line in await ShipmentLine.filter(manufacturer_id=m, shipment_id=shipment.id):
        shipped[line.product_id] += line.quantity
        shipped_serials.update(line.serials)
        if line.batch_no is not None:
            shipped_batches[line.product_id][line.batch_no] = set()
    returned: dict[int, int] = defaultdict(int)
    earlier = await StockReturn.filter(manufacturer_id=m, shipment_id=shipment.id).exclude(
        status=ReturnStatus.CANCELLED
    )
    for earlier_line in await StockReturnLine.filter(
        manufacturer_id=m, stock_return_id__in=[r.id for r in earlier]
    ):
        returned[earlier_line.product_id] += earlier_line.quantity
    notice = await ShippingNotice.get_or_none(manufacturer_id=m, shipment_id=shipment.id)
    order_lines: list[OrderLine] = []
    if notice is not None:
        rows = await ShippingNoticeLine.filter(manufacturer_id=m, notice_id=notice.id).values(
            "order_id", "order_line_id"
        )
        ids = {int(r["order_line_id"]) for r in rows}
        locked = await _order_lines_locked(m, sorted({int(r["order_id"]) for r in rows}))
        order_lines = [ln for ln in locked if ln.id in ids]
    parts: list[Part] = []
    taken: dict[int, int] = defaultdict(int)
    for index, (product, quantity, serials, batch_no) in enumerate(cleaned):
        _require_shipped_serials(product, serials, shipped_serials, index)
        _require_shipped_batch(product, batch_no, shipped_batches, index)
        taken[product.id] += quantity
        available = shipped[product.id] - returned[product.id]
        if taken[product.id] > available:
            raise _exceeds(product, available - (taken[product.id] - quantity), index)
        if notice is not None:
            parts.extend(_spread(product, quantity, serials, order_lines, index))
        else:
            parts.append(Part(product, quantity, serials, None, index))
    warehouse = await Warehouse.get(manufacturer_id=m, id=shipment.warehouse_id)
    return warehouse, parts


async def _source_free(
    principal: Principal, warehouse_code: str | None, cleaned: Cleaned
) -> tuple[Warehouse, list[Part]]:
    if not warehouse_code:
        raise DomainError(
            ErrorCode.REQUIRED, "warehouseCode: the warehouse the goods leave.", ["warehouseCode"]
        )
    warehouse = await get_warehouse(principal, warehouse_code)
    if warehouse.partner_id is None:
        raise DomainError(
            ErrorCode.INVALID, "Returns leave a partner warehouse.", ["warehouseCode"]
        )
    parts = []
    for index, (product, quantity, serials, _) in enumerate(cleaned):
        if serials:
            held = await SerialUnit.filter(
                manufacturer_id=principal.manufacturer_id,
                product_id=product.id,
                serial__in=serials,
                warehouse_id__in=await Warehouse.filter(
                    manufacturer_id=principal.manufacturer_id, partner_id=warehouse.partner_id
                ).values_list("id", flat=True),
            ).values_list("serial", flat=True)
            _require_shipped_serials(product, serials, {str(s) for s in held}, index)
        parts.append(Part(product, quantity, serials, None, index))
    return warehouse, parts


async def _replacement(
    principal: Principal, stock_return: StockReturn, warehouse: Warehouse, cleaned: Cleaned
) -> int:
    """The exchange's replacement: a sell-in shipment of the same quantities, received per
    the receipt mode; its document number is ``RX-`` and the return's id."""
    m = principal.manufacturer_id
    partner = await Partner.get(manufacturer_id=m, id=warehouse.partner_id)
    shipper = Principal(m, Role.SHIPPING, token_id=principal.token_id)
    shipment: Shipment = await shipments.record_shipment(
        shipper,
        partner_code=partner.code,
        warehouse_code=warehouse.code,
        document_no=f"RX-{stock_return.id:06d}",
        shipped_on=stock_return.created_at.date(),
        lines=[LineInput(ln.product.sku, ln.quantity, batch_no=ln.batch_no) for ln in cleaned],
        source="EXCHANGE",
    )
    return int(shipment.id)


async def _code_of(manufacturer_id: int, partner_id: int | None) -> str | None:
    if partner_id is None:
        return None
    partner = await Partner.get(manufacturer_id=manufacturer_id, id=partner_id)
    return partner.code


async def _announce(stock_return: StockReturn) -> None:
    await OutboxEvent.create(
        manufacturer_id=stock_return.manufacturer_id,
        dedupe_key=f"return.requested:{stock_return.id}",
        event_type="return.requested",
        payload={
            "returnId": str(stock_return.id),
            "source": stock_return.source,
            "orderIds": [str(i) for i in stock_return.order_ids],
            "shipmentId": str(stock_return.shipment_id) if stock_return.shipment_id else None,
            "exchange": stock_return.exchange,
            "toPartnerCode": await _code_of(
                stock_return.manufacturer_id, stock_return.to_partner_id
            ),
            "replacementShipmentId": (
                str(stock_return.replacement_shipment_id)
                if stock_return.replacement_shipment_id
                else None
            ),
        },
    )


async def release_returned(stock_return: StockReturn) -> None:
    """A cancelled return gives its quantities back to its order lines; an exchange whose
    replacement has shipped cannot be cancelled."""
    if stock_return.replacement_shipment_id is not None:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "The exchange's replacement has shipped; receive the return instead.",
            ["id"],
        )
    m = stock_return.manufacturer_id
    taken: dict[int, int] = defaultdict(int)
    for line in await StockReturnLine.filter(
        manufacturer_id=m, stock_return_id=stock_return.id, order_line_id__isnull=False
    ):
        taken[int(line.order_line_id or 0)] += line.quantity
    if not taken:
        return
    query = OrderLine.filter(manufacturer_id=m, id__in=sorted(taken)).order_by("id")
    if is_postgres():
        query = query.select_for_update()
    for order_line in await query:
        await OrderLine.filter(manufacturer_id=m, id=order_line.id).update(
            returned=order_line.returned - taken[order_line.id]
        )
