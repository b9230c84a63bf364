"""Graph types of submissions, their row issues, drafts and mapping templates."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from portal.domain.pagination import Page, check_page_size, encode_cursor, paginate
from portal.domain.reporting.compliance import ComplianceState as ComplianceStateModel
from portal.domain.reporting.reads import issues_of
from portal.models import MappingTemplate as TemplateModel
from portal.models import Submission as SubmissionModel
from portal.models import SubmissionIssue as IssueModel
from portal.models import enums
from portal.schema.common import Connection, UserError, to_connection

SubmissionKind = enums.SubmissionKind
SubmissionStatus = enums.SubmissionStatus
SubmissionSource = enums.SubmissionSource
IssueSeverity = enums.IssueSeverity
strawberry.enum(SubmissionKind)
strawberry.enum(SubmissionStatus)
strawberry.enum(SubmissionSource)
strawberry.enum(IssueSeverity)


@strawberry.type
class SubmissionIssue:
    row: int
    field: str | None
    code: str
    message: str
    severity: IssueSeverity

    @classmethod
    def from_model(cls, issue: IssueModel) -> SubmissionIssue:
        return cls(
            row=issue.row,
            field=issue.field,
            code=issue.code,
            message=issue.message,
            severity=issue.severity,
        )


@strawberry.type
class Submission:
    id: strawberry.ID
    kind: SubmissionKind
    period: str
    status: SubmissionStatus
    version: int
    source: SubmissionSource
    dry_run: bool
    file_name: str | None
    rows_total: int
    rows_done: int
    error_count: int
    warning_count: int
    superseded: bool
    created_at: datetime.datetime
    validated_at: datetime.datetime | None
    pk: strawberry.Private[int]
    partner_id: strawberry.Private[int]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        partner = await info.context.loaders.catalog.partner.load(self.partner_id)
        return partner.code if partner else ""

    @strawberry.field(description="Row errors and warnings, in row order.")
    async def errors(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[SubmissionIssue]:
        manufacturer_id = info.context.principal.manufacturer_id
        limit = info.context.settings.max_page_size
        if after:  # paging into one submission's issues
            page = await paginate(
                issues_of(manufacturer_id, self.pk, self.created_at.date()),
                first=first,
                after=after,
                limit=limit,
            )
            return to_connection(page, SubmissionIssue.from_model, after)
        size = check_page_size(first, limit)
        loaders = info.context.loaders.reporting
        since = self.created_at.date()
        rows = await loaders.first_issues.load((self.pk, size, since))

        async def count() -> int:
            return int(await loaders.issue_count.load((self.pk, since)))

        first_page = Page(
            rows[:size], len(rows) > size, count, [encode_cursor(r.id) for r in rows[:size]]
        )
        return to_connection(first_page, SubmissionIssue.from_model, after)

    @classmethod
    def from_model(cls, s: SubmissionModel) -> Submission:
        return cls(
            id=strawberry.ID(str(s.id)),
            kind=s.kind,
            period=s.period,
            status=s.status,
            version=s.version,
            source=s.source,
            dry_run=s.dry_run,
            file_name=s.file_name,
            rows_total=s.rows_total,
            rows_done=s.rows_done,
            error_count=s.error_count,
            warning_count=s.warning_count,
            superseded=s.superseded_by_id is not None,
            created_at=s.created_at,
            validated_at=s.validated_at,
            pk=s.id,
            partner_id=s.partner_id,
        )


@strawberry.type
class EndCustomerRef:
    name: str
    country: str
    postal_code: str


@strawberry.input
class EndCustomerInput:
    name: str
    country: str
    postal_code: str = ""


@strawberry.type
class PosDraftLine:
    warehouse_code: str
    sku: str
    end_customer: EndCustomerRef
    quantity: int | None = None


@strawberry.type
class PosDraft:
    period: str
    lines: list[PosDraftLine]


@strawberry.type
class StockDraftLine:
    warehouse_code: str
    sku: str
    quantity: int


@strawberry.type
class StockSnapshotDraft:
    period: str
    lines: list[StockDraftLine]


@strawberry.input
class PosLineInput:
    warehouse_code: str
    sku: str
    quantity: int
    sold_on: datetime.date
    end_customer: EndCustomerInput
    unit_price: Decimal | None = None
    currency: str | None = None
    invoice_no: str | None = None
    serials: list[str] = strawberry.field(default_factory=list)
    batch_no: str | None = strawberry.field(
        default=None, description="The batch (lot) of a batch-controlled SKU sold."
    )


@strawberry.input
class StockLineInput:
    warehouse_code: str
    sku: str
    quantity: int


@strawberry.input
class SubmitPosInput:
    period: str
    lines: list[PosLineInput]
    partner_code: str | None = None
    dry_run: bool = False
    idempotency_key: str | None = None


@strawberry.input
class SubmitStockSnapshotInput:
    period: str
    lines: list[StockLineInput]
    partner_code: str | None = None
    dry_run: bool = False
    idempotency_key: str | None = None


@strawberry.input
class UploadSubmissionInput:
    kind: SubmissionKind
    period: str
    file: Upload
    mapping: str | None = None
    partner_code: str | None = None
    dry_run: bool = False
    idempotency_key: str | None = None


@strawberry.type
class SubmissionPayload:
    submission: Submission | None
    errors: list[UserError]


@strawberry.type
class ColumnMapping:
    field: str
    column: str


@strawberry.input
class ColumnMappingInput:
    field: str
    column: str


@strawberry.type
class MappingTemplate:
    name: str
    kind: SubmissionKind
    columns: list[ColumnMapping]
    date_format: str
    decimal_comma: bool
    delimiter: str | None
    header_row: int
    partner_skus: bool

    @classmethod
    def from_model(cls, t: TemplateModel) -> MappingTemplate:
        return cls(
            name=t.name,
            kind=t.kind,
            columns=[
                ColumnMapping(field=k, column=v) for k, v in sorted((t.columns or {}).items())
            ],
            date_format=t.date_format,
            decimal_comma=t.decimal_comma,
            delimiter=t.delimiter,
            header_row=t.header_row,
            partner_skus=t.partner_skus,
        )


@strawberry.input
class SaveMappingTemplateInput:
    name: str
    kind: SubmissionKind
    columns: list[ColumnMappingInput]
    date_format: str = "%Y-%m-%d"
    decimal_comma: bool = False
    delimiter: str | None = None
    header_row: int = 1
    partner_skus: bool = False
    partner_code: str | None = None


@strawberry.input
class DeleteMappingTemplateInput:
    name: str
    partner_code: str | None = None


@strawberry.type
class MappingTemplatePayload:
    template: MappingTemplate | None
    errors: list[UserError]


ComplianceState = ComplianceStateModel
strawberry.enum(ComplianceState)


@strawberry.type
class ComplianceRow:
    partner_code: str
    partner_name: str
    kind: SubmissionKind
    state: ComplianceState
    due_on: datetime.date
    submitted_at: datetime.datetime | None
