"""A POS CSV parsed by PostgreSQL: the file's bytes COPYed, each distinct value checked once.

    outcome = await stage_pos_csv(submission, checker, stored, scan, series_ids=[...],
                                  chunk_rows=5000, cap=1000)
    if outcome is None:   # not a file PostgreSQL reads as Python does: stage it row by row
        ...

The stored file goes, as it is read, to ``COPY pos_raw FROM STDIN (FORMAT csv)``: one text
column per column of its header, no Python per row. The checks of one value (quantity,
date, country, price, currency, serials; and a customer's key per name and country) run
in Python once per *distinct* value, through the very functions the row-by-row staging
uses (:mod:`portal.domain.reporting.pos_rows`), and come back as a small table; text
bounds (lengths, refused characters) are SQL, the refused characters one regular
expression built from :func:`~portal.domain.bounds.text.has_bad_characters` itself (a
*plain* file, printable ASCII only, needs neither it nor more than spaces trimmed). A
query of the staging records :class:`~.pos_rows.PosStager` would have written then feeds
the set-based checks of :mod:`~.pos_staging` directly.

PostgreSQL's CSV reader agrees with Python's only on well-formed files, so a file goes
this way only when it is proven to read the same; otherwise ``None`` and the caller
stages it row by row (same outcome, slower):

- CSV in UTF-8 or Windows-1252 (sent to COPY as UTF-8), its header on the first line
  (the layout's ``header_row`` 1), no quote in the header line, its line end ``\\n`` or
  ``\\r\\n``;
- no NUL and no ``\\.`` (COPY's end-of-data marker) anywhere;
- well quoted: each field without a quote or quoted whole, its inner quotes doubled (a
  quote inside an unquoted field is literal to Python and opens a quoted part for COPY);
- COPY accepts it: as many fields on every record as on the first data record (at most
  :data:`MAX_COLUMNS`), one kind of line end (a ragged or mixed file is refused by COPY,
  and the transaction rolls back);
- no blank record (Python skips them, keeping their numbers), and no record that could
  be longer than a line may be (:data:`~.files.MAX_LINE_CHARS`).
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # no stubs shipped
from tortoise.transactions import in_transaction

from portal.domain.bounds.quantities import Sign
from portal.domain.bounds.text import has_bad_characters
from portal.domain.reporting import pos_rows as ranks
from portal.domain.reporting import pos_staging
from portal.domain.reporting.customers import customer_key
from portal.domain.reporting.files import (
    MAX_LINE_CHARS,
    POS_FIELDS,
    CsvParser,
    CsvScan,
    FileProblem,
    map_header,
)
from portal.domain.reporting.pos_rows import (
    country_of,
    currency_of,
    price_of,
    serials_of,
    unrepeated,
)
from portal.domain.reporting.pos_staging import Heartbeat, StagedOutcome
from portal.domain.reporting.row_validation import FIELD_LIMITS, RowChecker, RowError
from portal.domain.reporting.stored import StoredFile
from portal.models import Submission

log = logging.getLogger(__name__)
MAX_COLUMNS = 200  # fields on a record COPY takes (a table has at most 1,600 columns)

# the characters Python's str.strip() removes (str.isspace), for btrim; a test checks it
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

# the per-value verdicts, one kind per checked field
QUANTITY, SOLD_ON, COUNTRY, PRICE, CURRENCY, SERIALS, KEY = range(1, 8)
_VERDICT_COLUMNS = (
    "kind",
    "value",
    "value2",
    "number",
    "day",
    "price",
    "text",
    "serials",
    "rank",
    "field",
    "code",
    "message",
)
# the staging query's parameters, after the five of the checks (pos_staging)
_WHITESPACE, _FIELDS, _CODES, _MESSAGES, _REFUSED = (f"${n}" for n in range(6, 11))
_CREATE_VERDICT = """
CREATE TEMP TABLE pos_verdict (
    kind int, value text, value2 text, number int, day date, price numeric, text text,
    serials text[], rank int, field text, code text, message text
) ON COMMIT DROP"""


class _NotThisWay(Exception):
    """The file is not one PostgreSQL reads as Python does (the reason is the message)."""


@cache
def refused_pattern() -> str:
    """A PostgreSQL regular expression matching any character single-line text refuses
    (:func:`has_bad_characters`), but NUL and surrogates, which PostgreSQL text cannot
    hold."""
    ranges: list[tuple[int, int]] = []
    for code_point in range(1, 0x110000):
        if 0xD800 <= code_point <= 0xDFFF or not has_bad_characters(chr(code_point)):
            continue
        if ranges and ranges[-1][1] == code_point - 1:
            ranges[-1] = (ranges[-1][0], code_point)
        else:
            ranges.append((code_point, code_point))

    def escaped(code_point: int) -> str:
        return f"\\u{code_point:04x}" if code_point <= 0xFFFF else f"\\U{code_point:08x}"

    parts = [escaped(a) if a == b else f"{escaped(a)}-{escaped(b)}" for a, b in ranges]
    return "[" + "".join(parts) + "]"


@dataclass
class _Shape:
    """What the file's head says: its delimiter, header and where its data begins."""

    delimiter: str
    width: int  # fields on each record
    mapping: dict[str, int]  # field -> column
    data_from: int  # bytes before the first data record (BOM and header line)
    plain: bool  # every field printable ASCII: only spaces to trim, lengths in bytes
    encoding: str = "utf-8"  # utf-8 or cp1252 (sent to COPY as UTF-8)

    @property
    def columns(self) -> list[str]:
        return [f"c{n}" for n in range(self.width)]

    @property
    def whitespace(self) -> str:
        """What str.strip() would trim here ($1 of the statements)."""
        return " " if self.plain else WHITESPACE

    def field(self, name: str, whitespace: str = "$1") -> str:
        """The SQL of a field's trimmed text (``whitespace``: the parameter to trim)."""
        column = self.mapping.get(name)
        if column is None or column >= self.width:  # not in the file, or past its records
            return "''::text"
        return f"btrim(c{column}, {whitespace})"


