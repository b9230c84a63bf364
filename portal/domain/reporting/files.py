"""Reading partner files (CSV or XLSX) as a stream of rows, whatever their dialect.

    for row_no, values in read_rows(data, "CSV", layout):   # values: field -> text
        ...

CSV: UTF-8 (with or without BOM) or Windows-1252, comma / semicolon / tab / pipe
(sniffed unless the layout says). XLSX: the first worksheet, read by calamine (Rust)
after the zip-bomb and size guards, which look only at the archive's directory; a
workbook with formulas or error cells is read by openpyxl, which keeps their text. CSV
rows are produced one at a time. Cells are text and never
evaluated (a formula stays the inert text it was). Row numbers count the header as 1.
Problems with the file itself raise :class:`FileProblem` with a stable code.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import zipfile
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter

from portal.domain.bounds.text import printable
from portal.domain.reporting.stored import StoredFile
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
    "batch_no",
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


_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_PLAIN = bytes(range(0x20, 0x7F)) + b"\t\r\n"  # printable ASCII and line ends (and tabs)


class CsvScan:
    """One pass over a CSV's bytes, a block at a time: its encoding, the head the
    delimiter is sniffed from, and the number of records (an estimate, for progress)."""

    def __init__(self) -> None:
        self.head = b""  # the first 64 KiB
        self.newlines = 0
        self.ends_with_newline = False
        self.blank = True
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._utf8_ok = True
        self._cp1252_ok = True
        # what decides whether PostgreSQL may parse the file (pos_csv): any quote, NUL or
        # backslash-dot (COPY's end-of-data marker) anywhere; and whether it is plain
        # (printable ASCII but for tabs and line ends), and has tabs
        self.plain = True
        self.tabs = False
        self.quotes = False
        self.nul = False
        self.backslash_dot = False
        self._last = b""

    def feed(self, block: bytes) -> None:
        if not block:
            return
        if len(self.head) < 65536:
            self.head += block[: 65536 - len(self.head)]
        self.newlines += block.count(b"\n")
        self.ends_with_newline = block.endswith(b"\n")
        if self.blank and block.strip():
            self.blank = False
        if self._utf8_ok:
            try:
                self._utf8.decode(block)
            except UnicodeDecodeError:
                self._utf8_ok = False
        if self._cp1252_ok and any(byte in block for byte in _CP1252_UNDEFINED):
            self._cp1252_ok = False
        self.plain = self.plain and block.isascii() and not block.translate(None, _PLAIN)
        self.tabs = self.tabs or b"\t" in block
        self.quotes = self.quotes or b'"' in block
        self.nul = self.nul or b"\x00" in block
        edge, self._last = self._last + block[:1], block[-1:]
        self.backslash_dot = self.backslash_dot or b"\\." in edge or b"\\." in block

    @property
    def records(self) -> int:
        """Data rows, for progress: the lines after the header (exact once read)."""
        return max(self.newlines + (0 if self.ends_with_newline else 1) - 1, 0)

    def encoding(self) -> str:
        """UTF-8 (``utf-8-sig`` with a BOM) or Windows-1252; :class:`FileProblem` for a
        binary, UTF-16 or undecodable file, or an empty one."""
        if self.blank:
            raise FileProblem("EMPTY_FILE", "The file is empty.")
        data = self.head
        if data.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or data.count(b"\x00") > max(
            1, len(data) // NUL_SHARE
        ):  # a stray NUL is a bad cell (INVALID_CHARACTERS)
            raise FileProblem(
                "ENCODING", "The file is binary or UTF-16; send UTF-8 or Windows-1252 CSV."
            )
        if self._utf8_ok:
            try:
                self._utf8.decode(b"", final=True)
                return "utf-8"
            except UnicodeDecodeError:
                self._utf8_ok = False
        if not self._cp1252_ok:
            raise FileProblem("ENCODING", "The file is neither UTF-8 nor Windows-1252 text.")
        return "cp1252"


def _delimiter(sample: str, layout: Layout) -> str:
    if layout.delimiter:
        return layout.delimiter
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(",;\t|", key=first.count)


class _Lines:
    """The lines of a block for :func:`csv.reader`, counting what it took."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.taken = 0
        self.exhausted = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.taken == len(self.lines):
            self.exhausted = True
            raise StopIteration
        self.taken += 1
        return self.lines[self.taken - 1]


