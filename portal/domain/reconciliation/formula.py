"""The gap formula: a row's figures from its period's ledger parts and the partner's report.

    calculated(P) = opening(P) + sell_in + customer_returns - sell_through
                    + transfers_in - transfers_out - returns_to_manufacturer + adjustments
    opening(P)    = calculated(P-1)   (= every ledger entry dated before P)
    gap(P)        = calculated(P) - reported(P)   (the current accepted stock report)
    gap %         = gap / max(|calculated|, 1)
    status        = OK (no gap) | WITHIN_TOLERANCE (|gap| <= units or |gap %| <= percent)
                    | EXCEPTION; without a report MISSING_REPORT once the report is overdue

The components are the table of ``portal.models.reconciliation.columns``; the set-based SQL
path (``sql_path``) computes the same figures and is checked against this one column by
column (``tests/test_reconciliation_paths.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from portal.models import ManufacturerSettings
from portal.models.enums import LedgerKind, ReconciliationStatus
from portal.models.reconciliation.columns import COMPONENT_OF_KIND, COMPONENTS


def component_of(kind: LedgerKind) -> str:
    """The component a ledger entry of ``kind`` counts in."""
    return COMPONENT_OF_KIND[kind].name


def components(parts: Mapping[str, int]) -> dict[str, int]:
    """Signed ledger sums per component -> the row's components (outflows shown positive)."""
    return {c.name: c.sign * parts.get(c.name, 0) for c in COMPONENTS}


def classify(
    gap: int | None,
    calculated: int,
    reported_missing: bool,
    overdue: bool,
    settings: ManufacturerSettings,
) -> tuple[ReconciliationStatus, float | None]:
    if reported_missing:
        return (ReconciliationStatus.MISSING_REPORT if overdue else ReconciliationStatus.OK), None
    assert gap is not None
    pct = gap / max(abs(calculated), 1)
    if gap == 0:
        return ReconciliationStatus.OK, pct
    within = abs(gap) <= settings.tolerance_units or abs(pct) * 100 <= float(
        settings.tolerance_percent
    )
    return (
        ReconciliationStatus.WITHIN_TOLERANCE if within else ReconciliationStatus.EXCEPTION
    ), pct


def gap_value(gap: int | None, list_price: Decimal) -> Decimal:
    """What the gap is worth: |gap| x the list price valid at the period's end, to cents."""
    return (abs(gap or 0) * list_price).quantize(Decimal("0.01"))