def _shape(scan: CsvScan, checker: RowChecker) -> _Shape:
    layout = checker.layout
    if layout.header_row != 1:
        raise _NotThisWay("the header is not on the first line")
    if scan.nul or scan.backslash_dot:
        raise _NotThisWay("a NUL or a backslash-dot")
    try:
        encoding = scan.encoding()
        delimiter = CsvParser(scan, layout).delimiter
    except FileProblem as problem:
        raise _NotThisWay(problem.code) from None
    if encoding not in ("utf-8", "utf-8-sig", "cp1252"):
        raise _NotThisWay(f"encoding {encoding}")
    bom = 3 if encoding == "utf-8-sig" else 0
    encoding = "cp1252" if encoding == "cp1252" else "utf-8"
    end = scan.head.find(b"\n", bom)
    if end < 0:
        raise _NotThisWay("no complete header line in the head")
    line = scan.head[bom:end]
    if line.endswith(b"\r"):
        line = line[:-1]
    if b'"' in line or b"\r" in line:
        raise _NotThisWay("a quote or carriage return in the header line")
    header = line.decode(encoding)
    if not header.strip():
        raise _NotThisWay("a blank header line")
    names = header.split(delimiter)
    try:
        mapping = map_header([h.strip().lower() for h in names], layout)
    except FileProblem as problem:
        raise _NotThisWay(problem.code) from None
    # no quotes: no field holds a line end; tabs only as delimiters
    plain = scan.plain and not scan.quotes and (delimiter == "\t" or not scan.tabs)
    width = _data_width(scan, end + 1, delimiter, encoding)
    if width > MAX_COLUMNS:
        raise _NotThisWay(f"{width} fields on a record")
    return _Shape(delimiter, width, mapping, end + 1, plain, encoding)


def _data_width(scan: CsvScan, start: int, delimiter: str, encoding: str) -> int:
    """The fields of the first data record: COPY wants as many on every record (Python
    pads a short record with empty cells and ignores cells past the header's)."""
    whole = len(scan.head) < 65536  # the head is the whole file
    text = scan.head[start:].decode(encoding, errors="ignore")  # (a character cut at the end)
    records = csv.reader(
        io.StringIO(text if whole else text[: text.rfind("\n") + 1]), delimiter=delimiter
    )
    try:
        first, second = next(records, None), next(records, None)
    except csv.Error:
        raise _NotThisWay("the first data record does not read") from None
    if not first or (second is None and not whole):
        raise _NotThisWay("no complete first data record in the head")
    return len(first)


