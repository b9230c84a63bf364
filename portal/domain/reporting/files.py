"""Reading partner files (CSV or XLSX) as a stream of rows, whatever their dialect.

    for row_no, values in read_rows(data, "CSV", layout):   # values: field -> text
        ...

CSV: UTF-8 (with or without BOM) or Windows-1252, comma / semicolon / tab / pipe
(sniffed unless the layout says). XLSX: the first sheet, read-only, after a zip-bomb
check. Memory stays bounded: rows are produced one at a time. Cells are text and never
evaluated (a formula stays the inert text it was). Row numbers count the header as 1.
Problems with the file itself raise :class:`FileProblem` with a stable code.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from portal.domain.bounds.text import printable
from portal.models.enums import SubmissionKind

MAX_LINE_CHARS = 64 * 1024
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 100
NUL_SHARE = 100  # more than 1 % NUL bytes: a binary or UTF-16 file
csv.field_size_limit(MAX_LINE_CHARS)

POS_FIELDS = (
    "warehouse_code",
    "sku",
    "quantity",
    "sold_on",
    "end_customer_name",
    "end_customer_country",
    "end_customer_postal_code",
    "unit_price",
    "currency",
    "invoice_no",
    "serials",
)
POS_REQUIRED = (
    "warehouse_code",
    "sku",
    "quantity",
    "sold_on",
    "end_customer_name",
    "end_customer_country",
)
STOCK_FIELDS = ("warehouse_code", "sku", "quantity")


def fields_of(kind: SubmissionKind) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (
        (POS_FIELDS, POS_REQUIRED) if kind is SubmissionKind.POS else (STOCK_FIELDS, STOCK_FIELDS)
    )


class FileProblem(Exception):
    def __init__(self, code: str, message: str, row: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.row = row


@dataclass
class Layout:
    """The default layout, or a partner's mapping template."""

    kind: SubmissionKind
    columns: dict[str, str] = field(default_factory=dict)  # field -> header; empty: default
    date_format: str = "%Y-%m-%d"
    decimal_comma: bool = False
    delimiter: str | None = None
    header_row: int = 1
    partner_skus: bool = False


def _detect_encoding(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    sample = data[:65536]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or sample.count(b"\x00") > max(
        1, len(sample) // NUL_SHARE
    ):  # a stray NUL is a bad cell (INVALID_CHARACTERS)
        raise FileProblem(
            "ENCODING", "The file is binary or UTF-16; send UTF-8 or Windows-1252 CSV."
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), 1 << 20):
            decoder.decode(data[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileProblem("ENCODING", "The file is neither UTF-8 nor Windows-1252 text.") from None
    return "cp1252"


def _lines(text: io.TextIOBase) -> Iterator[str]:
    line_no = 0
    while True:
        line = text.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        line_no += 1
        if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
            raise FileProblem(
                "LINE_TOO_LONG",
                f"Line {line_no} is longer than {MAX_LINE_CHARS} characters.",
                line_no,
            )
        yield line


def _delimiter(sample: str, layout: Layout) -> str:
    if layout.delimiter:
        return layout.delimiter
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(",;\t|", key=first.count)


def _csv_records(data: bytes, layout: Layout) -> Iterator[list[str]]:
    encoding = _detect_encoding(data)
    head = data[:16384].decode(encoding, errors="ignore")
    delimiter = _delimiter(head[: head.rfind("\n") + 1] or head, layout)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    try:
        yield from csv.reader(_lines(text), delimiter=delimiter)
    except csv.Error as exc:
        raise FileProblem("FILE_INVALID", f"The CSV cannot be read: {exc}.") from None


def _cell(value: object, layout: Layout) -> str:
    """An XLSX cell as the text the layout expects: a date cell in the layout's date
    format, a number with the layout's decimal separator and never in exponent form, so
    that a typed cell reads as its value (``12.5`` stays 12.5 under a decimal comma)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        try:
            return value.strftime(layout.date_format)
        except ValueError:
            return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            return str(int(value))
        text = format(Decimal(repr(value)), "f")
        return text.replace(".", ",") if layout.decimal_comma else text
    return str(value)


def _xlsx_records(data: bytes, layout: Layout) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise FileProblem("FILE_INVALID", "The XLSX file is not a valid workbook.") from None
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNCOMPRESSED or any(
        m.file_size > 1_000_000 and m.file_size > MAX_XLSX_RATIO * max(m.compress_size, 1)
        for m in members
    ):
        raise FileProblem(
            "XLSX_TOO_LARGE", "The XLSX expands to more than the portal accepts (a zip bomb?)."
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise FileProblem(
            "FILE_INVALID", f"The XLSX file cannot be read: {type(exc).__name__}."
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell(v, layout) for v in values]
    finally:
        workbook.close()


def read_rows(
    data: bytes, file_format: str, layout: Layout
) -> Iterator[tuple[int, dict[str, str]]]:
    if not data.strip():
        raise FileProblem("EMPTY_FILE", "The file is empty.")
    records = _xlsx_records(data, layout) if file_format == "XLSX" else _csv_records(data, layout)
    header: list[str] | None = None
    record_no = 0
    for record in records:
        record_no += 1
        if record_no < layout.header_row:
            continue
        if header is None:
            header = [h.strip().lower() for h in record]
            mapping = _map_header(header, layout)
            continue
        if not any(cell.strip() for cell in record):
            continue
        yield (
            record_no - layout.header_row + 1,
            {name: (record[i].strip() if i < len(record) else "") for name, i in mapping.items()},
        )
    if header is None:
        raise FileProblem("EMPTY_FILE", "The file has no header row.")


def _map_header(header: list[str], layout: Layout) -> dict[str, int]:
    expected, required = fields_of(layout.kind)
    wanted = {name: (layout.columns.get(name) or name).strip().lower() for name in expected}
    positions = {name: i for i, name in enumerate(header) if name}
    missing = [name for name in required if wanted[name] not in positions]
    expected_text = ", ".join(wanted[name] for name in expected)
    if missing:
        raise FileProblem(
            "MISSING_COLUMNS",
            f"Missing columns: {', '.join(printable(wanted[m]) for m in missing)}. "
            f"Expected: {printable(expected_text, 1000)}.",
        )
    if not layout.columns:
        unknown = [h for h in positions if h not in wanted.values()]
        if unknown:
            raise FileProblem(
                "UNKNOWN_COLUMNS",
                f"Unknown columns: {', '.join(printable(u) for u in unknown)}. "
                f"Expected: {printable(expected_text, 1000)}.",
            )
    return {name: positions[col] for name, col in wanted.items() if col in positions}


def count_records(data: bytes, file_format: str) -> int:
    """A quick estimate of data rows, for progress (exact once read)."""
    if file_format == "XLSX":
        return 0
    return max(data.count(b"\n") - (0 if data.endswith(b"\n") else -1) - 1, 0)