class CsvParser:
    """A CSV fed its bytes a block at a time, giving the records each block completes.

        parser = CsvParser(scan, layout)
        for block in blocks:
            for record in parser.feed(block): ...
        for record in parser.feed(b"", final=True): ...

    Lines are split as a text file opened with ``newline=""`` splits them (``\n``,
    ``\r\n`` or ``\r``, kept), at most :data:`MAX_LINE_CHARS` each; a record whose
    quoted field goes on past a block's last line waits for the next block."""

    def __init__(self, scan: CsvScan, layout: Layout) -> None:
        encoding = scan.encoding()
        head = scan.head[:16384].decode(encoding, errors="ignore")
        self.delimiter = _delimiter(head[: head.rfind("\n") + 1] or head, layout)
        self._decoder = codecs.getincrementaldecoder(encoding)()
        self._text = ""  # decoded, its last line not complete yet
        self._pending: list[str] = []  # lines of a record not complete yet
        self._line_no = 0

    def feed(self, block: bytes, final: bool = False) -> Iterator[list[str]]:
        text = self._text + self._decoder.decode(block, final)
        if final:
            cut = len(text)
        else:  # after the last line end; a final "\r" may be the start of "\r\n"
            cut = max(text.rfind("\n"), text.rfind("\r", 0, len(text) - 1)) + 1
        self._text = text[cut:]
        lines = self._pending
        self._pending = []
        complete, problem = self._split(text[:cut])
        lines.extend(complete)
        source = _Lines(lines)
        reader = csv.reader(source, delimiter=self.delimiter)
        while True:
            start = source.taken
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise FileProblem("FILE_INVALID", f"The CSV cannot be read: {exc}.") from None
            if source.exhausted and problem is not None:  # it went on into the long line
                raise problem
            if source.exhausted and not final:  # may go on in the next block
                self._pending = lines[start:]
                break
            yield record
        if problem is not None:
            raise problem
        if len(self._text) > MAX_LINE_CHARS:  # the next line is too long, whatever follows
            self._line_no += 1
            raise self._too_long()

    def _split(self, text: str) -> tuple[list[str], FileProblem | None]:
        """The lines of ``text``, up to the first one too long (the problem, if any)."""
        lines: list[str] = []
        stream = io.StringIO(text, newline="")
        while line := stream.readline(MAX_LINE_CHARS + 1):
            self._line_no += 1
            if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
                return lines, self._too_long()
            lines.append(line)
        return lines, None

    def _too_long(self) -> FileProblem:
        return FileProblem(
            "LINE_TOO_LONG",
            f"Line {self._line_no} is longer than {MAX_LINE_CHARS} characters.",
            self._line_no,
        )


def _blocks(data: bytes, size: int = 1 << 20) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _csv_records(data: bytes, layout: Layout) -> Iterator[list[str]]:
    scan = CsvScan()
    for block in _blocks(data):
        scan.feed(block)
    parser = CsvParser(scan, layout)
    for block in _blocks(data):
        yield from parser.feed(block)
    yield from parser.feed(b"", final=True)


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


def _guard_xlsx(data: bytes) -> zipfile.ZipFile:
    """The zip-bomb and size guards, from the archive's directory alone: before any parse."""
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
    return archive


# A formula (``<f>``, perhaps with a namespace prefix) or an error cell (``t="e"``) in a
# sheet's XML. A false alarm only costs the slower reader.
_NEEDS_OPENPYXL = (b"<f>", b"<f ", b"<f/>", b":f>", b":f ", b":f/>", b't="e"', b"t='e'")


def _has_formulas_or_errors(archive: zipfile.ZipFile) -> bool:
    """Whether a sheet holds formulas or error cells, which calamine reads as their cached
    value (or nothing) where the portal keeps the formula's text and the error's code."""
    for member in archive.infolist():
        name = member.filename
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        tail = b""
        try:
            with archive.open(member) as stream:
                while block := stream.read(1 << 20):
                    window = tail + block
                    if any(marker in window for marker in _NEEDS_OPENPYXL):
                        return True
                    tail = block[-8:]
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            return True  # let the full reader name the problem
    return False


