"""Fixtures: every test that takes ``settings`` runs on both backends.

- ``sqlite``: the embedded default, a fresh file per test, jobs in-process.
- ``postgres``: the production path against the real PostgreSQL and Redis
  (``PORTAL_TEST_POSTGRES_URL``, default database ``portal_test``, created when missing;
  ``PORTAL_TEST_REDIS_URL``, default Redis database 15). The schema comes from
  ``portal migrate`` once per session; each test starts from truncated tables and an
  empty Redis database. When they are unreachable these runs are skipped, unless
  ``PORTAL_TEST_REQUIRE_POSTGRES=1`` (as in ``.ci/run``) makes that a failure.

Safety (:mod:`portal.scratch`): the run fails, wiping nothing, when the database holds
tables the portal's migrations did not create, or the Redis database keys other than
``arq:*`` and ``portal:*``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from portal.app import create_app
from portal.db import close_database, open_database
from portal.scratch import ensure_database, foreign_redis_keys, foreign_tables
from portal.settings import Settings

PG_URL = os.environ.get(
    "PORTAL_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/portal_test"
)
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRE_PG = os.environ.get("PORTAL_TEST_REQUIRE_POSTGRES") == "1"
ROOT = Path(__file__).resolve().parent.parent
# The fake ERP and webhook receivers listen on 127.0.0.1: admitted explicitly, as an
# operator would (the default admits public addresses only; tests/test_hostile_outbound.py).
LOOPBACK_ALLOWED = ["127.0.0.1/32"]


def _run_sync(coro):  # type: ignore[no-untyped-def]
    """Run a coroutine to completion from sync code, even inside a running loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _services_up() -> str | None:
    try:
        await ensure_database(PG_URL)
        conn = await asyncpg.connect(PG_URL, timeout=3)
        await conn.close()
        redis = Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        await redis.ping()
        await redis.aclose()
    except Exception as exc:
        return f"PostgreSQL/Redis not reachable: {exc!r}"
    return None


@pytest.fixture(scope="session")
def postgres_ready() -> str:
    """Fresh schema on the test database through the real ``portal migrate``."""
    problem = _run_sync(_services_up())
    if problem:
        if REQUIRE_PG:
            pytest.fail(problem)
        pytest.skip(problem)

    async def reset() -> None:
        refusal = await foreign_tables(PG_URL) or await foreign_redis_keys(REDIS_URL)
        if refusal:
            pytest.fail(refusal, pytrace=False)
        conn = await asyncpg.connect(PG_URL)
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        await conn.close()

    _run_sync(reset())
    env = {**os.environ, "PORTAL_DATABASE_URL": PG_URL}
    done = subprocess.run(
        [sys.executable, "-m", "portal.cli", "migrate"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return PG_URL


async def _truncate_postgres() -> None:
    conn = await asyncpg.connect(PG_URL)
    try:
        # Whatever an earlier test left running (a job task, a worker) holds no locks here.
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        # Parents only: TRUNCATE of a partitioned table takes its partitions in its own order.
        tables = await conn.fetch(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
            "AND c.relname <> 'tortoise_migrations'"
        )
        if tables:
            names = ", ".join(f'"{t["relname"]}"' for t in tables)
            await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()
    refusal = await foreign_redis_keys(REDIS_URL)
    if refusal:
        pytest.fail(refusal, pytrace=False)
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    await redis.aclose()


@pytest.fixture(params=["sqlite", "postgres"])
async def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        return Settings(
            database_url=f"sqlite://{tmp_path / 'portal.sqlite3'}",
            env="test",
            outbound_allow_networks=LOOPBACK_ALLOWED,
        )
    request.getfixturevalue("postgres_ready")
    await _truncate_postgres()
    return Settings(
        database_url=PG_URL,
        redis_url=REDIS_URL,
        env="test",
        outbound_allow_networks=LOOPBACK_ALLOWED,
    )


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Settings]:
    """The database only, for domain tests."""
    await open_database(settings)
    yield settings
    await close_database()


@pytest.fixture
async def app(settings: Settings):  # type: ignore[no-untyped-def]
    application = create_app(settings, scheduler_interval=None)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as http:
        yield http
