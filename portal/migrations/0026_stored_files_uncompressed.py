"""Stored files uncompressed on PostgreSQL, so that a worker reads one in slices.

``substring`` of a compressed value decompresses everything before the slice; of an
uncompressed one it reads only the slice's TOAST chunks (:mod:`portal.domain.reporting.stored`).
Rows already stored keep their form until rewritten. SQLite has no such setting.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def _external(apps, schema_editor):  # type: ignore[no-untyped-def]
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            "ALTER TABLE submission_content ALTER COLUMN data SET STORAGE EXTERNAL"
        )


async def _extended(apps, schema_editor):  # type: ignore[no-untyped-def]
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            "ALTER TABLE submission_content ALTER COLUMN data SET STORAGE EXTENDED"
        )


class Migration(migrations.Migration):
    dependencies = [("models", "0025_price_protection")]

    initial = False

    operations = [
        ops.RunPython(_external, _extended),
    ]
