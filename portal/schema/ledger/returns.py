"""Graph types of returns to the manufacturer, adjustments and reversals."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.types import Info

from portal.domain.ledger.adjustments import AdjustmentReason as AdjustmentReasonModel
from portal.models import StockReturn as ReturnModel
from portal.models import enums
from portal.schema.common import UserError
from portal.schema.ledger.inventory import (
    LedgerEntry,
    MovementLine,
    MovementLineInput,
    code_of,
    lines_of,
)

ReturnStatus = enums.ReturnStatus
AdjustmentReason = AdjustmentReasonModel
strawberry.enum(ReturnStatus)
strawberry.enum(AdjustmentReason)


@strawberry.type
class StockReturn:
    id: strawberry.ID
    status: ReturnStatus
    rma_no: str
    received_on: datetime.date | None
    source: str = strawberry.field(description="ORDER, SHIPMENT or NONE (source-free).")
    order_ids: list[strawberry.ID]
    shipment_id: strawberry.ID | None
    exchange: bool
    replacement_shipment_id: strawberry.ID | None = strawberry.field(
        description="An exchange's replacement shipment, recorded with the return."
    )
    pk: strawberry.Private[int]
    warehouse_id: strawberry.Private[int]
    to_ids: strawberry.Private[tuple[int | None, int | None]]
    partner_id: strawberry.Private[int]
    created_at: datetime.datetime

    @strawberry.field(description="The partner that returns the goods.")
    async def partner_code(self, info: Info) -> str:
        return await code_of(info, "partner", self.partner_id) or ""

    @strawberry.field
    async def warehouse_code(self, info: Info) -> str:
        return await code_of(info, "warehouse", self.warehouse_id) or ""

    @strawberry.field(
        description="The partner supplier the goods go back to (null: the manufacturer)."
    )
    async def to_partner_code(self, info: Info) -> str | None:
        return await code_of(info, "partner", self.to_ids[0])

    @strawberry.field(description="The supplier's warehouse that receives them.")
    async def to_warehouse_code(self, info: Info) -> str | None:
        return await code_of(info, "warehouse", self.to_ids[1])

    @strawberry.field
    async def lines(self, info: Info) -> list[MovementLine]:
        return await lines_of(info, await info.context.loaders.ledger.return_lines.load(self.pk))

    @classmethod
    def from_model(cls, r: ReturnModel) -> StockReturn:
        return cls(
            id=strawberry.ID(str(r.id)),
            status=r.status,
            rma_no=r.rma_no,
            received_on=r.received_on,
            source=r.source,
            order_ids=[strawberry.ID(str(i)) for i in r.order_ids],
            shipment_id=_id(r.shipment_id),
            exchange=r.exchange,
            replacement_shipment_id=_id(r.replacement_shipment_id),
            pk=r.id,
            warehouse_id=r.warehouse_id,
            to_ids=(r.to_partner_id, r.to_warehouse_id),
            partner_id=r.partner_id,
            created_at=r.created_at,
        )


def _id(value: int | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.input
class RaiseReturnInput:
    warehouse_code: str
    lines: list[MovementLineInput]
    rma_no: str = ""
    idempotency_key: str | None = None


@strawberry.input
class ReturnActionInput:
    id: strawberry.ID
    received_on: datetime.date | None = None


@strawberry.type
class ReturnPayload:
    stock_return: StockReturn | None
    errors: list[UserError]


@strawberry.input
class PostAdjustmentInput:
    warehouse_code: str
    sku: str
    quantity: int
    reason: AdjustmentReason
    business_date: datetime.date | None = None


@strawberry.input
class ReverseLedgerEntryInput:
    id: strawberry.ID
    note: str = ""


@strawberry.type
class LedgerEntryPayload:
    entry: LedgerEntry | None
    errors: list[UserError]
