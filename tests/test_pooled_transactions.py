"""A transaction whose BEGIN fails (a dropped connection, a cancelled task) gives its
pooled connection back: the process keeps its whole pool (PostgreSQL only: SQLite has no
pool)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from tortoise import connections
from tortoise.backends.asyncpg.client import TransactionWrapper
from tortoise.transactions import in_transaction

from portal.db import in_a_transaction
from portal.settings import Settings

pytestmark = pytest.mark.parametrize("settings", ["postgres"], indirect=True)


def pool_size() -> int:
    return int(connections.get("default").pool_maxsize)


async def whole_pool() -> list[int]:
    """The server pids of every pooled connection, each held in a transaction at once:
    waits for ever if the pool lost a connection (the callers bound it)."""
    size = pool_size()
    barrier = asyncio.Barrier(size)

    async def hold() -> int:
        async with in_transaction() as tx:
            rows = await tx.execute_query_dict("SELECT pg_backend_pid() AS pid")
            await barrier.wait()
            return int(rows[0]["pid"])

    return await asyncio.gather(*(hold() for _ in range(size)))


async def a_transaction() -> None:
    async with in_transaction() as tx:
        await tx.execute_query("SELECT 1")


async def test_connections_the_server_drops_at_begin_are_not_lost(
    db: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the server drops each connection just as its transaction begins (a restart, a
    # failover, an administrator's pg_terminate_backend)
    admin = await asyncpg.connect(db.database_url.split("?")[0])
    begin = TransactionWrapper.begin

    async def dropped_begin(self: TransactionWrapper) -> None:
        await admin.execute("SELECT pg_terminate_backend($1)", self._connection.get_server_pid())
        await begin(self)

    monkeypatch.setattr(TransactionWrapper, "begin", dropped_begin)
    try:
        for _ in range(pool_size()):  # each in its own task, as requests and jobs run
            with pytest.raises(Exception):  # noqa: B017  # whatever asyncpg makes of it
                await asyncio.create_task(a_transaction())
    finally:
        await admin.close()
    monkeypatch.setattr(TransactionWrapper, "begin", begin)
    async with asyncio.timeout(30):  # before the fix: every lost connection hung this
        assert len(set(await whole_pool())) == pool_size()
    await a_transaction()


async def test_a_task_cancelled_during_begin_gives_its_connection_back(
    db: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = asyncio.Event()
    begin = TransactionWrapper.begin

    async def slow_begin(self: TransactionWrapper) -> None:
        started.set()
        await asyncio.sleep(3600)
        await begin(self)

    monkeypatch.setattr(TransactionWrapper, "begin", slow_begin)
    tasks = [asyncio.create_task(a_transaction()) for _ in range(pool_size())]
    await started.wait()
    await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, asyncio.CancelledError) for r in results)
    monkeypatch.setattr(TransactionWrapper, "begin", begin)
    async with asyncio.timeout(30):
        assert len(set(await whole_pool())) == pool_size()


async def test_after_a_failed_begin_the_task_is_not_left_in_a_transaction(
    db: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    begin = TransactionWrapper.begin

    async def failing_begin(self: TransactionWrapper) -> None:
        raise ConnectionResetError("the server closed the connection")

    monkeypatch.setattr(TransactionWrapper, "begin", failing_begin)
    with pytest.raises(ConnectionResetError):
        await a_transaction()
    monkeypatch.setattr(TransactionWrapper, "begin", begin)
    assert not in_a_transaction()
    await a_transaction()  # in the same task: a new transaction on a pooled connection
    async with asyncio.timeout(30):
        assert len(set(await whole_pool())) == pool_size()
