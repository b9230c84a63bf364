"""Graph types of reconciliation rows, exceptions and the channel summary."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from portal.domain.reconciliation.adjustments import AdjustmentPart, group_parts
from portal.models import ReconciliationRow as RowModel
from portal.models import enums
from portal.models.reconciliation.columns import FIGURE_NAMES, FIGURES
from portal.schema.common import UserError
from portal.schema.ledger.inventory import LedgerEntry

ROW_VALUES = {  # what a ReconciliationRow is built from: name -> field path
    **{
        name: name
        for name in (
            "id",
            "period",
            *FIGURE_NAMES,
            "exception_status",
            "owner_email",
            "reason",
            "partner_id",
            "warehouse_id",
            "product_id",
        )
    },
    "partner_code": "partner__code",
    "warehouse_code": "warehouse__code",
    "sku": "product__sku",
}
GRAPH_FIGURES = [n for n in FIGURE_NAMES if n not in ("abs_gap", "stock_submission_id")]
PLAIN_FIGURES = [n for n in GRAPH_FIGURES if n != "status"]  # values as read
POS_KINDS = (enums.LedgerKind.SELL_THROUGH, enums.LedgerKind.CUSTOMER_RETURN)
ReconciliationStatus = enums.ReconciliationStatus
ExceptionStatus = enums.ExceptionStatus
ExceptionReason = enums.ExceptionReason
strawberry.enum(ReconciliationStatus)
strawberry.enum(ExceptionStatus)
strawberry.enum(ExceptionReason)


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
class AdjustmentComponent:
    """One part of a row's ``adjustments``: entries of the same origin and reason."""

    source: str = strawberry.field(
        description="OPENING_STOCK, INBOUND or OUTBOUND (inventory documents), "
        "INVENTORY_CHECK (count variances), OWNERSHIP_TRANSFER or ADJUSTMENT (by hand)."
    )
    reason: str | None
    quantity: int = strawberry.field(description="Signed: an outbound document is negative.")


def to_components(parts: list[AdjustmentPart]) -> list[AdjustmentComponent]:
    return [
        AdjustmentComponent(source=p.source, reason=p.reason, quantity=p.quantity) for p in parts
    ]


@strawberry.type
class ReconciliationRow:
    id: strawberry.ID
    period: str
    __annotations__.update(  # opening, the components, calculated, ... (columns.py)
        {f.name: f.type for f in FIGURES if f.name in GRAPH_FIGURES}
    )
    exception_status: ExceptionStatus | None
    owner: str | None
    reason: ExceptionReason | None
    stock_submission_id: strawberry.ID | None
    partner_code: str
    warehouse_code: str
    sku: str
    keys: strawberry.Private[tuple[int, int, int]]
    pk: strawberry.Private[int]

    @property
    def entry_key(self) -> tuple[int, int, str]:
        return (self.keys[1], self.keys[2], self.period)

    @strawberry.field(description="The ledger entries behind the components (this period).")
    async def entries(self, info: Info) -> list[LedgerEntry]:
        rows = await info.context.loaders.ledger.entries.load(
            (self.keys[1], self.keys[2], self.period)
        )
        return [LedgerEntry.from_model(e) for e in rows[:100]]

    @strawberry.field(
        description="What makes up adjustments: opening stock, inbound and outbound "
        "documents, count variances and manual adjustments, each apart."
    )
    async def adjustment_components(self, info: Info) -> list[AdjustmentComponent]:
        rows = await info.context.loaders.ledger.entries.load(
            (self.keys[1], self.keys[2], self.period)
        )
        return to_components(
            group_parts((e.kind, e.source_type, e.reason, e.quantity) for e in rows)
        )

    @strawberry.field(
        description="The POS submissions whose postings make up sellThrough and "
        "customerReturns, oldest first: a resubmission posts the difference to the version "
        "it replaces, so the last one is the current report."
    )
    async def pos_submission_ids(self, info: Info) -> list[strawberry.ID]:
        rows = await info.context.loaders.ledger.entries.load(
            (self.keys[1], self.keys[2], self.period)
        )
        ids = {e.source_id for e in rows if e.source_type == "SUBMISSION" and e.kind in POS_KINDS}
        return [strawberry.ID(str(i)) for i in sorted(ids)]

    @strawberry.field(description="The audit trail of the exception, oldest first.")
    async def history(self, info: Info) -> list[AuditEvent]:
        events = await info.context.loaders.reconciliation.exception_events.load(self.pk)
        return [
            AuditEvent(
                action=e.action, details=e.details, at=e.at, by_partner=e.partner_id is not None
            )
            for e in events
        ]

    @classmethod
    def from_model(cls, r: RowModel) -> ReconciliationRow:
        """``r`` comes with its partner, warehouse and product (``select_related``)."""
        values = {name: getattr(r, name) for name, path in ROW_VALUES.items() if name == path}
        values.update(
            partner_code=r.partner.code, warehouse_code=r.warehouse.code, sku=r.product.sku
        )
        return cls.from_values(values)

    @classmethod
    def from_values(cls, v: Mapping[str, Any]) -> ReconciliationRow:
        """A row from ``QuerySet.values(**ROW_VALUES)``: no model instances for big pages.

        Built without the dataclass's ``__init__`` (a third of a 500-row page's conversion):
        every field is set here, which a test checks against the constructor."""
        row = object.__new__(cls)
        fields = row.__dict__
        for name in PLAIN_FIGURES:
            fields[name] = v[name]
        status, exception_status, reason = v["status"], v["exception_status"], v["reason"]
        stock_submission_id = v["stock_submission_id"]
        fields.update(
            id=strawberry.ID(str(v["id"])),
            period=v["period"],
            status=ReconciliationStatus(status),
            exception_status=ExceptionStatus(exception_status) if exception_status else None,
            owner=v["owner_email"],
            reason=ExceptionReason(reason) if reason else None,
            stock_submission_id=strawberry.ID(str(stock_submission_id))
            if stock_submission_id
            else None,
            partner_code=v["partner_code"],
            warehouse_code=v["warehouse_code"],
            sku=v["sku"],
            keys=(v["partner_id"], v["warehouse_id"], v["product_id"]),
            pk=v["id"],
        )
        return row


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
    weeks_of_supply_forecast: float | None = strawberry.field(
        description="Calculated inventory / average weekly account-forecast total of the "
        "next three periods; null for roles that do not plan demand, or without a forecast."
    )
    excess_stock: bool
    stock_out_risk: bool
    adjustment_components: list[AdjustmentComponent] = strawberry.field(
        description="What the period's adjustments are made of, over the rows summed: "
        "opening stock, inbound and outbound documents, count variances, by hand."
    )
