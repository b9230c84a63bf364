"""POS rows as staging records: the checks of one row that need no table, in Python.

    stager = PosStager(checker)
    record = stager.record(seq, row, values)    # a tuple for COPY into the staging table

The set-based path on PostgreSQL (:mod:`portal.domain.reporting.pos_staging`) does in SQL
what needs a table (warehouse, SKU and its mapping, the period, serial counts, duplicates,
serial units); this module does the rest exactly as :meth:`RowChecker.check_pos` does, and
records *where* in its order of checks a row first failed (its rank), so that SQL can tell
which failure :meth:`RowChecker.check_pos` would have reported first. No ORM object is
built per row: a record is a plain tuple.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from portal.domain.bounds.quantities import Sign
from portal.domain.reporting.customers import customer_key
from portal.domain.reporting.row_validation import SERIAL_LENGTH, RowChecker, RowError

# The order of the checks of :meth:`RowChecker.check_pos`; the first that fails is reported.
TEXT = 1
WAREHOUSE = 2  # REQUIRED here, UNKNOWN_WAREHOUSE in SQL
SKU = 3  # REQUIRED here, UNKNOWN_SKU in SQL
QUANTITY = 4
SOLD_ON = 5  # format and window here, DATE_OUTSIDE_PERIOD in SQL
CUSTOMER = 6
COUNTRY = 7
PRICE = 8
CURRENCY = 9
SERIAL_LENGTH_RANK = 10
SERIAL_COUNT = 11  # SQL: a serial-controlled product needs |quantity| serials
NOT_SERIALISED = 12  # SQL: serials of a product that is not serial-controlled
BATCH = 13  # SQL: a batch-controlled sale without batch_no, or a batch of another SKU
SERIAL_REPEATED = 14  # a serial twice on the line (the message needs the product: SQL)
SERIAL_EARLIER = 15  # SQL: a serial already on an earlier line
INVOICE_REPEATED = 16  # SQL: the same invoice, product and batch again
SERIAL_STOCK = 17  # SQL: serial never shipped to the partner or already sold
VALID = 99

# (field, code, message) of a required field left empty
WAREHOUSE_REQUIRED = ("warehouse_code", "REQUIRED", "warehouse_code is required.")
SKU_REQUIRED = ("sku", "REQUIRED", "sku is required.")
CUSTOMER_REQUIRED = ("end_customer_name", "END_CUSTOMER_REQUIRED", "The end customer is required.")

# seq, row, warehouse_code, sku, quantity, sold_on, name, country, postal_code, unit_price,
# currency, invoice_no, serials, batch_no, customer_key, rank, field, code, message
STAGE_COLUMNS = (
    "seq",
    "row",
    "warehouse_code",
    "sku",
    "quantity",
    "sold_on",
    "name",
    "country",
    "postal_code",
    "unit_price",
    "currency",
    "invoice_no",
    "serials",
    "batch_no",
    "customer_key",
    "rank",
    "field",
    "code",
    "message",
)
STAGE_TYPES = (
    "int",
    "int",
    "text",
    "text",
    "int",
    "date",
    "text",
    "text",
    "text",
    "numeric",
    "text",
    "text",
    "text[]",
    "text",
    "text",
    "int",
    "text",
    "text",
    "text",
)


def country_of(text: str) -> str:
    """A country as stored (upper case), or :class:`RowError`."""
    country = text.upper()
    if len(country) != 2 or not (country.isascii() and country.isalpha()):
        raise RowError(
            "end_customer_country",
            "INVALID_COUNTRY",
            "end_customer_country is a 2-letter ISO code.",
        )
    return country


def price_of(checker: RowChecker, text: str) -> Decimal | None:
    """A unit price (none when empty), or :class:`RowError`."""
    price = checker.parse_number(text, "unit_price") if text else None
    if price is not None and (price < 0 or price >= Decimal("1e14")):
        raise RowError("unit_price", "INVALID_UNIT_PRICE", "unit_price must be 0 or more.")
    return price


def currency_of(text: str) -> str:
    """A currency as stored (upper case, may be empty), or :class:`RowError`."""
    currency = text.upper()
    if currency and (len(currency) != 3 or not (currency.isascii() and currency.isalpha())):
        raise RowError("currency", "INVALID_CURRENCY", "currency is a 3-letter ISO code.")
    return currency


def serials_of(text: str) -> list[str]:
    """The serials listed (``;``-separated, trimmed), or :class:`RowError` for a long one."""
    serials = [s.strip() for s in text.split(";") if s.strip()] if text else []
    if serials and any(len(serial) > SERIAL_LENGTH for serial in serials):
        raise RowError(
            "serials", "FIELD_TOO_LONG", f"A serial is longer than {SERIAL_LENGTH} characters."
        )
    return serials


def unrepeated(serials: list[str]) -> None:
    """:class:`RowError` for a serial twice on a line (its message, with the SKU, is
    written once the product is known)."""
    if len(serials) > 1 and len(set(serials)) != len(serials):
        raise RowError("serials", "DUPLICATE_SERIAL", "")


class PosStager:
    """Turns rows into staging records; remembers one customer key per distinct name."""

    def __init__(self, checker: RowChecker) -> None:
        self.checker = checker
        self.keys: dict[tuple[str, str], str] = {}

    def _key(self, name: str, country: str) -> str:
        key = self.keys.get((name, country))
        if key is None:
            key = self.keys[(name, country)] = customer_key(name, country)
        return key

    def record(self, seq: int, row: int, values: dict[str, str]) -> tuple[Any, ...]:
        checker = self.checker
        rank = TEXT
        warehouse_code = sku = name = country = postal = currency = invoice = batch_no = ""
        quantity: int | None = None
        sold_on: date | None = None
        price: Decimal | None = None
        serials: list[str] = []
        key: str | None = None
        try:
            checker.check_text(values)
            rank = WAREHOUSE
            warehouse_code = values.get("warehouse_code", "")
            if not warehouse_code:
                raise RowError(*WAREHOUSE_REQUIRED)
            rank = SKU
            sku = values.get("sku", "")
            if not sku:
                raise RowError(*SKU_REQUIRED)
            rank = QUANTITY
            quantity = checker.row_quantity(values, Sign.NON_ZERO)
            rank = SOLD_ON
            sold_on = checker.parse_date(values)
            rank = CUSTOMER
            name = values.get("end_customer_name", "")
            if not name:
                raise RowError(*CUSTOMER_REQUIRED)
            rank = COUNTRY
            country = country_of(values.get("end_customer_country", ""))
            rank = PRICE
            price = price_of(checker, values.get("unit_price", ""))
            rank = CURRENCY
            currency = currency_of(values.get("currency", ""))
            rank = SERIAL_LENGTH_RANK
            serials = serials_of(values.get("serials", ""))
            rank = SERIAL_REPEATED
            unrepeated(serials)
            invoice = values.get("invoice_no", "")
            batch_no = values.get("batch_no", "")
            postal = values.get("end_customer_postal_code", "")
            key = self._key(name, country)
        except RowError as error:
            field, code, message = error.issue
            if rank == TEXT:  # a refused character never reaches the database
                warehouse_code = sku = ""
            return (
                seq,
                row,
                warehouse_code,
                sku,
                quantity,
                sold_on,
                "",
                "",
                "",
                None,
                "",
                "",
                serials if rank == SERIAL_REPEATED else [],
                "",
                None,
                rank,
                field,
                code,
                message,
            )
        return (
            seq,
            row,
            warehouse_code,
            sku,
            quantity,
            sold_on,
            name,
            country,
            postal,
            price,
            currency,
            invoice,
            serials,
            batch_no,
            key,
            VALID,
            None,
            None,
            None,
        )