async def _quotes_agree(stored: StoredFile, shape: _Shape) -> bool:
    """Every record well quoted: each field either has no quote or is quoted whole, its
    quotes inside doubled. Python's reader and COPY read such fields alike (a quote
    inside an unquoted field is literal to Python and opens a quoted part for COPY)."""
    d = re.escape(shape.delimiter)
    field = f'(?:"[^"]*(?:""[^"]*)*"|[^"{d}\r\n]*)'
    record = re.compile(f"{field}(?:{d}{field})*(?:\r\n|\n|\r)")
    decoder = codecs.getincrementaldecoder(
        "utf-8-sig" if shape.encoding == "utf-8" else shape.encoding
    )()
    text = ""
    async for block in stored.slices():
        text += decoder.decode(block)
        end = 0
        while (found := record.match(text, end)) is not None and found.end() < len(text):
            end = found.end()  # (a record at the very end may go on in the next block)
        text = text[end:]
        if len(text) > 2 * MAX_LINE_CHARS:  # no record ends: not one that reads alike
            return False
    last = text if text.endswith(("\n", "\r")) else text + "\n"
    return not text or record.fullmatch(last) is not None


class _Blocks:
    """The file's data (from byte ``skip``) for the COPY, read by a task of its own, which
    must start outside the validating transaction: its slices are read on the pool while
    the transaction's connection is busy with the COPY."""

    def __init__(self, stored: StoredFile, shape: _Shape) -> None:
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=2)
        self.reader = asyncio.create_task(self._read(stored, shape.data_from, shape.encoding))

    async def _read(self, stored: StoredFile, skip: int, encoding: str) -> None:
        async for block in stored.slices():
            if skip:
                cut = min(skip, len(block))
                block, skip = block[cut:], skip - cut
            if encoding != "utf-8":  # one byte a character: a slice cuts none in two
                block = block.decode(encoding).encode()
            if block:
                await self.queue.put(block)
        await self.queue.put(None)

    async def blocks(self) -> AsyncIterator[bytes]:
        while (block := await pos_staging.first(self.queue.get(), self.reader)) is not None:
            yield block


def _row(
    kind: int,
    value: str,
    value2: str | None = None,
    *,
    rank: int | None = None,
    issue: tuple[str | None, str | None, str | None] = (None, None, None),
    **parsed: Any,
) -> tuple[Any, ...]:
    """A ``pos_verdict`` record: the value, what it parses to (in the slot of its type),
    or the rank and issue of its failing check."""
    slots = (parsed.get(name) for name in ("number", "day", "price", "text", "serials"))
    return (kind, value, value2, *slots, rank, *issue)


def _checked(kind: int, rank: int, value: str, parse: Any, slot: str) -> tuple[Any, ...]:
    try:
        return _row(kind, value, **{slot: parse(value)})
    except RowError as error:
        return _row(kind, value, rank=rank, issue=error.issue)


def _serials(value: str) -> tuple[Any, ...]:
    try:
        listed = serials_of(value)
    except RowError as error:
        return _row(SERIALS, value, rank=ranks.SERIAL_LENGTH_RANK, issue=error.issue)
    try:
        unrepeated(listed)
    except RowError as error:  # the line keeps its serials: the message needs its product
        return _row(SERIALS, value, rank=ranks.SERIAL_REPEATED, issue=error.issue, serials=listed)
    return _row(SERIALS, value, serials=listed)


def _verdicts(checker: RowChecker, found: list[Any]) -> list[tuple[Any, ...]]:
    """Each distinct value's verdict, by the row-by-row staging's own functions; each
    ``found`` row is one value of one field (the others NULL), or a name and country."""

    def quantity(text: str) -> int:
        return checker.row_quantity({"quantity": text}, Sign.NON_ZERO)

    def sold_on(text: str) -> date:
        return checker.parse_date({"sold_on": text})

    def price(text: str) -> Decimal | None:
        return price_of(checker, text)

    def fits(name: str, value: str) -> bool:
        """Within its length: a longer value fails its row's text check, ranked first, so
        it needs no verdict (and may not be storable: a 20,000-digit price)."""
        return len(value) <= FIELD_LIMITS[name]

    single = (  # a field checked alone: (its column, verdict kind, rank, parse, slot)
        ("quantity", QUANTITY, ranks.QUANTITY, quantity, "number"),
        ("sold_on", SOLD_ON, ranks.SOLD_ON, sold_on, "day"),
        ("unit_price", PRICE, ranks.PRICE, price, "price"),
        ("currency", CURRENCY, ranks.CURRENCY, currency_of, "text"),
    )
    records: list[tuple[Any, ...]] = []
    countries: dict[str, str | None] = {}
    for r in found:
        if (text := r["serials"]) is not None:
            if fits("serials", text):
                records.append(_serials(text))
        elif r["name"] is not None:
            name, country = r["name"], r["country"]
            if not (fits("end_customer_name", name) and fits("end_customer_country", country)):
                continue
            if country not in countries:
                verdict = _checked(COUNTRY, ranks.COUNTRY, country, country_of, "text")
                countries[country] = verdict[6]  # the upper-case country, if it is one
                records.append(verdict)
            upper = countries[country]
            key = None if upper is None else customer_key(name, upper)
            records.append(_row(KEY, name, country, text=key))
        else:
            column, kind, rank, parse, slot = next(c for c in single if r[c[0]] is not None)
            if fits(column, r[column]):
                records.append(_checked(kind, rank, r[column], parse, slot))
    return records


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fields(shape: _Shape) -> str:
    """Every POS field's trimmed text, by name (one evaluation each: OFFSET 0 keeps the
    planner from copying the expressions into the query above)."""
    return ", ".join(f"{shape.field(name, _WHITESPACE)} AS {name}" for name in POS_FIELDS)


