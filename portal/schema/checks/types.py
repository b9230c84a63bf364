"""Graph types of inventory checks.

A blind sheet hides the book quantity, and with it the variance and the book serials,
from partner principals in every field (``hides_book``); manufacturer principals see them.
"""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from portal.domain.checks.sheets import hides_book, lines_of
from portal.domain.pagination import Page, check_page_size, encode_cursor, paginate
from portal.models import InventoryCheck as CheckModel
from portal.models import InventoryCheckLine as LineModel
from portal.models import enums
from portal.schema.common import Connection, UserError, to_connection

CheckSource = enums.CheckSource
CheckStatus = enums.CheckStatus
strawberry.enum(CheckSource, name="InventoryCheckSource")
strawberry.enum(CheckStatus, name="InventoryCheckStatus")


@strawberry.enum
class CheckDecision(Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


@strawberry.type
class InventoryCheckLine:
    sku: str
    serial_controlled: bool
    book: int | None = strawberry.field(
        description="Book quantity at the count date; null on a blind sheet for the partner."
    )
    counted: int | None
    serials: list[str] = strawberry.field(description="The serials counted.")
    variance: int | None = strawberry.field(
        description="counted - book, once submitted; null on a blind sheet for the partner."
    )
    missing_serials: list[str] | None = strawberry.field(
        description="Book serials not counted, once submitted; null when book is hidden."
    )
    found_serials: list[str] | None = strawberry.field(
        description="Serials counted that are not in book, once submitted; null when hidden."
    )


def _line(
    line: LineModel, sku: str, serial: bool, hidden: bool, submitted: bool
) -> InventoryCheckLine:
    counted, book = set(line.serials or []), set(line.book_serials or [])
    show_serials = serial and submitted and not hidden
    return InventoryCheckLine(
        sku=sku,
        serial_controlled=serial,
        book=None if hidden else line.book,
        counted=line.counted,
        serials=list(line.serials or []),
        variance=None if hidden else line.variance,
        missing_serials=sorted(book - counted) if show_serials else None,
        found_serials=sorted(counted - book) if show_serials else None,
    )


@strawberry.type
class InventoryCheck:
    id: strawberry.ID
    status: CheckStatus
    source: CheckSource
    blind: bool
    count_date: datetime.date
    period: str
    line_count: int
    counted_count: int
    variances_posted: bool
    review_note: str
    stock_submission_id: strawberry.ID | None
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    model: strawberry.Private[CheckModel]

    @strawberry.field
    async def warehouse_code(self, info: Info) -> str:
        warehouse = await info.context.loaders.catalog.warehouse.load(self.model.warehouse_id)
        return warehouse.code if warehouse else ""

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        partner = await info.context.loaders.catalog.partner.load(self.model.partner_id)
        return partner.code if partner else ""

    @strawberry.field(
        description="The sheet, in pages (a sheet may hold every product); "
        "uncountedOnly: the lines still to count."
    )
    async def lines(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        uncounted_only: bool = False,
    ) -> Connection[InventoryCheckLine]:
        m = info.context.principal.manufacturer_id
        limit = info.context.settings.max_page_size
        if after or uncounted_only:
            page = await paginate(
                lines_of(m, self.model.id, uncounted_only=uncounted_only),
                first=first,
                after=after,
                limit=limit,
            )
        else:
            size = check_page_size(first, limit)
            rows = await info.context.loaders.checks.first_lines.load((self.model.id, size))
            total = self.model.line_count

            async def count() -> int:
                return total

            page = Page(
                rows[:size], len(rows) > size, count, [encode_cursor(r.id) for r in rows[:size]]
            )
        products = await info.context.loaders.catalog.product.load_many(
            [r.product_id for r in page.items]
        )
        by_id = {r.id: p for r, p in zip(page.items, products, strict=True)}
        hidden = hides_book(info.context.principal, self.model)
        submitted = self.model.status is not CheckStatus.DRAFT

        def convert(row: LineModel) -> InventoryCheckLine:
            product = by_id.get(row.id)
            return _line(
                row,
                product.sku if product else "",
                bool(product and product.serial_controlled),
                hidden,
                submitted,
            )

        return to_connection(page, convert, after)

    @classmethod
    def from_model(cls, c: CheckModel) -> InventoryCheck:
        return cls(
            id=strawberry.ID(str(c.id)),
            status=c.status,
            source=c.source,
            blind=c.blind,
            count_date=c.count_date,
            period=c.period,
            line_count=c.line_count,
            counted_count=c.counted_count,
            variances_posted=c.variances_posted,
            review_note=c.review_note,
            stock_submission_id=strawberry.ID(str(c.stock_submission_id))
            if c.stock_submission_id
            else None,
            created_at=c.created_at,
            submitted_at=c.submitted_at,
            reviewed_at=c.reviewed_at,
            model=c,
        )


@strawberry.input
class StartInventoryCheckInput:
    warehouse_code: str
    source: CheckSource = CheckSource.ALL_PRODUCTS
    blind: bool = False
    count_date: datetime.date | None = strawberry.field(
        default=None, description="Default: today (UTC); never in the future."
    )
    idempotency_key: str | None = None


@strawberry.input
class CountLineInput:
    sku: str
    counted: int | None = strawberry.field(
        default=None,
        description="Units on the shelf; for serial-controlled SKUs the serials count.",
    )
    serials: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class RecordCountsInput:
    id: strawberry.ID
    lines: list[CountLineInput]


@strawberry.input
class ReviewInventoryCheckInput:
    id: strawberry.ID
    decision: CheckDecision
    note: str | None = None


@strawberry.type
class InventoryCheckPayload:
    inventory_check: InventoryCheck | None
    errors: list[UserError]
