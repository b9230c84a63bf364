"""Graph types of supplier availability, orders and their lines."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.types import Info

from portal.domain.orders.availability import AvailabilityRow
from portal.domain.orders.events import order_number
from portal.models import Order as OrderModel
from portal.models import OrderLine as OrderLineModel
from portal.models import Reservation as ReservationModel
from portal.models import Shipment as ShipmentModel
from portal.models import ShippingNotice as ShippingNoticeModel
from portal.models import SupplyStock as SupplyStockModel
from portal.models import enums
from portal.schema.common import UserError
from portal.schema.enums import OrderingMode
from portal.schema.ledger.inventory import AtWarehouse, DeliveryDifference, code_of

OrderStatus = enums.OrderStatus
strawberry.enum(OrderStatus)


@strawberry.type(description="Stock of one batch at a partner supplier's warehouse.")
class BatchAvailability:
    batch_no: str
    on_hand: int
    reserved: int = strawberry.field(description="Held for order lines asking for this batch.")
    available: int = strawberry.field(
        description="On hand - reserved, at most the warehouse's available (never below zero)."
    )


@strawberry.type
class Availability:
    warehouse_code: str
    on_hand: int
    reserved: int = strawberry.field(description="Held for orders.")
    available: int = strawberry.field(
        description="On hand - reserved - held for others (never below zero)."
    )
    batches: list[BatchAvailability] = strawberry.field(
        description="Per batch, for a batch-controlled SKU at a partner supplier (the "
        "manufacturer's supply stock is not kept per batch)."
    )

    @classmethod
    def from_row(cls, row: AvailabilityRow) -> Availability:
        return cls(
            warehouse_code=row.warehouse_code,
            on_hand=row.on_hand,
            reserved=row.reserved,
            available=row.available,
            batches=[
                BatchAvailability(
                    batch_no=b.batch_no,
                    on_hand=b.on_hand,
                    reserved=b.reserved,
                    available=b.available,
                )
                for b in row.batches
            ],
        )


@strawberry.type
class SupplyStock(AtWarehouse):
    on_hand: int
    reserved: int

    @classmethod
    def from_model(cls, s: SupplyStockModel) -> SupplyStock:
        return cls(on_hand=s.on_hand, reserved=s.reserved, ids=(s.warehouse_id, s.product_id))


@strawberry.type
class OrderReservation:
    quantity: int
    warehouse_id: strawberry.Private[int]

    @strawberry.field
    async def warehouse_code(self, info: Info) -> str:
        return await code_of(info, "warehouse", self.warehouse_id) or ""

    @classmethod
    def from_model(cls, r: ReservationModel) -> OrderReservation:
        return cls(quantity=r.quantity, warehouse_id=r.warehouse_id)


@strawberry.type
class OrderLine:
    id: strawberry.ID
    quantity: int
    reserved: int
    shipped: int
    backordered: int
    returned: int
    batch_no: str | None = strawberry.field(description="The batch asked for, if any.")
    pk: strawberry.Private[int]
    product_id: strawberry.Private[int]

    @strawberry.field
    async def sku(self, info: Info) -> str:
        return await code_of(info, "product", self.product_id, "sku") or ""

    @strawberry.field(description="What is reserved, per supplier warehouse.")
    async def reservations(self, info: Info) -> list[OrderReservation]:
        rows = await info.context.loaders.orders.reservations.load(self.pk)
        return [OrderReservation.from_model(r) for r in rows]

    @classmethod
    def from_model(cls, line: OrderLineModel) -> OrderLine:
        return cls(
            id=strawberry.ID(str(line.id)),
            quantity=line.quantity,
            reserved=line.reserved,
            shipped=line.shipped,
            backordered=line.backordered,
            returned=line.returned,
            batch_no=line.batch_no,
            pk=line.id,
            product_id=line.product_id,
        )


@strawberry.type
class Order:
    id: strawberry.ID
    number: str
    status: OrderStatus
    mode: OrderingMode
    reason: str | None
    created_at: datetime.datetime
    pk: strawberry.Private[int]
    ids: strawberry.Private[tuple[int, int | None, int | None, int]]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        return await code_of(info, "partner", self.ids[0]) or ""

    @strawberry.field(description="Null: the manufacturer.")
    async def supplier_partner_code(self, info: Info) -> str | None:
        return await code_of(info, "partner", self.ids[1])

    @strawberry.field(description="The supplying warehouse of a single-warehouse order.")
    async def supply_warehouse_code(self, info: Info) -> str | None:
        return await code_of(info, "warehouse", self.ids[2])

    @strawberry.field
    async def ship_to_warehouse_code(self, info: Info) -> str:
        return await code_of(info, "warehouse", self.ids[3]) or ""

    @strawberry.field
    async def lines(self, info: Info) -> list[OrderLine]:
        rows = await info.context.loaders.orders.lines.load(self.pk)
        return [OrderLine.from_model(line) for line in rows]

    @classmethod
    def from_model(cls, o: OrderModel) -> Order:
        return cls(
            id=strawberry.ID(str(o.id)),
            number=order_number(o.id),
            status=o.status,
            mode=o.mode,
            reason=o.reason,
            created_at=o.created_at,
            pk=o.id,
            ids=(
                o.partner_id,
                o.supplier_partner_id,
                o.supply_warehouse_id,
                o.ship_to_warehouse_id,
            ),
        )


@strawberry.input
class OrderLineInput:
    sku: str
    quantity: int
    batch_no: str | None = strawberry.field(
        default=None, description="A batch of a batch-controlled SKU: reserved from that batch."
    )


@strawberry.input
class PlaceOrderInput:
    ship_to_warehouse_code: str
    lines: list[OrderLineInput]
    supplier_partner_code: str | None = strawberry.field(
        default=None, description="Null: the manufacturer; else the ordering partner's parent."
    )
    supply_warehouse_code: str | None = strawberry.field(
        default=None, description="Required in SINGLE_WAREHOUSE ordering mode."
    )
    partner_code: str | None = strawberry.field(
        default=None, description="Manufacturer principals: the ordering partner."
    )
    idempotency_key: str | None = None


@strawberry.input
class OrderActionInput:
    id: strawberry.ID
    reason: str | None = None


@strawberry.input
class ReservationLineInput:
    sku: str
    warehouse_code: str
    quantity: int = strawberry.field(description="The new reserved quantity (0 releases).")
    order_line_id: strawberry.ID | None = strawberry.field(
        default=None, description="The line, where the order has several lines of the SKU."
    )
    batch_no: str | None = strawberry.field(
        default=None, description="Or the SKU's line asking for this batch."
    )


@strawberry.input
class AdjustReservationInput:
    id: strawberry.ID
    lines: list[ReservationLineInput]


@strawberry.input
class AdjustSupplyStockInput:
    warehouse_code: str
    sku: str
    quantity: int = strawberry.field(description="Signed change of on hand.")
    reason: str = strawberry.field(description="RECEIPT COUNT DAMAGE ERP OTHER")
    batch_no: str | None = strawberry.field(
        default=None,
        description="The batch changed: required for a batch-controlled SKU, refused otherwise.",
    )


@strawberry.type
class OrderPayload:
    order: Order | None
    errors: list[UserError]


@strawberry.type
class SupplyStockPayload:
    supply_stock: SupplyStock | None
    errors: list[UserError]


@strawberry.type
class ShippingNoticeLine:
    order_line_id: strawberry.ID
    order_id: strawberry.ID
    quantity: int
    serials: list[str]
    batch_no: str | None
    ids: strawberry.Private[tuple[int, int | None]]

    @strawberry.field
    async def sku(self, info: Info) -> str:
        return await code_of(info, "product", self.ids[0], "sku") or ""

    @strawberry.field(description="The supplier warehouse it shipped from (null: not tracked).")
    async def warehouse_code(self, info: Info) -> str | None:
        return await code_of(info, "warehouse", self.ids[1])


@strawberry.type
class ShippingNotice:
    id: strawberry.ID
    document_no: str
    shipment_id: strawberry.ID | None = strawberry.field(
        description="The sell-in shipment (from the manufacturer)."
    )
    transfer_ids: list[strawberry.ID] = strawberry.field(
        description="The transfers, one per source warehouse (from a partner supplier)."
    )
    created_at: datetime.datetime
    pk: strawberry.Private[int]
    partner_id: strawberry.Private[int]
    supplier_partner_id: strawberry.Private[int | None]
    shipment_pk: strawberry.Private[int | None]
    transfer_pks: strawberry.Private[list[int]]
    notice_delivered_on: strawberry.Private[datetime.date | None]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        return await code_of(info, "partner", self.partner_id) or ""

    @strawberry.field(description="The partner supplier that shipped (null: the manufacturer).")
    async def supplier_partner_code(self, info: Info) -> str | None:
        return await code_of(info, "partner", self.supplier_partner_id)

    async def _shipment(self, info: Info) -> ShipmentModel | None:
        if self.shipment_pk is None:
            return None
        found: ShipmentModel | None = await info.context.loaders.orders.shipments.load(
            self.shipment_pk
        )
        return found

    @strawberry.field(
        description="The first delivery event's date of its shipment (a partner supplier's "
        "notice: of the notice, which ships by transfer); null: not delivered yet."
    )
    async def delivered_on(self, info: Info) -> datetime.date | None:
        if self.shipment_pk is None:
            return self.notice_delivered_on
        shipment = await self._shipment(info)
        return shipment.delivered_on if shipment is not None else None

    @strawberry.field(
        description="When the partner received its shipment (a partner supplier's notice: "
        "the last of its transfers, once all are received); null: not yet."
    )
    async def received_on(self, info: Info) -> datetime.date | None:
        if self.shipment_pk is None:
            found = await info.context.loaders.orders.transfers.load_many(self.transfer_pks)
            days = [t.received_on if t is not None else None for t in found]
            return max(d for d in days if d) if days and all(days) else None
        shipment = await self._shipment(info)
        return shipment.received_on if shipment is not None else None

    @strawberry.field(description="Short, damaged and over quantities its delivery reported.")
    async def delivery_differences(self, info: Info) -> list[DeliveryDifference]:
        loaders = info.context.loaders.orders
        key = (
            ("notice_id", self.pk)
            if self.shipment_pk is None
            else ("shipment_id", self.shipment_pk)
        )
        rows = await loaders.notice_differences.load(key)
        return [
            DeliveryDifference(
                kind=r.kind,
                quantity=r.quantity,
                reason_code=r.reason_code,
                note=r.note,
                product_id=r.product_id,
                known_sku=sku,
            )
            for r, sku in rows
        ]

    @strawberry.field(description="What shipped, per order line, with serials.")
    async def lines(self, info: Info) -> list[ShippingNoticeLine]:
        rows = await info.context.loaders.orders.notice_lines.load(self.pk)
        return [
            ShippingNoticeLine(
                order_line_id=strawberry.ID(str(r.order_line_id)),
                order_id=strawberry.ID(str(r.order_id)),
                quantity=r.quantity,
                serials=list(r.serials or []),
                batch_no=r.batch_no,
                ids=(r.product_id, r.warehouse_id),
            )
            for r in rows
        ]

    @classmethod
    def from_model(cls, n: ShippingNoticeModel) -> ShippingNotice:
        return cls(
            id=strawberry.ID(str(n.id)),
            document_no=n.document_no,
            shipment_id=strawberry.ID(str(n.shipment_id)) if n.shipment_id else None,
            transfer_ids=[strawberry.ID(str(t)) for t in n.transfer_ids or []],
            created_at=n.created_at,
            pk=n.id,
            partner_id=n.partner_id,
            supplier_partner_id=n.supplier_partner_id,
            shipment_pk=n.shipment_id,
            transfer_pks=list(n.transfer_ids or []),
            notice_delivered_on=n.delivered_on,
        )


@strawberry.input
class ShippingNoticeLineInput:
    order_line_id: strawberry.ID
    quantity: int
    serials: list[str] = strawberry.field(default_factory=list)
    batch_no: str | None = strawberry.field(
        default=None, description="The batch shipped, when the order line asked for none."
    )


@strawberry.input
class CreateShippingNoticeInput:
    order_ids: list[strawberry.ID]
    document_no: str
    lines: list[ShippingNoticeLineInput] = strawberry.field(
        default_factory=list, description="Empty: every shippable quantity of the orders."
    )
    shipped_on: datetime.date | None = None
    from_warehouse_code: str | None = strawberry.field(
        default=None,
        description="A partner supplier's warehouse, for orders placed without warehouse.",
    )
    idempotency_key: str | None = None


@strawberry.type
class ShippingNoticePayload:
    shipping_notice: ShippingNotice | None
    errors: list[UserError]
