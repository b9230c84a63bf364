"""Ship & debit claims: drafted from what POS proves, submitted at once, validated by a
worker, reviewed by a channel manager; an approval's credit memo is issued by a job.

    draft = await claim_draft(partner, kind=ClaimKind.SHIP_AND_DEBIT, period="2026-10")
    claim = await submit_claim(partner, queue, kind=..., period="2026-10", lines=[...])
    await validate_claim(claim.id)          # the validate_claim job
    claim = await review_claim(manager, queue, claim.id, approve=True)   # APPROVED, ...
    await credit_claim(claim.id)            # the credit_claim job: memo, then CREDITED

Validation locks every agreement line with a ``maxQuantity`` (in id order) and every POS
pool (partner, period, product, end customer) the claim draws on (in product, customer
order, as the clawback does), then allocates units
first come, first served (:mod:`portal.domain.incentives.evidence`): two claims
validated at once on two workers never both take the same unit. On PostgreSQL the proofs
(draft and validation) and the allocations are set-based statements
(``evidence.proved``, ``evidence.allocate``); SQLite computes the same numbers in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tortoise import connections
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import today as utc_today
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.bounds.text import CUSTOMER_NAME, NOTE, clean_text
from portal.domain.bulk import fetch_records, insert_rows
from portal.domain.catalog.lookups import partner_scope
from portal.domain.catalog.tenants import settings_of
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.incentives import bulk, evidence
from portal.domain.incentives.codes import ClaimLineCode, money
from portal.domain.incentives.evidence import Terms
from portal.domain.incentives.memos import issue_memo
from portal.domain.periods import Period, parse_period, stored_period
from portal.domain.tenancy import tenant_of, visible_to
from portal.jobs.kinds import CREDIT_CLAIM, VALIDATE_CLAIM
from portal.jobs.records import JobQueue, dispatch
from portal.models import (
    Claim,
    ClaimAllocation,
    ClaimLine,
    ClaimPool,
    EndCustomer,
    Job,
    OutboxEvent,
    PriceAgreement,
    Product,
    Warehouse,
)
from portal.models.enums import ClaimKind, ClaimLineStatus, ClaimStatus, JobStatus

MAX_LINES = 500
# A submitted line's columns (one INSERT of every line): what ``_checked_lines`` gives, in
# its order, then the claim, nothing clawed back, PENDING, no codes.
LINE_COLUMNS = {
    "manufacturer_id": "int",
    "line_no": "int",
    "product_id": "int",
    "sku": "text",
    "quantity": "int",
    "end_customer_name": "text",
    "warehouse_id": "int",
    "agreement_id": "bigint",
    "claim_id": "bigint",
    "clawed_back_quantity": "int",
    "status": "text",
    "codes": "jsonb",
}
_CHECKED = list(LINE_COLUMNS)[:8]
REVIEWED = (ClaimStatus.APPROVED, ClaimStatus.PARTIALLY_APPROVED, ClaimStatus.CREDITED)


@dataclass(frozen=True, slots=True)
class ClaimLineInput:
    sku: str
    quantity: int
    end_customer_name: str
    warehouse_code: str | None = None
    agreement_id: int | None = None


@dataclass(frozen=True, slots=True)
class DraftLine:
    sku: str
    quantity: int
    end_customer_name: str
    agreement_id: int | None  # ship & debit: the agreement the units are proved for
    unit_credit: Decimal
    amount: Decimal
    warehouse_code: str | None = None  # price protection: the warehouse that held them


@dataclass(frozen=True, slots=True)
class Draft:
    kind: ClaimKind
    period: str
    partner_id: int
    currency: str
    lines: list[DraftLine]
    program_id: int | None = None


def visible_claims(
    principal: Principal,
    *,
    partner_id: int | None = None,
    kind: ClaimKind | None = None,
    status: ClaimStatus | None = None,
) -> QuerySet[Claim]:
    principal.require(Action.VIEW_INVENTORY)
    claims = visible_to(principal, Claim)
    if partner_id is not None:
        claims = claims.filter(partner_id=partner_id)
    if kind is not None:
        claims = claims.filter(kind=kind)
    if status is not None:
        claims = claims.filter(status=status)
    return claims


async def _partner(principal: Principal, partner_code: str | None) -> int:
    partner_id = await partner_scope(principal, partner_code)
    if partner_id is None:
        raise DomainError(ErrorCode.REQUIRED, "partnerCode is required.", ["partnerCode"])
    return partner_id


async def _claim_period(manufacturer_id: int, period: str | None, today: date) -> Period:
    if not period:
        raise DomainError(ErrorCode.REQUIRED, "A ship & debit claim names its period.", ["period"])
    settings = await settings_of(manufacturer_id)
    parsed = parse_period(period, settings.period_granularity)
    if parsed.start > today:
        raise DomainError(ErrorCode.INVALID_PERIOD, "The period lies in the future.", ["period"])
    return parsed


def _ship_and_debit_only(kind: ClaimKind) -> None:
    if kind is not ClaimKind.SHIP_AND_DEBIT:
        raise DomainError(ErrorCode.INVALID, f"{kind.value} claims are not open yet.", ["kind"])


async def claim_draft(
    principal: Principal,
    *,
    kind: ClaimKind,
    period: str | None,
    partner_code: str | None = None,
    today: date | None = None,
    program_id: int | None = None,
) -> Draft:
    """Every provable, not yet claimed quantity of the period, per agreement line and end
    customer, capped by what is left of ``maxQuantity``: submitted as is, it approves in
    full. ``PRICE_PROTECTION``: the partner's eligible units of the program per warehouse
    (:mod:`portal.domain.incentives.price_protection_draft`)."""
    principal.require(Action.VIEW_INVENTORY)
    if kind is ClaimKind.PRICE_PROTECTION:
        from portal.domain.incentives.price_protection_draft import price_protection_draft

        if program_id is None:
            raise DomainError(
                ErrorCode.REQUIRED, "A price protection draft names its program.", ["programId"]
            )
        return await price_protection_draft(
            principal, program_id, await _partner(principal, partner_code)
        )
    _ship_and_debit_only(kind)
    m = principal.manufacturer_id
    partner_id = await _partner(principal, partner_code)
    parsed = await _claim_period(m, period, today or utc_today())
    terms = [
        t for t in await evidence.terms_of(m, [partner_id]) if t.overlaps(parsed.start, parsed.end)
    ]
    # What every agreement line proves, per pool: one aggregate on PostgreSQL.
    proof = await evidence.proved(
        m, partner_id, parsed.name, [(t, t.end_customer_id) for t in terms]
    )
    pool_ids = dict(
        (
            ((p, c), i)
            for i, p, c in await ClaimPool.filter(
                manufacturer_id=m, partner_id=partner_id, period=parsed.name
            ).values_list("id", "product_id", "end_customer_id")
        )
    )
    allocated = await evidence.allocated_in(m, pool_ids.values())
    used = await evidence.used_by_lines(m, [t.line_id for t in terms if t.max_quantity])
    left_under_cap = {
        t.line_id: (t.max_quantity - used.get(t.line_id, 0)) if t.max_quantity else None
        for t in terms
    }
    proved_for: dict[int, list[tuple[int, int]]] = {}
    for (line_id, _, customer_id), (units, _) in sorted(proof.proofs.items()):
        proved_for.setdefault(line_id, []).append((customer_id, units))
    drafted: dict[tuple[int, int], int] = {}
    candidates: list[tuple[Terms, int, int]] = []
    # Specific agreements first, then the best credit: a unit funds one incentive.
    for term in sorted(terms, key=lambda t: (t.end_customer_id is None, -t.unit_credit, t.line_id)):
        product_id = term.product_id
        for customer_id, units in proved_for.get(term.line_id, []):
            taken = allocated.get(pool_ids.get((product_id, customer_id), -1), 0)
            free = units - taken - drafted.get((product_id, customer_id), 0)
            cap = left_under_cap[term.line_id]
            units = min(free, cap) if cap is not None else free
            if units <= 0:
                continue
            drafted[(product_id, customer_id)] = drafted.get((product_id, customer_id), 0) + units
            if cap is not None:
                left_under_cap[term.line_id] = cap - units
            candidates.append((term, customer_id, units))
    products = {
        p.id: p.sku
        for p in await Product.filter(manufacturer_id=m, id__in=list({t.product_id for t in terms}))
    }
    names = dict(
        await EndCustomer.filter(
            manufacturer_id=m, id__in=list({c for _, c, _ in candidates})
        ).values_list("id", "name")
    )
    lines = [
        DraftLine(
            sku=products.get(term.product_id, ""),
            quantity=units,
            end_customer_name=names.get(customer_id, ""),
            agreement_id=term.agreement_id,
            unit_credit=term.unit_credit,
            amount=money(term.unit_credit * units),
        )
        for term, customer_id, units in candidates
    ]
    # One claim, one currency: the draft's is its first line's (lines under agreements in
    # another currency are left for a claim of their own).
    currency = candidates[0][0].currency if candidates else terms[0].currency if terms else "USD"
    lines = [
        x for x, (term, _, _) in zip(lines, candidates, strict=True) if term.currency == currency
    ]
    return Draft(kind, parsed.name, partner_id, currency, lines)


async def submit_claim(
    principal: Principal,
    queue: JobQueue,
    *,
    kind: ClaimKind,
    period: str | None,
    lines: list[ClaimLineInput],
    partner_code: str | None = None,
    idempotency_key: str | None = None,
    today: date | None = None,
    program_id: int | None = None,
) -> Claim:
    """Store the claim ``SUBMITTED`` with its validation job (recorded in the same
    transaction), then hand the job to the queue."""
    principal.require(Action.SUBMIT_CLAIMS)
    request = (  # only compared under a key (building it costs a tenth of a submission)
        {
            "kind": kind,
            "period": period,
            "lines": [asdict(x) for x in lines],
            "partner": partner_code,
            "program": program_id,
        }
        if idempotency_key
        else {}
    )

    async def create() -> Claim:
        from portal.domain.incentives import price_protection_claims as pp

        protection = kind is ClaimKind.PRICE_PROTECTION
        if not protection:
            _ship_and_debit_only(kind)
        m = principal.manufacturer_id
        partner_id = await _partner(principal, partner_code)
        program = await pp.program_of(principal, program_id) if protection else None
        if program is not None:
            period_name = await pp.program_period(program)
        else:
            period_name = (await _claim_period(m, period, today or utc_today())).name
        if not lines or len(lines) > MAX_LINES:
            raise DomainError(
                ErrorCode.REQUIRED, f"1 to {MAX_LINES} lines are required.", ["lines"]
            )
        checked = await _checked_lines(principal, partner_id, lines, customer=not protection)
        if program is not None:
            pp.check_lines(program, checked)
        async with in_transaction():
            claim = await Claim.create(
                manufacturer_id=m,
                partner_id=partner_id,
                kind=kind,
                period=period_name,
                program_id=program.id if program is not None else None,
                currency=program.currency if program is not None else "USD",
                token_id=principal.token_id,
            )
            await insert_rows(
                "claim_line",
                LINE_COLUMNS,
                [
                    (
                        *(values[name] for name in _CHECKED),
                        claim.id,
                        0,
                        ClaimLineStatus.PENDING.value,
                        "[]",
                    )
                    for values in checked
                ],
            )
            await Job.create(
                kind=VALIDATE_CLAIM,
                args={"claim_id": claim.id},
                manufacturer_id=m,
                dedupe_key=f"{VALIDATE_CLAIM}:{claim.id}",
            )
        return claim

    claim = await idempotent(
        principal, "submitClaim", idempotency_key, request, create=create, model=Claim
    )
    job = await Job.filter(
        dedupe_key=f"{VALIDATE_CLAIM}:{claim.id}",
        status=JobStatus.QUEUED,
        enqueued_at__isnull=True,
        dispatches=0,
    ).first()
    if job is not None:
        await dispatch(queue, job)
    return claim


async def _checked_lines(
    principal: Principal, partner_id: int, lines: list[ClaimLineInput], *, customer: bool = True
) -> list[dict[str, Any]]:
    """The claim's lines, cleaned, with their products, warehouses and agreements read
    in one query each (keyed by the sets the lines name); the first bad line, in order,
    gives the error."""
    m = principal.manufacturer_id
    products = {
        p.sku: p
        for p in await Product.filter(manufacturer_id=m, sku__in=list({x.sku for x in lines}))
    }
    codes = list({x.warehouse_code for x in lines if x.warehouse_code})
    warehouses = (
        {w.code: w for w in await Warehouse.filter(manufacturer_id=m, code__in=codes)}
        if codes
        else {}
    )
    wanted = list({x.agreement_id for x in lines if x.agreement_id is not None})
    agreements: set[int] = set()
    if wanted:
        found = await PriceAgreement.filter(
            manufacturer_id=m, partner_id=partner_id, id__in=wanted
        ).values_list("id", flat=True)
        agreements = {int(str(x)) for x in found}
    checked: list[dict[str, Any]] = []
    for index, line in enumerate(lines):
        at = ["lines", str(index)]
        product = products.get(line.sku)
        if product is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"No product with SKU '{line.sku}'.", ["sku"])
        check_quantity(line.quantity, [*at, "quantity"], sign=Sign.POSITIVE)
        name = clean_text(
            line.end_customer_name,
            [*at, "endCustomerName"],
            max_length=CUSTOMER_NAME,
            required=customer,
        )
        warehouse_id = None
        if line.warehouse_code:
            warehouse = warehouses.get(line.warehouse_code)
            if warehouse is None or not principal.sees_partner(warehouse.partner_id):
                raise DomainError(
                    ErrorCode.NOT_FOUND,
                    f"No warehouse with code '{line.warehouse_code}'.",
                    ["warehouseCode"],
                )
            if warehouse.partner_id != partner_id:
                raise DomainError(
                    ErrorCode.NOT_FOUND,
                    f"No warehouse with code '{line.warehouse_code}'.",
                    [*at, "warehouseCode"],
                )
            warehouse_id = warehouse.id
        if line.agreement_id is not None and line.agreement_id not in agreements:
            raise DomainError(ErrorCode.NOT_FOUND, "No such price agreement.", [*at, "agreementId"])
        checked.append(
            {
                "manufacturer_id": m,
                "line_no": index + 1,
                "product_id": product.id,
                "sku": product.sku,
                "quantity": line.quantity,
                "end_customer_name": name,
                "warehouse_id": warehouse_id,
                "agreement_id": line.agreement_id,
            }
        )
    return checked


_LOCK_AGREEMENT_LINES = """
SELECT id FROM price_agreement_line WHERE manufacturer_id = $1 AND id = ANY($2::bigint[])
ORDER BY id FOR UPDATE"""


_LINE_FIELDS = (
    "id",
    "line_no",
    "product_id",
    "quantity",
    "end_customer_name",
    "warehouse_id",
    "agreement_id",
)


# On PostgreSQL the tenant is a sub-select: a tenant younger than claim_line's statistics
# looked like one row to the planner, which then read every line of the tenant through
# (manufacturer_id, agreement_line_id) instead of the claim's through (claim_id, line_no).
_LINES_PG = f"""
SELECT {", ".join(_LINE_FIELDS)} FROM claim_line
WHERE manufacturer_id = (SELECT $1::int) AND claim_id = $2 ORDER BY line_no"""


async def _lines_of(manufacturer_id: int, claim_id: int) -> list[tuple[Any, ...]]:
    """A claim's lines as ``_LINE_FIELDS`` rows, in line order."""
    if is_postgres():
        return [tuple(row) for row in await fetch_records(_LINES_PG, [manufacturer_id, claim_id])]
    return list(
        await ClaimLine.filter(manufacturer_id=manufacturer_id, claim_id=claim_id)
        .order_by("line_no")
        .values_list(*_LINE_FIELDS)
    )


