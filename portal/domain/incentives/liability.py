"""The liability of each price agreement, so finance sees the accrual before claims:

    page = await incentive_liability(principal, partner_code=None, first=50, limit=100)
    page.items[0].eligible_unclaimed, .claimed, .approved, .credited   # Decimal amounts

- eligible-unclaimed: units the partner's current accepted POS proves for the agreement
  (every period inside its validity) that no claim holds yet, times the unit credit;
- claimed: what claims not rejected asked for under it (quantity times unit credit);
- approved: what reviewed claims approved under it;
- credited: the sum of its memo lines (credits less clawbacks).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from portal.domain.access.principal import Principal
from portal.domain.catalog.lookups import partner_scope
from portal.domain.incentives import evidence
from portal.domain.incentives.agreements import visible_agreements
from portal.domain.incentives.claims import REVIEWED
from portal.domain.incentives.codes import money
from portal.domain.pagination import Page, paginate
from portal.domain.reporting.accepted import current_reports
from portal.models import (
    Claim,
    ClaimLine,
    ClaimPool,
    CreditMemoLine,
    PosLine,
    PriceAgreement,
)
from portal.models.enums import ClaimStatus, SubmissionKind


@dataclass(frozen=True, slots=True)
class Liability:
    agreement: PriceAgreement
    eligible_unclaimed_units: int
    eligible_unclaimed: Decimal
    claimed: Decimal
    approved: Decimal
    credited: Decimal


async def incentive_liability(
    principal: Principal,
    *,
    partner_code: str | None = None,
    first: int | None,
    after: str | None = None,
    limit: int,
) -> Page[Liability]:
    """One page of agreements (oldest first, keyset-paginated like every listing), each
    with its liability, computed for the page's agreements together."""
    page = await paginate(
        visible_agreements(principal, partner_id=await partner_scope(principal, partner_code)),
        first=first,
        after=after,
        limit=limit,
    )
    return Page(
        await _liabilities(principal.manufacturer_id, page.items),
        page.has_next,
        page.count,
        page.cursors,
    )


async def _liabilities(m: int, agreements: list[PriceAgreement]) -> list[Liability]:
    if not agreements:
        return []
    by_id = {a.id: a for a in agreements}
    partners = {a.partner_id for a in agreements}
    terms = [t for t in await evidence.terms_of(m, partners) if t.agreement_id in by_id]
    products = {t.product_id for t in terms}
    reports = dict(
        await current_reports(m, SubmissionKind.POS)
        .filter(partner_id__in=list(partners))
        .values_list("id", "partner_id")
    )
    periods = dict(
        await current_reports(m, SubmissionKind.POS)
        .filter(partner_id__in=list(partners))
        .values_list("id", "period")
    )
    rows: dict[tuple[int, str], list[evidence.PosRow]] = defaultdict(list)
    if reports and products:
        for values in (
            await PosLine.filter(
                manufacturer_id=m,
                submission_id__in=list(reports),
                product_id__in=list(products),
                end_customer_id__isnull=False,
            )
            .order_by("id")
            .values_list(
                "submission_id",
                "id",
                "product_id",
                "end_customer_id",
                "quantity",
                "sold_on",
                "unit_price",
            )
        ):
            submission_id, *rest = values
            rows[(reports[submission_id], periods[submission_id])].append(evidence.PosRow(*rest))
    pools = await ClaimPool.filter(manufacturer_id=m, partner_id__in=list(partners)).values_list(
        "id", "partner_id", "period", "product_id", "end_customer_id"
    )
    pool_ids = {(pa, pe, pr, c): i for i, pa, pe, pr, c in pools}
    allocated = await evidence.allocated_in(m, pool_ids.values())
    unclaimed_units: dict[int, int] = defaultdict(int)
    unclaimed: dict[int, Decimal] = defaultdict(Decimal)
    for term in terms:
        partner_id = by_id[term.agreement_id].partner_id
        for (partner, period), found in rows.items():
            if partner != partner_id:
                continue
            for (product_id, customer_id), pool in evidence.by_pool(found).items():
                if product_id != term.product_id or (
                    term.end_customer_id is not None and customer_id != term.end_customer_id
                ):
                    continue
                proved = evidence.prove(pool, term).units
                held = allocated.get(
                    pool_ids.get((partner, period, product_id, customer_id), -1), 0
                )
                free = max(proved - held, 0)
                unclaimed_units[term.agreement_id] += free
                unclaimed[term.agreement_id] += money(term.unit_credit * free)
    line_to_agreement = {t.line_id: t.agreement_id for t in terms}
    claim_lines = await ClaimLine.filter(
        manufacturer_id=m, agreement_line_id__in=list(line_to_agreement)
    ).values_list("id", "claim_id", "agreement_line_id", "quantity", "unit_credit", "amount")
    statuses = dict(
        await Claim.filter(
            manufacturer_id=m, id__in=list({c for _, c, _, _, _, _ in claim_lines})
        ).values_list("id", "status")
    )
    claimed: dict[int, Decimal] = defaultdict(Decimal)
    approved: dict[int, Decimal] = defaultdict(Decimal)
    of_line: dict[int, int] = {}
    for line_id, claim_id, agreement_line_id, quantity, unit_credit, amount in claim_lines:
        agreement_id = line_to_agreement[agreement_line_id]
        of_line[line_id] = agreement_id
        status = ClaimStatus(statuses[claim_id])
        if status is not ClaimStatus.REJECTED:
            claimed[agreement_id] += money((unit_credit or Decimal("0")) * quantity)
        if status in REVIEWED:
            approved[agreement_id] += amount or Decimal("0")
    credited: dict[int, Decimal] = defaultdict(Decimal)
    for line_id, amount in await CreditMemoLine.filter(
        manufacturer_id=m, claim_line_id__in=list(of_line)
    ).values_list("claim_line_id", "amount"):
        credited[of_line[line_id]] += amount
    zero = Decimal("0.00")
    return [
        Liability(
            agreement=a,
            eligible_unclaimed_units=unclaimed_units.get(a.id, 0),
            eligible_unclaimed=money(unclaimed.get(a.id, zero)),
            claimed=money(claimed.get(a.id, zero)),
            approved=money(approved.get(a.id, zero)),
            credited=money(credited.get(a.id, zero)),
        )
        for a in agreements
    ]
