from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from portal.models.enums import CheckSource, CheckStatus, CountVariancePolicy, SubmissionSource
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0022_orders')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Forecast',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='forecasts', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='forecasts', on_delete=OnDelete.CASCADE)),
                ('token_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'forecast', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'partner_id']), Index(fields=['partner_id'])], 'pk_attr': 'id', 'table_description': "One submission of a partner's forward-looking sell-through; the latest submitted"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ForecastAdjustment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='forecast_adjustments', on_delete=OnDelete.CASCADE)),
                ('partner_id', fields.IntField()),
                ('product_id', fields.IntField()),
                ('period', fields.CharField(max_length=8)),
                ('adjustment', fields.IntField()),
                ('note', fields.CharField(default='', max_length=500)),
                ('token_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'forecast_adjustment', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'partner_id', 'period'])], 'pk_attr': 'id', 'table_description': "A channel manager's adjustment of one account-forecast cell, with a note; the"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ForecastLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('forecast', fields.ForeignKeyField('models.Forecast', source_field='forecast_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('partner_id', fields.IntField()),
                ('product_id', fields.IntField()),
                ('period', fields.CharField(max_length=8)),
                ('quantity', fields.IntField()),
            ],
            options={'table': 'forecast_line', 'app': 'models', 'unique_together': (('forecast', 'product_id', 'period'),), 'indexes': [Index(fields=['manufacturer_id', 'partner_id', 'period'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InventoryCheck',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='inventory_checks', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='inventory_checks', on_delete=OnDelete.CASCADE)),
                ('warehouse_id', fields.IntField()),
                ('open_warehouse_id', fields.IntField(null=True)),
                ('source', fields.CharEnumField(description='ALL_PRODUCTS: ALL_PRODUCTS\nIN_STOCK: IN_STOCK', enum_type=CheckSource, max_length=16)),
                ('blind', fields.BooleanField(default=False)),
                ('count_date', fields.DateField()),
                ('period', fields.CharField(max_length=8)),
                ('status', fields.CharEnumField(default=CheckStatus.DRAFT, description='DRAFT: DRAFT\nSUBMITTED: SUBMITTED\nAPPROVED: APPROVED\nREJECTED: REJECTED', enum_type=CheckStatus, max_length=12)),
                ('line_count', fields.IntField(default=0)),
                ('counted_count', fields.IntField(default=0)),
                ('stock_submission_id', fields.BigIntField(null=True)),
                ('variances_posted', fields.BooleanField(default=False)),
                ('review_note', fields.CharField(default='', max_length=500)),
                ('token_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'inventory_check', 'app': 'models', 'unique_together': (('manufacturer', 'open_warehouse_id'),), 'indexes': [Index(fields=['manufacturer_id', 'partner_id']), Index(fields=['partner_id']), Index(fields=['warehouse_id'])], 'pk_attr': 'id', 'table_description': 'A count of one partner warehouse as of ``count_date``.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InventoryCheckLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('check', fields.ForeignKeyField('models.InventoryCheck', source_field='check_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('product_id', fields.IntField()),
                ('book', fields.IntField(default=0)),
                ('counted', fields.IntField(null=True)),
                ('serials', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('book_serials', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('variance', fields.IntField(null=True)),
            ],
            options={'table': 'inventory_check_line', 'app': 'models', 'unique_together': (('check', 'product_id'),), 'indexes': [Index(fields=['manufacturer_id', 'check_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One product of a sheet: the book quantity (as of the count date), what was counted'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SalesAgreement',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='sales_agreements', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='sales_agreements', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=200)),
                ('period_from', fields.CharField(max_length=8)),
                ('period_to', fields.CharField(max_length=8)),
                ('token_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'sales_agreement', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'partner_id']), Index(fields=['partner_id'])], 'pk_attr': 'id', 'table_description': 'What a partner committed to buy, per SKU and period (its lines).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SalesAgreementLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('agreement', fields.ForeignKeyField('models.SalesAgreement', source_field='agreement_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('partner_id', fields.IntField()),
                ('product_id', fields.IntField()),
                ('period', fields.CharField(max_length=8)),
                ('committed_quantity', fields.IntField()),
            ],
            options={'table': 'sales_agreement_line', 'app': 'models', 'unique_together': (('agreement', 'product_id', 'period'),), 'indexes': [Index(fields=['manufacturer_id', 'partner_id', 'period'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='count_variance_policy',
            field=fields.CharEnumField(default=CountVariancePolicy.POST_AT_APPROVAL, description='POST_AT_APPROVAL: POST_AT_APPROVAL\nOPEN_EXCEPTION: OPEN_EXCEPTION', enum_type=CountVariancePolicy, max_length=16),
        ),
        ops.AlterField(
            model_name='Submission',
            name='source',
            field=fields.CharEnumField(description='GRAPHQL: GRAPHQL\nFILE: FILE\nCHECK: CHECK', enum_type=SubmissionSource, max_length=8),
        ),
    ]
