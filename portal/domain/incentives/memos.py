"""Credit memos: an approved claim becomes one memo; a clawback a debit memo.

    memo = await issue_memo(claim, [(line, units, unit_credit, amount, reason)], kind="CREDIT")

Numbers are gapless per tenant (``CM-000001``, ...): the counter row is locked
``FOR UPDATE`` and advanced in the transaction that writes the memo, so a rolled-back
memo gives its number back.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tortoise.queryset import QuerySet

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.tenancy import visible_to
from portal.models import Claim, ClaimLine, CreditMemo, CreditMemoLine, MemoCounter, OutboxEvent

MemoLine = tuple[ClaimLine, int, Decimal, Decimal, str]  # line, units, unit credit, amount, why


def visible_memos(principal: Principal, *, partner_id: int | None = None) -> QuerySet[CreditMemo]:
    principal.require(Action.VIEW_INVENTORY)
    memos = visible_to(principal, CreditMemo)
    if partner_id is not None:
        memos = memos.filter(partner_id=partner_id)
    return memos


async def next_number(manufacturer_id: int) -> int:
    """The tenant's next memo number; call inside the memo's transaction."""
    await MemoCounter.bulk_create(
        [MemoCounter(manufacturer_id=manufacturer_id, last_number=0)], ignore_conflicts=True
    )
    query = MemoCounter.filter(manufacturer_id=manufacturer_id)
    if is_postgres():
        query = query.select_for_update()
    counter = await query.get()
    number: int = counter.last_number + 1
    await MemoCounter.filter(manufacturer_id=manufacturer_id).update(last_number=number)
    return number


async def issue_memo(claim: Claim, lines: Sequence[MemoLine], *, kind: str) -> CreditMemo:
    """One memo for these claim lines (inside the caller's transaction)."""
    m = claim.manufacturer_id
    sequence = await next_number(m)
    memo = await CreditMemo.create(
        manufacturer_id=m,
        partner_id=claim.partner_id,
        claim_id=claim.id,
        sequence=sequence,
        number=f"CM-{sequence:06d}",
        kind=kind,
        period=claim.period,
        currency=claim.currency,
        amount=sum((amount for _, _, _, amount, _ in lines), Decimal("0")),
    )
    await CreditMemoLine.bulk_create(
        [
            CreditMemoLine(
                manufacturer_id=m,
                memo=memo,
                claim_line_id=line.id,
                sku=line.sku,
                quantity=units,
                unit_credit=unit_credit,
                amount=amount,
                reason=reason[:300],
            )
            for line, units, unit_credit, amount, reason in lines
        ]
    )
    await OutboxEvent.get_or_create(
        manufacturer_id=m,
        dedupe_key=f"credit_memo.created:{memo.id}",
        defaults={
            "event_type": "credit_memo.created",
            "payload": {
                "creditMemoId": str(memo.id),
                "number": memo.number,
                "claimId": str(claim.id),
                "kind": kind,
                "amount": str(memo.amount),
                "currency": memo.currency,
            },
        },
    )
    return memo


async def find_memos(
    principal: Principal, *, period: str, partner_code: str | None = None
) -> QuerySet[CreditMemo]:
    """The memos of a claim period (finance's export), the principal's own for a partner."""
    from portal.domain.catalog.lookups import partner_scope
    from portal.domain.catalog.tenants import settings_of
    from portal.domain.periods import parse_period

    settings = await settings_of(principal.manufacturer_id)
    name = parse_period(period, settings.period_granularity).name
    partner_id = await partner_scope(principal, partner_code)
    return visible_memos(principal, partner_id=partner_id).filter(period=name).order_by("id")
