"""Price-protection claims: what a submission names and what its validation approves.

    period = await program_period(principal, program_id)           # at submission
    check_lines(program, checked_lines)
    claimed, approved = await validate_lines(claim, lines)  # in the validation's transaction
Validation locks the program row (PostgreSQL), so two claims of one program validate one
after the other; it reads the eligible units **then** (a backdated ledger entry posted
since the submission counts), less what the partner's other claims of the program that
were not rejected approved per warehouse: a unit is credited at most once per program.
A line above the eligible units is capped (``EXCEEDS_ELIGIBLE_INVENTORY``), units other
claims took are ``ALREADY_CLAIMED``; a claim submitted after ``closesOn`` is refused line
by line (``CLAIM_WINDOW_CLOSED``). A line of a warehouse whose reconciliation row at the
effective date has an open exception or a missing report is held (``HELD_OPEN_EXCEPTION``,
approved 0, ``PENDING``: :mod:`portal.domain.incentives.price_protection_held`) until
:func:`revalidate_held_claim` (the ``revalidate_held_claim`` job) finds it released.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Principal
from portal.domain.catalog.tenants import settings_of
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.incentives import bulk
from portal.domain.incentives.codes import ClaimLineCode, money
from portal.domain.incentives.price_protection import closes_on, eligible_units, visible_programs
from portal.domain.incentives.price_protection_held import holding_warehouses
from portal.domain.periods import period_containing
from portal.models import Claim, ClaimLine, PriceProtectionProgram
from portal.models.enums import ClaimKind, ClaimLineStatus, ClaimStatus

COUNTED = (
    ClaimStatus.VALIDATED,
    ClaimStatus.APPROVED,
    ClaimStatus.PARTIALLY_APPROVED,
    ClaimStatus.CREDITED,
)


async def program_of(principal: Principal, program_id: int | None) -> PriceProtectionProgram:
    if program_id is None:
        raise DomainError(
            ErrorCode.REQUIRED, "A price protection claim names its program.", ["programId"]
        )
    program = await visible_programs(principal).filter(id=program_id).first()
    if program is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such price protection program.", ["programId"])
    return program


async def program_period(program: PriceProtectionProgram) -> str:
    """The claim's period: the one of the effective date."""
    settings = await settings_of(program.manufacturer_id)
    return period_containing(program.effective_on, settings.period_granularity).name


async def taken_by_claims(
    manufacturer_id: int, program_id: int, partner_id: int, *, but: int | None = None
) -> dict[int, int]:
    """Units per warehouse approved by the partner's validated or reviewed (not rejected)
    claims of the program, but one."""
    others = Claim.filter(
        manufacturer_id=manufacturer_id,
        program_id=program_id,
        partner_id=partner_id,
        status__in=list(COUNTED),
    )
    if but is not None:
        others = others.exclude(id=but)
    ids = await others.values_list("id", flat=True)
    taken: dict[int, int] = {}
    for warehouse_id, approved_quantity in await ClaimLine.filter(
        manufacturer_id=manufacturer_id, claim_id__in=list(ids)
    ).values_list("warehouse_id", "approved_quantity"):
        if warehouse_id is not None:
            taken[warehouse_id] = taken.get(warehouse_id, 0) + int(approved_quantity or 0)
    return taken


def check_lines(program: PriceProtectionProgram, checked: Sequence[dict[str, Any]]) -> None:
    """Every line is of the program's SKU and names a warehouse of the partner."""
    for index, line in enumerate(checked):
        at = ["lines", str(index)]
        if line["product_id"] != program.product_id:
            raise DomainError(ErrorCode.INVALID, f"The program is for {program.sku}.", [*at, "sku"])
        if line["warehouse_id"] is None:
            raise DomainError(
                ErrorCode.REQUIRED,
                "A price protection line names its warehouse.",
                [*at, "warehouseCode"],
            )