_TOTAL = (1 << 7) - 1  # GROUPING() of the distinct query's () set: none of the 7 grouped


def _distinct_sql(shape: _Shape) -> str:
    """The distinct values of the fields checked in Python, and the file's gates: blank
    records, and the widest record in bytes."""
    raw = " || ".join(shape.columns)  # (concat() takes at most 100 arguments)
    warehouse = shape.field("warehouse_code")
    width = " + ".join(f"octet_length({c})" for c in shape.columns)
    return f"""
SELECT GROUPING(quantity, sold_on, unit_price, currency, serials, name, country) AS unused,
       quantity, sold_on, unit_price, currency, serials, name, country,
       count(*) AS rows, count(*) FILTER (WHERE blank) AS blanks, max(width) AS widest
FROM (
    SELECT {shape.field("quantity")} AS quantity, {shape.field("sold_on")} AS sold_on,
           {shape.field("unit_price")} AS unit_price, {shape.field("currency")} AS currency,
           {shape.field("serials")} AS serials, {shape.field("end_customer_name")} AS name,
           {shape.field("end_customer_country")} AS country,
           {warehouse} = '' AND btrim({raw}, $1) = '' AS blank, {width} AS width
    FROM pos_raw OFFSET 0
) v
GROUP BY GROUPING SETS ((quantity), (sold_on), (unit_price), (currency), (serials),
                        (name, country), ())"""


def _text_issues(shape: _Shape) -> tuple[str, list[str], list[str], list[str]]:
    """The SQL of a row's first text problem, as :meth:`RowChecker.check_text` finds it
    (fields in the header's order, characters before length): its number in the three
    lists of fields, codes and messages (the refused characters a parameter, unless the
    file is plain, where lengths in bytes are lengths in characters and none is refused)."""
    names = [name for name in POS_FIELDS if name in shape.mapping]
    fields: list[str] = []
    codes: list[str] = []
    messages: list[str] = []
    cases: list[str] = []
    for name in names:
        limit = FIELD_LIMITS[name]
        long = f"octet_length(v.{name}) > {limit}"
        for code, what, test in (
            ("INVALID_CHARACTERS", "control or invalid characters", f"v.{name} ~ {_REFUSED}"),
            (
                "FIELD_TOO_LONG",
                f"more than {limit} characters",
                f"{long} AND length(v.{name}) > {limit}",
            ),
        ):
            fields.append(name)
            codes.append(code)
            messages.append(f"{name} contains {what}.")
            if not (shape.plain and code == "INVALID_CHARACTERS"):
                cases.append(f"WHEN {test} THEN {len(fields)}")
    suspect = [f"octet_length(v.{name}) > {FIELD_LIMITS[name]}" for name in names]
    if not shape.plain:
        suspect.insert(0, f"concat({', '.join(f'v.{name}' for name in names)}) ~ {_REFUSED}")
    sql = f"CASE WHEN {' OR '.join(suspect)} THEN CASE {' '.join(cases)} END END"
    return sql, fields, codes, messages


