"""A counted warehouse becomes the partner's accepted stock report for the period.

    report = await accept_counted_stock(manufacturer_id, partner_id, "2026-10",
                                        warehouse_id, {product_id: quantity}, token_id=None)

A stock report covers a partner's warehouses for a period. The count replaces the lines
of its warehouse in the current accepted report (a new version, source ``CHECK``, that
supersedes it and keeps the other warehouses' lines); without a current report it is
the first version. Runs in the caller's transaction and marks the touched rows dirty;
the caller requests the reconcile job.
"""

from __future__ import annotations

from datetime import UTC, datetime

from portal.domain.bulk import insert_rows
from portal.domain.catalog.tenants import settings_of
from portal.domain.periods import parse_period
from portal.domain.reconciliation.dirty import mark_dirty
from portal.domain.reporting.accepted import current_report, lock_report
from portal.models import StockLine, Submission
from portal.models.enums import SubmissionKind, SubmissionSource, SubmissionStatus

_LINE_COLUMNS = {
    "manufacturer_id": "int",
    "submission_id": "bigint",
    "row": "int",
    "warehouse_id": "int",
    "product_id": "int",
    "quantity": "int",
}


async def accept_counted_stock(
    manufacturer_id: int,
    partner_id: int,
    period: str,
    warehouse_id: int,
    quantities: dict[int, int],
    *,
    token_id: int | None,
) -> Submission:
    await lock_report(manufacturer_id, partner_id, SubmissionKind.STOCK, period)
    previous = await current_report(manufacturer_id, partner_id, SubmissionKind.STOCK, period)
    kept: list[tuple[int, int, int]] = []
    if previous is not None:
        kept = [
            (int(w), int(p), int(q))
            for w, p, q in await StockLine.filter(
                manufacturer_id=manufacturer_id, submission_id=previous.id
            )
            .exclude(warehouse_id=warehouse_id)
            .order_by("id")
            .values_list("warehouse_id", "product_id", "quantity")
        ]
    latest = (
        await Submission.filter(
            manufacturer_id=manufacturer_id,
            partner_id=partner_id,
            kind=SubmissionKind.STOCK,
            period=period,
        )
        .order_by("-version")
        .first()
    )
    lines = kept + [(warehouse_id, p, q) for p, q in sorted(quantities.items())]
    now = datetime.now(UTC)
    report = await Submission.create(
        manufacturer_id=manufacturer_id,
        partner_id=partner_id,
        kind=SubmissionKind.STOCK,
        period=period,
        version=(latest.version + 1) if latest else 1,
        status=SubmissionStatus.ACCEPTED,
        source=SubmissionSource.CHECK,
        rows_total=len(lines),
        rows_done=len(lines),
        posted_at=now,
        validated_at=now,
        token_id=token_id,
    )
    await insert_rows(
        "stock_line",
        _LINE_COLUMNS,
        [(manufacturer_id, report.id, i + 2, w, p, q) for i, (w, p, q) in enumerate(lines)],
    )
    start = parse_period(period, (await settings_of(manufacturer_id)).period_granularity).start
    touched = {(w, p) for w, p, _ in lines}
    if previous is not None:
        await Submission.filter(manufacturer_id=manufacturer_id, id=previous.id).update(
            superseded_by_id=report.id
        )
        touched |= set(
            await StockLine.filter(
                manufacturer_id=manufacturer_id,
                submission_id=previous.id,
                warehouse_id=warehouse_id,
            ).values_list("warehouse_id", "product_id")
        )
    await mark_dirty(manufacturer_id, [(w, p, start) for w, p in touched])
    return report
