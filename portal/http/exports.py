"""``GET /exports/exceptions.csv?period=P[&partnerCode=X]``: the exception list for
planners, streamed (rows are fetched in pages, never all at once). Cells that a
spreadsheet would run as a formula are prefixed with a quote."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from tortoise.models import Model
from tortoise.queryset import QuerySet

from portal.domain.access.principal import Principal
from portal.domain.errors import DomainError, PermissionDenied
from portal.domain.reconciliation.exceptions import find_rows
from portal.http.auth import principal_or_401
from portal.http.errors import refused
from portal.models.reconciliation.columns import EXPORTED

PAGE = 1000
M = TypeVar("M", bound=Model)
COLUMNS = [
    "period",
    "partner",
    "warehouse",
    "sku",
    *EXPORTED,
    "exception_status",
    "owner",
    "reason",
]


def inert(value: object) -> str:
    text = "" if value is None else str(getattr(value, "value", value))
    return (
        "'" + text
        if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not text.lstrip("-").isdigit()
        else text
    )


def csv_response(
    filename: str, header: list[str], batches: AsyncIterator[list[list[object]]]
) -> StreamingResponse:
    """A CSV download streamed a batch of rows at a time (each batch one page read)."""

    async def lines() -> AsyncIterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        async for rows in batches:
            writer.writerows(rows)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def pages_after_id(query: QuerySet[M]) -> AsyncIterator[list[M]]:
    """``query`` (ordered by id) a page at a time, each page after the last id seen."""
    last = 0
    while True:
        page = await query.filter(id__gt=last).limit(PAGE)
        if not page:
            return
        yield page
        last = page[-1].pk


async def period_query(
    request: Request,
    find: Callable[..., Awaitable[QuerySet[M]]],
) -> tuple[Principal, QuerySet[M]] | Response:
    """The bearer's principal and ``find(principal, period=, partner_code=)`` of the
    request's ``period`` and ``partnerCode``, or the 401 / coded refusal to answer."""
    principal = await principal_or_401(request.headers, request.app.state.usage_recorder)
    if not isinstance(principal, Principal):
        return principal
    try:
        query = await find(
            principal,
            period=request.query_params.get("period", ""),
            partner_code=request.query_params.get("partnerCode") or None,
        )
    except (DomainError, PermissionDenied) as failure:
        return refused(failure)
    return principal, query


async def export_exceptions(request: Request) -> Response:
    principal = await principal_or_401(request.headers, request.app.state.usage_recorder)
    if not isinstance(principal, Principal):
        return principal
    try:
        rows = await find_rows(
            principal,
            period=request.query_params.get("period", ""),
            partner_code=request.query_params.get("partnerCode") or None,
            only_exceptions=True,
        )
        first = await rows.limit(PAGE)  # before the answer starts: a failure is still coded
    except (DomainError, PermissionDenied) as failure:
        return refused(failure)

    async def batches() -> AsyncIterator[list[list[object]]]:
        offset = 0
        page = first
        while True:
            if offset:
                page = await rows.offset(offset).limit(PAGE)
            if not page:
                return
            yield [
                [
                    inert(v)
                    for v in (
                        r.period,
                        r.partner.code,  # joined by find_rows (select_related)
                        r.warehouse.code,
                        r.product.sku,
                        *(getattr(r, name) for name in EXPORTED),
                        r.exception_status,
                        r.owner_email,
                        r.reason,
                    )
                ]
                for r in page
            ]
            offset += PAGE

    return csv_response("exceptions.csv", COLUMNS, batches())


MEMO_COLUMNS = [
    "number",
    "kind",
    "created_on",
    "partner",
    "period",
    "claim_id",
    "currency",
    "sku",
    "quantity",
    "unit_credit",
    "amount",
    "reason",
]


async def export_credit_memos(request: Request) -> Response:
    """``GET /exports/credit-memos.csv?period=P[&partnerCode=X]``: one row per memo line."""
    from portal.domain.catalog.reads import by_ids
    from portal.domain.incentives.memos import find_memos
    from portal.domain.incentives.reads import memo_lines_of
    from portal.models import Partner

    found = await period_query(request, find_memos)
    if isinstance(found, Response):
        return found
    principal, memos = found
    m = principal.manufacturer_id

    async def batches() -> AsyncIterator[list[list[object]]]:
        async for page in pages_after_id(memos):
            memo_lines = await memo_lines_of(m, [x.id for x in page])
            partners = await by_ids(Partner, m, [x.partner_id for x in page])
            yield [
                [
                    inert(memo.number),
                    memo.kind,
                    memo.created_at.date().isoformat(),
                    inert(partner.code if partner else ""),
                    inert(memo.period),
                    memo.claim_id,
                    inert(memo.currency),
                    inert(line.sku),
                    line.quantity,  # numbers as numbers: never formulas
                    line.unit_credit,
                    line.amount,
                    inert(line.reason),
                ]
                for memo, group, partner in zip(page, memo_lines, partners, strict=True)
                for line in group
            ]

    return csv_response("credit-memos.csv", MEMO_COLUMNS, batches())