def _stage_sql(shape: _Shape, text_issue: str) -> str:
    """A query of the staging records :meth:`PosStager.record` gives, from the raw rows and
    the verdicts (its parameters follow the five of the checks: :func:`_parameters`)."""
    required = {
        ranks.WAREHOUSE: ranks.WAREHOUSE_REQUIRED,
        ranks.SKU: ranks.SKU_REQUIRED,
        ranks.CUSTOMER: ranks.CUSTOMER_REQUIRED,
    }
    verdicts = {
        ranks.QUANTITY: "q",
        ranks.SOLD_ON: "d",
        ranks.COUNTRY: "c",
        ranks.PRICE: "p",
        ranks.CURRENCY: "u",
        ranks.SERIAL_LENGTH_RANK: "s",
        ranks.SERIAL_REPEATED: "s",
    }

    def issue(part: int, text_list: str) -> str:
        whens = [f"WHEN {ranks.TEXT} THEN ({text_list}::text[])[text_issue]"]
        whens += [f"WHEN {rank} THEN {_literal(i[part])}" for rank, i in required.items()]
        whens += [f"WHEN {rank} THEN {alias}_{part}" for rank, alias in verdicts.items()]
        return f"CASE rank {' '.join(whens)} END"

    valid = ranks.VALID
    return f"""
SELECT row - 2 AS seq, row,
       CASE WHEN rank >= {ranks.WAREHOUSE} THEN warehouse_code ELSE '' END AS warehouse_code,
       CASE WHEN rank >= {ranks.SKU} THEN sku ELSE '' END AS sku,
       CASE WHEN rank > {ranks.QUANTITY} THEN q_number END AS quantity,
       CASE WHEN rank > {ranks.SOLD_ON} THEN d_day END AS sold_on,
       CASE WHEN rank = {valid} THEN end_customer_name ELSE '' END AS name,
       CASE WHEN rank = {valid} THEN c_text ELSE '' END AS country,
       CASE WHEN rank = {valid} THEN end_customer_postal_code ELSE '' END AS postal_code,
       CASE WHEN rank = {valid} THEN p_price END AS unit_price,
       CASE WHEN rank = {valid} THEN u_text ELSE '' END AS currency,
       CASE WHEN rank = {valid} THEN invoice_no ELSE '' END AS invoice_no,
       CASE WHEN rank IN ({ranks.SERIAL_REPEATED}, {valid}) THEN s_serials
            ELSE '{{}}'::text[] END AS serials,
       CASE WHEN rank = {valid} THEN batch_no ELSE '' END AS batch_no,
       CASE WHEN rank = {valid} THEN k_text END AS customer_key,
       rank, {issue(0, _FIELDS)} AS field, {issue(1, _CODES)} AS code,
       {issue(2, _MESSAGES)} AS message
FROM (
    SELECT v.*, q.number AS q_number, d.day AS d_day, c.text AS c_text, p.price AS p_price,
           u.text AS u_text, s.serials AS s_serials, k.text AS k_text,
           q.field AS q_0, q.code AS q_1, q.message AS q_2,
           d.field AS d_0, d.code AS d_1, d.message AS d_2,
           c.field AS c_0, c.code AS c_1, c.message AS c_2,
           p.field AS p_0, p.code AS p_1, p.message AS p_2,
           u.field AS u_0, u.code AS u_1, u.message AS u_2,
           s.field AS s_0, s.code AS s_1, s.message AS s_2,
           COALESCE(LEAST(
               CASE WHEN v.text_issue IS NOT NULL THEN {ranks.TEXT} END,
               CASE WHEN v.warehouse_code = '' THEN {ranks.WAREHOUSE} END,
               CASE WHEN v.sku = '' THEN {ranks.SKU} END,
               q.rank, d.rank,
               CASE WHEN v.end_customer_name = '' THEN {ranks.CUSTOMER} END,
               c.rank, p.rank, u.rank, s.rank
           ), {valid}) AS rank
    FROM (SELECT v.*, {text_issue} AS text_issue
          FROM (SELECT row, {_fields(shape)} FROM pos_raw OFFSET 0) v OFFSET 0) v
    LEFT JOIN pos_verdict q ON q.kind = {QUANTITY} AND q.value = v.quantity
    LEFT JOIN pos_verdict d ON d.kind = {SOLD_ON} AND d.value = v.sold_on
    LEFT JOIN pos_verdict c ON c.kind = {COUNTRY} AND c.value = v.end_customer_country
    LEFT JOIN pos_verdict p ON p.kind = {PRICE} AND p.value = v.unit_price
    LEFT JOIN pos_verdict u ON u.kind = {CURRENCY} AND u.value = v.currency
    LEFT JOIN pos_verdict s ON s.kind = {SERIALS} AND s.value = v.serials
    LEFT JOIN pos_verdict k ON k.kind = {KEY} AND k.value = v.end_customer_name
                               AND k.value2 = v.end_customer_country
    OFFSET 0  -- the rank once per row, not once per use
) staged"""


