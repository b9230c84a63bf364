"""Scratch databases for the tests and the benchmarks: made when missing, and never wiped
when they hold something the portal did not create.

    await ensure_database("postgres://postgres@127.0.0.1:5432/portal_test")
    problem = await foreign_tables(url) or await foreign_redis_keys(redis_url)
    if problem: refuse(problem)      # pytest.fail in the tests, SystemExit in a bench

A PostgreSQL database may be wiped when its ``public`` schema holds only the portal's
tables (those of its models and the migration history). A Redis database may be flushed
when it holds only keys of the portal's job queue (``arq:``) or prefixed ``portal:``.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped]
from redis.asyncio import Redis
from tortoise.models import Model

import portal.models

MIGRATIONS_TABLE = "tortoise_migrations"
REDIS_PREFIXES = ("arq:", "portal:")
SHOWN = 10  # names quoted in a refusal


def portal_tables() -> frozenset[str]:
    models = [
        value
        for value in vars(portal.models).values()
        if isinstance(value, type) and issubclass(value, Model) and value is not Model
    ]
    return frozenset({model._meta.db_table for model in models} | {MIGRATIONS_TABLE})


def maintenance_url(url: str) -> tuple[str, str]:
    """The URL of the server's ``postgres`` database, and the database named by ``url``."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise ValueError(f"No database name in {url!r}.")
    return urlunsplit(parts._replace(path="/postgres")), name


async def ensure_database(url: str) -> bool:
    """Create the database of ``url`` when it does not exist; True when it was created."""
    maintenance, name = maintenance_url(url)
    try:
        await (await asyncpg.connect(url, timeout=5)).close()
        return False
    except asyncpg.InvalidCatalogNameError:
        pass  # no such database: create it from the maintenance database
    conn = await asyncpg.connect(maintenance, timeout=5)
    try:
        if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return False
        quoted = name.replace('"', '""')
        await conn.execute(f'CREATE DATABASE "{quoted}"')
        return True
    finally:
        await conn.close()


async def foreign_tables(url: str, own: Collection[str] = ()) -> str | None:
    """Why the ``public`` schema of ``url`` must not be wiped, or None when it may be
    (``own``: tables the caller creates besides the portal's)."""
    conn = await asyncpg.connect(url, timeout=5)
    try:
        rows = await conn.fetch(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
            # a partition of a portal table (docs/scale-out.md) is the portal's too
            "AND NOT (c.relispartition AND EXISTS (SELECT 1 FROM pg_inherits i "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid "
            "AND p.relname = ANY($1::text[])))",
            sorted(portal_tables()),
        )
    finally:
        await conn.close()
    foreign = sorted({row["relname"] for row in rows} - portal_tables() - set(own))
    if not foreign:
        return None
    return (
        f"Refusing to wipe {_safe(url)}: its public schema holds tables the portal did not "
        f"create ({', '.join(foreign[:SHOWN])}). Point it at a dedicated database."
    )


async def foreign_redis_keys(url: str) -> str | None:
    """Why the Redis database of ``url`` must not be flushed, or None when it may be."""
    redis = Redis.from_url(url, socket_connect_timeout=5)
    foreign: list[str] = []
    try:
        async for raw in redis.scan_iter(count=1000):
            key = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
            if not key.startswith(REDIS_PREFIXES):
                foreign.append(key)
                if len(foreign) >= SHOWN:
                    break
    finally:
        await redis.aclose()
    if not foreign:
        return None
    return (
        f"Refusing to flush {_safe(url)}: it holds keys the portal did not create "
        f"({', '.join(sorted(foreign))}); only {' and '.join(REDIS_PREFIXES)} keys may be "
        "flushed. Point it at a dedicated Redis database."
    )


def _safe(url: str) -> str:
    """The URL without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class UnsafeToWipe(Exception):
    """The database holds something the portal did not create: nothing was wiped."""


async def recreate_database(admin_url: str, name: str, own: Collection[str] = ()) -> str:
    """Drop and create the database ``name`` on the server of ``admin_url`` (a benchmark's
    own), unless it holds tables neither the portal nor the caller (``own``) creates; its
    URL."""
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    if not await ensure_database(url):
        refusal = await foreign_tables(url, own)
        if refusal:
            raise UnsafeToWipe(refusal)
        quoted = name.replace('"', '""')
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(f'DROP DATABASE "{quoted}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{quoted}"')
        finally:
            await conn.close()
    return url


async def flush_redis(url: str) -> None:
    """Empty a Redis database that holds only the portal's keys."""
    refusal = await foreign_redis_keys(url)
    if refusal:
        raise UnsafeToWipe(refusal)
    redis = Redis.from_url(url)
    try:
        await redis.flushdb()
    finally:
        await redis.aclose()
