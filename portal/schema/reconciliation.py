"""Graph types of reconciliation rows, exceptions and the channel summary."""

from __future__ import annotations

import datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from portal.models import ReconciliationRow as RowModel
from portal.models import enums
from portal.schema.common import UserError
from portal.schema.inventory import LedgerEntry

ReconciliationStatus = strawberry.enum(enums.ReconciliationStatus)
ExceptionStatus = strawberry.enum(enums.ExceptionStatus)
ExceptionReason = strawberry.enum(enums.ExceptionReason)


@strawberry.enum
class ReconciliationSort(Enum):
    ABS_GAP_DESC = "ABS_GAP_DESC"
    GAP_VALUE_DESC = "GAP_VALUE_DESC"
    PARTNER_SKU = "PARTNER_SKU"


@strawberry.type
class AuditEvent:
    action: str
    details: JSON
    at: datetime.datetime
    by_partner: bool


@strawberry.type
class ReconciliationRow:
    id: strawberry.ID
    period: str
    opening: int
    sell_in: int
    sell_through: int
    customer_returns: int
    transfers_in: int
    transfers_out: int
    returns_to_manufacturer: int
    adjustments: int
    calculated: int
    reported: int | None
    gap: int | None
    gap_pct: float | None
    gap_value: Decimal
    status: ReconciliationStatus
    exception_status: ExceptionStatus | None
    owner: str | None
    reason: ExceptionReason | None
    stock_submission_id: strawberry.ID | None
    partner_code: str
    warehouse_code: str
    sku: str
    keys: strawberry.Private[tuple[int, int, int]]
    pk: strawberry.Private[int]

    @strawberry.field(description="The ledger entries behind the components (this period).")
    async def entries(self, info: Info) -> list[LedgerEntry]:
        rows = await info.context.loaders.entries.load((self.keys[1], self.keys[2], self.period))
        return [LedgerEntry.from_model(e) for e in rows[:100]]

    @strawberry.field(description="The audit trail of the exception, oldest first.")
    async def history(self, info: Info) -> list[AuditEvent]:
        events = await info.context.loaders.exception_events.load(self.pk)
        return [
            AuditEvent(
                action=e.action, details=e.details, at=e.at, by_partner=e.partner_id is not None
            )
            for e in events
        ]

    @classmethod
    def from_model(cls, r: RowModel) -> ReconciliationRow:
        """``r`` comes with its partner, warehouse and product (``select_related``)."""
        return cls(
            partner_code=r.partner.code,
            warehouse_code=r.warehouse.code,
            sku=r.product.sku,
            id=strawberry.ID(str(r.id)),
            period=r.period,
            opening=r.opening,
            sell_in=r.sell_in,
            sell_through=r.sell_through,
            customer_returns=r.customer_returns,
            transfers_in=r.transfers_in,
            transfers_out=r.transfers_out,
            returns_to_manufacturer=r.returns_to_manufacturer,
            adjustments=r.adjustments,
            calculated=r.calculated,
            reported=r.reported,
            gap=r.gap,
            gap_pct=r.gap_pct,
            gap_value=r.gap_value,
            status=r.status,
            exception_status=r.exception_status,
            owner=r.owner_email,
            reason=r.reason,
            stock_submission_id=strawberry.ID(str(r.stock_submission_id))
            if r.stock_submission_id
            else None,
            keys=(r.partner_id, r.warehouse_id, r.product_id),
            pk=r.id,  # type: ignore[attr-defined]
        )


@strawberry.input
class UpdateExceptionInput:
    row_id: strawberry.ID
    status: ExceptionStatus | None = None
    owner_email: str | None = None
    reason: ExceptionReason | None = None
    note: str | None = None
    correction_quantity: int | None = None


@strawberry.type
class ReconciliationRowPayload:
    row: ReconciliationRow | None
    errors: list[UserError]


@strawberry.type
class ChannelSummaryRow:
    period: str
    partner_code: str | None
    sku: str | None
    sell_in: int
    sell_through: int
    calculated_inventory: int
    reported_inventory: int | None
    weeks_of_supply: float | None
    excess_stock: bool
    stock_out_risk: bool
