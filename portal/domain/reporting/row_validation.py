"""The validation rules of partner data, one row at a time, with stable codes.

A :class:`RowChecker` is loaded once per submission (warehouses, products, SKU
mappings) and checks rows against ``DOMAIN.md``: unknown SKU (after mapping), unknown
or foreign warehouse, quantity not a number / zero / fractional, sold-on date outside
the period, duplicate lines, serials never shipped to the partner or already sold,
missing end customer, negative stock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from portal.domain.periods import Period
from portal.domain.reporting.files import Layout
from portal.models import PartnerSkuMapping, Product, SerialUnit, Warehouse
from portal.models.enums import IssueSeverity, SerialStatus, SubmissionKind

MAX_QUANTITY = 1_000_000_000


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
            await PartnerSkuMapping.filter(partner_id=partner_id).values_list(
                "partner_sku", "product_id"
            )
        )
        return cls(
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

    def _warehouse(self, values: dict[str, str]) -> Warehouse:
        code = values.get("warehouse_code", "")
        if not code:
            raise RowError("warehouse_code", "REQUIRED", "warehouse_code is required.")
        warehouse = self.warehouses.get(code)
        if warehouse is None:  # unknown and another partner's look the same: nothing leaks
            raise RowError(
                "warehouse_code", "UNKNOWN_WAREHOUSE", f"'{code}' is not one of your warehouses."
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
            raise RowError("sku", "UNKNOWN_SKU", f"Unknown SKU '{sku}'.")
        return product

    def _number(self, text: str, name: str) -> Decimal:
        cleaned = text.replace(" ", "").replace("\u00a0", "")
        if self.layout.decimal_comma:
            cleaned = cleaned.replace(".", "").replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise RowError(
                name, f"INVALID_{name.upper()}", f"{name} '{text}' is not a number."
            ) from None
        if not number.is_finite():
            raise RowError(name, f"INVALID_{name.upper()}", f"{name} '{text}' is not a number.")
        return number

    def _quantity(self, values: dict[str, str]) -> int:
        text = values.get("quantity", "")
        if not text:
            raise RowError("quantity", "REQUIRED", "quantity is required.")
        number = self._number(text, "quantity")
        if number != number.to_integral_value():
            raise RowError(
                "quantity",
                "FRACTIONAL_QUANTITY",
                f"quantity {text} is not a whole number of units.",
            )
        if abs(number) > MAX_QUANTITY:
            raise RowError("quantity", "INVALID_QUANTITY", f"quantity {text} is out of range.")
        return int(number)

    def _date(self, values: dict[str, str]) -> date:
        text = values.get("sold_on", "")
        if not text:
            raise RowError("sold_on", "REQUIRED", "sold_on is required.")
        try:
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
        if not self.period.contains(day):
            raise RowError(
                "sold_on",
                "DATE_OUTSIDE_PERIOD",
                f"sold_on {day} is outside period {self.period.name}.",
            )
        return day

    # -- rows ----------------------------------------------------------------------

    def check_stock(self, row: int, values: dict[str, str]) -> CheckedStock | RowIssue:
        try:
            warehouse = self._warehouse(values)
            product = self._product(values)
            quantity = self._quantity(values)
            if quantity < 0:
                raise RowError("quantity", "NEGATIVE_STOCK", "Stock on hand cannot be negative.")
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
            warehouse = self._warehouse(values)
            product = self._product(values)
            quantity = self._quantity(values)
            if quantity == 0:
                raise RowError("quantity", "ZERO_QUANTITY", "quantity cannot be 0.")
            sold_on = self._date(values)
            name = values.get("end_customer_name", "")
            if not name:
                raise RowError(
                    "end_customer_name", "END_CUSTOMER_REQUIRED", "The end customer is required."
                )
            country = values.get("end_customer_country", "").upper()
            if len(country) != 2 or not country.isalpha():
                raise RowError(
                    "end_customer_country",
                    "INVALID_COUNTRY",
                    "end_customer_country is a 2-letter ISO code.",
                )
            price_text = values.get("unit_price", "")
            price = self._number(price_text, "unit_price") if price_text else None
            if price is not None and (price < 0 or price >= Decimal("1e14")):
                raise RowError("unit_price", "INVALID_UNIT_PRICE", "unit_price must be 0 or more.")
            currency = values.get("currency", "").upper()
            if currency and (len(currency) != 3 or not currency.isalpha()):
                raise RowError("currency", "INVALID_CURRENCY", "currency is a 3-letter ISO code.")
            serials = [s.strip() for s in values.get("serials", "").split(";") if s.strip()]
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
            invoice = values.get("invoice_no", "")[:64]
            if invoice:
                keys = [hash(("pos", invoice, product.id, s)) for s in (serials or [""])]
                if any(k in self.seen for k in keys):
                    raise RowError(
                        "invoice_no",
                        "DUPLICATE_LINE",
                        f"Invoice {invoice}, {product.sku} is reported twice.",
                    )
                self.seen.update(keys)
        except RowError as error:
            return RowIssue(row, *error.issue)
        return CheckedPos(
            row,
            warehouse.id,
            product.id,
            quantity,
            sold_on,
            (name[:300], country, values.get("end_customer_postal_code", "")[:20]),
            price,
            currency,
            invoice,
            serials,
        )

    async def check_serials(self, lines: list[CheckedPos]) -> list[RowIssue]:
        """Sold serials must be in stock at the partner (or sold by an earlier version)."""
        wanted = {(line.product_id, s) for line in lines for s in line.serials}
        if not wanted:
            return []
        units = {
            (u.product_id, u.serial): u
            for u in await SerialUnit.filter(
                product_id__in={p for p, _ in wanted}, serial__in={s for _, s in wanted}
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
