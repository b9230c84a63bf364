"""Check sheets: start a count of a warehouse, record counts in sittings, read them.

    check = await start_inventory_check(principal, warehouse_code="W1",
                                        source=CheckSource.IN_STOCK, blind=True,
                                        count_date=date(2026, 10, 31))
    check = await record_counts(principal, check.id, [CountInput("SKU-A", 12)])

The sheet is prefilled with every active product (``ALL_PRODUCTS``) or every product
with book stock at the count date (``IN_STOCK``), with the book quantity, which a blind
sheet hides from the counting partner. One check at most is open (``DRAFT`` or
``SUBMITTED``) per warehouse. ``record_counts`` sets lines (never adds to them): a sitting
repeated after a dropped connection changes nothing; a product found that is not on the
sheet is added. Serial-controlled products are counted by their serials.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_business_date, today
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.bounds.text import SHORT, clean_code, clean_text
from portal.domain.bulk import insert_rows
from portal.domain.catalog.lookups import get_warehouse, partner_scope
from portal.domain.catalog.tenants import settings_of
from portal.domain.checks.book import book_at
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.periods import period_of
from portal.domain.tenancy import save_fields, visible_to
from portal.models import InventoryCheck, InventoryCheckLine, Product
from portal.models.enums import CheckSource, CheckStatus

MAX_COUNT_LINES = 500  # lines of one sitting; a sheet has any number
_LINE_COLUMNS = {
    "manufacturer_id": "int",
    "check_id": "bigint",
    "product_id": "int",
    "book": "int",
    "serials": "jsonb",
    "book_serials": "jsonb",
}
OPEN_STATUSES = (CheckStatus.DRAFT, CheckStatus.SUBMITTED)


@dataclass(frozen=True, slots=True)
class CountInput:
    sku: str
    counted: int | None = None
    serials: list[str] = field(default_factory=list)


def visible_checks(
    principal: Principal,
    *,
    partner_id: int | None = None,
    status: CheckStatus | None = None,
) -> QuerySet[InventoryCheck]:
    principal.require(Action.VIEW_INVENTORY)
    checks = visible_to(principal, InventoryCheck)
    if partner_id is not None:
        checks = checks.filter(partner_id=partner_id)
    if status is not None:
        checks = checks.filter(status=status)
    return checks


async def find_checks(
    principal: Principal, *, partner_code: str | None, status: CheckStatus | None
) -> QuerySet[InventoryCheck]:
    return visible_checks(
        principal, partner_id=await partner_scope(principal, partner_code), status=status
    )


def lines_of(
    manufacturer_id: int, check_id: int, *, uncounted_only: bool = False
) -> QuerySet[InventoryCheckLine]:
    lines = InventoryCheckLine.filter(manufacturer_id=manufacturer_id, check_id=check_id)
    if uncounted_only:
        lines = lines.filter(counted__isnull=True)
    return lines


def hides_book(principal: Principal, check: InventoryCheck) -> bool:
    """A blind sheet hides book quantities (and so variances) from partner principals."""
    return check.blind and principal.is_partner


async def get_check(principal: Principal, check_id: int, *, lock: bool = False) -> InventoryCheck:
    query = visible_to(principal, InventoryCheck).filter(id=check_id)
    if lock and is_postgres():
        query = query.select_for_update()
    check = await query.first()
    if check is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such inventory check.", ["id"])
    return check


async def start_inventory_check(
    principal: Principal,
    *,
    warehouse_code: str,
    source: CheckSource = CheckSource.ALL_PRODUCTS,
    blind: bool = False,
    count_date: date | None = None,
    idempotency_key: str | None = None,
) -> InventoryCheck:
    principal.require(Action.COUNT_STOCK)
    day = count_date or today()
    request = {"warehouse": warehouse_code, "source": source, "blind": blind, "day": day}

    async def create() -> InventoryCheck:
        check_business_date(day, ["countDate"])
        if day > today():
            raise DomainError(
                ErrorCode.DATE_OUT_OF_RANGE, "countDate is in the future.", ["countDate"]
            )
        warehouse = await get_warehouse(principal, clean_code(warehouse_code, "warehouseCode"))
        if warehouse.partner_id is None:
            raise DomainError(
                ErrorCode.INVALID,
                "Only partner warehouses are counted on check sheets.",
                ["warehouseCode"],
            )
        if not warehouse.active:
            raise DomainError(
                ErrorCode.INACTIVE, "The warehouse is deactivated.", ["warehouseCode"]
            )
        m = principal.manufacturer_id
        book = await book_at(m, warehouse.id, day)
        if source is CheckSource.IN_STOCK:
            product_ids = sorted(book)
        else:
            active = {
                int(p.id) for p in await Product.filter(manufacturer_id=m, active=True).only("id")
            }
            product_ids = sorted(active | set(book))
        granularity = (await settings_of(m)).period_granularity
        try:
            async with in_transaction():
                check = await InventoryCheck.create(
                    manufacturer_id=m,
                    partner_id=warehouse.partner_id,
                    warehouse_id=warehouse.id,
                    open_warehouse_id=warehouse.id,
                    source=source,
                    blind=blind,
                    count_date=day,
                    period=period_of(day, granularity),
                    line_count=len(product_ids),
                    token_id=principal.token_id,
                )
                await insert_rows(
                    "inventory_check_line",
                    _LINE_COLUMNS,
                    [(m, check.id, p, book.get(p, 0), "[]", "[]") for p in product_ids],
                )
        except IntegrityError:
            raise DomainError(
                ErrorCode.CHECK_ALREADY_OPEN,
                f"Warehouse {warehouse.code} has an open inventory check; finish it first.",
                ["warehouseCode"],
            ) from None
        return check

    return await idempotent(
        principal,
        "startInventoryCheck",
        idempotency_key,
        request,
        create=create,
        model=InventoryCheck,
    )


async def _products(principal: Principal, counts: list[CountInput]) -> dict[str, Product]:
    skus = {clean_code(c.sku, "sku") for c in counts}
    found = {
        p.sku: p
        for p in await Product.filter(manufacturer_id=principal.manufacturer_id, sku__in=skus)
    }
    for index, count in enumerate(counts):
        if count.sku.strip() not in found:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                f"No product with SKU '{count.sku.strip()}'.",
                ["lines", str(index), "sku"],
            )
    return found


def _checked(index: int, count: CountInput, product: Product) -> tuple[int, list[str]]:
    at = ["lines", str(index)]
    serials = [
        clean_text(s, [*at, "serials"], max_length=SHORT, label="A serial")
        for s in count.serials
        if s and s.strip()
    ]
    if len(set(serials)) != len(serials):
        raise DomainError(ErrorCode.SERIALS_MISMATCH, "A serial is listed twice.", [*at, "serials"])
    if not product.serial_controlled:
        if serials:
            raise DomainError(
                ErrorCode.SERIALS_MISMATCH,
                f"{product.sku} is not serial-controlled.",
                [*at, "serials"],
            )
        if count.counted is None:
            raise DomainError(ErrorCode.REQUIRED, "counted is required.", [*at, "counted"])
        return check_quantity(count.counted, [*at, "counted"], sign=Sign.NON_NEGATIVE), []
    if count.counted is not None and count.counted != len(serials):
        raise DomainError(
            ErrorCode.SERIALS_MISMATCH,
            f"{product.sku} is counted by serial: {len(serials)} serials for {count.counted}.",
            [*at, "serials"],
        )
    return len(serials), sorted(serials)


async def record_counts(
    principal: Principal, check_id: int, counts: list[CountInput]
) -> InventoryCheck:
    """Set the counted quantity (or serials) of each line; bad input changes nothing."""
    principal.require(Action.COUNT_STOCK)
    if not counts or len(counts) > MAX_COUNT_LINES:
        raise DomainError(
            ErrorCode.REQUIRED, f"1 to {MAX_COUNT_LINES} lines per sitting.", ["lines"]
        )
    m = principal.manufacturer_id
    products = await _products(principal, counts)
    wanted: dict[int, tuple[int, list[str]]] = {}
    for index, count in enumerate(counts):
        product = products[count.sku.strip()]
        if product.id in wanted:
            raise DomainError(
                ErrorCode.ALREADY_EXISTS, f"{product.sku} twice.", ["lines", str(index), "sku"]
            )
        wanted[product.id] = _checked(index, count, product)
    async with in_transaction():
        check = await get_check(principal, check_id, lock=True)
        if check.status is not CheckStatus.DRAFT:
            raise DomainError(
                ErrorCode.INVALID_STATE, f"The check is {check.status.value}.", ["id"]
            )
        lines = {
            line.product_id: line
            for line in await lines_of(m, check.id).filter(product_id__in=sorted(wanted))
        }
        missing = sorted(set(wanted) - set(lines))
        if missing:  # found on the shelf, not on the sheet
            book = await book_at(m, check.warehouse_id, check.count_date, missing)
            await insert_rows(
                "inventory_check_line",
                _LINE_COLUMNS,
                [(m, check.id, p, book.get(p, 0), "[]", "[]") for p in missing],
            )
            for line in await lines_of(m, check.id).filter(product_id__in=missing):
                lines[line.product_id] = line
        for product_id, (counted, serials) in wanted.items():
            line = lines[product_id]
            if line.counted == counted and list(line.serials or []) == serials:
                continue
            line.counted, line.serials = counted, serials
            await save_fields(line, "counted", "serials")
        check.line_count = await lines_of(m, check.id).count()
        check.counted_count = await lines_of(m, check.id).filter(counted__isnull=False).count()
        await save_fields(check, "line_count", "counted_count")
    return check
