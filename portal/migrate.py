"""``portal migrate``: versioned migrations on PostgreSQL; SQLite creates its schema."""

from __future__ import annotations

from portal.db import close_database, open_database, tortoise_config
from portal.settings import Settings


async def migrate(settings: Settings) -> None:
    if settings.is_sqlite:
        await open_database(settings, create_schema=True)
        await close_database()
        print("SQLite schema is up to date.")
        return
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate as run_migrations

    try:
        await run_migrations(
            config=tortoise_config(settings.database_url),
            progress=lambda event, app, name: print(f"{event}: {app}.{name}"),
        )
    finally:
        await Tortoise.close_connections()
    print("Migrations applied.")
