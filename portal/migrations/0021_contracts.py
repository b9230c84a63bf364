from tortoise import migrations
from tortoise.migrations import operations as ops
from portal.models.enums import InventoryContractStatus, InventoryContractType, LedgerKind, Owner
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0020_issue_age_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CallOffNotification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='call_offs', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='call_offs', on_delete=OnDelete.CASCADE)),
                ('contract_id', fields.BigIntField()),
                ('line_id', fields.BigIntField()),
                ('product_id', fields.IntField()),
                ('quantity', fields.IntField()),
                ('consumed_on', fields.DateField()),
                ('period', fields.CharField(max_length=8)),
                ('source_type', fields.CharField(max_length=16)),
                ('source_id', fields.BigIntField(null=True)),
                ('report_period', fields.CharField(null=True, max_length=8)),
                ('end_customer_name', fields.CharField(default='', max_length=300)),
                ('token_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'contract_call_off', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'partner_id', 'period']), Index(fields=['manufacturer_id', 'line_id', 'source_type', 'report_period']), Index(fields=['partner_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Charge',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='contract_charges', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='contract_charges', on_delete=OnDelete.CASCADE)),
                ('contract_id', fields.BigIntField()),
                ('line_id', fields.BigIntField()),
                ('call_off_id', fields.BigIntField()),
                ('product_id', fields.IntField()),
                ('quantity', fields.IntField()),
                ('unit_price', fields.DecimalField(max_digits=18, decimal_places=4)),
                ('amount', fields.DecimalField(max_digits=18, decimal_places=2)),
                ('currency', fields.CharField(max_length=3)),
                ('charged_on', fields.DateField()),
                ('period', fields.CharField(max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'contract_charge', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'partner_id', 'period']), Index(fields=['partner_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InventoryContract',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='inventory_contracts', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='inventory_contracts', on_delete=OnDelete.CASCADE)),
                ('type', fields.CharEnumField(description='SCS: SCS\nWDS: WDS\nWBS: WBS\nCBS: CBS\nWCS: WCS\nCDS: CDS\nDIS: DIS', enum_type=InventoryContractType, max_length=3)),
                ('status', fields.CharEnumField(default=InventoryContractStatus.DRAFT, description='DRAFT: DRAFT\nACTIVE: ACTIVE\nENDED: ENDED', enum_type=InventoryContractStatus, max_length=8)),
                ('warehouse_id', fields.IntField(null=True)),
                ('end_customer_id', fields.BigIntField(null=True)),
                ('end_customer_name', fields.CharField(default='', max_length=300)),
                ('valid_from', fields.DateField()),
                ('valid_to', fields.DateField()),
                ('currency', fields.CharField(default='USD', max_length=3)),
                ('token_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'inventory_contract', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'partner_id', 'type']), Index(fields=['partner_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InventoryContractLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('contract', fields.ForeignKeyField('models.InventoryContract', source_field='contract_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('line_no', fields.IntField()),
                ('product_id', fields.IntField()),
                ('quantity', fields.IntField()),
                ('unit_price', fields.DecimalField(max_digits=18, decimal_places=4)),
                ('initialized', fields.IntField(default=0)),
                ('consumed', fields.IntField(default=0)),
                ('taken_over', fields.IntField(default=0)),
                ('returned', fields.IntField(default=0)),
                ('reception_date', fields.DateField(null=True)),
            ],
            options={'table': 'inventory_contract_line', 'app': 'models', 'unique_together': (('contract', 'line_no'),), 'indexes': [Index(fields=['manufacturer_id', 'product_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='LedgerEntry',
            name='kind',
            field=fields.CharEnumField(description='OPENING: OPENING\nSELL_IN: SELL_IN\nSELL_THROUGH: SELL_THROUGH\nCUSTOMER_RETURN: CUSTOMER_RETURN\nTRANSFER_OUT: TRANSFER_OUT\nTRANSFER_IN: TRANSFER_IN\nRETURN_TO_MANUFACTURER: RETURN_TO_MANUFACTURER\nADJUSTMENT: ADJUSTMENT\nOWNERSHIP_TRANSFER: OWNERSHIP_TRANSFER', enum_type=LedgerKind, max_length=24),
        ),
        ops.AlterField(
            model_name='LedgerEntry',
            name='owner',
            field=fields.CharEnumField(description='PARTNER: PARTNER\nMANUFACTURER: MANUFACTURER\nEND_CUSTOMER: END_CUSTOMER', enum_type=Owner, max_length=12),
        ),
        ops.AlterField(
            model_name='StockBalance',
            name='owner',
            field=fields.CharEnumField(description='PARTNER: PARTNER\nMANUFACTURER: MANUFACTURER\nEND_CUSTOMER: END_CUSTOMER', enum_type=Owner, max_length=12),
        ),
    ]
