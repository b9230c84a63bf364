"""Text that enters the portal: bounded length, no control characters.

    name = clean_text(value, "name", max_length=NAME)          # DomainError INVALID
    code = clean_code(value, "code")                            # also no whitespace
    problem = text_problem(cell, 300)                           # rows: a TextProblem or None

Refused everywhere: control characters (NUL, C0 and C1, DEL), lone surrogates, U+FFFD
(what a mis-decoded or unstorable character became), non-characters, bidirectional
embedding/override/isolate controls, and in single-line
text also line and paragraph separators. Multi-line text (comments, notes) may hold
newlines and tabs. Lengths count characters (code points) after trimming, as the
database's ``varchar(n)`` does.
"""

from __future__ import annotations

import unicodedata
from enum import Enum

from portal.domain.errors import DomainError, ErrorCode

CODE = 64  # partner, warehouse and product codes (SKU), document numbers
NAME = 200  # names of partners, products, warehouses, projects, labels
CUSTOMER_NAME = 300  # end-customer names
SHORT = 100  # categories, partner SKUs, mapping template names, serials
NOTE = 2000  # comments, notes, reasons in free text

_MULTILINE_ALLOWED = frozenset("\n\r\t")
# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they
# reorder how the text around them is shown ("Trojan Source"), so "Acme\u202eHbmG" reads
# as another name. The marks U+200E/U+200F, which only nudge direction, stay allowed.
_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs"})
_SINGLE_LINE_REFUSED = frozenset({"Zl", "Zp"})


class TextProblem(str, Enum):
    """Row-level codes of a text field (``SubmissionIssue.code``)."""

    TOO_LONG = "FIELD_TOO_LONG"
    BAD_CHARACTERS = "INVALID_CHARACTERS"


def _refused(char: str, multiline: bool) -> bool:
    if multiline and char in _MULTILINE_ALLOWED:
        return False
    code_point = ord(char)
    if char in _BIDI_CONTROLS:
        return True
    if code_point == 0xFFFD or (code_point & 0xFFFE) == 0xFFFE or 0xFDD0 <= code_point <= 0xFDEF:
        return True
    category = unicodedata.category(char)
    return category in _REFUSED_CATEGORIES or (not multiline and category in _SINGLE_LINE_REFUSED)


def has_bad_characters(value: str, *, multiline: bool = False) -> bool:
    if value.isascii() and value.isprintable():  # the usual cell: no character to look up
        return False
    return any(_refused(char, multiline) for char in value)


def text_problem(value: str, max_length: int, *, multiline: bool = False) -> TextProblem | None:
    """What is wrong with this text, characters first; ``None`` when it may be stored."""
    if has_bad_characters(value, multiline=multiline):
        return TextProblem.BAD_CHARACTERS
    if len(value) > max_length:
        return TextProblem.TOO_LONG
    return None


def storable(value: str) -> str:
    """The text with what no database can hold (NUL, lone surrogates) as U+FFFD.

    For content kept to be validated later (GraphQL lines of a submission): the row check
    then refuses the U+FFFD as ``INVALID_CHARACTERS``.
    """
    if "\x00" not in value and not any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        return value
    return "".join("\ufffd" if c == "\x00" or 0xD800 <= ord(c) <= 0xDFFF else c for c in value)


def printable(value: str, limit: int = 60) -> str:
    """Text fit to quote in a message: refused characters as ``?``, at most ``limit``."""
    shown = "".join("?" if _refused(c, False) else c for c in value[:limit])
    return shown + ("…" if len(value) > limit else "")


def _path(field: str | list[str]) -> list[str]:
    return [field] if isinstance(field, str) else field


def clean_text(
    value: str | None,
    field: str | list[str],
    *,
    max_length: int = NAME,
    required: bool = True,
    multiline: bool = False,
    label: str | None = None,
) -> str:
    """The trimmed text, or ``REQUIRED`` (blank and required) / ``INVALID``."""
    path = _path(field)
    name = label or ".".join(path)
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise DomainError(ErrorCode.REQUIRED, f"{name} is required.", path)
        return ""
    problem = text_problem(cleaned, max_length, multiline=multiline)
    if problem is TextProblem.BAD_CHARACTERS:
        raise DomainError(
            ErrorCode.INVALID, f"{name} contains control or invalid characters.", path
        )
    if problem is TextProblem.TOO_LONG:
        raise DomainError(
            ErrorCode.INVALID, f"{name} is longer than {max_length} characters.", path
        )
    return cleaned


def clean_code(value: str | None, field: str | list[str], max_length: int = CODE) -> str:
    """Codes (partner, warehouse, SKU, document number): 1 to 64 printable characters
    without whitespace."""
    cleaned = clean_text(value, field, max_length=max_length)
    if any(char.isspace() or not char.isprintable() for char in cleaned):
        path = _path(field)
        raise DomainError(
            ErrorCode.INVALID,
            f"{'.'.join(path)} must be 1 to {max_length} characters without spaces.",
            path,
        )
    return cleaned