async def validate_lines(claim: Claim, lines: Sequence[ClaimLine]) -> tuple[Decimal, Decimal]:
    """Set each line's approved quantity, unit credit, amount, codes and status (on the
    objects; the caller stores them); return (claimed, approved) totals."""
    m = claim.manufacturer_id
    query = PriceProtectionProgram.filter(manufacturer_id=m, id=claim.program_id)
    if is_postgres():
        query = query.select_for_update()
    program = await query.get()
    unit_credit = program.old_price - program.new_price
    closed = claim.created_at.date() > closes_on(program)
    eligible = {
        warehouse_id: e.units
        for (partner_id, warehouse_id), e in (await eligible_units(program)).items()
        if partner_id == claim.partner_id
    }
    taken = await taken_by_claims(m, program.id, claim.partner_id, but=claim.id)
    holding = await holding_warehouses(
        m, program.product_id, claim.period or "", {x.warehouse_id for x in lines if x.warehouse_id}
    )
    claimed = approved_total = Decimal("0")
    seen: set[int | None] = set()
    for line in lines:
        codes: list[str] = []
        approved = 0
        line.unit_credit = unit_credit
        claimed += money(unit_credit * line.quantity)
        if closed:
            codes.append(ClaimLineCode.CLAIM_WINDOW_CLOSED.value)
        elif line.warehouse_id in seen:
            codes.append(ClaimLineCode.DUPLICATE_LINE.value)
        elif line.warehouse_id in holding:
            seen.add(line.warehouse_id)
            codes.append(ClaimLineCode.HELD_OPEN_EXCEPTION.value)
        else:
            seen.add(line.warehouse_id)
            held = eligible.get(line.warehouse_id or 0, 0)
            free = max(held - taken.get(line.warehouse_id or 0, 0), 0)
            approved = min(line.quantity, free)
            if line.quantity > held:
                codes.append(ClaimLineCode.EXCEEDS_ELIGIBLE_INVENTORY.value)
            if min(line.quantity, held) > free:
                codes.append(ClaimLineCode.ALREADY_CLAIMED.value)
        line.approved_quantity = approved
        line.amount = money(unit_credit * approved)
        approved_total += line.amount
        line.codes = codes
        line.status = (
            ClaimLineStatus.PENDING
            if ClaimLineCode.HELD_OPEN_EXCEPTION.value in codes
            else ClaimLineStatus.APPROVED
            if approved == line.quantity
            else ClaimLineStatus.PARTIAL
            if approved > 0
            else ClaimLineStatus.REJECTED
        )
    return claimed, approved_total


async def revalidate_held_claim(claim_id: int) -> ClaimStatus:
    """The ``revalidate_held_claim`` job: validate a ``VALIDATED`` price-protection claim
    with held lines again (eligible units, other claims and holds read now), in one
    transaction under the claim's lock, then the program's (as a validation). Idempotent:
    a claim reviewed meanwhile, or without held lines, is left as it is."""
    async with in_transaction():
        query = Claim.filter(id=claim_id)
        if is_postgres():
            query = query.select_for_update()
        claim = await query.first()
        if claim is None:
            return ClaimStatus.REJECTED
        if claim.kind is not ClaimKind.PRICE_PROTECTION or claim.status is not (
            ClaimStatus.VALIDATED
        ):
            return claim.status
        m = claim.manufacturer_id
        lines = await ClaimLine.filter(manufacturer_id=m, claim_id=claim.id).order_by("line_no")
        if not any(x.status is ClaimLineStatus.PENDING for x in lines):
            return claim.status
        claimed, approved = await validate_lines(claim, lines)
        await bulk.update_validated_lines(m, claim.id, lines)
        await Claim.filter(manufacturer_id=m, id=claim.id).update(
            claimed_amount=claimed, approved_amount=approved, updated_at=datetime.now(UTC)
        )
    return ClaimStatus.VALIDATED
