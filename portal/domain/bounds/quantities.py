"""The one quantity range of the portal, and strict integer parsing of quantities.

    check_quantity(line.quantity, ["lines", "0", "quantity"])            # 1..MAX_QUANTITY
    check_quantity(q, ["quantity"], sign=Sign.NON_ZERO)                   # adjustments
    quantity = parse_quantity("12", sign=Sign.NON_ZERO)                   # POS rows

A quantity is a whole number of units of at most ``MAX_QUANTITY`` (1,000,000) in
absolute value per line. Which signs a kind allows (``DOMAIN.md``): POS lines are
non-zero and negative for a customer return; stock on hand is 0 or more; shipments,
transfers, returns and design lines are positive; adjustments are non-zero.

Text is parsed strictly: ASCII digits, a leading ``-`` only where negatives are
allowed (``+`` always), and optionally a decimal separator followed by zeros only
(``10.0`` is 10, as spreadsheets write whole numbers; ``10.5`` is fractional).
Refused: exponents (``1e9``), underscores (``1_000``), spaces or thousands separators
inside the number, non-ASCII digits (``٣``), ``NaN`` and ``Infinity``.
"""

from __future__ import annotations

import re
from enum import Enum

from portal.domain.errors import DomainError, ErrorCode

MAX_QUANTITY = 1_000_000

_WHOLE = re.compile(r"([+-]?)([0-9]{1,12})(?:([.,])([0-9]{1,12}))?", re.ASCII)


class Sign(Enum):
    POSITIVE = "positive"  # 1..MAX
    NON_NEGATIVE = "non-negative"  # 0..MAX
    NON_ZERO = "non-zero"  # -MAX..MAX without 0


class QuantityError(ValueError):
    """A row-level quantity problem: ``code`` is ``INVALID_QUANTITY``,
    ``FRACTIONAL_QUANTITY``, ``ZERO_QUANTITY`` or ``NEGATIVE_QUANTITY``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def range_text(sign: Sign) -> str:
    return {
        Sign.POSITIVE: f"1 to {MAX_QUANTITY:,}",
        Sign.NON_NEGATIVE: f"0 to {MAX_QUANTITY:,}",
        Sign.NON_ZERO: f"-{MAX_QUANTITY:,} to {MAX_QUANTITY:,}, not 0",
    }[sign]


def quantity_problem(value: int, sign: Sign) -> QuantityError | None:
    """Why this integer is not a quantity of this sign, or ``None``."""
    if value == 0 and sign is Sign.NON_ZERO:
        return QuantityError("ZERO_QUANTITY", "quantity cannot be 0.")
    if (value < 0 and sign is not Sign.NON_ZERO) or (value == 0 and sign is Sign.POSITIVE):
        return QuantityError("NEGATIVE_QUANTITY", f"quantity must be {range_text(sign)}.")
    if abs(value) > MAX_QUANTITY:
        return QuantityError("INVALID_QUANTITY", f"quantity {value} is beyond {range_text(sign)}.")
    return None


def parse_quantity(text: str, *, sign: Sign, decimal_separator: str = ".") -> int:
    """The quantity written in ``text`` (already trimmed), or :class:`QuantityError`."""
    match = _WHOLE.fullmatch(text)
    if match is None or (match[3] is not None and match[3] != decimal_separator):
        raise QuantityError(
            "INVALID_QUANTITY", f"quantity '{text[:40]}' is not a whole number in ASCII digits."
        )
    if match[4] is not None and match[4].strip("0"):
        raise QuantityError(
            "FRACTIONAL_QUANTITY", f"quantity {text} is not a whole number of units."
        )
    value = int(match[2]) * (-1 if match[1] == "-" else 1)
    problem = quantity_problem(value, sign)
    if problem is not None:
        raise problem
    return value


def quantity_of(value: object, *, sign: Sign) -> int:
    """A quantity from a JSON value (the ERP feed), or :class:`QuantityError`.

    An integer (not a boolean), a float with no fraction (``5.0``) or text parsed as
    :func:`parse_quantity` does: ``"1_000"``, full-width digits, ``2.9`` and ``true`` are refused,
    where Python's ``int()`` would have read them as 1000, 5, 2 and 1.
    """
    if isinstance(value, bool) or value is None:
        raise QuantityError("INVALID_QUANTITY", "quantity is not a whole number.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise QuantityError("INVALID_QUANTITY", "quantity is not a whole number.")
        if not value.is_integer():
            raise QuantityError(
                "FRACTIONAL_QUANTITY", f"quantity {value!r} is not a whole number of units."
            )
        number = int(value)
    elif isinstance(value, str):
        return parse_quantity(value.strip(), sign=sign)
    else:
        raise QuantityError("INVALID_QUANTITY", "quantity is not a whole number.")
    problem = quantity_problem(number, sign)
    if problem is not None:
        raise problem
    return number


def check_quantity(value: int, field: list[str], *, sign: Sign = Sign.POSITIVE) -> int:
    """A quantity given as an integer (GraphQL ``Int``), or ``INVALID_QUANTITY``."""
    if quantity_problem(value, sign) is not None:
        raise DomainError(
            ErrorCode.INVALID_QUANTITY,
            f"{field[-1]} must be {range_text(sign)} (got {value}).",
            field,
        )
    return value
