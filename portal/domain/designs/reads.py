"""Batched reads of design registrations for the graph's DataLoaders: a constant number
of statements whatever the number of registrations, always inside one manufacturer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from tortoise.functions import Sum

from portal.domain.batches import group_under
from portal.domain.reporting.accepted import current_reports
from portal.models import DesignEvent, DesignLine, DesignRegistration, PosLine
from portal.models.enums import SubmissionKind

MAX_EVENTS = 500


async def lines_of(manufacturer_id: int, registration_ids: Sequence[int]) -> list[list[DesignLine]]:
    lines = await DesignLine.filter(
        manufacturer_id=manufacturer_id, registration_id__in=list(registration_ids)
    ).order_by("id")
    return group_under(registration_ids, lines, lambda line: line.registration_id)


async def events_of(
    manufacturer_id: int, registration_ids: Sequence[int]
) -> list[list[DesignEvent]]:
    events = await DesignEvent.filter(
        manufacturer_id=manufacturer_id, registration_id__in=list(registration_ids)
    ).order_by("id")
    return group_under(registration_ids, events, lambda event: event.registration_id, MAX_EVENTS)


async def sell_through_of(
    manufacturer_id: int,
    registrations: Sequence[DesignRegistration],
    lines: Sequence[list[DesignLine]] | None = None,
) -> list[dict[int, int]]:
    """Units sold to each registration's customer per product, from the current accepted
    POS of the registering partner since the registration (design-win tracking)."""
    if not registrations:
        return []
    partners = {r.partner_id for r in registrations}
    reports = dict(
        await current_reports(manufacturer_id, SubmissionKind.POS)
        .filter(partner_id__in=partners)
        .values_list("id", "partner_id")
    )
    if lines is None:
        lines = await lines_of(manufacturer_id, [r.id for r in registrations])
    products = {line.product_id for group in lines for line in group}
    sold: dict[tuple[int, int, int], list[tuple[date, int]]] = defaultdict(list)
    if reports and products:
        rows = (
            await PosLine.filter(
                manufacturer_id=manufacturer_id,
                submission_id__in=list(reports),
                end_customer_id__in={r.end_customer_id for r in registrations},
                product_id__in=products,
                sold_on__gte=min(r.created_at.date() for r in registrations),
            )
            .annotate(total=Sum("quantity"))
            .group_by("submission_id", "end_customer_id", "product_id", "sold_on")
            .values_list("submission_id", "end_customer_id", "product_id", "sold_on", "total")
        )
        for submission_id, customer_id, product_id, sold_on, total in rows:
            sold[(reports[submission_id], customer_id, product_id)].append(
                (sold_on, int(total or 0))
            )
    result = []
    for registration, group in zip(registrations, lines, strict=True):
        since = registration.created_at.date()
        totals: dict[int, int] = {}
        for line in group:
            key = (
                registration.partner_id,
                registration.end_customer_id,
                line.product_id,
            )
            totals[line.product_id] = sum(q for day, q in sold.get(key, []) if day >= since)
        result.append(totals)
    return result
