"""Ranges of periods for demand planning, bounded so that a grid stays a page."""

from __future__ import annotations

from portal.domain.catalog.tenants import settings_of
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.periods import Period, parse_period

MAX_PERIODS = 24


async def period_range(
    manufacturer_id: int,
    period_from: str,
    period_to: str,
    *,
    fields: tuple[str, str] = ("periodFrom", "periodTo"),
) -> list[Period]:
    """``period_from`` through ``period_to`` of the manufacturer's calendar, at most
    ``MAX_PERIODS`` (``INVALID``), never backwards (``INVALID_PERIOD``)."""
    granularity = (await settings_of(manufacturer_id)).period_granularity
    first = parse_period(period_from, granularity, fields[0])
    last = parse_period(period_to, granularity, fields[1])
    if last.start < first.start:
        raise DomainError(
            ErrorCode.INVALID_PERIOD, f"{fields[1]} is before {fields[0]}.", [fields[1]]
        )
    periods = [first]
    while periods[-1].start < last.start:
        if len(periods) >= MAX_PERIODS:
            raise DomainError(
                ErrorCode.INVALID, f"At most {MAX_PERIODS} periods at once.", [fields[1]]
            )
        periods.append(periods[-1].next())
    return periods


async def periods_ahead(manufacturer_id: int, period_from: str, horizon: int) -> list[Period]:
    """``horizon`` periods from ``period_from`` (1 to ``MAX_PERIODS``)."""
    if not 1 <= horizon <= MAX_PERIODS:
        raise DomainError(ErrorCode.INVALID, f"horizon is 1 to {MAX_PERIODS}.", ["horizon"])
    granularity = (await settings_of(manufacturer_id)).period_granularity
    periods = [parse_period(period_from, granularity, "periodFrom")]
    while len(periods) < horizon:
        periods.append(periods[-1].next())
    return periods
