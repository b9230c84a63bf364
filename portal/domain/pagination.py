"""Keyset pagination for Relay connections, sliced in the database.

    page = await paginate(Partner.filter(manufacturer_id=1), first=20, after=None, limit=100)
    page.items, page.has_next, page.end_cursor, page.total_count

Cursors are opaque (base64 of the row id) and stable while rows are added.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.queryset import QuerySet

from portal.domain.errors import DomainError, ErrorCode

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"c:{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        prefix, _, value = raw.partition(":")
        if prefix != "c":
            raise ValueError(raw)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise DomainError(ErrorCode.INVALID, "The cursor is not valid.", field=["after"]) from None


def check_page_size(first: int | None, limit: int) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if size < 0 or size > limit:
        raise DomainError(
            ErrorCode.INVALID, f"first must be between 0 and {limit}.", field=["first"]
        )
    return min(size, limit)


@dataclass(slots=True)
class Page(Generic[T]):
    items: list[T]
    has_next: bool
    total_count: int
    cursors: list[str]

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None


async def paginate(
    queryset: QuerySet[Any], *, first: int | None, after: str | None, limit: int
) -> Page[Any]:
    size = check_page_size(first, limit)
    total = await queryset.count()
    sliced = queryset.order_by("id")
    if after:
        sliced = sliced.filter(id__gt=decode_cursor(after))
    rows = await sliced.limit(size + 1)
    has_next = len(rows) > size
    rows = rows[:size]
    return Page(rows, has_next, total, [encode_cursor(row.id) for row in rows])


def encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode_offset(cursor: str) -> int:
    try:
        prefix, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix != "o" or int(value) < 0:
            raise ValueError(cursor)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise DomainError(ErrorCode.INVALID, "The cursor is not valid.", field=["after"]) from None


async def paginate_sorted(
    queryset: QuerySet[Any], *, first: int | None, after: str | None, limit: int
) -> Page[Any]:
    """Offset pagination for connections sorted by something other than id."""
    size = check_page_size(first, limit)
    start = decode_offset(after) + 1 if after else 0
    total = await queryset.count()
    rows = await queryset.offset(start).limit(size + 1)
    has_next = len(rows) > size
    rows = rows[:size]
    return Page(rows, has_next, total, [encode_offset(start + i) for i in range(len(rows))])
