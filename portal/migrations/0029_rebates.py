from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from portal.models.enums import RebateMeasure, RebateMode, RebateStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0028_inventory_documents')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RebateAccrual',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('program_id', fields.BigIntField()),
                ('partner_id', fields.IntField()),
                ('period', fields.CharField(max_length=8)),
                ('units', fields.IntField(default=0)),
                ('value', fields.DecimalField(default=0, max_digits=18, decimal_places=4)),
                ('base_units', fields.IntField(default=0)),
                ('base_value', fields.DecimalField(default=0, max_digits=18, decimal_places=4)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'rebate_accrual', 'app': 'models', 'unique_together': (('manufacturer_id', 'program_id', 'partner_id', 'period'),), 'indexes': [Index(fields=['manufacturer_id', 'partner_id'])], 'pk_attr': 'id', 'table_description': "The program's volume of one partner in one period (and in the same period a year"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RebateDirty',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('partner_id', fields.IntField()),
                ('period', fields.CharField(max_length=8)),
                ('version', fields.IntField(default=0)),
            ],
            options={'table': 'rebate_dirty', 'app': 'models', 'unique_together': (('manufacturer_id', 'partner_id', 'period'),), 'pk_attr': 'id', 'table_description': 'A (partner, period) whose ledger changed since its accruals were computed; marked'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RebatePayout',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('program_id', fields.BigIntField()),
                ('partner_id', fields.IntField()),
                ('claim_id', fields.BigIntField()),
                ('memo_id', fields.BigIntField()),
                ('kind', fields.CharField(max_length=8)),
                ('amount', fields.DecimalField(max_digits=18, decimal_places=2)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'rebate_payout', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'program_id', 'partner_id'])], 'pk_attr': 'id', 'table_description': 'One payment of a program to a partner (interim or final), with the claim and memo'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RebateProgram',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='rebate_programs', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=200)),
                ('period_from', fields.CharField(max_length=8)),
                ('period_to', fields.CharField(max_length=8)),
                ('measure', fields.CharEnumField(description='SELL_IN_VALUE: SELL_IN_VALUE\nSELL_THROUGH_UNITS: SELL_THROUGH_UNITS\nSELL_THROUGH_VALUE: SELL_THROUGH_VALUE', enum_type=RebateMeasure, max_length=24)),
                ('mode', fields.CharEnumField(description='RETROACTIVE: RETROACTIVE\nINCREMENTAL: INCREMENTAL', enum_type=RebateMode, max_length=12)),
                ('growth', fields.BooleanField(default=False)),
                ('partner_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('partner_tier', fields.CharField(null=True, max_length=20)),
                ('named_partners', fields.BooleanField(default=False)),
                ('product_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('categories', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('tiers', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('require_compliance', fields.BooleanField(default=False)),
                ('currency', fields.CharField(default='USD', max_length=3)),
                ('status', fields.CharEnumField(default=RebateStatus.OPEN, description='OPEN: OPEN\nCLOSED: CLOSED', enum_type=RebateStatus, max_length=8)),
                ('token_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'rebate_program', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RebateProgramPartner',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('program_id', fields.BigIntField()),
                ('partner_id', fields.IntField()),
            ],
            options={'table': 'rebate_program_partner', 'app': 'models', 'unique_together': (('manufacturer_id', 'program_id', 'partner_id'),), 'indexes': [Index(fields=['manufacturer_id', 'partner_id'])], 'pk_attr': 'id', 'table_description': "A partner a program names (what a partner principal's program list joins on)."},
            bases=['Model'],
        ),
    ]
