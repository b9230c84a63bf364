"""Held price-protection lines: units the reconciliation cannot vouch for yet.

    holding = await holding_warehouses(m, product_id, "2026-11", {w1, w2})   # at validation
    await record_revalidations(m, {(warehouse_id, product_id)})  # where rows change

A line of a warehouse whose reconciliation row of the program's SKU in the period of the
effective date (the claim's period) has an open exception (``OPEN`` or
``INVESTIGATING``) or a missing report (status ``MISSING_REPORT``) is **held**: code
``HELD_OPEN_EXCEPTION``, approved 0, status ``PENDING`` (never paid blind), and its claim
cannot be approved while it is. A warehouse without a row there (not computed yet) holds
nothing.

Where rows change — an exception's status set by ``updateException``, a recompute of
reconciliation rows (a report arrived, a backdated entry) — :func:`record_revalidations`
records one ``revalidate_held_claim`` job per ``VALIDATED`` claim with a held line of a
changed (warehouse, SKU) whose row no longer holds it, in the writer's transaction (no
twin while one is queued or running); the sweep hands it to the queue. A claim being
validated (``VALIDATING``) at that moment gets one too: its validation may have read the
row before the change committed, and the job waits for it on the claim's lock. The job
(:func:`portal.domain.incentives.price_protection_claims.revalidate_held_claim`) validates
the claim again and is idempotent.

Only this module's models are imported: the reconciliation imports it.
"""

from __future__ import annotations

from collections.abc import Iterable

from portal.jobs.kinds import REVALIDATE_HELD_CLAIM
from portal.models import Claim, ClaimLine, Job, ReconciliationRow
from portal.models.enums import (
    ClaimKind,
    ClaimLineStatus,
    ClaimStatus,
    ExceptionStatus,
    JobStatus,
    ReconciliationStatus,
)

OPEN_EXCEPTION = (ExceptionStatus.OPEN, ExceptionStatus.INVESTIGATING)


def holds(status: object, exception_status: object) -> bool:
    """Whether a reconciliation row (its status and exception status) holds claim lines."""
    if exception_status is not None and ExceptionStatus(str(_value(exception_status))) in (
        OPEN_EXCEPTION
    ):
        return True
    return status is not None and (
        ReconciliationStatus(str(_value(status))) is ReconciliationStatus.MISSING_REPORT
    )


def _value(x: object) -> object:
    return getattr(x, "value", x)


async def holding_warehouses(
    manufacturer_id: int, product_id: int, period: str, warehouse_ids: Iterable[int]
) -> set[int]:
    """The warehouses, of ``warehouse_ids``, whose row of the product and period holds."""
    wanted = sorted(set(warehouse_ids))
    if not wanted:
        return set()
    rows = await ReconciliationRow.filter(
        manufacturer_id=manufacturer_id,
        product_id=product_id,
        period=period,
        warehouse_id__in=wanted,
    ).values_list("warehouse_id", "status", "exception_status")
    return {int(w) for w, status, exception in rows if holds(status, exception)}


def revalidation_key(claim_id: int) -> str:
    return f"{REVALIDATE_HELD_CLAIM}:{claim_id}"


async def record_revalidations(manufacturer_id: int, keys: Iterable[tuple[int, int]]) -> list[int]:
    """Record a ``revalidate_held_claim`` job for each validated price-protection claim
    with a held line of one of ``keys`` (warehouse, product) whose row no longer holds;
    return the claim ids. One query when the manufacturer has no validated claim of the
    kind (the usual case of a recompute)."""
    wanted = set(keys)
    if not wanted:
        return []
    m = manufacturer_id
    # VALIDATING too: a validation running now may have read the row before this change
    # committed; its job waits on the claim's lock (PostgreSQL), then finds it validated.
    periods = dict(
        await Claim.filter(
            manufacturer_id=m,
            kind=ClaimKind.PRICE_PROTECTION,
            status__in=[ClaimStatus.VALIDATED, ClaimStatus.VALIDATING],
        ).values_list("id", "period")
    )
    if not periods:
        return []
    held = [
        (int(c), int(w), int(p))
        for c, w, p in await ClaimLine.filter(
            manufacturer_id=m, claim_id__in=sorted(periods), status=ClaimLineStatus.PENDING
        ).values_list("claim_id", "warehouse_id", "product_id")
        if w is not None and (w, p) in wanted
    ]
    if not held:
        return []
    still = {
        (int(w), int(p), str(period))
        for w, p, period, status, exception in await ReconciliationRow.filter(
            manufacturer_id=m,
            warehouse_id__in=sorted({w for _, w, _ in held}),
            product_id__in=sorted({p for _, _, p in held}),
            period__in=sorted({str(periods[c]) for c, _, _ in held}),
        ).values_list("warehouse_id", "product_id", "period", "status", "exception_status")
        if holds(status, exception)
    }
    due = sorted({c for c, w, p in held if (w, p, str(periods[c])) not in still})
    for claim_id in due:
        key = revalidation_key(claim_id)
        if not await Job.exists(
            manufacturer_id=m, dedupe_key=key, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ):
            await Job.create(
                kind=REVALIDATE_HELD_CLAIM,
                args={"claim_id": claim_id},
                manufacturer_id=m,
                dedupe_key=key,
            )
    return due
