"""Creating mutations honour an idempotency key.

    product = await idempotent(principal, "createProduct", key, request_body,
                               create=lambda: _create(...), model=Product)

The same key with the same body returns the first result and writes nothing; the same
key with a different body is ``IDEMPOTENCY_KEY_REUSED``.

Concurrency: the key is *claimed* first: its record is inserted, without an object, in
its own short transaction, and the unique constraint on (manufacturer, scope,
operation, key) lets exactly one caller win. The winner runs ``create`` and completes
the record (its ``object_id``) in the transaction that creates the object; every other
caller waits, bounded by ``WAIT_SECONDS``, for the completed record and returns the same
object. When ``create`` fails (a business error or anything else) the claim is deleted:
a failed attempt records nothing, and a waiting caller or a later retry with the same key
runs anew. A claim left behind by a crashed process is taken over after
``STALE_CLAIM_SECONDS``. A caller still waiting after ``WAIT_SECONDS`` gets
``IDEMPOTENCY_KEY_IN_PROGRESS`` and may retry.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from portal.domain.access.principal import Principal
from portal.domain.errors import DomainError, ErrorCode
from portal.models import IdempotencyRecord

M = TypeVar("M", bound=Model)

MAX_KEY_LENGTH = 200
WAIT_SECONDS = 30.0  # how long a repeat waits for the first caller's result
POLL_SECONDS = 0.02
STALE_CLAIM_SECONDS = 120.0  # a claim older than this, never completed, is abandoned


def request_hash(request: Mapping[str, Any]) -> str:
    canonical = json.dumps(request, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def idempotent(
    principal: Principal,
    operation: str,
    key: str | None,
    request: Mapping[str, Any],
    *,
    create: Callable[[], Awaitable[M]],
    model: type[M],
) -> M:
    if not key:
        return await create()
    if len(key) > MAX_KEY_LENGTH:
        raise DomainError(
            ErrorCode.INVALID,
            f"idempotencyKey is longer than {MAX_KEY_LENGTH} characters.",
            field=["idempotencyKey"],
        )
    digest = request_hash(request)
    lookup: dict[str, Any] = {
        "manufacturer_id": principal.manufacturer_id,
        "scope": principal.scope,
        "operation": operation,
        "key": key,
    }
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        record = await IdempotencyRecord.get_or_none(**lookup)
        if record is not None:
            _same_request(record, digest)
            if record.object_id is not None:
                return await model.get(id=record.object_id)
            await _release_if_stale(record)
        else:
            claim = await _claim(lookup, digest)
            if claim is not None:
                return await _run(claim, create)
        if time.monotonic() >= deadline:
            raise DomainError(
                ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS,
                "A request with this idempotencyKey is still running; retry.",
                field=["idempotencyKey"],
            )
        await asyncio.sleep(POLL_SECONDS)


def _same_request(record: IdempotencyRecord, digest: str) -> None:
    if record.request_hash != digest:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotencyKey was used before with a different request.",
            field=["idempotencyKey"],
        )


async def _claim(lookup: dict[str, Any], digest: str) -> IdempotencyRecord | None:
    """Insert the pending record; ``None`` when another caller holds the key."""
    try:
        async with in_transaction():
            return await IdempotencyRecord.create(**lookup, request_hash=digest, object_id=None)
    except IntegrityError:
        return None


async def _run(claim: IdempotencyRecord, create: Callable[[], Awaitable[M]]) -> M:
    try:
        async with in_transaction():
            created = await create()
            await IdempotencyRecord.filter(
                manufacturer_id=claim.manufacturer_id, id=claim.id
            ).update(object_id=created.pk)
            return created
    except BaseException:
        await IdempotencyRecord.filter(
            manufacturer_id=claim.manufacturer_id, id=claim.id, object_id=None
        ).delete()
        raise


async def _release_if_stale(record: IdempotencyRecord) -> None:
    cutoff = datetime.now(UTC) - timedelta(seconds=STALE_CLAIM_SECONDS)
    if record.created_at < cutoff:
        await IdempotencyRecord.filter(
            manufacturer_id=record.manufacturer_id, id=record.id, object_id=None
        ).delete()
