"""The manufacturer's reporting calendar: monthly (``2026-10``) or ISO weekly (``2026-W43``)."""

from __future__ import annotations

from datetime import date

from portal.models.enums import PeriodGranularity


def period_of(day: date, granularity: PeriodGranularity) -> str:
    if granularity is PeriodGranularity.WEEKLY:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"
