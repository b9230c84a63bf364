from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from portal.models.enums import ExceptionReason, ExceptionStatus, ReconciliationStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_submissions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ReconcileDirty',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('warehouse_id', fields.IntField()),
                ('product_id', fields.IntField()),
                ('from_date', fields.DateField()),
            ],
            options={'table': 'reconcile_dirty', 'app': 'models', 'unique_together': (('warehouse_id', 'product_id'),), 'pk_attr': 'id', 'table_description': 'A (warehouse, product) whose rows need a recompute from a date on (coalesced).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReconciliationRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='reconciliation', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='reconciliation', on_delete=OnDelete.CASCADE)),
                ('warehouse', fields.ForeignKeyField('models.Warehouse', source_field='warehouse_id', db_constraint=True, to_field='id', related_name='reconciliation', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='reconciliation', on_delete=OnDelete.CASCADE)),
                ('period', fields.CharField(max_length=8)),
                ('opening', fields.IntField(default=0)),
                ('sell_in', fields.IntField(default=0)),
                ('customer_returns', fields.IntField(default=0)),
                ('sell_through', fields.IntField(default=0)),
                ('transfers_in', fields.IntField(default=0)),
                ('transfers_out', fields.IntField(default=0)),
                ('returns_to_manufacturer', fields.IntField(default=0)),
                ('adjustments', fields.IntField(default=0)),
                ('calculated', fields.IntField(default=0)),
                ('reported', fields.IntField(null=True)),
                ('gap', fields.IntField(null=True)),
                ('abs_gap', fields.IntField(default=0)),
                ('gap_pct', fields.FloatField(null=True)),
                ('status', fields.CharEnumField(description='OK: OK\nWITHIN_TOLERANCE: WITHIN_TOLERANCE\nEXCEPTION: EXCEPTION\nMISSING_REPORT: MISSING_REPORT', enum_type=ReconciliationStatus, max_length=20)),
                ('exception_status', fields.CharEnumField(null=True, description='OPEN: OPEN\nINVESTIGATING: INVESTIGATING\nRESOLVED: RESOLVED', enum_type=ExceptionStatus, max_length=16)),
                ('owner_email', fields.CharField(null=True, max_length=200)),
                ('reason', fields.CharEnumField(null=True, description='DELAYED_POS: DELAYED_POS\nUNRECORDED_TRANSFER: UNRECORDED_TRANSFER\nUNPROCESSED_RETURN: UNPROCESSED_RETURN\nDAMAGE: DAMAGE\nTIMING: TIMING\nREPORTING_ERROR: REPORTING_ERROR\nOTHER: OTHER', enum_type=ExceptionReason, max_length=24)),
                ('stock_submission_id', fields.BigIntField(null=True)),
                ('computed_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'reconciliation_row', 'app': 'models', 'unique_together': (('warehouse', 'product', 'period'),), 'indexes': [Index(fields=['manufacturer_id', 'period', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ExceptionEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('row', fields.ForeignKeyField('models.ReconciliationRow', source_field='row_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('token_id', fields.IntField(null=True)),
                ('partner_id', fields.IntField(null=True)),
                ('action', fields.CharField(max_length=32)),
                ('details', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'exception_event', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Who did what to an exception, when: status, owner, reason, comments, corrections.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookEndpoint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='webhooks', on_delete=OnDelete.CASCADE)),
                ('url', fields.CharField(max_length=500)),
                ('events', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('secret', fields.CharField(max_length=100)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'webhook_endpoint', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('endpoint', fields.ForeignKeyField('models.WebhookEndpoint', source_field='endpoint_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('event', fields.ForeignKeyField('models.OutboxEvent', source_field='event_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharField(default='PENDING', max_length=12)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_status_code', fields.IntField(null=True)),
                ('last_error', fields.CharField(null=True, max_length=500)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_delivery', 'app': 'models', 'unique_together': (('endpoint', 'event'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
