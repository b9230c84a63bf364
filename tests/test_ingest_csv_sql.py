"""A POS CSV parsed by PostgreSQL (``pos_csv``) gives what Python's reading gives.

Each file goes through the row-by-row path (Python reads and checks every row, as on
SQLite) in one tenant and through the set-based path in another built the same way, and
everything is compared (``tests/test_ingest_paths.py``'s snapshot: issues, lines, ledger
entries, customers, serials). Files PostgreSQL reads as Python does must take the COPY
path; the others (a stray quote, a ragged record, a blank record, mixed line ends,
Windows-1252, COPY's end-of-data marker, a header below the first line) must fall back to
Python's reading, with the same outcome.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest
from tortoise import connections

from portal.domain.bounds.text import has_bad_characters
from portal.domain.reporting import mapping_templates, pos_csv, submissions, validation
from portal.domain.reporting.pos_csv import WHITESPACE, refused_pattern
from portal.domain.reporting.validation import validate_submission
from portal.models import Submission
from portal.models.enums import FileRejectionPolicy, SubmissionKind
from tests.jobs import ParkedQueue
from tests.test_ingest_paths import (
    CHUNK,
    EVERY_CODE,
    HEADER,
    World,
    every_error_kind,
    snapshot,
    world,
)

TENANTS = itertools.count()
PARTS = ("submission", "issues", "lines", "entries", "customers", "serials", "batches")


@pytest.fixture
def parsed_by(monkeypatch: pytest.MonkeyPatch) -> dict[int, bool]:
    """Submission id -> whether PostgreSQL parsed it (the COPY path) or Python did."""
    seen: dict[int, bool] = {}
    real = validation.stage_pos_csv

    async def spy(submission: Submission, *args: Any, **kwargs: Any) -> Any:
        outcome = await real(submission, *args, **kwargs)
        seen[submission.id] = outcome is not None
        return outcome

    monkeypatch.setattr(validation, "stage_pos_csv", spy)
    return seen


async def submit(w: World, data: bytes, set_based: bool, mapping: str | None = None) -> Submission:
    made = await submissions.submit(
        w.d1,
        ParkedQueue(),  # type: ignore[arg-type]
        kind=SubmissionKind.POS,
        period="2026-10",
        file=(data, "pos.csv"),
        mapping=mapping,
    )
    await validate_submission(made.id, chunk_rows=CHUNK, set_based=set_based)
    return await Submission.get(id=made.id)


async def compare(
    data: bytes, parsed_by: dict[int, bool], template: dict[str, Any] | None = None
) -> tuple[dict[str, Any], bool]:
    """The snapshot of ``data`` through both paths (asserted equal), and whether the
    set-based one was parsed by PostgreSQL."""
    seen = []
    for set_based in (False, True):
        w = await world(f"CSV {next(TENANTS)}", set_based, FileRejectionPolicy.SKIP_BAD_ROWS)
        if template is not None:
            await mapping_templates.save_template(
                w.d1, name="t", kind=SubmissionKind.POS, **template
            )
        submission = await submit(w, data, set_based, "t" if template else None)
        seen.append((await snapshot(w, submission), submission.id))
    (python, _), (sql, sql_id) = seen
    for part in PARTS:
        assert sql[part] == python[part], part
    return python, parsed_by[sql_id]


def csv_of(*rows: str, header: str = HEADER, end: str = "\n") -> bytes:
    return end.join([header, *rows]).encode()


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
@pytest.mark.parametrize("seed", [5, 23])
async def test_every_error_kind_parsed_by_postgres_is_what_python_reads(
    app: Any, parsed_by: dict[int, bool], seed: int
) -> None:
    text = every_error_kind(random.Random(seed)).replace("\n\n", "\n")  # no blank record
    python, copied = await compare(text.encode(), parsed_by)
    assert copied
    assert {i[2] for i in python["issues"]} >= EVERY_CODE
    assert len(python["lines"]) >= 15


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_quoting_whitespace_and_unicode_read_the_same(
    app: Any, parsed_by: dict[int, bool]
) -> None:
    rows = [
        'W1,SKU-A,1,2026-10-05,"Acme, Inc.",US,,,,INV-1,',  # a quoted delimiter
        'W1,SKU-A,1,2026-10-05,"Two\nlines",US,,,,INV-2,',  # a quoted line end: refused
        '"W1","SKU-A","2","2026-10-06","Quoted",us,"","","",INV-3,""',
        'W1,SKU-A,1,2026-10-05,"Say ""hi""",US,,,,"INV-""3""",',  # doubled quotes
        "W1,SKU-A,1,2026-10-05,\u00a0 Padded \u2003,US,,,,INV-4,",  # Unicode spaces trimmed
        "W1,SKU-A,1,2026-10-05,Trailing sep\u2028,US,,,,INV-5,",  # U+2028 at the end: trimmed
        "W1,SKU-A,1,2026-10-05,Mid\u2028dle,US,,,,INV-6,",  # inside: refused
        "W1,SKU-A,1,2026-10-05,Acme\u202eHbmG,US,,,,INV-7,",  # a bidi override
        "W1,SKU-A,1,2026-10-05,Nonchar\ufffe,US,,,,INV-8,",
        "W1,SKU-A,1,2026-10-05,Nel\x85x,US,,,,INV-9,",  # a C1 control
        "W1,SKU-A,1,2026-10-05," + "é" * 300 + ",US,,,,INV-10,",  # 300 characters: fine
        "W1,SKU-A,1,2026-10-05," + "é" * 301 + ",US,,,,INV-11,",
        "W1,SKU-A,1,2026-10-05,Straße,ß,,,,INV-12,",  # "ß".upper() is "SS": a country
        "W1,SKU-A,1,2026-10-05,Acme,US,,1 234.50,usd,INV-13,",
        "W1,SKU-A,+3,2026-10-05,Acme,US,,,,INV-14,",
        "W1,SKU-A,٣,2026-10-05,Acme,US,,,,INV-15,",  # an Arabic-Indic digit
        "W1,SKU-S,1,2026-10-05,Acme,US,,,, INV-16 , S3 ; ",
        "W1,SKU-A,1,2026-10-05,ACME inc.,US,,,,INV-17,",
        # too long for their fields (a 20,000-digit price has no numeric to be stored in)
        "W1,SKU-A,1,2026-10-05,Acme,US,,0." + "0" * 20000 + "1,,INV-18,",
        "W1,SKU-A," + "1" * 40 + ",2026-10-05,Acme,US,,,,INV-19,",
    ]
    for end in ("\n", "\r\n"):
        data = csv_of(*rows, end=end)
        python, copied = await compare(data, parsed_by)
        assert copied, end
        assert {i[2] for i in python["issues"]} >= {"INVALID_CHARACTERS", "FIELD_TOO_LONG"}
    _, copied = await compare(b"\xef\xbb\xbf" + csv_of(*rows), parsed_by)  # a BOM
    assert copied
    windows = [r for r in rows if r.encode("cp1252", errors="ignore").decode("cp1252") == r]
    windows.append("W1,SKU-A,1,2026-10-05,M\u00fcller \u20ac \u2019s,DE,,,,INV-20,")
    python, copied = await compare(csv_of(*windows).decode().encode("cp1252"), parsed_by)
    assert copied and len(windows) >= 10 and len(python["lines"]) >= 5  # Windows-1252


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_a_template_delimiter_order_and_decimal_comma_read_the_same(
    app: Any, parsed_by: dict[int, bool]
) -> None:
    header = "Menge;Artikel;Lager;Datum;Kunde;Land;Preis;Extra"
    rows = [
        "3;SKU-A;W1;05.10.2026;Acme;DE;12,50;x",
        "2;SKU-A;W1;5.10.2026;Acme;DE;1.234,5;",
        "1;SKU-A;W1;2026-10-05;Acme;DE;;",
        "1;SKU-A;W1;31.09.2026;Acme;DE;;",
        "1;P-A;W2;06.10.2026;Globex;de;1,5;y",
    ]
    template = {
        "columns": {
            "quantity": "menge",
            "sku": "artikel",
            "warehouse_code": "lager",
            "sold_on": "datum",
            "end_customer_name": "kunde",
            "end_customer_country": "land",
            "unit_price": "preis",
        },
        "date_format": "%d.%m.%Y",
        "decimal_comma": True,
        "delimiter": ";",
    }
    python, copied = await compare(csv_of(*rows, header=header), parsed_by, template)
    assert copied
    assert {i[2] for i in python["issues"]} == {"INVALID_DATE"}
    assert len(python["lines"]) == 3


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_records_shorter_or_longer_than_the_header_read_the_same(
    app: Any, parsed_by: dict[int, bool]
) -> None:
    """Python pads a short record with empty cells and ignores cells past the header's:
    records all one width other than the header's are COPYed at that width."""
    header = HEADER + ",batch_no"
    short = ["W1,SKU-A,1,2026-10-05,Acme,US,,,,INV-1", "W1,SKU-A,2,2026-10-06,B,DE,,,,INV-2"]
    python, copied = await compare(csv_of(*short, header=header), parsed_by)
    assert copied and len(python["lines"]) == 2
    long = [row + ",,L1,extra" for row in short]
    python, copied = await compare(csv_of(*long, header=header), parsed_by)
    assert copied and {i[2] for i in python["issues"]} == {"INVALID"}  # L1: not batch-controlled
    wide = [row + "," * 140 for row in short]  # more fields than concat() takes arguments
    python, copied = await compare(csv_of(*wide, header=header), parsed_by)
    assert copied and len(python["lines"]) == 2


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
@pytest.mark.parametrize(
    "case",
    [
        "stray quote",
        "quote before a delimiter",
        "ragged",
        "blank record",
        "mixed line ends",
        "neither UTF-8 nor Windows-1252",
        "end-of-data marker",
        "header row 2",
        "too many fields",
    ],
)
async def test_files_postgres_would_read_otherwise_fall_back_to_python(
    app: Any, parsed_by: dict[int, bool], case: str
) -> None:
    good = ["W1,SKU-A,1,2026-10-05,Acme,US,,,,INV-1,", "W1,SKU-A,2,2026-10-06,Globex,DE,,,,INV-2,"]
    template = None
    if case == "stray quote":  # Python: a literal quote; PostgreSQL: a quoted part
        data = csv_of(*good, 'W1,SKU-A,1,2026-10-05,Ac"me,US,,,,"INV,3",')
    elif case == "quote before a delimiter":  # Python: ends the field; COPY: opens a part
        data = csv_of(*good, 'W1,SKU-A,1,2026-10-05,Acme",US,,,,INV-3,', '"W1",SKU-A,1,x,A,US,,,,,')
    elif case == "ragged":
        data = csv_of(*good, "W1,SKU-A,1,2026-10-05,Acme,US", "W1,SKU-A,1,2026-10-05,A,US,,,,I,,z")
    elif case == "blank record":
        data = csv_of(good[0], "", ",,,,,,,,,,", good[1])
    elif case == "mixed line ends":
        data = csv_of(*good) + b"\r\n" + good[0].encode()
    elif case == "neither UTF-8 nor Windows-1252":  # Python rejects it: ENCODING
        data = csv_of(*good) + b"\nW1,SKU-A,1,2026-10-05,\x81\xff,US,,,,,"
    elif case == "end-of-data marker":
        data = csv_of(good[0], "\\.", good[1])
    elif case == "too many fields":  # more than MAX_COLUMNS: Python reads it
        data = csv_of(*(row + "," * 300 for row in good))
    else:
        data = b"Report of October\n" + csv_of(*good)
        template = {"columns": {}, "header_row": 2}
    python, copied = await compare(data, parsed_by, template)
    assert not copied
    if case.startswith("neither"):
        assert [i[2] for i in python["issues"]] == ["ENCODING"]
    else:
        assert python["submission"][1] >= 2  # rows read


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_the_refused_characters_and_whitespace_are_pythons(app: Any) -> None:
    """PostgreSQL's regular expression refuses exactly the characters Python's check
    refuses, over every code point PostgreSQL text can hold; btrim with WHITESPACE trims
    what str.strip() trims."""
    conn = connections.get("default")
    _, rows = await conn.execute_query(
        "SELECT array_agg(cp) AS cps FROM generate_series(1, 1114111) cp"
        " WHERE (cp < 55296 OR cp > 57343) AND chr(cp) ~ $1",
        [refused_pattern()],
    )
    python = [
        cp
        for cp in range(1, 0x110000)
        if not 0xD800 <= cp <= 0xDFFF and has_bad_characters(chr(cp))
    ]
    assert sorted(rows[0]["cps"]) == python
    assert WHITESPACE == "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    samples = [f"{c}{c}a{c}b{c}" for c in WHITESPACE] + [" \u200b x \ufeff", "\u180e y"]
    _, rows = await conn.execute_query(
        "SELECT array_agg(btrim(s, $2) ORDER BY n) AS t FROM unnest($1::text[])"
        " WITH ORDINALITY AS x(s, n)",
        [samples, WHITESPACE],
    )
    assert rows[0]["t"] == [s.strip() for s in samples]


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_a_failure_after_the_copy_falls_back_to_python(
    app: Any, parsed_by: dict[int, bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A defect of the COPY path (here: its value checks raising) never fails a file
    Python reads: the transaction rolls back and Python reads it."""

    def broken(*args: Any) -> Any:
        raise ValueError("a defect")

    monkeypatch.setattr(pos_csv, "_verdicts", broken)
    rows = ["W1,SKU-A,1,2026-10-05,Acme,US,,,,INV-1,", "W1,SKU-A,2,2026-10-06,B,DE,,,,INV-2,"]
    python, copied = await compare(csv_of(*rows), parsed_by)
    assert not copied and len(python["lines"]) == 2
