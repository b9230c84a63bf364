"""Batched reads of incentives for the graph's DataLoaders: a constant number of
statements whatever the number of rows, always inside one manufacturer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from portal.domain.batches import group_under
from portal.models import (
    ClaimAllocation,
    ClaimLine,
    CreditMemo,
    CreditMemoLine,
    PosLine,
    PriceAgreementLine,
    RebatePayout,
)

MAX_EVIDENCE = 200


@dataclass(frozen=True, slots=True)
class Evidence:
    """POS units behind a claim line (negative: released or clawed back)."""

    pos_line_id: int | None
    submission_id: int | None
    row: int | None
    sold_on: date | None
    invoice_no: str
    units: int
    reason: str


async def agreement_lines_of(
    manufacturer_id: int, agreement_ids: Sequence[int]
) -> list[list[PriceAgreementLine]]:
    lines = await PriceAgreementLine.filter(
        manufacturer_id=manufacturer_id, agreement_id__in=list(agreement_ids)
    ).order_by("id")
    return group_under(agreement_ids, lines, lambda line: line.agreement_id)


async def claim_lines_of(manufacturer_id: int, claim_ids: Sequence[int]) -> list[list[ClaimLine]]:
    lines = await ClaimLine.filter(
        manufacturer_id=manufacturer_id, claim_id__in=list(claim_ids)
    ).order_by("claim_id", "line_no")
    return group_under(claim_ids, lines, lambda line: line.claim_id)


async def memos_of_claims(manufacturer_id: int, claim_ids: Sequence[int]) -> list[list[CreditMemo]]:
    memos = await CreditMemo.filter(
        manufacturer_id=manufacturer_id, claim_id__in=list(claim_ids)
    ).order_by("id")
    return group_under(claim_ids, memos, lambda memo: memo.claim_id)


async def memo_lines_of(
    manufacturer_id: int, memo_ids: Sequence[int]
) -> list[list[CreditMemoLine]]:
    lines = await CreditMemoLine.filter(
        manufacturer_id=manufacturer_id, memo_id__in=list(memo_ids)
    ).order_by("id")
    return group_under(memo_ids, lines, lambda line: line.memo_id)


async def evidence_of(manufacturer_id: int, claim_line_ids: Sequence[int]) -> list[list[Evidence]]:
    allocations = await ClaimAllocation.filter(
        manufacturer_id=manufacturer_id, claim_line_id__in=list(claim_line_ids)
    ).order_by("id")
    pos = {
        p.id: p
        for p in await PosLine.filter(
            manufacturer_id=manufacturer_id,
            id__in=list({a.pos_line_id for a in allocations if a.pos_line_id is not None}),
        )
    }
    found = []
    for a in allocations:
        line = pos.get(a.pos_line_id) if a.pos_line_id is not None else None
        found.append(
            (
                a.claim_line_id,
                Evidence(
                    pos_line_id=a.pos_line_id,
                    submission_id=line.submission_id if line else None,
                    row=line.row if line else None,
                    sold_on=line.sold_on if line else None,
                    invoice_no=line.invoice_no if line else "",
                    units=a.quantity,
                    reason=a.reason,
                ),
            )
        )
    grouped = group_under(claim_line_ids, found, lambda pair: pair[0], MAX_EVIDENCE)
    return [[e for _, e in group] for group in grouped]


async def rebate_payouts_of(
    manufacturer_id: int, partner_id: int | None, program_ids: Sequence[int]
) -> list[list[RebatePayout]]:
    """Each program's payouts, oldest first; only ``partner_id``'s when given (a partner
    principal sees its own)."""
    query = RebatePayout.filter(manufacturer_id=manufacturer_id, program_id__in=list(program_ids))
    if partner_id is not None:
        query = query.filter(partner_id=partner_id)
    payouts = await query.order_by("program_id", "id")
    return group_under(program_ids, payouts, lambda payout: payout.program_id)
