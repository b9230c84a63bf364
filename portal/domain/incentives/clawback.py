"""Clawback: a POS resubmission that no longer proves units a claim was given.

    await claw_back(manufacturer_id, partner_id, "2026-10", version=2)   # in the posting

Called by :func:`portal.domain.reporting.validation.post_submission` inside the
transaction that makes a POS resubmission current. Per pool of the partner and period,
the units allocated beyond what the new report proves are taken back from the newest
claim lines first: a credited claim gets a debit memo (negative lines, with the reason),
a claim awaiting review loses them from its approved quantity; either line shows
``CLAWED_BACK`` and its ``clawedBackQuantity``.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from portal.db import is_postgres
from portal.domain.incentives import evidence
from portal.domain.incentives.claims import REVIEWED
from portal.domain.incentives.codes import ClaimLineCode, money
from portal.domain.incentives.memos import MemoLine, issue_memo
from portal.models import Claim, ClaimAllocation, ClaimLine, ClaimPool
from portal.models.enums import ClaimLineStatus, ClaimStatus


async def claw_back(manufacturer_id: int, partner_id: int, period: str, version: int) -> int:
    """Units taken back (0 when the new report still proves every claimed unit)."""
    m = manufacturer_id
    query = ClaimPool.filter(manufacturer_id=m, partner_id=partner_id, period=period)
    if is_postgres():  # locked in (product, customer) order, as a validation locks them
        query = query.order_by("product_id", "end_customer_id").select_for_update()
    pools = sorted(await query, key=lambda pool: pool.id)
    if not pools:
        return 0
    allocations = await ClaimAllocation.filter(
        manufacturer_id=m, pool_id__in=[p.id for p in pools]
    ).order_by("id")
    if not allocations:
        return 0
    terms = {
        t.line_id: t
        for t in await evidence.terms_of(m, [partner_id], {p.product_id for p in pools})
    }
    rows = evidence.by_pool(
        await evidence.pos_rows(
            m, partner_id, period, {p.product_id for p in pools}, {p.end_customer_id for p in pools}
        )
    )
    net: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))  # pool -> line -> units
    agreement_line: dict[int, int] = {}
    for a in allocations:
        net[a.pool_id][a.claim_line_id] += a.quantity
        agreement_line[a.claim_line_id] = a.agreement_line_id
    take_back: dict[int, list[tuple[int, int]]] = defaultdict(list)  # claim line -> (pool, units)
    for pool in pools:
        held = {line: units for line, units in net[pool.id].items() if units > 0}
        total = sum(held.values())
        if not total:
            continue
        pool_rows = rows.get((pool.product_id, pool.end_customer_id), [])
        proved = max(
            (
                evidence.prove(pool_rows, terms[agreement_line[line]]).units
                for line in held
                if agreement_line[line] in terms
            ),
            default=0,
        )
        excess = total - proved
        for line_id in sorted(held, reverse=True):  # the newest claim lines give first
            if excess <= 0:
                break
            units = min(excess, held[line_id])
            take_back[line_id].append((pool.id, units))
            excess -= units
    if not take_back:
        return 0
    lines = await ClaimLine.filter(manufacturer_id=m, id__in=list(take_back))
    claims = {
        c.id: c
        for c in await Claim.filter(manufacturer_id=m, id__in=list({x.claim_id for x in lines}))
    }
    debits: dict[int, list[MemoLine]] = defaultdict(list)
    reason = f"POS resubmission (version {version}) of {period} no longer proves these units"
    total_units = 0
    for line in lines:
        units = sum(u for _, u in take_back[line.id])
        total_units += units
        await ClaimAllocation.bulk_create(
            [
                ClaimAllocation(
                    manufacturer_id=m,
                    pool_id=pool_id,
                    claim_line_id=line.id,
                    agreement_line_id=agreement_line[line.id],
                    pos_line_id=None,
                    quantity=-u,
                    reason="CLAWBACK",
                )
                for pool_id, u in take_back[line.id]
            ]
        )
        codes = list(line.codes or [])
        if ClaimLineCode.CLAWED_BACK.value not in codes:
            codes.append(ClaimLineCode.CLAWED_BACK.value)
        unit_credit = line.unit_credit or Decimal("0")
        claim = claims[line.claim_id]
        changes: dict[str, object] = {
            "codes": codes,
            "clawed_back_quantity": line.clawed_back_quantity + units,
        }
        if claim.status in REVIEWED:
            debits[claim.id].append(
                (line, -units, unit_credit, money(-unit_credit * units), reason)
            )
        else:  # awaiting review: it simply approves less
            approved = max((line.approved_quantity or 0) - units, 0)
            changes.update(
                approved_quantity=approved,
                amount=money(unit_credit * approved),
                status=ClaimLineStatus.PARTIAL if approved else ClaimLineStatus.REJECTED,
            )
        await ClaimLine.filter(manufacturer_id=m, id=line.id).update(**changes)
    for claim_id, memo_lines in debits.items():
        await issue_memo(claims[claim_id], memo_lines, kind="DEBIT")
    for claim in claims.values():
        if claim.status is ClaimStatus.VALIDATED:
            amounts = await ClaimLine.filter(manufacturer_id=m, claim_id=claim.id).values_list(
                "amount", flat=True
            )
            await Claim.filter(manufacturer_id=m, id=claim.id).update(
                approved_amount=sum((a or Decimal("0") for a in amounts), Decimal("0"))
            )
    return total_units
