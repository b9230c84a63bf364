"""Sales of the partner's own stock in a consignment warehouse (after an SCS takeover).

    await sell_partner_owned(submission)   # after consume_from_pos, same transaction

A POS line sold from a consignment warehouse takes the units out of the manufacturer's
stock there (the warehouse's owner). Units an active SCS contract consumes move to the
partner at the sale (``pos_consumption``). Units beyond, where the partner owns stock in
that warehouse (a takeover left it there), are the partner's own sale: the sale is moved
from the manufacturer's stock to the partner's (``SELL_THROUGH`` +n manufacturer, -n
partner, reason ``PARTNER_STOCK_SALE``), up to what the partner owns. Units beyond both
stay the manufacturer's sale and show in reconciliation. As for contracts, the report's
current version decides: a resubmission that sells fewer moves units back.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from tortoise.functions import Max, Sum

from portal.domain.contracts.pos_consumption import as_date
from portal.domain.ledger.posting import Movement, post
from portal.domain.periods import stored_period
from portal.domain.reporting.lines import pos_lines_of
from portal.models import (
    CallOffNotification,
    InventoryContract,
    LedgerEntry,
    StockBalance,
    Submission,
    Warehouse,
)
from portal.models.enums import (
    InventoryContractType,
    LedgerKind,
    Owner,
    SubmissionKind,
    WarehouseKind,
)

REASON = "PARTNER_STOCK_SALE"
SOURCE = "POS_PARTNER_STOCK"
Key = tuple[int, int]  # warehouse, product


async def sell_partner_owned(submission: Submission) -> None:
    m, partner = submission.manufacturer_id, submission.partner_id
    places = {
        w.id: w
        for w in await Warehouse.filter(
            manufacturer_id=m, partner_id=partner, kind=WarehouseKind.CONSIGNMENT
        )
    }
    if not places:
        return
    period = stored_period(submission.period)
    sold: dict[Key, int] = {}
    last_day: dict[Key, date] = {}
    for w, p, total, day in (
        await pos_lines_of(submission)
        .filter(warehouse_id__in=list(places))
        .annotate(total=Sum("quantity"), day=Max("sold_on"))
        .group_by("warehouse_id", "product_id")
        .values_list("warehouse_id", "product_id", "total", "day")
    ):
        sold[(w, p)], last_day[(w, p)] = int(total or 0), as_date(day)
    versions = await Submission.filter(
        manufacturer_id=m, partner_id=partner, period=submission.period, kind=SubmissionKind.POS
    ).values_list("id", flat=True)
    moved: dict[Key, int] = defaultdict(int)  # by this period's earlier versions
    for w, p, total in (
        await LedgerEntry.filter(
            manufacturer_id=m,
            warehouse_id__in=list(places),
            business_date__gte=period.start,
            business_date__lte=period.end,
            source_type=SOURCE,
            source_id__in=list(versions),
            owner=Owner.PARTNER,
        )
        .annotate(total=Sum("quantity"))
        .group_by("warehouse_id", "product_id")
        .values_list("warehouse_id", "product_id", "total")
    ):
        moved[(w, p)] = -int(total or 0)
    keys = set(sold) | {k for k, v in moved.items() if v}
    if not keys:
        return
    consumed = await _consumed_by_contracts(submission, set(places))
    owned = {
        (w, p): q
        for w, p, q in await StockBalance.filter(
            manufacturer_id=m,
            warehouse_id__in=list(places),
            product_id__in=list({p for _, p in keys}),
            owner=Owner.PARTNER,
        ).values_list("warehouse_id", "product_id", "quantity")
    }
    moves: list[Movement] = []
    for key in sorted(keys):
        beyond = max(0, sold.get(key, 0) - consumed.get(key, 0))
        target = min(beyond, max(0, owned.get(key, 0) + moved[key]))
        change = target - moved[key]
        if change == 0:
            continue
        day = last_day.get(key, period.end)
        place, product = places[key[0]], key[1]
        moves += [
            Movement(place, product, change, LedgerKind.SELL_THROUGH, day, reason=REASON),
            Movement(
                place,
                product,
                -change,
                LedgerKind.SELL_THROUGH,
                day,
                reason=REASON,
                owned_by=Owner.PARTNER,
            ),
        ]
    if moves:
        await post(
            m,
            moves,
            source=(SOURCE, submission.id),
            token_id=submission.token_id,
            allow_negative=True,  # the pair nets to zero; the sale is a fact
        )


async def _consumed_by_contracts(submission: Submission, places: set[int]) -> dict[Key, int]:
    """Units of this report period that SCS contracts of these warehouses consumed."""
    m = submission.manufacturer_id
    warehouse_of = dict(
        await InventoryContract.filter(
            manufacturer_id=m,
            partner_id=submission.partner_id,
            type=InventoryContractType.SCS,
            warehouse_id__in=list(places),
        ).values_list("id", "warehouse_id")
    )
    if not warehouse_of:
        return {}
    consumed: dict[Key, int] = defaultdict(int)
    for contract_id, product_id, total in (
        await CallOffNotification.filter(
            manufacturer_id=m,
            partner_id=submission.partner_id,
            contract_id__in=list(warehouse_of),
            source_type="POS",
            report_period=submission.period,
        )
        .annotate(total=Sum("quantity"))
        .group_by("contract_id", "product_id")
        .values_list("contract_id", "product_id", "total")
    ):
        consumed[(warehouse_of[contract_id], product_id)] += int(total or 0)
    return consumed
