"""Per partner and period totals of the reconciliation rows, filled from the rows."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

_FILL = """
INSERT INTO reconciliation_total (manufacturer_id, partner_id, period, sell_in, sell_through,
                                  calculated, reported, reported_count)
SELECT manufacturer_id, partner_id, period, sum(sell_in), sum(sell_through), sum(calculated),
       coalesce(sum(reported), 0), count(reported)
FROM reconciliation_row
GROUP BY manufacturer_id, partner_id, period
"""


async def _fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The totals of the rows already there (later recomputes keep them); on PostgreSQL
    without database foreign keys, as ``reconciliation_row`` (0010)."""
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        for column in ("manufacturer_id", "partner_id"):
            await client.execute_script(
                "ALTER TABLE reconciliation_total"
                f" DROP CONSTRAINT IF EXISTS reconciliation_total_{column}_fkey"
            )
    await client.execute_script(_FILL)


async def _nothing(apps, schema_editor):  # type: ignore[no-untyped-def]
    return None


class Migration(migrations.Migration):
    dependencies = [('models', '0026_stored_files_uncompressed')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ReconciliationTotal',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=False, to_field='id', related_name='reconciliation_totals', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=False, to_field='id', related_name='reconciliation_totals', on_delete=OnDelete.CASCADE)),
                ('period', fields.CharField(max_length=8)),
                ('sell_in', fields.BigIntField(default=0)),
                ('sell_through', fields.BigIntField(default=0)),
                ('calculated', fields.BigIntField(default=0)),
                ('reported', fields.BigIntField(default=0)),
                ('reported_count', fields.IntField(default=0)),
            ],
            options={'table': 'reconciliation_total', 'app': 'models', 'unique_together': (('manufacturer', 'partner', 'period'),), 'indexes': [Index(fields=['manufacturer_id', 'period']), Index(fields=['partner_id'])], 'pk_attr': 'id', 'table_description': "The sums of one partner's reconciliation rows in one period, so that"},
            bases=['Model'],
        ),
        ops.RunPython(_fill, _nothing),
    ]
