from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from portal.models.enums import LedgerKind, Owner, SerialStatus, ShipmentStatus, TransferStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_foundation')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LedgerEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='ledger', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', null=True, db_constraint=True, to_field='id', related_name='ledger', on_delete=OnDelete.CASCADE)),
                ('warehouse', fields.ForeignKeyField('models.Warehouse', source_field='warehouse_id', db_constraint=True, to_field='id', related_name='ledger', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='ledger', on_delete=OnDelete.CASCADE)),
                ('owner', fields.CharEnumField(description='PARTNER: PARTNER\nMANUFACTURER: MANUFACTURER', enum_type=Owner, max_length=12)),
                ('quantity', fields.IntField()),
                ('kind', fields.CharEnumField(description='OPENING: OPENING\nSELL_IN: SELL_IN\nSELL_THROUGH: SELL_THROUGH\nCUSTOMER_RETURN: CUSTOMER_RETURN\nTRANSFER_OUT: TRANSFER_OUT\nTRANSFER_IN: TRANSFER_IN\nRETURN_TO_MANUFACTURER: RETURN_TO_MANUFACTURER\nADJUSTMENT: ADJUSTMENT', enum_type=LedgerKind, max_length=24)),
                ('business_date', fields.DateField()),
                ('period', fields.CharField(max_length=8)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('source_type', fields.CharField(max_length=24)),
                ('source_id', fields.BigIntField()),
                ('serials', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reason', fields.CharField(null=True, max_length=40)),
                ('reverses', fields.ForeignKeyField('models.LedgerEntry', source_field='reverses_id', null=True, db_constraint=True, to_field='id', related_name='reversals', on_delete=OnDelete.CASCADE)),
                ('token_id', fields.IntField(null=True)),
            ],
            options={'table': 'ledger_entry', 'app': 'models', 'indexes': [Index(fields=['warehouse_id', 'product_id', 'owner']), Index(fields=['manufacturer_id', 'period']), Index(fields=['source_type', 'source_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SerialUnit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='serial_units', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='serial_units', on_delete=OnDelete.CASCADE)),
                ('serial', fields.CharField(max_length=100)),
                ('warehouse', fields.ForeignKeyField('models.Warehouse', source_field='warehouse_id', null=True, db_constraint=True, to_field='id', related_name='serial_units', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(description='IN_TRANSIT: IN_TRANSIT\nIN_STOCK: IN_STOCK\nGONE: GONE', enum_type=SerialStatus, max_length=12)),
            ],
            options={'table': 'serial_unit', 'app': 'models', 'unique_together': (('product', 'serial'),), 'pk_attr': 'id', 'table_description': 'Where one serial-controlled unit is; a serial is in stock in one place at most.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Shipment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='shipments', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='shipments', on_delete=OnDelete.CASCADE)),
                ('warehouse', fields.ForeignKeyField('models.Warehouse', source_field='warehouse_id', db_constraint=True, to_field='id', related_name='shipments', on_delete=OnDelete.CASCADE)),
                ('document_no', fields.CharField(max_length=64)),
                ('shipped_on', fields.DateField()),
                ('received_on', fields.DateField(null=True)),
                ('status', fields.CharEnumField(default=ShipmentStatus.SHIPPED, description='SHIPPED: SHIPPED\nRECEIVED: RECEIVED', enum_type=ShipmentStatus, max_length=12)),
                ('source', fields.CharField(default='GRAPHQL', max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'shipment', 'app': 'models', 'unique_together': (('manufacturer', 'document_no'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShipmentLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='shipment_lines', on_delete=OnDelete.CASCADE)),
                ('quantity', fields.IntField()),
                ('serials', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'shipment_line', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StockBalance',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='balances', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', null=True, db_constraint=True, to_field='id', related_name='balances', on_delete=OnDelete.CASCADE)),
                ('warehouse', fields.ForeignKeyField('models.Warehouse', source_field='warehouse_id', db_constraint=True, to_field='id', related_name='balances', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='balances', on_delete=OnDelete.CASCADE)),
                ('owner', fields.CharEnumField(description='PARTNER: PARTNER\nMANUFACTURER: MANUFACTURER', enum_type=Owner, max_length=12)),
                ('quantity', fields.IntField(default=0)),
                ('in_transit', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'stock_balance', 'app': 'models', 'unique_together': (('warehouse', 'product', 'owner'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Transfer',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='transfers', on_delete=OnDelete.CASCADE)),
                ('from_partner', fields.ForeignKeyField('models.Partner', source_field='from_partner_id', db_constraint=True, to_field='id', related_name='transfers_out', on_delete=OnDelete.CASCADE)),
                ('from_warehouse', fields.ForeignKeyField('models.Warehouse', source_field='from_warehouse_id', db_constraint=True, to_field='id', related_name='transfers_out', on_delete=OnDelete.CASCADE)),
                ('to_partner', fields.ForeignKeyField('models.Partner', source_field='to_partner_id', db_constraint=True, to_field='id', related_name='transfers_in', on_delete=OnDelete.CASCADE)),
                ('to_warehouse', fields.ForeignKeyField('models.Warehouse', source_field='to_warehouse_id', db_constraint=True, to_field='id', related_name='transfers_in', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(description='REQUESTED: REQUESTED\nAPPROVED: APPROVED\nSHIPPED: SHIPPED\nRECEIVED: RECEIVED\nCANCELLED: CANCELLED\nREJECTED: REJECTED', enum_type=TransferStatus, max_length=12)),
                ('shipped_on', fields.DateField(null=True)),
                ('received_on', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'transfer', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TransferLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('transfer', fields.ForeignKeyField('models.Transfer', source_field='transfer_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='transfer_lines', on_delete=OnDelete.CASCADE)),
                ('quantity', fields.IntField()),
                ('serials', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'transfer_line', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