@dataclass(slots=True)
class _Line:
    """A claim line as validation reads it (plain values) and sets its results."""

    id: int
    line_no: int
    product_id: int
    quantity: int
    end_customer_name: str
    warehouse_id: int | None
    agreement_id: int | None
    approved_quantity: int | None = None
    unit_credit: Decimal | None = None
    amount: Decimal | None = None
    agreement_line_id: int | None = None
    codes: list[str] = field(default_factory=list)
    status: ClaimLineStatus = ClaimLineStatus.PENDING


def _choose(candidates: list[Terms]) -> Terms:
    """The agreement line a claim line draws on: one naming the customer before a general
    one, then the larger credit, then the older."""
    return sorted(candidates, key=lambda t: (t.end_customer_id is None, -t.unit_credit, t.line_id))[
        0
    ]


async def validate_claim(
    claim_id: int, today: date | None = None, manufacturer_id: int | None = None
) -> ClaimStatus:
    """Validate every line against the agreements and the POS, allocating proved units.

    The claim is ``VALIDATING`` (committed at once, so the partner sees it) while the run
    lasts; the work is one transaction: a run that dies leaves the claim ``VALIDATING``
    with nothing allocated, for the job's retry (or ``REJECTED`` when the job gives up),
    and a repeat of a validated claim changes nothing."""
    tenant = tenant_of(manufacturer_id)  # the job's tenant: statements routed to one node
    await Claim.filter(id=claim_id, status=ClaimStatus.SUBMITTED, **tenant).update(
        status=ClaimStatus.VALIDATING, updated_at=datetime.now(UTC)
    )
    async with in_transaction():
        query = Claim.filter(id=claim_id, **tenant)
        if is_postgres():
            query = query.select_for_update()
        claim = await query.first()
        if claim is None or claim.status not in (ClaimStatus.SUBMITTED, ClaimStatus.VALIDATING):
            return claim.status if claim else ClaimStatus.REJECTED
        m = claim.manufacturer_id
        if claim.kind is ClaimKind.PRICE_PROTECTION:
            from portal.domain.incentives import price_protection_claims as pp

            found = await ClaimLine.filter(manufacturer_id=m, claim_id=claim.id).order_by("line_no")
            totals = await pp.validate_lines(claim, found)
            await _store_validated(claim, found, *totals, claim.currency)
            return ClaimStatus.VALIDATED
        # The period as stored (its name says its calendar): no read of the settings.
        parsed = stored_period(claim.period or "")
        lines = [_Line(*row) for row in await _lines_of(m, claim.id)]
        customers = await evidence.customers_named(m, [line.end_customer_name for line in lines])
        all_terms = await evidence.terms_of(m, [claim.partner_id], {x.product_id for x in lines})
        # Agreement lines per (product, named customer; None: any customer), so a claim
        # line looks at its own customers' terms, not at every agreement of its product.
        terms_by_key: dict[tuple[int, int | None], list[Terms]] = {}
        for t in all_terms:
            terms_by_key.setdefault((t.product_id, t.end_customer_id), []).append(t)
        plan: dict[int, tuple[Terms | None, list[int], list[str]]] = {}
        seen: set[tuple[int, str, int | None]] = set()
        for line in lines:
            codes: list[str] = []
            ids = customers[line.end_customer_name]
            dup_key = (line.product_id, line.end_customer_name.casefold(), line.warehouse_id)
            if dup_key in seen:
                plan[line.id] = (None, ids, [ClaimLineCode.DUPLICATE_LINE.value])
                continue
            seen.add(dup_key)
            matching = [
                t
                for customer in (None, *ids)
                for t in terms_by_key.get((line.product_id, customer), ())
                if line.agreement_id is None or t.agreement_id == line.agreement_id
            ]
            valid = [t for t in matching if t.overlaps(parsed.start, parsed.end)]
            if not matching:
                codes.append(ClaimLineCode.NO_AGREEMENT.value)
            elif not valid:
                codes.append(ClaimLineCode.AGREEMENT_EXPIRED.value)
            plan[line.id] = (_choose(valid) if valid else None, ids, codes)
        # One claim, one currency: that of its first line with an agreement; a line whose
        # agreement is in another currency is refused (claim it separately).
        matched = [plan[x.id][0] for x in lines]
        currency = next((t.currency for t in matched if t is not None), "USD")
        for line_id, (term, ids, codes) in list(plan.items()):
            if term is not None and term.currency != currency:
                plan[line_id] = (None, ids, [*codes, ClaimLineCode.CURRENCY_MISMATCH.value])
        # The (agreement line, customer) pairs each line draws on, in order.
        draws: dict[int, list[tuple[Terms, int]]] = {}
        for line in lines:
            term, ids, _ = plan[line.id]
            if term is not None:
                draws[line.id] = [
                    (term, c)
                    for c in sorted(
                        [term.end_customer_id] if term.end_customer_id is not None else ids
                    )
                ]
        # Lock what the claim draws on, always in id order: capped agreement lines, pools.
        capped = sorted(
            {t.line_id for pairs in draws.values() for t, _ in pairs if t.max_quantity is not None}
        )
        if capped and is_postgres():
            await connections.get("default").execute_query(_LOCK_AGREEMENT_LINES, [m, capped])
        pools = await evidence.pools_for(
            m,
            claim.partner_id,
            parsed.name,
            {(t.product_id, c) for pairs in draws.values() for t, c in pairs},
            lock=True,
        )
        proof = await evidence.proved(
            m, claim.partner_id, parsed.name, [pair for pairs in draws.values() for pair in pairs]
        )
        allocated = await evidence.allocated_in(m, pools.values())
        used = await evidence.used_by_lines(m, capped)
        segments: list[evidence.Segment] = []
        claimed_total = approved_total = Decimal("0")
        for line in lines:
            term, ids, codes = plan[line.id]
            approved = 0
            if term is not None:
                proved = free = above = 0
                takes = []
                for _, customer in draws[line.id]:
                    units, above_price = proof.of(term, customer)
                    taken = allocated.get(pools[(line.product_id, customer)], 0)
                    proved += units
                    above += above_price
                    free += max(units - taken, 0)
                    takes.append((customer, units, taken))
                cap = (
                    term.max_quantity - used.get(term.line_id, 0)
                    if term.max_quantity is not None
                    else None
                )
                approved = min(line.quantity, free, cap if cap is not None else line.quantity)
                approved = max(approved, 0)
                if line.quantity > proved:
                    codes.append(ClaimLineCode.OVER_CLAIM.value)
                if min(line.quantity, proved) > free:
                    codes.append(ClaimLineCode.ALREADY_CLAIMED.value)
                if cap is not None and cap < min(line.quantity, free):
                    codes.append(ClaimLineCode.CAP_EXCEEDED.value)
                if above and approved < line.quantity:
                    codes.append(ClaimLineCode.RESALE_ABOVE_AUTHORIZED.value)
                left = approved
                for customer, units, taken in takes:
                    count = min(max(units - taken, 0), left)
                    if count <= 0:
                        continue
                    pool_id = pools[(line.product_id, customer)]
                    segments.append(
                        evidence.Segment(line.id, pool_id, term, customer, taken, count)
                    )
                    allocated[pool_id] = taken + count
                    left -= count
                if term.max_quantity is not None:
                    used[term.line_id] = used.get(term.line_id, 0) + approved
                line.unit_credit = term.unit_credit
                line.agreement_line_id = term.line_id
                claimed_total += money(term.unit_credit * line.quantity)
            line.approved_quantity = approved
            line.amount = money((line.unit_credit or Decimal("0")) * approved)
            approved_total += line.amount
            line.codes = codes
            line.status = (
                ClaimLineStatus.APPROVED
                if approved == line.quantity
                else ClaimLineStatus.PARTIAL
                if approved > 0
                else ClaimLineStatus.REJECTED
            )
        await evidence.allocate(m, proof, segments)
        await _store_validated(claim, lines, claimed_total, approved_total, currency)
    return ClaimStatus.VALIDATED


