"""Opening and closing the database.

    await open_database(settings)    # Tortoise ready; SQLite creates its schema itself
    await close_database()

PostgreSQL schemas come only from the versioned migrations (``portal migrate``); the
embedded SQLite default creates its tables itself on start.
"""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE

from portal.settings import Settings

MODELS_APP = "models"


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
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
    await Tortoise.init(config=tortoise_config(settings.database_url), _enable_global_fallback=True)
    if create_schema if create_schema is not None else settings.is_sqlite:
        await Tortoise.generate_schemas(safe=True)


async def close_database() -> None:
    await Tortoise.close_connections()


async def database_reachable() -> bool:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:
        return False
    return True


def is_postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"


def _migration_config() -> dict[str, Any]:
    """``TORTOISE_ORM`` for the ``tortoise`` CLI (``tortoise -c portal.db.TORTOISE_ORM``)."""
    return tortoise_config(Settings().database_url)


TORTOISE_ORM = _migration_config()
