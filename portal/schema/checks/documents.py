"""Graph types of a partner's inventory documents (opening stock, inbound, outbound)."""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from portal.models import InventoryDocument as DocumentModel
from portal.models import enums
from portal.schema.common import UserError

InventoryDocumentKind = enums.InventoryDocumentKind
InventoryDocumentReason = enums.InventoryDocumentReason
InventoryDocumentStatus = enums.InventoryDocumentStatus
strawberry.enum(InventoryDocumentKind)
strawberry.enum(InventoryDocumentReason)
strawberry.enum(InventoryDocumentStatus)


@strawberry.enum
class DocumentDecision(Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


@strawberry.type
class InventoryDocumentLine:
    sku: str
    quantity: int = strawberry.field(description="Units, positive; the kind gives the direction.")


@strawberry.type
class InventoryDocument:
    id: strawberry.ID
    kind: InventoryDocumentKind
    reason: InventoryDocumentReason
    status: InventoryDocumentStatus
    document_no: str
    business_date: datetime.date
    period: str
    total_quantity: int
    note: str
    review_note: str
    created_at: datetime.datetime
    posted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    model: strawberry.Private[DocumentModel]

    @strawberry.field
    async def warehouse_code(self, info: Info) -> str:
        warehouse = await info.context.loaders.catalog.warehouse.load(self.model.warehouse_id)
        return warehouse.code if warehouse else ""

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        partner = await info.context.loaders.catalog.partner.load(self.model.partner_id)
        return partner.code if partner else ""

    @strawberry.field(description="The document's lines (500 at most), in entry order.")
    async def lines(self, info: Info) -> list[InventoryDocumentLine]:
        rows = await info.context.loaders.checks.document_lines.load(self.model.id)
        products = await info.context.loaders.catalog.product.load_many(
            [r.product_id for r in rows]
        )
        return [
            InventoryDocumentLine(sku=p.sku if p else "", quantity=r.quantity)
            for r, p in zip(rows, products, strict=True)
        ]

    @classmethod
    def from_model(cls, d: DocumentModel) -> InventoryDocument:
        return cls(
            id=strawberry.ID(str(d.id)),
            kind=d.kind,
            reason=d.reason,
            status=d.status,
            document_no=d.document_no,
            business_date=d.business_date,
            period=d.period,
            total_quantity=d.total_quantity,
            note=d.note,
            review_note=d.review_note,
            created_at=d.created_at,
            posted_at=d.posted_at,
            reviewed_at=d.reviewed_at,
            model=d,
        )


@strawberry.input
class InventoryDocumentLineInput:
    sku: str
    quantity: int


@strawberry.input
class RecordInventoryDocumentInput:
    kind: InventoryDocumentKind
    warehouse_code: str
    lines: list[InventoryDocumentLineInput]
    reason: InventoryDocumentReason | None = strawberry.field(
        default=None,
        description="Required for INBOUND and OUTBOUND; OPENING_STOCK: OPENING_BALANCE.",
    )
    business_date: datetime.date | None = strawberry.field(
        default=None, description="Default: today (UTC); never in the future."
    )
    document_no: str | None = None
    note: str | None = strawberry.field(default=None, description="Required with reason OTHER.")
    idempotency_key: str | None = None


@strawberry.input
class ReviewInventoryDocumentInput:
    id: strawberry.ID
    decision: DocumentDecision
    note: str | None = strawberry.field(default=None, description="Required to reject.")


@strawberry.type
class InventoryDocumentPayload:
    inventory_document: InventoryDocument | None
    errors: list[UserError]
