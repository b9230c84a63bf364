from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0037_event_fks_recon')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SupplyBatch',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='supply_batches', on_delete=OnDelete.CASCADE)),
                ('warehouse_id', fields.IntField()),
                ('product_id', fields.IntField()),
                ('batch_no', fields.CharField(max_length=64)),
                ('on_hand', fields.IntField(default=0)),
            ],
            options={'table': 'supply_batch', 'app': 'models', 'unique_together': (('manufacturer', 'warehouse_id', 'product_id', 'batch_no'),), 'indexes': [Index(fields=['manufacturer_id', 'product_id'])], 'pk_attr': 'id', 'table_description': "A manufacturer warehouse's on hand of one batch of a batch-controlled SKU: the sum"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='SupplyMovement',
            name='batch_no',
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
