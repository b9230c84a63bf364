"""The codes a validated claim line carries (stable: finance teams filter on them).

line.codes == [ClaimLineCode.OVER_CLAIM.value]
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from enum import Enum

CENT = Decimal("0.01")


class ClaimLineCode(str, Enum):
    OVER_CLAIM = "OVER_CLAIM"  # more than the accepted POS proves: capped
    CAP_EXCEEDED = "CAP_EXCEEDED"  # beyond the agreement line's maxQuantity: capped
    ALREADY_CLAIMED = "ALREADY_CLAIMED"  # proved units another claim took first
    NO_AGREEMENT = "NO_AGREEMENT"  # no agreement of the partner for this SKU and customer
    AGREEMENT_EXPIRED = "AGREEMENT_EXPIRED"  # agreements exist, none valid in the period
    RESALE_ABOVE_AUTHORIZED = "RESALE_ABOVE_AUTHORIZED"  # POS resold above the authorized price
    DUPLICATE_LINE = "DUPLICATE_LINE"  # the same SKU, customer and warehouse twice in a claim
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"  # its agreement is not in the claim's currency
    CLAWED_BACK = "CLAWED_BACK"  # a POS resubmission removed credited units (debit memo)
    EXCEEDS_ELIGIBLE_INVENTORY = "EXCEEDS_ELIGIBLE_INVENTORY"  # price protection: capped
    CLAIM_WINDOW_CLOSED = "CLAIM_WINDOW_CLOSED"  # price protection: submitted after closesOn
    # price protection: the warehouse's reconciliation row at the effective date has an
    # open exception or a missing report; approved 0 (PENDING) until revalidated
    HELD_OPEN_EXCEPTION = "HELD_OPEN_EXCEPTION"


def money(value: Decimal) -> Decimal:
    """Rounded half-even to the minor unit (two decimals), per line."""
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)
