from tortoise import migrations
from tortoise.migrations import operations as ops
from portal.models.enums import DeliveryDifferenceKind, ReceiptMode
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0029_rebates')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DeliveryDifference',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('delivery_event_id', fields.BigIntField()),
                ('shipment_id', fields.BigIntField()),
                ('product_id', fields.IntField()),
                ('kind', fields.CharEnumField(description='SHORT: SHORT\nDAMAGED: DAMAGED\nOVER: OVER', enum_type=DeliveryDifferenceKind, max_length=8)),
                ('quantity', fields.IntField()),
                ('reason_code', fields.CharField(max_length=40)),
                ('note', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'delivery_difference', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'shipment_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeliveryEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='delivery_events', on_delete=OnDelete.CASCADE)),
                ('event_id', fields.CharField(max_length=100)),
                ('shipment_id', fields.BigIntField()),
                ('partner_id', fields.IntField()),
                ('delivered_on', fields.DateField()),
                ('source', fields.CharField(max_length=16)),
                ('carrier', fields.CharField(default='', max_length=100)),
                ('token_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'delivery_event', 'app': 'models', 'unique_together': (('manufacturer', 'event_id'),), 'indexes': [Index(fields=['manufacturer_id', 'shipment_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='ManufacturerSettings',
            name='shipment_receipt_mode',
            field=fields.CharEnumField(default=ReceiptMode.MANUAL, description='MANUAL: MANUAL\nON_SHIPPING: ON_SHIPPING\nAFTER_DAYS: AFTER_DAYS\nON_DELIVERY: ON_DELIVERY', enum_type=ReceiptMode, max_length=16),
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='logistics_secret',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Shipment',
            name='delivered_on',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='StockReturn',
            name='to_partner_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='StockReturn',
            name='to_warehouse_id',
            field=fields.IntField(null=True),
        ),
        ops.AddIndex(
            model_name='StockReturn',
            index=Index(fields=['manufacturer_id', 'to_partner_id']),
        ),
    ]