async def _stage(
    conn: Any, data: _Blocks, shape: _Shape, checker: RowChecker
) -> tuple[int, tuple[str, list[Any]]]:
    """The file COPYed into ``pos_raw`` and its values checked: the number of rows, and
    the query of their staging records with its parameters."""
    columns = shape.columns
    await conn.execute(
        "CREATE TEMP TABLE pos_raw (row int GENERATED ALWAYS AS IDENTITY (START WITH 2), "
        + ", ".join(f"{c} text" for c in columns)
        + ") ON COMMIT DROP;"
        + _CREATE_VERDICT
    )
    try:
        await conn.copy_to_table(
            "pos_raw",
            source=data.blocks(),
            columns=columns,
            format="csv",
            delimiter=shape.delimiter,
            force_not_null=columns,
        )
    except asyncpg.PostgresError as error:  # ragged, mixed line ends, unterminated quote
        raise _NotThisWay(f"COPY: {error}") from None
    found = await conn.fetch(_distinct_sql(shape), shape.whitespace)
    total = next(r for r in found if r["unused"] == _TOTAL)
    rows = int(total["rows"])
    if total["blanks"]:
        raise _NotThisWay("blank records")
    if rows and 2 * int(total["widest"]) + 3 * shape.width >= MAX_LINE_CHARS:
        raise _NotThisWay("a record that may be longer than a line")
    records = _verdicts(checker, [r for r in found if r["unused"] != _TOTAL])
    await conn.copy_records_to_table("pos_verdict", records=records, columns=_VERDICT_COLUMNS)
    await conn.execute("ANALYZE pos_verdict")
    text_issue, fields, codes, messages = _text_issues(shape)
    refused = [] if shape.plain else [refused_pattern()]
    parameters = [shape.whitespace, fields, codes, messages, *refused]
    return rows, (_stage_sql(shape, text_issue), parameters)


@dataclass
class _Progress:
    done: int = 0


async def stage_pos_csv(
    submission: Submission,
    checker: RowChecker,
    stored: StoredFile,
    scan: CsvScan,
    *,
    series_ids: list[int],
    chunk_rows: int,
    cap: int,
    heartbeat: Heartbeat | None = None,
    work_mem_mb: int = 0,
) -> StagedOutcome | None:
    """Validate a POS CSV parsed by PostgreSQL and write its issues and lines, in one
    transaction, as :func:`~.pos_staging.stage_pos` does; ``None`` (nothing written) when
    the file is not one PostgreSQL reads as Python does."""
    progress = _Progress()
    keeper = asyncio.create_task(pos_staging.keep_up(progress, submission, heartbeat))
    data: _Blocks | None = None
    try:
        shape = _shape(scan, checker)
        if scan.quotes and not await _quotes_agree(stored, shape):
            raise _NotThisWay("a quote inside a field")
        async with pos_staging.staging_slot():
            data = _Blocks(stored, shape)
            async with in_transaction() as tx:
                await tx.execute_query(pos_staging.SESSION, [work_mem_mb])
                async with tx.acquire_connection() as conn:
                    try:
                        progress.done, staged = await _stage(conn, data, shape, checker)
                    except _NotThisWay:
                        raise
                    except Exception as error:  # a defect here must not fail a good file
                        log.warning(
                            "submission %s: not parsed by PostgreSQL", submission.id, exc_info=True
                        )
                        raise _NotThisWay(f"{type(error).__name__}: {error}") from error
                outcome = await pos_staging.check_and_write(
                    tx,
                    submission,
                    checker,
                    progress.done,
                    series_ids=series_ids,
                    chunk_rows=chunk_rows,
                    cap=cap,
                    staged=staged,
                )
                if keeper.done():  # the heartbeat or the progress failed: roll back
                    keeper.result()
                if heartbeat is not None:  # in the transaction: a run that lost its job
                    await heartbeat()  # commits nothing (LeaseLost rolls back)
    except _NotThisWay as reason:
        log.info("submission %s is staged row by row: %s", submission.id, reason)
        return None
    finally:
        tasks = [keeper] if data is None else [keeper, data.reader]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return outcome
