"""Per-tenant, per-item isolation of the shared periodic jobs.

    guard = await ItemGuard.open(RECONCILE)
    done = await guard.run(manufacturer_id, "warehouse 7 product 9", lambda: work())
    if done is None: ...   # it failed: recorded for the tenant's admin, the job goes on

A job that iterates over tenants or items (reconcile, auto-receive, reminders, design
expiry, token usage) runs each item under a guard: an item that raises is recorded as a
``job_failure`` of its manufacturer (code, message, first and last seen, attempts) and
skipped, so one poisoned row never stops another tenant's work. The item succeeding later
resolves its record. Admins read them with the ``jobFailures`` query.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.queryset import QuerySet

from portal.domain.access.principal import Action, Principal
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.tenancy import tenants_with
from portal.models import JobFailure

log = logging.getLogger(__name__)

T = TypeVar("T")
MESSAGE_LIMIT = 500


def describe(exc: BaseException) -> tuple[str, str]:
    """The code and message recorded for a failure: a domain error keeps its own; anything
    else is ``JOB_ITEM_FAILED`` naming the exception (details go to the log only)."""
    if isinstance(exc, DomainError):
        return exc.code.value, exc.message[:MESSAGE_LIMIT]
    message = f"Unexpected {type(exc).__name__} while processing this item; it was skipped."
    return ErrorCode.JOB_ITEM_FAILED.value, message[:MESSAGE_LIMIT]


async def record_failure(
    manufacturer_id: int, kind: str, item_key: str, exc: BaseException
) -> None:
    """Record (or bump) the failure of one item of a job for its manufacturer."""
    code, message = describe(exc)
    now = datetime.now(UTC)
    key = item_key[:200]
    for _ in range(3):  # a concurrent first record of the same item: then bump it
        updated = await JobFailure.filter(
            manufacturer_id=manufacturer_id, kind=kind, item_key=key
        ).update(
            code=code, message=message, last_seen=now, attempts=F("attempts") + 1, resolved_at=None
        )
        if updated:
            return
        try:
            await JobFailure.create(
                manufacturer_id=manufacturer_id,
                kind=kind,
                item_key=key,
                code=code,
                message=message,
                first_seen=now,
                last_seen=now,
            )
            return
        except IntegrityError:
            continue


class ItemGuard:
    """One run of a job: runs its items one by one, isolating each failure."""

    def __init__(self, kind: str, open_failures: set[tuple[int, str]]) -> None:
        self.kind = kind
        self.open_failures = open_failures
        self.failed = 0

    @classmethod
    async def open(cls, kind: str) -> ItemGuard:
        """Reads the unresolved failures of ``kind`` once, to resolve those that now pass."""
        unresolved = JobFailure.filter(kind=kind, resolved_at__isnull=True)
        found: set[tuple[int, str]] = set()
        for m in await tenants_with(unresolved):
            keys = await unresolved.filter(manufacturer_id=m).values_list("item_key", flat=True)
            found.update((m, str(k)) for k in keys)
        return cls(kind, found)

    async def run(
        self, manufacturer_id: int, item_key: str, work: Callable[[], Awaitable[T]]
    ) -> T | None:
        """``work()``'s result, or None when it raised (recorded, then skipped)."""
        try:
            result = await work()
        except Exception as exc:
            log.warning(
                "%s: item %r of manufacturer %s failed and is skipped",
                self.kind,
                item_key,
                manufacturer_id,
                exc_info=True,
            )
            await self.fail(manufacturer_id, item_key, exc)
            return None
        await self.resolve(manufacturer_id, [item_key])
        return result

    async def fail(self, manufacturer_id: int, item_key: str, exc: BaseException) -> None:
        self.failed += 1
        await record_failure(manufacturer_id, self.kind, item_key, exc)
        self.open_failures.add((manufacturer_id, item_key[:200]))

    async def resolve(self, manufacturer_id: int, item_keys: list[str]) -> None:
        """Mark the open failures of these items resolved (they passed this time)."""
        passed = [k[:200] for k in item_keys if (manufacturer_id, k[:200]) in self.open_failures]
        if not passed:
            return
        await JobFailure.filter(
            manufacturer_id=manufacturer_id,
            kind=self.kind,
            item_key__in=passed,
            resolved_at__isnull=True,
        ).update(resolved_at=datetime.now(UTC))
        self.open_failures.difference_update((manufacturer_id, k) for k in passed)


def visible_failures(
    principal: Principal, *, include_resolved: bool = False
) -> QuerySet[JobFailure]:
    """The job failures of the principal's manufacturer (admins only)."""
    principal.require(Action.MANAGE_SETTINGS)
    failures = JobFailure.filter(manufacturer_id=principal.manufacturer_id)
    if not include_resolved:
        failures = failures.filter(resolved_at__isnull=True)
    return failures
