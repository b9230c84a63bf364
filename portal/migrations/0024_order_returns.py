from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0023_checks_demand')]

    initial = False

    operations = [
        ops.AddField(
            model_name='StockReturn',
            name='exchange',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='StockReturn',
            name='order_ids',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='StockReturn',
            name='replacement_shipment_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='StockReturn',
            name='shipment_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='StockReturn',
            name='source',
            field=fields.CharField(default='NONE', max_length=12),
        ),
        ops.AddIndex(
            model_name='StockReturn',
            index=Index(fields=['manufacturer_id', 'shipment_id']),
        ),
        ops.AddField(
            model_name='StockReturnLine',
            name='order_line_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='StockReturnLine',
            name='reason',
            field=fields.CharField(default='', max_length=200),
        ),
        ops.AddIndex(
            model_name='StockReturnLine',
            index=Index(fields=['manufacturer_id', 'order_line_id']),
        ),
    ]
