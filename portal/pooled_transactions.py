"""A pooled transaction whose ``BEGIN`` fails gives its connection back to the pool.

tortoise-orm (1.1.9) takes a connection from the pool, then runs ``BEGIN``, in
``TransactionContextPooled.__aenter__``. When ``BEGIN`` raises, ``__aexit__`` never runs:
the connection is never released and the task keeps the dead transaction as its
connection. ``BEGIN`` does fail in production: on a connection the server dropped (a
PostgreSQL restart or failover, an idle connection killed), or when the task is cancelled
meanwhile (arq's job timeout, a worker shutting down, a sibling recompute lane failing).
Each time the pool lost a connection for good, and once it had lost them all every query
of the process waited for ever. :func:`install` (called by ``open_database``) wraps
``__aenter__`` so that such a failure releases the connection and restores the task's
connection before the error propagates; the transaction itself behaves as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from tortoise.backends.base.client import TransactionalDBClient, TransactionContextPooled
from tortoise.connection import get_connections

Enter = Callable[[TransactionContextPooled], Awaitable[TransactionalDBClient]]

_ENTER: Enter = TransactionContextPooled.__aenter__


async def _enter(context: TransactionContextPooled) -> TransactionalDBClient:
    client: Any = context.client
    before = client._connection
    try:
        return await _ENTER(context)
    except BaseException:
        connection = client._connection
        if hasattr(context, "token"):  # the task's connection was set to the transaction
            get_connections().reset(context.token)
        pool = client._parent._pool
        if connection is not None and connection is not before and pool is not None:
            # shielded: a cancelled task still gives the connection back (asyncpg
            # terminates it if it is broken or mid-statement)
            await asyncio.shield(pool.release(connection))
        raise


def install() -> None:
    """Make pooled transactions release their connection when ``BEGIN`` fails (idempotent)."""
    TransactionContextPooled.__aenter__ = _enter  # type: ignore[method-assign,assignment]
