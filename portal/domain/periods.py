"""The manufacturer's reporting calendar: monthly (``2026-10``) or ISO weekly (``2026-W43``).

period = parse_period("2026-10", PeriodGranularity.MONTHLY)
period.start, period.end, period.previous().name, period.due_on(10)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from portal.domain.errors import DomainError, ErrorCode
from portal.models.enums import PeriodGranularity

_MONTHLY = re.compile(r"^(\d{4})-(\d{2})$")
_WEEKLY = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, slots=True)
class Period:
    name: str
    start: date
    end: date
    granularity: PeriodGranularity

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        return period_containing(self.start - timedelta(days=1), self.granularity)

    def next(self) -> Period:
        return period_containing(self.end + timedelta(days=1), self.granularity)

    def due_on(self, due_days: int) -> date:
        return self.end + timedelta(days=due_days)


def period_of(day: date, granularity: PeriodGranularity) -> str:
    if granularity is PeriodGranularity.WEEKLY:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def period_containing(day: date, granularity: PeriodGranularity) -> Period:
    return parse_period(period_of(day, granularity), granularity)


def parse_period(name: str, granularity: PeriodGranularity, field: str = "period") -> Period:
    """A period of the manufacturer's calendar, or ``INVALID_PERIOD``."""
    text = (name or "").strip()
    try:
        if granularity is PeriodGranularity.WEEKLY:
            match = _WEEKLY.match(text)
            if match:
                start = date.fromisocalendar(int(match[1]), int(match[2]), 1)
                return Period(text, start, start + timedelta(days=6), granularity)
        else:
            match = _MONTHLY.match(text)
            if match:
                start = date(int(match[1]), int(match[2]), 1)
                following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
                return Period(text, start, following - timedelta(days=1), granularity)
    except ValueError:
        pass
    example = "2026-W43" if granularity is PeriodGranularity.WEEKLY else "2026-10"
    raise DomainError(
        ErrorCode.INVALID_PERIOD,
        f"'{text}' is not a {granularity.value.lower()} period (like {example}).",
        [field],
    )


def stored_period(name: str) -> Period:
    """A period as stored on a row, whatever the calendar is now: its name says which."""
    granularity = PeriodGranularity.WEEKLY if "W" in name else PeriodGranularity.MONTHLY
    return parse_period(name, granularity)