def _calamine_records(data: bytes) -> Iterator[Sequence[object]]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        first = next(m.name for m in workbook.sheets_metadata if m.typ is SheetTypeEnum.WorkSheet)
        rows = workbook.get_sheet_by_name(first).iter_rows()
    except Exception as exc:  # calamine raises several kinds for a broken workbook
        raise FileProblem(
            "FILE_INVALID", f"The XLSX file cannot be read: {type(exc).__name__}."
        ) from None
    try:
        yield from rows
    finally:
        workbook.close()


def _openpyxl_records(data: bytes) -> Iterator[tuple[object, ...]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise FileProblem(
            "FILE_INVALID", f"The XLSX file cannot be read: {type(exc).__name__}."
        ) from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _xlsx_records(data: bytes, layout: Layout) -> Iterator[list[str]]:
    """The first sheet's rows as text. calamine (Rust) reads values; a workbook with
    formulas or error cells goes through openpyxl, which keeps their text."""
    archive = _guard_xlsx(data)
    if _has_formulas_or_errors(archive):
        records: Iterator[Sequence[object]] = _openpyxl_records(data)
    else:
        records = _calamine_records(data)
    for values in records:
        yield [v if type(v) is str else _cell(v, layout) for v in values]


class _Rows:
    """Records to numbered rows: rows above the layout's header row skipped, the header
    mapped to fields, blank records skipped (they keep their number)."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.record_no = 0
        self.mapping: dict[str, int] | None = None

    def take(self, record: list[str]) -> tuple[int, dict[str, str]] | None:
        self.record_no += 1
        if self.record_no < self.layout.header_row:
            return None
        if self.mapping is None:
            self.mapping = map_header([h.strip().lower() for h in record], self.layout)
            self.names = list(self.mapping)
            self.pick = itemgetter(*self.mapping.values()) if len(self.mapping) > 1 else None
            self.width = max(self.mapping.values(), default=0) + 1
            return None
        if not "".join(record).strip():  # a blank record
            return None
        if self.pick is not None:
            if len(record) < self.width:  # cells missing at the end: empty
                record = record + [""] * (self.width - len(record))
            values = dict(zip(self.names, map(str.strip, self.pick(record)), strict=True))
        else:
            values = {
                n: (record[i].strip() if i < len(record) else "") for n, i in self.mapping.items()
            }
        return self.record_no - self.layout.header_row + 1, values

    def finish(self) -> None:
        if self.mapping is None:
            raise FileProblem("EMPTY_FILE", "The file has no header row.")


def read_rows(
    data: bytes, file_format: str, layout: Layout
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a file held in memory."""
    if not data.strip():
        raise FileProblem("EMPTY_FILE", "The file is empty.")
    records = _xlsx_records(data, layout) if file_format == "XLSX" else _csv_records(data, layout)
    rows = _Rows(layout)
    for record in records:
        if (numbered := rows.take(record)) is not None:
            yield numbered
    rows.finish()


async def scan_stored(stored: StoredFile) -> CsvScan:
    """A stored CSV read once, a slice at a time: encoding, head and record count."""
    scan = CsvScan()
    async for block in stored.slices():
        scan.feed(block)
    return scan


async def stream_rows(
    stored: StoredFile, file_format: str, layout: Layout, scan: CsvScan | None = None
) -> AsyncIterator[tuple[int, dict[str, str]]]:
    """The rows of a stored file. A CSV is read a slice at a time (twice: once to scan
    it, unless ``scan`` is given, once to parse it), so memory does not grow with the
    file; an XLSX is read whole (calamine needs the archive), within the upload limit."""
    if file_format == "XLSX":
        for row in read_rows(await stored.read(), file_format, layout):
            yield row
        return
    if scan is None:
        scan = await scan_stored(stored)
    parser = CsvParser(scan, layout)
    rows = _Rows(layout)
    async for block in stored.slices():
        for record in parser.feed(block):
            if (numbered := rows.take(record)) is not None:
                yield numbered
    for record in parser.feed(b"", final=True):
        if (numbered := rows.take(record)) is not None:
            yield numbered
    rows.finish()


def map_header(header: list[str], layout: Layout) -> dict[str, int]:
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
