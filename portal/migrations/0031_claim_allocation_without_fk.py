from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0030_order_delivery')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='ClaimAllocation',
            name='claim_line',
            field=fields.ForeignKeyField('models.ClaimLine', source_field='claim_line_id', db_constraint=False, to_field='id', related_name='allocations', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='ClaimAllocation',
            name='pool',
            field=fields.ForeignKeyField('models.ClaimPool', source_field='pool_id', db_constraint=False, to_field='id', related_name='allocations', on_delete=OnDelete.RESTRICT),
        ),
        # Every validation writes a row per POS line behind its units in one INSERT ...
        # SELECT; the two per-row foreign key checks were half of that statement.
        ops.RunSQL(
            [
                "ALTER TABLE claim_allocation DROP CONSTRAINT IF EXISTS claim_allocation_claim_line_id_fkey",
                "ALTER TABLE claim_allocation DROP CONSTRAINT IF EXISTS claim_allocation_pool_id_fkey",
            ]
        ),
    ]
