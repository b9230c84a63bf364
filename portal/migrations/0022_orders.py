from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from portal.models.enums import InsufficientStockPolicy, OrderStatus, OrderingMode
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0021_contracts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Order',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.CASCADE)),
                ('supplier_partner_id', fields.IntField(null=True)),
                ('supply_warehouse_id', fields.IntField(null=True)),
                ('ship_to_warehouse', fields.ForeignKeyField('models.Warehouse', source_field='ship_to_warehouse_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.CASCADE)),
                ('mode', fields.CharEnumField(description='NO_WAREHOUSE: NO_WAREHOUSE\nSINGLE_WAREHOUSE: SINGLE_WAREHOUSE\nCONSOLIDATED: CONSOLIDATED', enum_type=OrderingMode, max_length=20)),
                ('status', fields.CharEnumField(default=OrderStatus.SUBMITTED, description='SUBMITTED: SUBMITTED\nCONFIRMED: CONFIRMED\nPARTIALLY_SHIPPED: PARTIALLY_SHIPPED\nSHIPPED: SHIPPED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED\nREJECTED: REJECTED', enum_type=OrderStatus, max_length=20)),
                ('reason', fields.CharField(null=True, max_length=500)),
                ('token_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'partner_order', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'partner_id', 'status']), Index(fields=['manufacturer_id', 'supplier_partner_id', 'status']), Index(fields=['partner_id']), Index(fields=['ship_to_warehouse_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OrderLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('order', fields.ForeignKeyField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('line_no', fields.IntField()),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='order_lines', on_delete=OnDelete.CASCADE)),
                ('quantity', fields.IntField()),
                ('reserved', fields.IntField(default=0)),
                ('shipped', fields.IntField(default=0)),
                ('backordered', fields.IntField(default=0)),
                ('returned', fields.IntField(default=0)),
            ],
            options={'table': 'order_line', 'app': 'models', 'unique_together': (('order', 'line_no'),), 'indexes': [Index(fields=['manufacturer_id', 'product_id']), Index(fields=['product_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Reservation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('order_id', fields.BigIntField()),
                ('order_line', fields.ForeignKeyField('models.OrderLine', source_field='order_line_id', db_constraint=True, to_field='id', related_name='reservations', on_delete=OnDelete.CASCADE)),
                ('warehouse_id', fields.IntField()),
                ('product_id', fields.IntField()),
                ('quantity', fields.IntField()),
            ],
            options={'table': 'order_reservation', 'app': 'models', 'unique_together': (('order_line', 'warehouse_id'),), 'indexes': [Index(fields=['manufacturer_id', 'warehouse_id', 'product_id']), Index(fields=['manufacturer_id', 'order_id'])], 'pk_attr': 'id', 'table_description': 'Stock of one supplier warehouse held for one order line ("frozen").'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShippingNotice',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='shipping_notices', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='shipping_notices', on_delete=OnDelete.CASCADE)),
                ('supplier_partner_id', fields.IntField(null=True)),
                ('document_no', fields.CharField(max_length=64)),
                ('shipment_id', fields.BigIntField(null=True)),
                ('transfer_id', fields.BigIntField(null=True)),
                ('transfer_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('token_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'shipping_notice', 'app': 'models', 'unique_together': (('manufacturer', 'document_no'),), 'indexes': [Index(fields=['manufacturer_id', 'partner_id']), Index(fields=['partner_id'])], 'pk_attr': 'id', 'table_description': 'What the supplier ships against one or several orders of one partner: it becomes the'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShippingNoticeLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('notice', fields.ForeignKeyField('models.ShippingNotice', source_field='notice_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('order_line_id', fields.BigIntField()),
                ('order_id', fields.BigIntField()),
                ('warehouse_id', fields.IntField(null=True)),
                ('product_id', fields.IntField()),
                ('quantity', fields.IntField()),
                ('serials', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'shipping_notice_line', 'app': 'models', 'indexes': [Index(fields=['notice_id']), Index(fields=['manufacturer_id', 'order_line_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SupplyMovement',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('warehouse_id', fields.IntField()),
                ('product_id', fields.IntField()),
                ('quantity', fields.IntField()),
                ('reason', fields.CharField(max_length=40)),
                ('source_type', fields.CharField(max_length=24)),
                ('source_id', fields.BigIntField(null=True)),
                ('token_id', fields.IntField(null=True)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'supply_movement', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'warehouse_id', 'product_id'])], 'pk_attr': 'id', 'table_description': "An immutable change of a manufacturer warehouse's on hand."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SupplyStock',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='supply_stock', on_delete=OnDelete.CASCADE)),
                ('partner_id', fields.IntField(null=True)),
                ('warehouse', fields.ForeignKeyField('models.Warehouse', source_field='warehouse_id', db_constraint=True, to_field='id', related_name='supply_stock', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='supply_stock', on_delete=OnDelete.CASCADE)),
                ('on_hand', fields.IntField(default=0)),
                ('reserved', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'supply_stock', 'app': 'models', 'unique_together': (('manufacturer', 'warehouse', 'product'),), 'indexes': [Index(fields=['manufacturer_id', 'product_id']), Index(fields=['warehouse_id']), Index(fields=['product_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ErpSyncRun',
            name='inventory_imported',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='allow_reservation_adjustment',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='exchanges',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='insufficient_stock_policy',
            field=fields.CharEnumField(default=InsufficientStockPolicy.BLOCK, description='BLOCK: BLOCK\nALLOW: ALLOW', enum_type=InsufficientStockPolicy, max_length=8),
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='multi_order_shipping',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='ordering_mode',
            field=fields.CharEnumField(default=OrderingMode.SINGLE_WAREHOUSE, description='NO_WAREHOUSE: NO_WAREHOUSE\nSINGLE_WAREHOUSE: SINGLE_WAREHOUSE\nCONSOLIDATED: CONSOLIDATED', enum_type=OrderingMode, max_length=20),
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='returns_against_orders',
            field=fields.BooleanField(default=True),
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='returns_against_shipments',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='show_availability',
            field=fields.BooleanField(default=True),
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='source_free_returns',
            field=fields.BooleanField(default=False),
        ),
    ]
