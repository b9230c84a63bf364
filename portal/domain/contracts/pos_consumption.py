"""Consumption from the partner's accepted POS: the one call the POS posting makes.

    await consume_from_pos(submission)     # in the posting's transaction, after its ledger

SCS: units a POS report (partner, period) sold from a consignment warehouse consume the
partner's active SCS lines of that warehouse and SKU (oldest contract first, up to what
remains; only units sold from the line's reception date to the contract's end count, and
units beyond stay the manufacturer's sale and show in reconciliation). Each
change is a call-off notification, a charge at the contract price, and four ledger
entries in the consignment warehouse that leave every balance as the POS left it:
``OWNERSHIP_TRANSFER`` out of the manufacturer and into the partner, and the sale
(``SELL_THROUGH``) moved from the manufacturer's stock to the partner's.
CBS: units sold from the buffer's warehouse to its end customer consume the buffer (a
call-off, no charge and no entry: the POS sold the partner's own stock).
The report's current version sets what it consumes: a resubmission that sells fewer units
gives them back (negative call-off and charge), one that sells more consumes the
difference.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from tortoise.functions import Max, Sum

from portal.db import is_postgres
from portal.domain.contracts.consumption import record_consumption, window
from portal.domain.ledger.posting import Movement
from portal.domain.reporting.lines import pos_lines_of
from portal.models import (
    CallOffNotification,
    InventoryContract,
    InventoryContractLine,
    Submission,
    Warehouse,
)
from portal.models.enums import InventoryContractStatus, InventoryContractType, LedgerKind, Owner

T = InventoryContractType
REASON = "CONTRACT_SCS"
Key = tuple[int, int, int | None]  # warehouse, product, end customer (CBS) or None (SCS)


def as_date(value: object) -> date:
    """A date column's value as a date (SQLite's aggregates give text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _scs_moves(place: Warehouse, product_id: int, change: int, day: date) -> list[Movement]:
    def move(quantity: int, kind: LedgerKind, owner: Owner) -> Movement:
        return Movement(place, product_id, quantity, kind, day, reason=REASON, owned_by=owner)

    return [
        move(-change, LedgerKind.OWNERSHIP_TRANSFER, Owner.MANUFACTURER),
        move(change, LedgerKind.OWNERSHIP_TRANSFER, Owner.PARTNER),
        move(change, LedgerKind.SELL_THROUGH, Owner.MANUFACTURER),
        move(-change, LedgerKind.SELL_THROUGH, Owner.PARTNER),
    ]


async def consume_from_pos(submission: Submission) -> None:
    m = submission.manufacturer_id
    contracts = {
        c.id: c
        for c in await InventoryContract.filter(
            manufacturer_id=m,
            partner_id=submission.partner_id,
            type__in=[T.SCS, T.CBS],
            status=InventoryContractStatus.ACTIVE,
            warehouse_id__isnull=False,
        ).order_by("id")
    }
    if not contracts:
        return
    query = InventoryContractLine.filter(
        manufacturer_id=m, contract_id__in=list(contracts), reception_date__isnull=False
    ).order_by("contract_id", "line_no")
    if is_postgres():
        query = query.select_for_update()
    lines = await query
    places = {c.warehouse_id or 0 for c in contracts.values()}
    # Units sold per key and day: a line consumes only what was sold inside its window
    # (from its reception, within the contract's validity).
    sold: dict[Key, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for w, p, customer, day, total in (
        await pos_lines_of(submission)
        .filter(warehouse_id__in=list(places))
        .annotate(total=Sum("quantity"))
        .group_by("warehouse_id", "product_id", "end_customer_id", "sold_on")
        .values_list("warehouse_id", "product_id", "end_customer_id", "sold_on", "total")
    ):
        for at in {(w, p, None), (w, p, customer)}:  # any customer (SCS), this one (CBS)
            sold[at][as_date(day)] += int(total or 0)
    held: dict[int, int] = defaultdict(int)
    latest: dict[int, date] = {}
    for line_id, total, day in (
        await CallOffNotification.filter(
            manufacturer_id=m,
            partner_id=submission.partner_id,
            line_id__in=[x.id for x in lines],
            source_type="POS",
            report_period=submission.period,
        )
        .annotate(total=Sum("quantity"), day=Max("consumed_on"))
        .group_by("line_id")
        .values_list("line_id", "total", "day")
    ):
        held[line_id] = int(total or 0)
        latest[line_id] = as_date(day)
    warehouses = {w.id: w for w in await Warehouse.filter(manufacturer_id=m, id__in=list(places))}
    for line in lines:
        contract = contracts[line.contract_id]
        customer = contract.end_customer_id if contract.type is T.CBS else None
        if contract.type is T.CBS and customer is None:
            continue
        key: Key = (contract.warehouse_id or 0, line.product_id, customer)
        start, end = window(contract, line)
        mine = held[line.id]
        target, day = _take(sold.get(key, {}), start, end, line.remaining + mine)
        change = target - mine
        if change == 0:
            continue
        day = day or latest.get(line.id) or submission.created_at.date()
        moves = (
            _scs_moves(warehouses[key[0]], line.product_id, change, day)
            if contract.type is T.SCS
            else []
        )
        await record_consumption(
            contract,
            line,
            change,
            day,
            moves,
            source=("POS", submission.id),
            report_period=submission.period,
            token_id=submission.token_id,
            allow_negative=True,  # the four entries net to zero per owner; sales are facts
        )


def _take(by_day: dict[date, int], start: date, end: date, room: int) -> tuple[int, date | None]:
    """Take up to ``room`` units of the net sales between ``start`` and ``end`` (customer
    returns on a later day net against the sales) out of ``by_day``, so that a later line
    cannot take them again; the units taken and the last day with a sale among them."""
    days = sorted(d for d in by_day if start <= d <= end)
    net = sum(by_day[d] for d in days)
    taken = min(room, max(0, net))
    if taken <= 0:
        return 0, None
    last = max(d for d in days if by_day[d] > 0)
    for day in days:  # what is left of the window's net, kept on its last sale day
        by_day[day] = 0
    by_day[last] = net - taken
    return taken, last
