from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from decimal import Decimal
from json import dumps, loads
from portal.models.enums import FileRejectionPolicy, JobStatus, PartnerTier, PeriodGranularity, ReceiptMode, Role, WarehouseKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Manufacturer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'manufacturer', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IdempotencyRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='idempotency', on_delete=OnDelete.CASCADE)),
                ('scope', fields.CharField(max_length=32)),
                ('operation', fields.CharField(max_length=64)),
                ('key', fields.CharField(max_length=200)),
                ('request_hash', fields.CharField(max_length=64)),
                ('object_id', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'idempotency_record', 'app': 'models', 'unique_together': (('manufacturer', 'scope', 'operation', 'key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Job',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', null=True, db_constraint=True, to_field='id', related_name='jobs', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=64)),
                ('args', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('dedupe_key', fields.CharField(null=True, max_length=200)),
                ('status', fields.CharEnumField(default=JobStatus.QUEUED, description='QUEUED: QUEUED\nRUNNING: RUNNING\nDONE: DONE\nFAILED: FAILED', enum_type=JobStatus, max_length=12)),
                ('attempts', fields.IntField(default=0)),
                ('dispatches', fields.IntField(default=0)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('enqueued_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('result', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('error', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'job', 'app': 'models', 'indexes': [Index(fields=['status', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ManufacturerSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.OneToOneField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='settings', on_delete=OnDelete.CASCADE)),
                ('period_granularity', fields.CharEnumField(default=PeriodGranularity.MONTHLY, description='MONTHLY: MONTHLY\nWEEKLY: WEEKLY', enum_type=PeriodGranularity, max_length=16)),
                ('submission_due_days', fields.IntField(default=10)),
                ('tolerance_units', fields.IntField(default=0)),
                ('tolerance_percent', fields.DecimalField(default=Decimal('0'), max_digits=7, decimal_places=2)),
                ('shipment_receipt_mode', fields.CharEnumField(default=ReceiptMode.MANUAL, description='MANUAL: MANUAL\nON_SHIPPING: ON_SHIPPING\nAFTER_DAYS: AFTER_DAYS', enum_type=ReceiptMode, max_length=16)),
                ('receipt_after_days', fields.IntField(default=3)),
                ('auto_receive_transfers', fields.BooleanField(default=False)),
                ('file_rejection_policy', fields.CharEnumField(default=FileRejectionPolicy.REJECT_FILE, description='REJECT_FILE: REJECT_FILE\nSKIP_BAD_ROWS: SKIP_BAD_ROWS', enum_type=FileRejectionPolicy, max_length=16)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'manufacturer_settings', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Partner',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='partners', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('tier', fields.CharEnumField(description='DISTRIBUTOR: DISTRIBUTOR\nSUB_DISTRIBUTOR: SUB_DISTRIBUTOR\nRESELLER: RESELLER\nDEALER: DEALER', enum_type=PartnerTier, max_length=20)),
                ('parent', fields.ForeignKeyField('models.Partner', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'partner', 'app': 'models', 'unique_together': (('manufacturer', 'code'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', null=True, db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='ADMIN: ADMIN\nCHANNEL_MANAGER: CHANNEL_MANAGER\nSHIPPING: SHIPPING\nPARTNER_ADMIN: PARTNER_ADMIN\nPARTNER_INVENTORY: PARTNER_INVENTORY\nPARTNER_SALES: PARTNER_SALES\nPARTNER_VIEWER: PARTNER_VIEWER', enum_type=Role, max_length=24)),
                ('label', fields.CharField(default='', max_length=200)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('prefix', fields.CharField(max_length=12)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_token', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Product',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='products', on_delete=OnDelete.CASCADE)),
                ('sku', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('category', fields.CharField(default='', max_length=100)),
                ('serial_controlled', fields.BooleanField(default=False)),
                ('batch_controlled', fields.BooleanField(default=False)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'product', 'app': 'models', 'unique_together': (('manufacturer', 'sku'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PartnerSkuMapping',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='sku_mappings', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='sku_mappings', on_delete=OnDelete.CASCADE)),
                ('partner_sku', fields.CharField(max_length=100)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='partner_mappings', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'partner_sku_mapping', 'app': 'models', 'unique_together': (('partner', 'partner_sku'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProductPrice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='prices', on_delete=OnDelete.CASCADE)),
                ('valid_from', fields.DateField()),
                ('price', fields.DecimalField(max_digits=18, decimal_places=4)),
                ('currency', fields.CharField(default='USD', max_length=3)),
            ],
            options={'table': 'product_price', 'app': 'models', 'unique_together': (('product', 'valid_from'),), 'pk_attr': 'id', 'table_description': 'A list price valid from a date until the next one.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TokenUsage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token', fields.ForeignKeyField('models.ApiToken', source_field='token_id', db_constraint=True, to_field='id', related_name='usage', on_delete=OnDelete.CASCADE)),
                ('used_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'token_usage', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One row per token per process per minute of use; folded by the roll-up job.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Warehouse',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='warehouses', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', null=True, db_constraint=True, to_field='id', related_name='warehouses', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('kind', fields.CharEnumField(default=WarehouseKind.OWNED, description='OWNED: OWNED\nCONSIGNMENT: CONSIGNMENT', enum_type=WarehouseKind, max_length=16)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'warehouse', 'app': 'models', 'unique_together': (('manufacturer', 'code'),), 'pk_attr': 'id', 'table_description': "A stock location: a partner's (channel) warehouse or the manufacturer's own."},
            bases=['Model'],
        ),
    ]
