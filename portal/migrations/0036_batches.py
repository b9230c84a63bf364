from tortoise import migrations
from tortoise.migrations import operations as ops
from portal.models.enums import Owner
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0035_allocation_index_claims')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BatchBalance',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='batch_balances', on_delete=OnDelete.CASCADE)),
                ('warehouse_id', fields.IntField()),
                ('product_id', fields.IntField()),
                ('owner', fields.CharEnumField(description='PARTNER: PARTNER\nMANUFACTURER: MANUFACTURER\nEND_CUSTOMER: END_CUSTOMER', enum_type=Owner, max_length=12)),
                ('batch_no', fields.CharField(max_length=64)),
                ('quantity', fields.IntField(default=0)),
            ],
            options={'table': 'batch_balance', 'app': 'models', 'unique_together': (('manufacturer', 'warehouse_id', 'product_id', 'owner', 'batch_no'),), 'indexes': [Index(fields=['manufacturer_id', 'product_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='LedgerEntry',
            name='batch_no',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='OrderLine',
            name='batch_no',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='PosLine',
            name='batch_no',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='ShipmentLine',
            name='batch_no',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='ShippingNoticeLine',
            name='batch_no',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='StockReturnLine',
            name='batch_no',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='TransferLine',
            name='batch_no',
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
