"""The validation rules of partner data, one row at a time, with stable codes.

A :class:`RowChecker` is loaded once per submission (warehouses, products, SKU
mappings) and checks rows against ``DOMAIN.md``: unknown SKU (after mapping), unknown
or foreign warehouse, quantity not a number / zero / fractional, sold-on date outside
the period, duplicate lines, serials never shipped to the partner or already sold,
missing end customer, negative stock; and first of all the bounds of every field
(:data:`FIELD_LIMITS`: lengths that fit the database, no control characters), strict
quantities (:mod:`portal.domain.bounds.quantities`), dates in the accepted window
(:mod:`portal.domain.bounds.dates`) and one sale per serial in a submission.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from portal.domain.bounds.dates import EARLIEST, latest_business_date
from portal.domain.bounds.quantities import QuantityError, Sign, parse_quantity
from portal.domain.bounds.text import CODE, CUSTOMER_NAME, SHORT, printable, text_problem
from portal.domain.periods import Period
from portal.domain.reporting.files import Layout
from portal.models import PartnerSkuMapping, Product, SerialUnit, Warehouse
from portal.models.enums import IssueSeverity, SerialStatus, SubmissionKind

# The longest value of each field of a row (characters), within its database column.
FIELD_LIMITS = {
    "warehouse_code": CODE,
    "sku": SHORT,  # a SKU or a partner's part number
    "quantity": 32,
    "sold_on": 32,
    "end_customer_name": CUSTOMER_NAME,
    "end_customer_country": 64,  # then exactly 2 letters (INVALID_COUNTRY)
    "end_customer_postal_code": 20,
    "unit_price": 32,
    "currency": 64,  # then exactly 3 letters (INVALID_CURRENCY)
    "invoice_no": CODE,
    "serials": 64 * 1024,  # each serial: SERIAL_LENGTH
    "batch_no": CODE,
}
SERIAL_LENGTH = SHORT
SHORTEST_LIMIT = min(FIELD_LIMITS.values())  # a row of shorter cells has none too long
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


@dataclass(slots=True)
class RowIssue:
    row: int
    field: str | None
    code: str
    message: str
    severity: IssueSeverity = IssueSeverity.ERROR


@dataclass(slots=True)
class CheckedPos:
    row: int
    warehouse_id: int
    product_id: int
    quantity: int
    sold_on: date
    customer: tuple[str, str, str]
    unit_price: Decimal | None
    currency: str
    invoice_no: str
    serials: list[str]
    batch_no: str | None


def batch_issue(
    sku: str, batch_controlled: bool, batch_no: str, quantity: int
) -> tuple[str, str, str] | None:
    """A POS line's batch: required for a sale of a batch-controlled SKU (stock leaves the
    partner; optional on a customer return), refused for other SKUs. Both ingest paths
    word it so."""
    if batch_controlled and not batch_no and quantity > 0:
        return "batch_no", "REQUIRED", f"{sku} is batch-controlled: batch_no is required."
    if batch_no and not batch_controlled:
        return "batch_no", "INVALID", f"{sku} is not batch-controlled."
    return None


@dataclass(slots=True)
class CheckedStock:
    row: int
    warehouse_id: int
    product_id: int
    quantity: int


class RowError(Exception):
    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.issue = (field, code, message)


@dataclass
class RowChecker:
    manufacturer_id: int
    kind: SubmissionKind
    partner_id: int
    period: Period
    layout: Layout
    warehouses: dict[str, Warehouse]
    products: dict[str, Product]
    mappings: dict[str, int]
    products_by_id: dict[int, Product]
    series_ids: set[int] = field(default_factory=set)  # earlier versions of this report
    seen: set[int] = field(default_factory=set)  # hashes of line keys: bounded memory
    # the last business date accepted (bounds.dates), fixed when the run starts
    latest_date: date = field(default_factory=latest_business_date)

    @classmethod
    async def load(
        cls,
        manufacturer_id: int,
        partner_id: int,
        kind: SubmissionKind,
        period: Period,
        layout: Layout,
        series_ids: set[int],
    ) -> RowChecker:
        warehouses = {
            w.code: w
            for w in await Warehouse.filter(
                manufacturer_id=manufacturer_id, partner_id=partner_id, active=True
            )
        }
        products = {p.sku: p for p in await Product.filter(manufacturer_id=manufacturer_id)}
        mappings = dict(
            await PartnerSkuMapping.filter(
                manufacturer_id=manufacturer_id, partner_id=partner_id
            ).values_list("partner_sku", "product_id")
        )
        return cls(
            manufacturer_id,
            kind,
            partner_id,
            period,
            layout,
            warehouses,
            products,
            mappings,
            {p.id: p for p in products.values()},
            series_ids,
        )

    # -- single values -------------------------------------------------------------

    @staticmethod
    def check_text(values: dict[str, str]) -> None:
        """Every field within its length, without control characters."""
        joined = "".join(values.values())
        if joined.isascii() and joined.isprintable():  # the usual row: only lengths to check
            if max(map(len, values.values()), default=0) <= SHORTEST_LIMIT:
                return
            for name, value in values.items():
                limit = FIELD_LIMITS.get(name)
                if limit is not None and len(value) > limit:
                    raise RowError(
                        name, "FIELD_TOO_LONG", f"{name} contains more than {limit} characters."
                    )
            return
        for name, value in values.items():
            limit = FIELD_LIMITS.get(name)
            if limit is None or not value:
                continue
            problem = text_problem(value, limit)
            if problem is not None:
                what = (
                    "control or invalid characters"
                    if problem.value == "INVALID_CHARACTERS"
                    else f"more than {limit} characters"
                )
                raise RowError(name, problem.value, f"{name} contains {what}.")

    def _warehouse(self, values: dict[str, str]) -> Warehouse:
        code = values.get("warehouse_code", "")
        if not code:
            raise RowError("warehouse_code", "REQUIRED", "warehouse_code is required.")
        warehouse = self.warehouses.get(code)
        if warehouse is None:  # unknown and another partner's look the same: nothing leaks
            raise RowError(
                "warehouse_code",
                "UNKNOWN_WAREHOUSE",
                f"'{printable(code)}' is not one of your warehouses.",
            )
        return warehouse

    def _product(self, values: dict[str, str]) -> Product:
        sku = values.get("sku", "")
        if not sku:
            raise RowError("sku", "REQUIRED", "sku is required.")
        product = None if self.layout.partner_skus else self.products.get(sku)
        if product is None and sku in self.mappings:
            product = self.products_by_id.get(self.mappings[sku])
        if product is None:
            raise RowError("sku", "UNKNOWN_SKU", f"Unknown SKU '{printable(sku)}'.")
        return product

    def parse_number(self, text: str, name: str) -> Decimal:
        cleaned = text.replace(" ", "").replace("\u00a0", "")
        if self.layout.decimal_comma:
            cleaned = cleaned.replace(".", "").replace(",", ".")
        try:
            if not _DECIMAL.fullmatch(cleaned):  # no exponent, underscore, non-ASCII digit
                raise InvalidOperation(cleaned)
            number = Decimal(cleaned)
        except InvalidOperation:
            raise RowError(
                name, f"INVALID_{name.upper()}", f"{name} '{text}' is not a number."
            ) from None
        if not number.is_finite():
            raise RowError(name, f"INVALID_{name.upper()}", f"{name} '{text}' is not a number.")
        return number

    def row_quantity(self, values: dict[str, str], sign: Sign) -> int:
        text = values.get("quantity", "")
        if not text:
            raise RowError("quantity", "REQUIRED", "quantity is required.")
        try:
            return parse_quantity(
                text, sign=sign, decimal_separator="," if self.layout.decimal_comma else "."
            )
        except QuantityError as problem:
            code = problem.code
            if code == "NEGATIVE_QUANTITY" and self.kind is SubmissionKind.STOCK:
                raise RowError(
                    "quantity", "NEGATIVE_STOCK", "Stock on hand cannot be negative."
                ) from None
            raise RowError("quantity", code, problem.message) from None

    def _date(self, values: dict[str, str]) -> date:
        day = self.parse_date(values)
        if not self.period.contains(day):
            raise RowError(
                "sold_on",
                "DATE_OUTSIDE_PERIOD",
                f"sold_on {day} is outside period {self.period.name}.",
            )
        return day

    def parse_date(self, values: dict[str, str]) -> date:
        """The sold-on date in the layout's format and the accepted window (the period
        is checked by :meth:`_date`, or by the set-based path in SQL)."""
        text = values.get("sold_on", "")
        if not text:
            raise RowError("sold_on", "REQUIRED", "sold_on is required.")
        try:
            if not text.isascii():  # strptime would read other scripts' digits
                raise ValueError(text)
            if self.layout.date_format == "%Y-%m-%d" and len(text) == 10:
                day = date.fromisoformat(text)
            else:
                day = datetime.strptime(text[:32], self.layout.date_format).date()
        except ValueError:
            raise RowError(
                "sold_on",
                "INVALID_DATE",
                f"sold_on '{text[:40]}' does not match {self.layout.date_format}.",
            ) from None
        if not EARLIEST <= day <= self.latest_date:
            raise RowError(
                "sold_on",
                "DATE_OUT_OF_RANGE",
                f"sold_on {day} is outside {EARLIEST} to {self.latest_date}.",
            )
        return day

    def _unique_serials(self, product: Product, serials: list[str]) -> None:
        """A serial is sold (or returned) once per submission: the second is refused."""
        if len(set(serials)) != len(serials):
            raise RowError(
                "serials",
                "DUPLICATE_SERIAL",
                f"A serial of {product.sku} is repeated on this line.",
            )
        for serial in serials:
            if hash(("serial", product.id, serial)) in self.seen:
                raise RowError(
                    "serials",
                    "DUPLICATE_SERIAL",
                    f"Serial {serial} of {product.sku} is already on an earlier line.",
                )

    # -- rows ----------------------------------------------------------------------

    def check_stock(self, row: int, values: dict[str, str]) -> CheckedStock | RowIssue:
        try:
            self.check_text(values)
            warehouse = self._warehouse(values)
            product = self._product(values)
            quantity = self.row_quantity(values, Sign.NON_NEGATIVE)
            key = hash(("stock", warehouse.id, product.id))
            if key in self.seen:
                raise RowError(
                    "sku", "DUPLICATE_LINE", f"{product.sku} at {warehouse.code} is reported twice."
                )
            self.seen.add(key)
        except RowError as error:
            return RowIssue(row, *error.issue)
        return CheckedStock(row, warehouse.id, product.id, quantity)

    def check_pos(self, row: int, values: dict[str, str]) -> CheckedPos | RowIssue:
        try:
            self.check_text(values)
            warehouse = self._warehouse(values)
            product = self._product(values)
            quantity = self.row_quantity(values, Sign.NON_ZERO)  # negative: a customer return
            sold_on = self._date(values)
            name = values.get("end_customer_name", "")
            if not name:
                raise RowError(
                    "end_customer_name", "END_CUSTOMER_REQUIRED", "The end customer is required."
                )
            country = values.get("end_customer_country", "").upper()
            if len(country) != 2 or not (country.isascii() and country.isalpha()):
                raise RowError(
                    "end_customer_country",
                    "INVALID_COUNTRY",
                    "end_customer_country is a 2-letter ISO code.",
                )
            price_text = values.get("unit_price", "")
            price = self.parse_number(price_text, "unit_price") if price_text else None
            if price is not None and (price < 0 or price >= Decimal("1e14")):
                raise RowError("unit_price", "INVALID_UNIT_PRICE", "unit_price must be 0 or more.")
            currency = values.get("currency", "").upper()
            if currency and (len(currency) != 3 or not (currency.isascii() and currency.isalpha())):
                raise RowError("currency", "INVALID_CURRENCY", "currency is a 3-letter ISO code.")
            serials = [s.strip() for s in values.get("serials", "").split(";") if s.strip()]
            if any(len(serial) > SERIAL_LENGTH for serial in serials):
                raise RowError(
                    "serials",
                    "FIELD_TOO_LONG",
                    f"A serial is longer than {SERIAL_LENGTH} characters.",
                )
            if product.serial_controlled and len(serials) != abs(quantity):
                raise RowError(
                    "serials",
                    "SERIALS_MISMATCH",
                    f"{product.sku} needs {abs(quantity)} serials, got {len(serials)}.",
                )
            if serials and not product.serial_controlled:
                raise RowError(
                    "serials", "SERIALS_MISMATCH", f"{product.sku} is not serial-controlled."
                )
            batch_no = values.get("batch_no", "")
            problem = batch_issue(product.sku, product.batch_controlled, batch_no, quantity)
            if problem is not None:
                raise RowError(*problem)
            invoice = values.get("invoice_no", "")
            self._unique_serials(product, serials)
            if invoice:
                keys = [hash(("pos", invoice, product.id, batch_no, s)) for s in (serials or [""])]
                if any(k in self.seen for k in keys):
                    raise RowError(
                        "invoice_no",
                        "DUPLICATE_LINE",
                        f"Invoice {invoice}, {product.sku} is reported twice.",
                    )
                self.seen.update(keys)
            self.seen.update(hash(("serial", product.id, s)) for s in serials)
        except RowError as error:
            return RowIssue(row, *error.issue)
        return CheckedPos(
            row,
            warehouse.id,
            product.id,
            quantity,
            sold_on,
            (name, country, values.get("end_customer_postal_code", "")),
            price,
            currency,
            invoice,
            serials,
            batch_no or None,
        )

    async def check_serials(self, lines: list[CheckedPos]) -> list[RowIssue]:
        """Sold serials must be in stock at the partner (or sold by an earlier version)."""
        wanted = {(line.product_id, s) for line in lines for s in line.serials}
        if not wanted:
            return []
        units = {
            (u.product_id, u.serial): u
            for u in await SerialUnit.filter(
                manufacturer_id=self.manufacturer_id,
                product_id__in={p for p, _ in wanted},
                serial__in={s for _, s in wanted},
            )
        }
        own = {w.id for w in self.warehouses.values()}
        issues = []
        for line in lines:
            for serial in line.serials:
                unit = units.get((line.product_id, serial))
                if unit is None or unit.warehouse_id not in own:
                    issues.append(
                        RowIssue(
                            line.row,
                            "serials",
                            "SERIAL_UNKNOWN",
                            f"Serial {serial} was never shipped to you.",
                        )
                    )
                elif (
                    line.quantity > 0
                    and unit.status is not SerialStatus.IN_STOCK
                    and not (
                        unit.status is SerialStatus.GONE
                        and unit.sold_in_submission_id in self.series_ids
                    )
                ):
                    issues.append(
                        RowIssue(
                            line.row,
                            "serials",
                            "SERIAL_ALREADY_SOLD",
                            f"Serial {serial} is already sold or not in stock.",
                        )
                    )
        return issues