async def _store_validated(
    claim: Claim,
    lines: Sequence[bulk.ValidatedLine],
    claimed: Decimal,
    approved: Decimal,
    currency: str,
) -> None:
    """Store the validated lines (as set on the objects) and the claim ``VALIDATED``."""
    m = claim.manufacturer_id
    await bulk.update_validated_lines(m, claim.id, lines)
    now = datetime.now(UTC)
    await Claim.filter(manufacturer_id=m, id=claim.id).update(
        status=ClaimStatus.VALIDATED,
        claimed_amount=claimed,
        approved_amount=approved,
        currency=currency,
        validated_at=now,
        updated_at=now,
    )
    await _announce(claim, "claim.validated", ClaimStatus.VALIDATED, approved)


async def fail_claim_validation(claim_id: int, manufacturer_id: int | None = None) -> None:
    """The validation job failed for good: the claim is rejected, never left pending."""
    await Claim.filter(
        id=claim_id,
        status__in=[ClaimStatus.SUBMITTED, ClaimStatus.VALIDATING],
        **tenant_of(manufacturer_id),
    ).update(status=ClaimStatus.REJECTED, review_note="Validation failed; submit it again.")


async def _announce(claim: Claim, event: str, status: ClaimStatus, amount: Decimal) -> None:
    await OutboxEvent.get_or_create(
        manufacturer_id=claim.manufacturer_id,
        dedupe_key=f"{event}:{claim.id}",
        defaults={
            "event_type": event,
            "payload": {
                "claimId": str(claim.id),
                "status": status.value,
                "period": claim.period,
                "approvedAmount": str(amount),
            },
        },
    )


