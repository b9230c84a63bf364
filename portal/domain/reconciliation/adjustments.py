"""What a period's ``adjustments`` are made of, each origin apart.

    origin_of(LedgerKind.ADJUSTMENT, "INVENTORY_DOCUMENT", "OUTBOUND:SAMPLE")
    # ("OUTBOUND", "SAMPLE")
    parts = await period_adjustments(m, ["2026-10"], partner_id=3)
    parts["2026-10"]   # [AdjustmentPart("INBOUND", "FOUND", 10), ...]

The ``adjustments`` component sums ``ADJUSTMENT``, ``OPENING`` and ``OWNERSHIP_TRANSFER``
entries (``portal.models.reconciliation.columns``). Their origins: a partner's inventory
documents (``OPENING_STOCK``, ``INBOUND``, ``OUTBOUND``, by reason), an approved inventory
check's count variances (``INVENTORY_CHECK``), a contract's ownership transfers
(``OWNERSHIP_TRANSFER``) and adjustments posted by hand (``ADJUSTMENT``, by reason).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.functions import Sum

from portal.domain.checks.documents import SOURCE as DOCUMENT_SOURCE
from portal.domain.ledger.reads import in_periods
from portal.models import LedgerEntry
from portal.models.enums import LedgerKind
from portal.models.reconciliation.columns import COMPONENT_OF_KIND

ADJUSTMENT_KINDS = tuple(k for k, c in COMPONENT_OF_KIND.items() if c.name == "adjustments")


@dataclass(frozen=True, slots=True)
class AdjustmentPart:
    source: str
    reason: str | None
    quantity: int  # signed


def origin_of(kind: LedgerKind, source_type: str, reason: str | None) -> tuple[str, str | None]:
    if source_type == DOCUMENT_SOURCE:
        source, _, code = (reason or "").partition(":")
        return source, code or None
    if kind is LedgerKind.OWNERSHIP_TRANSFER:
        return "OWNERSHIP_TRANSFER", reason
    if source_type == "INVENTORY_CHECK":
        return "INVENTORY_CHECK", reason
    return "ADJUSTMENT", reason


def group_parts(
    entries: Iterable[tuple[LedgerKind, str, str | None, int]],
) -> list[AdjustmentPart]:
    """(kind, source type, reason, quantity) of entries -> one part per origin and reason,
    in a stable order; entries outside ``adjustments`` are left out."""
    sums: dict[tuple[str, str | None], int] = defaultdict(int)
    for kind, source_type, reason, quantity in entries:
        if kind in ADJUSTMENT_KINDS:
            sums[origin_of(kind, source_type, reason)] += quantity
    return [
        AdjustmentPart(source, reason, quantity)
        for (source, reason), quantity in sorted(
            sums.items(), key=lambda x: (x[0][0], x[0][1] or "")
        )
    ]


async def period_adjustments(
    manufacturer_id: int,
    periods: Iterable[str],
    *,
    partner_id: int | None = None,
    product_id: int | None = None,
) -> dict[str, list[AdjustmentPart]]:
    """The parts of each period's adjustments over partner warehouses (one statement)."""
    names = sorted(set(periods))
    if not names:
        return {}
    query = LedgerEntry.filter(
        manufacturer_id=manufacturer_id,
        **in_periods(names),
        kind__in=list(ADJUSTMENT_KINDS),
        partner_id__isnull=False,
    )
    if partner_id is not None:
        query = query.filter(partner_id=partner_id)
    if product_id is not None:
        query = query.filter(product_id=product_id)
    rows = (
        await query.annotate(total=Sum("quantity"))
        .group_by("period", "kind", "source_type", "reason")
        .values_list("period", "kind", "source_type", "reason", "total")
    )
    grouped: dict[str, list[tuple[LedgerKind, str, str | None, int]]] = defaultdict(list)
    for period, kind, source_type, reason, total in rows:
        grouped[str(period)].append((LedgerKind(kind), str(source_type), reason, int(total or 0)))
    return {period: group_parts(entries) for period, entries in grouped.items()}
