from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from portal.models.enums import ReturnStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_ledger')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ErpCursor',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='erp_cursors', on_delete=OnDelete.CASCADE)),
                ('resource', fields.CharField(max_length=32)),
                ('cursor', fields.CharField(max_length=64)),
            ],
            options={'table': 'erp_cursor', 'app': 'models', 'unique_together': (('manufacturer', 'resource'),), 'pk_attr': 'id', 'table_description': 'How far a resource (``products``, ``shipments``) has been pulled: its updated-since.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ErpSyncRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='erp_runs', on_delete=OnDelete.CASCADE)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharField(default='RUNNING', max_length=12)),
                ('products_imported', fields.IntField(default=0)),
                ('shipments_imported', fields.IntField(default=0)),
                ('shipments_skipped', fields.IntField(default=0)),
                ('item_errors', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('error', fields.TextField(null=True, unique=False)),
                ('http_status', fields.IntField(null=True)),
            ],
            options={'table': 'erp_sync_run', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StockReturn',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='returns', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='returns', on_delete=OnDelete.CASCADE)),
                ('warehouse', fields.ForeignKeyField('models.Warehouse', source_field='warehouse_id', db_constraint=True, to_field='id', related_name='returns', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=ReturnStatus.REQUESTED, description='REQUESTED: REQUESTED\nRECEIVED: RECEIVED\nCANCELLED: CANCELLED', enum_type=ReturnStatus, max_length=12)),
                ('rma_no', fields.CharField(default='', max_length=64)),
                ('received_on', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'stock_return', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A return to the manufacturer: raised by the partner, posted when received.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StockReturnLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('stock_return', fields.ForeignKeyField('models.StockReturn', source_field='stock_return_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='return_lines', on_delete=OnDelete.CASCADE)),
                ('quantity', fields.IntField()),
                ('serials', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'stock_return_line', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='erp_api_key',
            field=fields.CharField(null=True, max_length=500),
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='erp_base_url',
            field=fields.CharField(null=True, max_length=500),
        ),
    ]
