from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_returns_erp')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='LedgerEntry',
            options={'table': 'ledger_entry', 'app': 'models', 'indexes': [Index(fields=['warehouse_id', 'product_id', 'owner']), Index(fields=['manufacturer_id', 'period']), Index(fields=['source_type', 'source_id'])], 'pk_attr': 'id', 'table_description': 'An immutable movement. Its references carry no database foreign keys: the table is'},
        ),
        ops.AlterField(
            model_name='LedgerEntry',
            name='manufacturer',
            field=fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=False, to_field='id', related_name='ledger', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='LedgerEntry',
            name='partner',
            field=fields.ForeignKeyField('models.Partner', source_field='partner_id', null=True, db_constraint=False, to_field='id', related_name='ledger', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='LedgerEntry',
            name='product',
            field=fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=False, to_field='id', related_name='ledger', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='LedgerEntry',
            name='reverses',
            field=fields.ForeignKeyField('models.LedgerEntry', source_field='reverses_id', null=True, db_constraint=False, to_field='id', related_name='reversals', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='LedgerEntry',
            name='warehouse',
            field=fields.ForeignKeyField('models.Warehouse', source_field='warehouse_id', db_constraint=False, to_field='id', related_name='ledger', on_delete=OnDelete.CASCADE),
        ),
        ops.RunSQL(
            [
                "ALTER TABLE ledger_entry DROP CONSTRAINT IF EXISTS ledger_entry_manufacturer_id_fkey",
                "ALTER TABLE ledger_entry DROP CONSTRAINT IF EXISTS ledger_entry_partner_id_fkey",
                "ALTER TABLE ledger_entry DROP CONSTRAINT IF EXISTS ledger_entry_product_id_fkey",
                "ALTER TABLE ledger_entry DROP CONSTRAINT IF EXISTS ledger_entry_reverses_id_fkey",
                "ALTER TABLE ledger_entry DROP CONSTRAINT IF EXISTS ledger_entry_warehouse_id_fkey",
            ]
        ),
    ]
