"""Creating mutations honour an idempotency key.

    product = await idempotent(principal, "createProduct", key, request_body,
                               create=lambda: _create(...), model=Product)

The same key with the same body returns the first result and writes nothing; the same
key with a different body is ``IDEMPOTENCY_KEY_REUSED``. The record is written in the
same transaction as the object, so a concurrent repeat either sees it or fails on the
unique constraint and then returns the winner's object.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from portal.domain.access.principal import Principal
from portal.domain.errors import DomainError, ErrorCode
from portal.models import IdempotencyRecord

M = TypeVar("M", bound=Model)

MAX_KEY_LENGTH = 200


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
    existing = await _replay(lookup, digest, model)
    if existing is not None:
        return existing
    try:
        async with in_transaction():
            created = await create()
            await IdempotencyRecord.create(
                **lookup,
                request_hash=digest,
                object_id=created.pk,
            )
            return created
    except IntegrityError:
        replay = await _replay(lookup, digest, model)
        if replay is None:
            raise
        return replay


async def _replay(lookup: dict[str, Any], digest: str, model: type[M]) -> M | None:
    record = await IdempotencyRecord.get_or_none(**lookup)
    if record is None:
        return None
    if record.request_hash != digest:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotencyKey was used before with a different request.",
            field=["idempotencyKey"],
        )
    return await model.get(id=record.object_id)
