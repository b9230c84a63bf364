"""Units moved per (partner, product, period) by kind, from the ledger: what demand
compares its commitments and forecasts with.

    sold = await period_totals(m, SELL_THROUGH_KINDS, periods=["2026-10"], partner_ids=[3])
    sold[(3, 7, "2026-10")]    # units sold through (customer returns netted), positive
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from tortoise.functions import Sum

from portal.models import LedgerEntry, Transfer
from portal.models.enums import LedgerKind

SELL_IN_KINDS = (LedgerKind.SELL_IN,)
# Sell-through is posted negative, customer returns positive: their negated sum is net sales.
SELL_THROUGH_KINDS = (LedgerKind.SELL_THROUGH, LedgerKind.CUSTOMER_RETURN)

Key = tuple[int, int, str]  # partner, product, period


async def period_totals(
    manufacturer_id: int,
    kinds: Iterable[LedgerKind],
    *,
    periods: Iterable[str],
    partner_ids: Iterable[int] | None = None,
    product_ids: Iterable[int] | None = None,
) -> dict[Key, int]:
    """The units of ``kinds`` per key, as positive quantities (the sign flipped for
    outgoing kinds: sell-through is reported as units sold)."""
    kind_list = list(kinds)
    query = LedgerEntry.filter(
        manufacturer_id=manufacturer_id, kind__in=kind_list, period__in=sorted(set(periods))
    ).filter(partner_id__isnull=False)
    if partner_ids is not None:
        query = query.filter(partner_id__in=sorted(set(partner_ids)))
    if product_ids is not None:
        query = query.filter(product_id__in=sorted(set(product_ids)))
    rows = (
        await query.annotate(total=Sum("quantity"))
        .group_by("partner_id", "product_id", "period")
        .values_list("partner_id", "product_id", "period", "total")
    )
    sign = -1 if LedgerKind.SELL_THROUGH in kind_list else 1
    totals: dict[Key, int] = defaultdict(int)
    for partner_id, product_id, period, total in rows:
        totals[(int(partner_id), int(product_id), str(period))] += sign * int(total or 0)
    return dict(totals)


async def sell_in_totals(
    manufacturer_id: int,
    *,
    periods: Iterable[str],
    partner_ids: Iterable[int] | None = None,
    product_ids: Iterable[int] | None = None,
) -> dict[Key, int]:
    """What each partner bought: the manufacturer's sell-in plus the transfers it received
    from another partner (a reseller buys from its distributor). A partner's transfers
    between its own warehouses are not bought; reversals net out, as in the ledger."""
    periods = sorted(set(periods))
    partners = None if partner_ids is None else sorted(set(partner_ids))
    products = None if product_ids is None else sorted(set(product_ids))
    totals = await period_totals(
        manufacturer_id,
        SELL_IN_KINDS,
        periods=periods,
        partner_ids=partners,
        product_ids=products,
    )
    query = LedgerEntry.filter(
        manufacturer_id=manufacturer_id,
        kind=LedgerKind.TRANSFER_IN,
        source_type="TRANSFER",
        period__in=periods,
    ).filter(partner_id__isnull=False)
    if partners is not None:
        query = query.filter(partner_id__in=partners)
    if products is not None:
        query = query.filter(product_id__in=products)
    rows = (
        await query.annotate(total=Sum("quantity"))
        .group_by("partner_id", "product_id", "period", "source_id")
        .values_list("partner_id", "product_id", "period", "source_id", "total")
    )
    if not rows:
        return totals
    senders = dict(
        await Transfer.filter(
            manufacturer_id=manufacturer_id, id__in=sorted({int(r[3]) for r in rows})
        ).values_list("id", "from_partner_id")
    )
    merged: dict[Key, int] = defaultdict(int, totals)
    for partner_id, product_id, period, transfer_id, total in rows:
        sender = senders.get(int(transfer_id))
        if sender is not None and int(sender) != int(partner_id):
            merged[(int(partner_id), int(product_id), str(period))] += int(total or 0)
    return dict(merged)
