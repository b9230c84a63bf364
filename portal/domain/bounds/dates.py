"""The window of dates the portal accepts, checked where a date enters.

    check_business_date(shipped_on, ["shippedOn"])       # DomainError DATE_OUT_OF_RANGE
    check_planning_date(expected_close_on, ["expectedCloseOn"])
    if not business_date_in_range(sold_on): ...          # rows

A business date (something that happened: a sale, shipment, receipt, transfer, return,
adjustment, the start of a reported period) lies between ``EARLIEST`` (2000-01-01) and
``MAX_DAYS_AHEAD`` (31) days after today (UTC), so that a typo such as year 1 or 9999
cannot poison calculations that span every date since the first one. A planning date
(an expected close, an expiry, a validity start) may lie up to ``MAX_YEARS_AHEAD`` (10)
years ahead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from portal.domain.errors import DomainError, ErrorCode

EARLIEST = date(2000, 1, 1)
MAX_DAYS_AHEAD = 31
MAX_YEARS_AHEAD = 10


def today() -> date:
    return datetime.now(UTC).date()


def latest_business_date(on: date | None = None) -> date:
    return (on or today()) + timedelta(days=MAX_DAYS_AHEAD)


def latest_planning_date(on: date | None = None) -> date:
    base = on or today()
    return base.replace(year=base.year + MAX_YEARS_AHEAD, day=min(base.day, 28))


def business_date_in_range(day: date, on: date | None = None) -> bool:
    return EARLIEST <= day <= latest_business_date(on)


def check_business_date(day: date, field: list[str], on: date | None = None) -> date:
    """A date of something that happened, or ``DATE_OUT_OF_RANGE``."""
    if not business_date_in_range(day, on):
        raise DomainError(
            ErrorCode.DATE_OUT_OF_RANGE,
            f"{field[-1]} {day.isoformat()} is outside {EARLIEST.isoformat()} to "
            f"{latest_business_date(on).isoformat()}.",
            field,
        )
    return day


def check_planning_date(day: date, field: list[str], on: date | None = None) -> date:
    """A date of something planned, or ``DATE_OUT_OF_RANGE``."""
    if not EARLIEST <= day <= latest_planning_date(on):
        raise DomainError(
            ErrorCode.DATE_OUT_OF_RANGE,
            f"{field[-1]} {day.isoformat()} is outside {EARLIEST.isoformat()} to "
            f"{latest_planning_date(on).isoformat()}.",
            field,
        )
    return day


def check_validity(valid_from: date, valid_to: date) -> None:
    """A validity window (``validFrom`` … ``validTo``) of planned dates, in order."""
    check_planning_date(valid_from, ["validFrom"])
    check_planning_date(valid_to, ["validTo"])
    if valid_to < valid_from:
        raise DomainError(ErrorCode.INVALID, "validTo is before validFrom.", ["validTo"])
