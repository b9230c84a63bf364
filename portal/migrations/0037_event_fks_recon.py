from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0036_batches')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='ExceptionEvent',
            name='row',
            field=fields.ForeignKeyField('models.ReconciliationRow', source_field='row_id', db_constraint=False, to_field='id', related_name='events', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='OutboxEvent',
            name='manufacturer',
            field=fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=False, to_field='id', related_name='outbox', on_delete=OnDelete.CASCADE),
        ),
        # A cold full recompute opens an exception per row with an audit and an outbox event
        # in one statement; the two per-row foreign key checks were 12 of its 24 s at 240k
        # rows (rows and manufacturers are never deleted, so nothing cascaded).
        ops.RunSQL(
            [
                "ALTER TABLE exception_event DROP CONSTRAINT IF EXISTS exception_event_row_id_fkey",
                "ALTER TABLE outbox_event DROP CONSTRAINT IF EXISTS outbox_event_manufacturer_id_fkey",
            ]
        ),
    ]
