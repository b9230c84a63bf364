from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from portal.models.enums import ClaimKind, ClaimLineStatus, ClaimStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0018_scale_partitions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Claim',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='claims', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='claims', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='SHIP_AND_DEBIT: SHIP_AND_DEBIT\nPRICE_PROTECTION: PRICE_PROTECTION\nREBATE: REBATE', enum_type=ClaimKind, max_length=20)),
                ('period', fields.CharField(null=True, max_length=8)),
                ('status', fields.CharEnumField(default=ClaimStatus.SUBMITTED, description='SUBMITTED: SUBMITTED\nVALIDATING: VALIDATING\nVALIDATED: VALIDATED\nAPPROVED: APPROVED\nPARTIALLY_APPROVED: PARTIALLY_APPROVED\nREJECTED: REJECTED\nCREDITED: CREDITED', enum_type=ClaimStatus, max_length=20)),
                ('currency', fields.CharField(default='USD', max_length=3)),
                ('claimed_amount', fields.DecimalField(default=0, max_digits=18, decimal_places=2)),
                ('approved_amount', fields.DecimalField(null=True, max_digits=18, decimal_places=2)),
                ('review_note', fields.CharField(null=True, max_length=1000)),
                ('token_id', fields.IntField(null=True)),
                ('validated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'claim', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'partner_id', 'status']), Index(fields=['partner_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClaimLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('claim', fields.ForeignKeyField('models.Claim', source_field='claim_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('line_no', fields.IntField()),
                ('product_id', fields.IntField()),
                ('sku', fields.CharField(max_length=64)),
                ('quantity', fields.IntField()),
                ('end_customer_name', fields.CharField(default='', max_length=300)),
                ('warehouse_id', fields.IntField(null=True)),
                ('agreement_id', fields.BigIntField(null=True)),
                ('agreement_line_id', fields.BigIntField(null=True)),
                ('approved_quantity', fields.IntField(null=True)),
                ('unit_credit', fields.DecimalField(null=True, max_digits=18, decimal_places=4)),
                ('amount', fields.DecimalField(null=True, max_digits=18, decimal_places=2)),
                ('clawed_back_quantity', fields.IntField(default=0)),
                ('status', fields.CharEnumField(default=ClaimLineStatus.PENDING, description='PENDING: PENDING\nAPPROVED: APPROVED\nPARTIAL: PARTIAL\nREJECTED: REJECTED', enum_type=ClaimLineStatus, max_length=10)),
                ('codes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'claim_line', 'app': 'models', 'unique_together': (('claim', 'line_no'),), 'indexes': [Index(fields=['manufacturer_id', 'agreement_line_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClaimPool',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('partner_id', fields.IntField()),
                ('period', fields.CharField(max_length=8)),
                ('product_id', fields.IntField()),
                ('end_customer_id', fields.BigIntField()),
            ],
            options={'table': 'claim_pool', 'app': 'models', 'unique_together': (('manufacturer_id', 'partner_id', 'period', 'product_id', 'end_customer_id'),), 'pk_attr': 'id', 'table_description': 'The POS units of one (partner, period, product, end customer): the row each claim'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClaimAllocation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('pool', fields.ForeignKeyField('models.ClaimPool', source_field='pool_id', db_constraint=True, to_field='id', related_name='allocations', on_delete=OnDelete.RESTRICT)),
                ('claim_line', fields.ForeignKeyField('models.ClaimLine', source_field='claim_line_id', db_constraint=True, to_field='id', related_name='allocations', on_delete=OnDelete.CASCADE)),
                ('agreement_line_id', fields.BigIntField()),
                ('pos_line_id', fields.BigIntField(null=True)),
                ('quantity', fields.IntField()),
                ('reason', fields.CharField(default='CLAIMED', max_length=20)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'claim_allocation', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'pool_id']), Index(fields=['pool_id']), Index(fields=['manufacturer_id', 'agreement_line_id']), Index(fields=['claim_line_id'])], 'pk_attr': 'id', 'table_description': 'Units of a pool credited to a claim line (signed: a release or a clawback is a'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CreditMemo',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='credit_memos', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='credit_memos', on_delete=OnDelete.CASCADE)),
                ('claim_id', fields.BigIntField()),
                ('sequence', fields.IntField()),
                ('number', fields.CharField(max_length=32)),
                ('kind', fields.CharField(default='CREDIT', max_length=8)),
                ('period', fields.CharField(null=True, max_length=8)),
                ('currency', fields.CharField(max_length=3)),
                ('amount', fields.DecimalField(max_digits=18, decimal_places=2)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'credit_memo', 'app': 'models', 'unique_together': (('manufacturer', 'sequence'),), 'indexes': [Index(fields=['manufacturer_id', 'claim_id']), Index(fields=['partner_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CreditMemoLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('memo', fields.ForeignKeyField('models.CreditMemo', source_field='memo_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('claim_line_id', fields.BigIntField()),
                ('sku', fields.CharField(max_length=64)),
                ('quantity', fields.IntField()),
                ('unit_credit', fields.DecimalField(max_digits=18, decimal_places=4)),
                ('amount', fields.DecimalField(max_digits=18, decimal_places=2)),
                ('reason', fields.CharField(default='', max_length=300)),
            ],
            options={'table': 'credit_memo_line', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'memo_id']), Index(fields=['memo_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemoCounter',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField(unique=True)),
                ('last_number', fields.IntField(default=0)),
            ],
            options={'table': 'memo_counter', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The last memo number of a tenant, locked ``FOR UPDATE`` by whoever takes the next.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PriceAgreement',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='price_agreements', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='price_agreements', on_delete=OnDelete.CASCADE)),
                ('end_customer_id', fields.BigIntField(null=True)),
                ('end_customer_name', fields.CharField(default='', max_length=300)),
                ('end_customer_country', fields.CharField(default='', max_length=2)),
                ('design_registration_id', fields.BigIntField(null=True)),
                ('valid_from', fields.DateField()),
                ('valid_to', fields.DateField()),
                ('currency', fields.CharField(default='USD', max_length=3)),
                ('token_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'price_agreement', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'partner_id']), Index(fields=['partner_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PriceAgreementLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('agreement', fields.ForeignKeyField('models.PriceAgreement', source_field='agreement_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('product_id', fields.IntField()),
                ('book_cost', fields.DecimalField(max_digits=18, decimal_places=4)),
                ('authorized_price', fields.DecimalField(max_digits=18, decimal_places=4)),
                ('max_quantity', fields.IntField(null=True)),
            ],
            options={'table': 'price_agreement_line', 'app': 'models', 'unique_together': (('agreement', 'product_id'),), 'indexes': [Index(fields=['manufacturer_id', 'product_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
