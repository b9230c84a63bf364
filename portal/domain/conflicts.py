"""Domain calls run again when PostgreSQL picked their transaction as a deadlock victim.

    @retried_on_conflict
    async def ship_transfer(principal, transfer_id, ...): ...   # one transaction of its own

Writers of the same stock lock their balance rows in key order, but one transaction may
lock several groups one after the other (a transfer's source, then its destination and
the dirty marks of both partners), so opposite movements can still wait for each other;
PostgreSQL then rolls one back (``40P01``). A call whose writes are one transaction it
opens itself is safe to run again from the start: it is, up to ``ATTEMPTS`` times with a
short random pause, and after that it is the business failure ``INVALID_STATE`` (retry
later), never an unexpected error. Inside a caller's transaction nothing is retried (that
transaction is lost: the caller's caller decides).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from portal.db import in_a_transaction, is_transient_conflict
from portal.domain.errors import DomainError, ErrorCode

P = ParamSpec("P")
T = TypeVar("T")

ATTEMPTS = 4
PAUSE_SECONDS = 0.05  # at most this times the attempt number, drawn at random

log = logging.getLogger(__name__)


def retried_on_conflict(call: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """``call`` again (from the start) when its transaction was rolled back by a deadlock or
    a serialization failure; ``INVALID_STATE`` once ``ATTEMPTS`` runs all were."""

    @functools.wraps(call)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        attempt = 1
        while True:
            try:
                return await call(*args, **kwargs)
            except Exception as error:
                if not is_transient_conflict(error) or in_a_transaction():
                    raise
                if attempt == ATTEMPTS:
                    raise DomainError(
                        ErrorCode.INVALID_STATE,
                        "Concurrent changes to the same stock kept colliding; retry.",
                        [],
                    ) from error
                log.info("%s: transaction rolled back by a conflict, run again", call.__name__)
                await asyncio.sleep(random.uniform(0, PAUSE_SECONDS * attempt))
                attempt += 1

    return run
