from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0009_dirty_version')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='ReconciliationRow',
            options={'table': 'reconciliation_row', 'app': 'models', 'unique_together': (('warehouse', 'product', 'period'),), 'indexes': [Index(fields=['manufacturer_id', 'period', 'status'])], 'pk_attr': 'id', 'table_description': 'A projection of the ledger and the reports, rewritten in bulk by the recompute: its'},
        ),
        ops.AlterField(
            model_name='ReconciliationRow',
            name='manufacturer',
            field=fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=False, to_field='id', related_name='reconciliation', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='ReconciliationRow',
            name='partner',
            field=fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=False, to_field='id', related_name='reconciliation', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='ReconciliationRow',
            name='product',
            field=fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=False, to_field='id', related_name='reconciliation', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='ReconciliationRow',
            name='warehouse',
            field=fields.ForeignKeyField('models.Warehouse', source_field='warehouse_id', db_constraint=False, to_field='id', related_name='reconciliation', on_delete=OnDelete.CASCADE),
        ),
        ops.RunSQL(
            [
                "ALTER TABLE reconciliation_row DROP CONSTRAINT IF EXISTS reconciliation_row_manufacturer_id_fkey",
                "ALTER TABLE reconciliation_row DROP CONSTRAINT IF EXISTS reconciliation_row_partner_id_fkey",
                "ALTER TABLE reconciliation_row DROP CONSTRAINT IF EXISTS reconciliation_row_product_id_fkey",
                "ALTER TABLE reconciliation_row DROP CONSTRAINT IF EXISTS reconciliation_row_warehouse_id_fkey",
            ]
        ),
    ]
