"""Shared graph types: Relay connections, user errors, and the mutation payload helper."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry
from tortoise.exceptions import IntegrityError

from portal.domain.errors import DomainError, unique_violation
from portal.domain.pagination import Page

T = TypeVar("T")
M = TypeVar("M")


@strawberry.type
class UserError:
    """A business-rule failure of a mutation; ``code`` is stable."""

    field: list[str] | None
    code: str
    message: str

    @classmethod
    def from_domain(cls, error: DomainError) -> UserError:
        return cls(field=error.field, code=error.code.value, message=error.message)


@strawberry.input
class IdInput:
    """The input of a mutation that acts on one object named by its id."""

    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Counted only when selected.")
    async def total_count(self) -> int:
        return await self.count()


def to_connection(page: Page[Any], convert: Callable[[Any], T], after: str | None) -> Connection[T]:
    edges = [
        Edge(node=convert(item), cursor=c) for item, c in zip(page.items, page.cursors, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=after is not None,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.end_cursor,
        ),
        count=page.count,
    )


async def attempt(action: Callable[[], Awaitable[M]]) -> tuple[M | None, list[UserError]]:
    """Run a domain call; business failures become payload errors, the rest propagates.

    A unique-constraint violation (a concurrent writer won a race past a domain check) is
    the business failure ``ALREADY_EXISTS``, not an unexpected error.
    """
    try:
        return await action(), []
    except DomainError as error:
        return None, [UserError.from_domain(error)]
    except IntegrityError as error:
        duplicate = unique_violation(error)
        if duplicate is None:
            raise
        return None, [UserError.from_domain(duplicate)]
