"""Graph types of stock balances, ledger entries, shipments and transfers."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from portal.models import BatchBalance as BatchModel
from portal.models import LedgerEntry as EntryModel
from portal.models import Shipment as ShipmentModel
from portal.models import StockBalance as BalanceModel
from portal.models import Transfer as TransferModel
from portal.models import enums
from portal.schema.common import UserError

LedgerKind = enums.LedgerKind
Owner = enums.Owner
ShipmentStatus = enums.ShipmentStatus
TransferStatus = enums.TransferStatus
DeliveryDifferenceKind = enums.DeliveryDifferenceKind
strawberry.enum(DeliveryDifferenceKind)
strawberry.enum(LedgerKind)
strawberry.enum(Owner)
strawberry.enum(ShipmentStatus)
strawberry.enum(TransferStatus)


async def code_of(info: Info, loader: str, pk: int | None, attribute: str = "code") -> str | None:
    if pk is None:
        return None
    row = await getattr(info.context.loaders.catalog, loader).load(pk)
    return getattr(row, attribute) if row else None


@strawberry.type
class AtWarehouse:
    """A row of one (warehouse, product): its codes, read through the loaders."""

    ids: strawberry.Private[tuple[int, int]]

    @strawberry.field
    async def warehouse_code(self, info: Info) -> str:
        return await code_of(info, "warehouse", self.ids[0]) or ""

    @strawberry.field
    async def sku(self, info: Info) -> str:
        return await code_of(info, "product", self.ids[1], "sku") or ""


@strawberry.type(description="Stock of one batch (lot) of a batch-controlled SKU.")
class BatchBalance(AtWarehouse):
    batch_no: str
    owner: Owner
    quantity: int

    @classmethod
    def from_model(cls, b: BatchModel) -> BatchBalance:
        return cls(
            batch_no=b.batch_no,
            owner=b.owner,
            quantity=b.quantity,
            ids=(b.warehouse_id, b.product_id),
        )


@strawberry.type
class StockBalance:
    owner: Owner
    quantity: int
    in_transit: int = strawberry.field(description="Shipped to this warehouse, not yet received.")
    ids: strawberry.Private[tuple[int | None, int, int]]

    @strawberry.field
    async def partner_code(self, info: Info) -> str | None:
        return await code_of(info, "partner", self.ids[0])

    @strawberry.field
    async def warehouse_code(self, info: Info) -> str:
        return await code_of(info, "warehouse", self.ids[1]) or ""

    @strawberry.field
    async def sku(self, info: Info) -> str:
        return await code_of(info, "product", self.ids[2], "sku") or ""

    @classmethod
    def from_model(cls, b: BalanceModel) -> StockBalance:
        return cls(
            owner=b.owner,
            quantity=b.quantity,
            in_transit=b.in_transit,
            ids=(b.partner_id, b.warehouse_id, b.product_id),
        )


@strawberry.type
class LedgerEntry:
    id: strawberry.ID
    kind: LedgerKind
    quantity: int
    owner: Owner
    business_date: datetime.date
    period: str
    recorded_at: datetime.datetime
    source_type: str
    source_id: strawberry.ID
    serials: list[str]
    batch_no: str | None
    reason: str | None
    product_id: strawberry.Private[int]
    known_sku: strawberry.Private[str | None] = None  # read with the rows (a notice's)

    @strawberry.field
    async def sku(self, info: Info) -> str:
        if self.known_sku is not None:
            return self.known_sku
        return await code_of(info, "product", self.product_id, "sku") or ""

    @classmethod
    def from_model(cls, e: EntryModel) -> LedgerEntry:
        return cls(
            id=strawberry.ID(str(e.id)),
            kind=e.kind,
            quantity=e.quantity,
            owner=e.owner,
            business_date=e.business_date,
            period=e.period,
            recorded_at=e.recorded_at,
            source_type=e.source_type,
            source_id=strawberry.ID(str(e.source_id)),
            serials=list(e.serials or []),
            batch_no=e.batch_no,
            reason=e.reason,
            product_id=e.product_id,
        )


@strawberry.type
class MovementLine:
    sku: str
    quantity: int
    serials: list[str]
    batch_no: str | None = strawberry.field(description="The batch (lot), if batch-controlled.")


async def lines_of(info: Info, rows: list[Any]) -> list[MovementLine]:
    products = await info.context.loaders.catalog.product.load_many([r.product_id for r in rows])
    return [
        MovementLine(
            sku=product.sku if product else "",
            quantity=r.quantity,
            serials=list(r.serials or []),
            batch_no=r.batch_no,
        )
        for r, product in zip(rows, products, strict=True)
    ]


@strawberry.type(description="What a delivery event reported as not arrived as shipped.")
class DeliveryDifference:
    kind: DeliveryDifferenceKind
    quantity: int
    reason_code: str
    note: str
    product_id: strawberry.Private[int]
    known_sku: strawberry.Private[str | None] = None  # read with the rows (a notice's)

    @strawberry.field
    async def sku(self, info: Info) -> str:
        if self.known_sku is not None:
            return self.known_sku
        return await code_of(info, "product", self.product_id, "sku") or ""


@strawberry.type
class Shipment:
    id: strawberry.ID
    document_no: str
    status: ShipmentStatus
    shipped_on: datetime.date
    received_on: datetime.date | None
    delivered_on: datetime.date | None = strawberry.field(
        description="The date of its first delivery event (null: none yet)."
    )
    pk: strawberry.Private[int]
    partner_id: strawberry.Private[int]
    warehouse_id: strawberry.Private[int]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        return await code_of(info, "partner", self.partner_id) or ""

    @strawberry.field
    async def warehouse_code(self, info: Info) -> str:
        return await code_of(info, "warehouse", self.warehouse_id) or ""

    @strawberry.field
    async def lines(self, info: Info) -> list[MovementLine]:
        return await lines_of(info, await info.context.loaders.ledger.shipment_lines.load(self.pk))

    @strawberry.field(description="Short, damaged and over quantities its delivery reported.")
    async def delivery_differences(self, info: Info) -> list[DeliveryDifference]:
        rows = await info.context.loaders.orders.delivery_differences.load(self.pk)
        return [
            DeliveryDifference(
                kind=r.kind,
                quantity=r.quantity,
                reason_code=r.reason_code,
                note=r.note,
                product_id=r.product_id,
            )
            for r in rows
        ]

    @classmethod
    def from_model(cls, s: ShipmentModel) -> Shipment:
        return cls(
            id=strawberry.ID(str(s.id)),
            document_no=s.document_no,
            status=s.status,
            shipped_on=s.shipped_on,
            received_on=s.received_on,
            delivered_on=s.delivered_on,
            pk=s.id,
            partner_id=s.partner_id,
            warehouse_id=s.warehouse_id,
        )


@strawberry.type
class Transfer:
    id: strawberry.ID
    status: TransferStatus
    shipped_on: datetime.date | None
    received_on: datetime.date | None
    pk: strawberry.Private[int]
    ids: strawberry.Private[tuple[int, int, int, int]]

    @strawberry.field
    async def from_partner_code(self, info: Info) -> str:
        return await code_of(info, "partner", self.ids[0]) or ""

    @strawberry.field
    async def from_warehouse_code(self, info: Info) -> str:
        return await code_of(info, "warehouse", self.ids[1]) or ""

    @strawberry.field
    async def to_partner_code(self, info: Info) -> str:
        return await code_of(info, "partner", self.ids[2]) or ""

    @strawberry.field
    async def to_warehouse_code(self, info: Info) -> str:
        return await code_of(info, "warehouse", self.ids[3]) or ""

    @strawberry.field
    async def lines(self, info: Info) -> list[MovementLine]:
        return await lines_of(info, await info.context.loaders.ledger.transfer_lines.load(self.pk))

    @classmethod
    def from_model(cls, t: TransferModel) -> Transfer:
        return cls(
            id=strawberry.ID(str(t.id)),
            status=t.status,
            shipped_on=t.shipped_on,
            received_on=t.received_on,
            pk=t.id,
            ids=(t.from_partner_id, t.from_warehouse_id, t.to_partner_id, t.to_warehouse_id),
        )


@strawberry.input
class MovementLineInput:
    sku: str
    quantity: int
    serials: list[str] = strawberry.field(default_factory=list)
    batch_no: str | None = strawberry.field(
        default=None, description="The batch (lot) of a batch-controlled SKU; refused for others."
    )


@strawberry.input
class RecordShipmentInput:
    partner_code: str
    warehouse_code: str
    document_no: str
    shipped_on: datetime.date
    lines: list[MovementLineInput]
    idempotency_key: str | None = None


@strawberry.input
class ReceiveShipmentInput:
    id: strawberry.ID
    received_on: datetime.date | None = None


@strawberry.input
class RaiseTransferInput:
    from_warehouse_code: str
    to_warehouse_code: str
    lines: list[MovementLineInput]
    to_partner_code: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class TransferActionInput:
    id: strawberry.ID


@strawberry.type
class ShipmentPayload:
    shipment: Shipment | None
    errors: list[UserError]


@strawberry.type
class TransferPayload:
    transfer: Transfer | None
    errors: list[UserError]
