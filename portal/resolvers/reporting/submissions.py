"""Resolvers of submissions, drafts, mapping templates and compliance."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from strawberry.types import Info

from portal.domain.errors import DomainError, ErrorCode
from portal.domain.pagination import paginate
from portal.domain.reporting import compliance, drafts, submissions
from portal.domain.reporting import mapping_templates as mappings
from portal.models.enums import SubmissionKind as KindModel
from portal.models.enums import SubmissionStatus as StatusModel
from portal.resolvers.helpers import object_id, page_limit
from portal.schema.common import Connection, UserError, attempt, to_connection
from portal.schema.reporting.submissions import (
    ComplianceRow,
    DeleteMappingTemplateInput,
    EndCustomerRef,
    MappingTemplate,
    MappingTemplatePayload,
    PosDraft,
    PosDraftLine,
    SaveMappingTemplateInput,
    StockDraftLine,
    StockSnapshotDraft,
    SubmissionKind,
    SubmissionPayload,
    SubmissionStatus,
    SubmitPosInput,
    SubmitStockSnapshotInput,
    UploadSubmissionInput,
)
from portal.schema.reporting.submissions import Submission as SubmissionType

PROGRESS_POLL_SECONDS = 0.5


async def resolve_submission(info: Info, id: strawberry.ID) -> SubmissionType | None:
    try:
        pk = object_id(id)
    except DomainError:
        return None  # an id that cannot exist: no such submission
    found = await submissions.visible_submissions(info.context.principal).get_or_none(id=pk)
    return SubmissionType.from_model(found) if found else None


async def resolve_submissions(
    info: Info,
    partner_code: str | None = None,
    period: str | None = None,
    kind: SubmissionKind | None = None,
    status: SubmissionStatus | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[SubmissionType]:
    query = await submissions.find_submissions(
        info.context.principal,
        partner_code=partner_code,
        period=period,
        kind=KindModel(kind.value) if kind else None,
        status=StatusModel(status.value) if status else None,
    )
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, SubmissionType.from_model, after)


def _pos_line(line: Any) -> dict[str, Any]:
    return {
        "warehouse_code": line.warehouse_code,
        "sku": line.sku,
        "quantity": line.quantity,
        "sold_on": line.sold_on.isoformat(),
        "end_customer_name": line.end_customer.name,
        "end_customer_country": line.end_customer.country,
        "end_customer_postal_code": line.end_customer.postal_code,
        "unit_price": None if line.unit_price is None else str(line.unit_price),
        "currency": line.currency or "",
        "invoice_no": line.invoice_no or "",
        "serials": ";".join(line.serials),
        "batch_no": line.batch_no or "",
    }


async def submit_pos(info: Info, input: SubmitPosInput) -> SubmissionPayload:
    ctx = info.context

    async def submit() -> Any:
        submissions.check_line_count(len(input.lines))  # before any work on the lines
        return await submissions.submit(
            ctx.principal,
            ctx.queue,
            kind=KindModel.POS,
            period=input.period,
            lines=[_pos_line(line) for line in input.lines],
            dry_run=input.dry_run,
            partner_code=input.partner_code,
            idempotency_key=input.idempotency_key,
        )

    made, errors = await attempt(submit)
    return SubmissionPayload(
        submission=SubmissionType.from_model(made) if made is not None else None, errors=errors
    )


async def submit_stock_snapshot(info: Info, input: SubmitStockSnapshotInput) -> SubmissionPayload:
    ctx = info.context

    async def submit() -> Any:
        submissions.check_line_count(len(input.lines))
        return await submissions.submit(
            ctx.principal,
            ctx.queue,
            kind=KindModel.STOCK,
            period=input.period,
            lines=[
                {"warehouse_code": x.warehouse_code, "sku": x.sku, "quantity": x.quantity}
                for x in input.lines
            ],
            dry_run=input.dry_run,
            partner_code=input.partner_code,
            idempotency_key=input.idempotency_key,
        )

    made, errors = await attempt(submit)
    return SubmissionPayload(
        submission=SubmissionType.from_model(made) if made is not None else None, errors=errors
    )


async def upload_submission(info: Info, input: UploadSubmissionInput) -> SubmissionPayload:
    """The GraphQL multipart twin of ``POST /uploads``."""
    ctx = info.context
    upload: Any = input.file
    if not hasattr(upload, "read"):
        error = DomainError(ErrorCode.INVALID, "Send the file as a multipart upload.", ["file"])
        return SubmissionPayload(submission=None, errors=[UserError.from_domain(error)])
    data = await upload.read()
    made, errors = await attempt(
        lambda: submissions.submit(
            ctx.principal,
            ctx.queue,
            kind=KindModel(input.kind.value),
            period=input.period,
            file=(data, getattr(upload, "filename", None) or "upload"),
            mapping=input.mapping,
            dry_run=input.dry_run,
            partner_code=input.partner_code,
            idempotency_key=input.idempotency_key,
        )
    )
    return SubmissionPayload(
        submission=SubmissionType.from_model(made) if made is not None else None, errors=errors
    )


async def resolve_pos_draft(info: Info, period: str, partner_code: str | None = None) -> PosDraft:
    rows = await drafts.pos_draft(info.context.principal, period, partner_code)
    return PosDraft(
        period=period,
        lines=[
            PosDraftLine(
                warehouse_code=r.warehouse_code,
                sku=r.sku,
                end_customer=EndCustomerRef(
                    name=r.customer_name, country=r.country, postal_code=r.postal_code
                ),
            )
            for r in rows
        ],
    )


async def resolve_stock_draft(
    info: Info, period: str, partner_code: str | None = None
) -> StockSnapshotDraft:
    rows = await drafts.stock_draft(info.context.principal, period, partner_code)
    return StockSnapshotDraft(
        period=period,
        lines=[
            StockDraftLine(warehouse_code=r.warehouse_code, sku=r.sku, quantity=r.quantity)
            for r in rows
        ],
    )


async def resolve_templates(info: Info, partner_code: str | None = None) -> list[MappingTemplate]:
    query = await mappings.visible_templates(info.context.principal, partner_code)
    return [MappingTemplate.from_model(t) for t in await query.order_by("name").limit(500)]


async def save_template(info: Info, input: SaveMappingTemplateInput) -> MappingTemplatePayload:
    made, errors = await attempt(
        lambda: mappings.save_template(
            info.context.principal,
            name=input.name,
            kind=KindModel(input.kind.value),
            columns={c.field: c.column for c in input.columns},
            date_format=input.date_format,
            decimal_comma=input.decimal_comma,
            delimiter=input.delimiter,
            header_row=input.header_row,
            partner_skus=input.partner_skus,
            partner_code=input.partner_code,
        )
    )
    return MappingTemplatePayload(
        template=MappingTemplate.from_model(made) if made is not None else None, errors=errors
    )


async def delete_template(info: Info, input: DeleteMappingTemplateInput) -> MappingTemplatePayload:
    _, errors = await attempt(
        lambda: mappings.delete_template(info.context.principal, input.name, input.partner_code)
    )
    return MappingTemplatePayload(template=None, errors=errors)


async def resolve_compliance(
    info: Info, period: str, partner_code: str | None = None
) -> list[ComplianceRow]:
    rows = await compliance.compliance(info.context.principal, period, partner_code)
    return [
        ComplianceRow(
            partner_code=r.partner_code,
            partner_name=r.partner_name,
            kind=r.kind,
            state=r.state,
            due_on=r.due_on,
            submitted_at=r.submitted_at,
        )
        for r in rows
    ]


async def submission_progress(
    info: Info, id: strawberry.ID
) -> AsyncGenerator[SubmissionType, None]:
    """Yields the submission whenever its progress changes, until it is final."""
    query = submissions.visible_submissions(info.context.principal)
    pk = object_id(id)
    last: tuple[Any, ...] | None = None
    while True:
        found = await query.get_or_none(id=pk)
        if found is None:
            return
        state = (found.status, found.rows_done, found.rows_total, found.error_count)
        if state != last:
            last = state
            yield SubmissionType.from_model(found)
        if found.status.final:
            return
        await asyncio.sleep(PROGRESS_POLL_SECONDS)
