"""Customer keys drop invisible format characters and Latin/Greek accents: recompute them."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from portal.domain.reporting.customer_keys import recompute_customer_keys


async def _recompute(apps, schema_editor):  # type: ignore[no-untyped-def]
    await recompute_customer_keys(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [("models", "0015_lookup_indexes")]

    initial = False

    operations = [
        ops.RunPython(_recompute, ops.RunPython.noop),
    ]
