"""Opening and closing the database.

    await open_database(settings)    # Tortoise ready; SQLite creates its schema itself
    await close_database()

PostgreSQL schemas come only from the versioned migrations (``portal migrate``); the
embedded SQLite default creates its tables itself on start. On PostgreSQL every session
gets ``statement_timeout`` (``settings.database_statement_timeout_ms``: the web server's
``PORTAL_STATEMENT_TIMEOUT_MS``, or the workers' ``PORTAL_WORKER_STATEMENT_TIMEOUT_MS``);
a statement cancelled by it is recognised by :func:`is_statement_timeout`.
"""

from __future__ import annotations

from typing import Any

import asyncpg  # type: ignore[import-untyped]  # no stubs shipped
from tortoise import Tortoise, connections
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.base.executor import EXECUTOR_CACHE

from portal import pooled_transactions
from portal.settings import Settings

MODELS_APP = "models"


def tortoise_config(database_url: str, statement_timeout_ms: int = 0) -> dict[str, Any]:
    connection: str | dict[str, Any] = database_url
    if statement_timeout_ms and not database_url.startswith("sqlite://"):
        connection = expand_db_url(database_url)
        settings = connection["credentials"].setdefault("server_settings", {})
        settings["statement_timeout"] = str(statement_timeout_ms)
    return {
        "connections": {"default": connection},
        "apps": {
            MODELS_APP: {
                "models": ["portal.models"],
                "default_connection": "default",
                "migrations": "portal.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def open_database(settings: Settings, *, create_schema: bool | None = None) -> None:
    """Initialise Tortoise for this process. ``create_schema`` defaults to SQLite only."""
    EXECUTOR_CACHE.clear()  # prepared statements of a previous database (tests switch)
    pooled_transactions.install()
    config = tortoise_config(settings.database_url, settings.database_statement_timeout_ms)
    await Tortoise.init(config=config, _enable_global_fallback=True)
    if create_schema if create_schema is not None else settings.is_sqlite:
        await Tortoise.generate_schemas(safe=True)


def in_a_transaction() -> bool:
    """Whether this task runs inside ``in_transaction`` (its statements share one connection,
    so they cannot run concurrently)."""
    return isinstance(connections.get("default"), TransactionalDBClient)


async def close_database() -> None:
    await Tortoise.close_connections()


async def database_reachable() -> bool:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:
        return False
    return True


def _in_chain(error: BaseException | None, kinds: type | tuple[type, ...]) -> bool:
    """Whether an error of ``kinds`` is in this error's chain (its causes and contexts,
    the first ten: tortoise wraps the driver's error)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, kinds):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def is_statement_timeout(error: BaseException | None) -> bool:
    """Whether PostgreSQL cancelled a statement of this error's chain (``statement_timeout``)."""
    return _in_chain(error, asyncpg.exceptions.QueryCanceledError)


def is_transient_conflict(error: BaseException | None) -> bool:
    """Whether PostgreSQL rolled back a transaction of this error's chain as a deadlock
    victim (``40P01``) or a serialization failure (``40001``): running it again may pass."""
    return _in_chain(
        error, (asyncpg.exceptions.DeadlockDetectedError, asyncpg.exceptions.SerializationError)
    )


def is_postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"


def _migration_config() -> dict[str, Any]:
    """``TORTOISE_ORM`` for the ``tortoise`` CLI (``tortoise -c portal.db.TORTOISE_ORM``)."""
    return tortoise_config(Settings().database_url)


TORTOISE_ORM = _migration_config()