async def review_claim(
    principal: Principal,
    queue: JobQueue,
    claim_id: int,
    *,
    approve: bool,
    note: str | None = None,
) -> Claim:
    """Approve (``APPROVED``, or ``PARTIALLY_APPROVED`` when a line was capped or refused)
    or reject with a note (its units are released). A price-protection claim with a held
    line (``HELD_OPEN_EXCEPTION``) cannot be approved (``INVALID_STATE``) until revalidated;
    it may be rejected. An approval that credits at least one
    unit records the ``credit_claim`` job in the same transaction (then hands it to the
    queue): the job issues the memo and moves the claim to ``CREDITED``."""
    principal.require(Action.REVIEW_CLAIMS)
    clean_note = clean_text(note, "note", max_length=NOTE // 2, required=False, multiline=True)
    job: Job | None = None
    async with in_transaction():
        query = visible_claims(principal).filter(id=claim_id)
        if is_postgres():
            query = query.select_for_update()
        claim = await query.first()
        if claim is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such claim.", ["id"])
        if claim.status is not ClaimStatus.VALIDATED:
            raise DomainError(
                ErrorCode.INVALID_STATE, f"The claim is {claim.status.value}.", ["id"]
            )
        m = claim.manufacturer_id
        lines = await ClaimLine.filter(manufacturer_id=m, claim_id=claim.id).order_by("line_no")
        held = [x for x in lines if ClaimLineCode.HELD_OPEN_EXCEPTION.value in (x.codes or [])]
        if approve and held:
            raise DomainError(
                ErrorCode.INVALID_STATE,
                f"{len(held)} line(s) are held ({ClaimLineCode.HELD_OPEN_EXCEPTION.value}) until "
                "the warehouse's reconciliation exception is resolved or its report arrives.",
                ["id"],
            )
        if approve:
            claim.status = (
                ClaimStatus.APPROVED
                if all(x.status is ClaimLineStatus.APPROVED for x in lines)
                else ClaimStatus.PARTIALLY_APPROVED
            )
            claim.approved_amount = sum((x.amount or Decimal("0") for x in lines), Decimal("0"))
        else:
            if not clean_note:
                raise DomainError(
                    ErrorCode.REQUIRED, "A rejection needs a reason (note).", ["note"]
                )
            claim.status = ClaimStatus.REJECTED
            claim.approved_amount = Decimal("0")
            await _release(m, [x.id for x in lines])
        claim.review_note = clean_note or None
        claim.reviewed_at = datetime.now(UTC)
        await Claim.filter(manufacturer_id=m, id=claim.id).update(
            status=claim.status,
            approved_amount=claim.approved_amount,
            review_note=claim.review_note,
            reviewed_at=claim.reviewed_at,
            updated_at=claim.reviewed_at,
        )
        if approve:
            await _announce(claim, "claim.approved", claim.status, claim.approved_amount)
            if any(x.approved_quantity for x in lines):
                job = await Job.create(
                    kind=CREDIT_CLAIM,
                    args={"claim_id": claim.id},
                    manufacturer_id=m,
                    dedupe_key=f"{CREDIT_CLAIM}:{claim.id}",
                )
        else:
            await _announce(claim, "claim.rejected", claim.status, Decimal("0"))
    if job is not None:
        await dispatch(queue, job)
    return claim


async def credit_claim(claim_id: int, manufacturer_id: int | None = None) -> ClaimStatus:
    """The ``credit_claim`` job: one credit memo (gapless number, ``credit_memo.created``)
    for an approved claim's approved lines, and the claim ``CREDITED``, in one transaction.

    Idempotent: the claim moves from ``APPROVED``/``PARTIALLY_APPROVED`` to ``CREDITED``
    by a conditional update before the memo is written, so a second delivery, or a run at
    the same time on another worker (it waits on the first's row lock, then finds the
    claim ``CREDITED``), updates nothing and issues nothing."""
    async with in_transaction():
        claim = await Claim.filter(id=claim_id, **tenant_of(manufacturer_id)).first()
        if claim is None:
            return ClaimStatus.REJECTED
        m = claim.manufacturer_id
        moved = await Claim.filter(
            manufacturer_id=m,
            id=claim_id,
            status__in=[ClaimStatus.APPROVED, ClaimStatus.PARTIALLY_APPROVED],
        ).update(status=ClaimStatus.CREDITED, updated_at=datetime.now(UTC))
        if not moved:
            current = await Claim.filter(manufacturer_id=m, id=claim_id).first()
            return current.status if current else ClaimStatus.REJECTED
        lines = await ClaimLine.filter(manufacturer_id=m, claim_id=claim_id).order_by("line_no")
        credited = [
            (
                x,
                x.approved_quantity or 0,
                x.unit_credit or Decimal("0"),
                x.amount or Decimal("0"),
                "",
            )
            for x in lines
            if x.approved_quantity
        ]
        # (recorded only for an approval with approved units, which a review never changes)
        await issue_memo(claim, credited, kind="CREDIT")
    return ClaimStatus.CREDITED


async def _release(manufacturer_id: int, claim_line_ids: list[int]) -> None:
    """Give a rejected claim's units back to their pools (opposite allocation rows)."""
    rows = await ClaimAllocation.filter(
        manufacturer_id=manufacturer_id, claim_line_id__in=claim_line_ids
    ).order_by("id")
    net: dict[tuple[int, int, int, int | None], int] = {}
    for row in rows:
        key = (row.pool_id, row.claim_line_id, row.agreement_line_id, row.pos_line_id)
        net[key] = net.get(key, 0) + row.quantity
    await ClaimAllocation.bulk_create(
        [
            ClaimAllocation(
                manufacturer_id=manufacturer_id,
                pool_id=pool,
                claim_line_id=line,
                agreement_line_id=agreement_line,
                pos_line_id=pos,
                quantity=-units,
                reason="RELEASED",
            )
            for (pool, line, agreement_line, pos), units in net.items()
            if units
        ]
    )
