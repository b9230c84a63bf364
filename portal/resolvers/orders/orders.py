"""Resolvers of availability, orders and supply stock."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from portal.domain.catalog.lookups import partner_scope
from portal.domain.orders import availability as supply_view
from portal.domain.orders import notices, orders, supply
from portal.domain.pagination import paginate
from portal.models import Order as OrderModel
from portal.models.enums import OrderStatus as OrderStatusModel
from portal.resolvers.helpers import object_id, page_limit
from portal.schema.common import Connection, UserError, attempt, to_connection
from portal.schema.orders.types import (
    AdjustReservationInput,
    AdjustSupplyStockInput,
    Availability,
    CreateShippingNoticeInput,
    Order,
    OrderActionInput,
    OrderPayload,
    OrderStatus,
    PlaceOrderInput,
    ShippingNotice,
    ShippingNoticePayload,
    SupplyStock,
    SupplyStockPayload,
)


async def resolve_availability(
    info: Info,
    sku: str,
    supplier_partner_code: str | None = None,
    warehouse_code: str | None = None,
) -> list[Availability]:
    rows, _ = await attempt(
        lambda: supply_view.availability(
            info.context.principal,
            sku=sku,
            supplier_code=supplier_partner_code,
            warehouse_code=warehouse_code,
        )
    )
    return [Availability.from_row(r) for r in rows or []]


async def resolve_orders(
    info: Info,
    partner_code: str | None = None,
    status: OrderStatus | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[Order]:
    principal = info.context.principal
    partner_id = await partner_scope(principal, partner_code) if partner_code else None
    query = orders.visible_orders(
        principal, OrderStatusModel(status.value) if status else None, partner_id
    )
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, Order.from_model, after)


async def resolve_order(info: Info, id: strawberry.ID) -> Order | None:
    found, _ = await attempt(lambda: orders.get_order(info.context.principal, object_id(id)))
    return Order.from_model(found) if found is not None else None


def _payload(order: OrderModel | None, errors: list[UserError]) -> OrderPayload:
    return OrderPayload(order=Order.from_model(order) if order is not None else None, errors=errors)


async def place_order(info: Info, input: PlaceOrderInput) -> OrderPayload:
    order, errors = await attempt(
        lambda: orders.place_order(
            info.context.principal,
            supplier_code=input.supplier_partner_code,
            supply_warehouse_code=input.supply_warehouse_code,
            ship_to_warehouse_code=input.ship_to_warehouse_code,
            partner_code=input.partner_code,
            lines=[
                orders.OrderLineInput(line.sku, line.quantity, line.batch_no)
                for line in input.lines
            ],
            idempotency_key=input.idempotency_key,
        )
    )
    return _payload(order, errors)


async def confirm_order(info: Info, input: OrderActionInput) -> OrderPayload:
    order, errors = await attempt(
        lambda: orders.confirm_order(info.context.principal, object_id(input.id))
    )
    return _payload(order, errors)


async def reject_order(info: Info, input: OrderActionInput) -> OrderPayload:
    order, errors = await attempt(
        lambda: orders.reject_order(info.context.principal, object_id(input.id), input.reason)
    )
    return _payload(order, errors)


async def cancel_order(info: Info, input: OrderActionInput) -> OrderPayload:
    order, errors = await attempt(
        lambda: orders.cancel_order(info.context.principal, object_id(input.id), input.reason)
    )
    return _payload(order, errors)


async def adjust_reservation(info: Info, input: AdjustReservationInput) -> OrderPayload:
    order, errors = await attempt(
        lambda: orders.adjust_reservation(
            info.context.principal,
            object_id(input.id),
            [
                orders.ReservationInput(
                    line.sku,
                    line.warehouse_code,
                    line.quantity,
                    object_id(line.order_line_id) if line.order_line_id is not None else None,
                    line.batch_no,
                )
                for line in input.lines
            ],
        )
    )
    return _payload(order, errors)


async def adjust_supply_stock(info: Info, input: AdjustSupplyStockInput) -> SupplyStockPayload:
    row, errors = await attempt(
        lambda: supply.adjust_supply(
            info.context.principal,
            warehouse_code=input.warehouse_code,
            sku=input.sku,
            quantity=input.quantity,
            reason=input.reason,
            batch_no=input.batch_no,
        )
    )
    return SupplyStockPayload(
        supply_stock=SupplyStock.from_model(row) if row is not None else None, errors=errors
    )


async def create_shipping_notice(
    info: Info, input: CreateShippingNoticeInput
) -> ShippingNoticePayload:
    notice, errors = await attempt(
        lambda: notices.create_shipping_notice(
            info.context.principal,
            order_ids=[object_id(i) for i in input.order_ids],
            document_no=input.document_no,
            lines=[
                notices.NoticeLineInput(
                    object_id(line.order_line_id), line.quantity, list(line.serials), line.batch_no
                )
                for line in input.lines
            ],
            shipped_on=input.shipped_on,
            from_warehouse_code=input.from_warehouse_code,
            idempotency_key=input.idempotency_key,
        )
    )
    return ShippingNoticePayload(
        shipping_notice=ShippingNotice.from_model(notice) if notice is not None else None,
        errors=errors,
    )


async def resolve_shipping_notices(
    info: Info,
    partner_code: str | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[ShippingNotice]:
    principal = info.context.principal
    partner_id = await partner_scope(principal, partner_code) if partner_code else None
    query = notices.visible_notices(principal, partner_id)
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, ShippingNotice.from_model, after)
