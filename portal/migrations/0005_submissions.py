from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from portal.models.enums import IssueSeverity, SubmissionKind, SubmissionSource, SubmissionStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_ledger_without_fk')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EndCustomer',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='end_customers', on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=300)),
                ('name', fields.CharField(max_length=300)),
                ('country', fields.CharField(max_length=2)),
                ('postal_code', fields.CharField(default='', max_length=20)),
            ],
            options={'table': 'end_customer', 'app': 'models', 'unique_together': (('manufacturer', 'key'),), 'pk_attr': 'id', 'table_description': 'The registry: one row per customer, whatever the spelling partners use.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MappingTemplate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='mappings', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='mappings', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=100)),
                ('kind', fields.CharEnumField(description='POS: POS\nSTOCK: STOCK', enum_type=SubmissionKind, max_length=8)),
                ('columns', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('date_format', fields.CharField(default='%Y-%m-%d', max_length=32)),
                ('decimal_comma', fields.BooleanField(default=False)),
                ('delimiter', fields.CharField(null=True, max_length=1)),
                ('header_row', fields.IntField(default=1)),
                ('partner_skus', fields.BooleanField(default=False)),
            ],
            options={'table': 'mapping_template', 'app': 'models', 'unique_together': (('partner', 'name'),), 'pk_attr': 'id', 'table_description': "A partner's own file layout: its column names, date format, decimal comma."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='outbox', on_delete=OnDelete.CASCADE)),
                ('event_type', fields.CharField(max_length=64)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('dedupe_key', fields.CharField(unique=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_event', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Events for the outside world (reminders now, webhooks later), delivered by a worker.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Submission',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='submissions', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='submissions', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='POS: POS\nSTOCK: STOCK', enum_type=SubmissionKind, max_length=8)),
                ('period', fields.CharField(max_length=8)),
                ('version', fields.IntField()),
                ('status', fields.CharEnumField(default=SubmissionStatus.QUEUED, description='QUEUED: QUEUED\nVALIDATING: VALIDATING\nACCEPTED: ACCEPTED\nACCEPTED_WITH_WARNINGS: ACCEPTED_WITH_WARNINGS\nREJECTED: REJECTED', enum_type=SubmissionStatus, max_length=24)),
                ('source', fields.CharEnumField(description='GRAPHQL: GRAPHQL\nFILE: FILE', enum_type=SubmissionSource, max_length=8)),
                ('dry_run', fields.BooleanField(default=False)),
                ('file_name', fields.CharField(null=True, max_length=255)),
                ('mapping_name', fields.CharField(null=True, max_length=100)),
                ('rows_total', fields.IntField(default=0)),
                ('rows_done', fields.IntField(default=0)),
                ('error_count', fields.IntField(default=0)),
                ('warning_count', fields.IntField(default=0)),
                ('superseded_by_id', fields.BigIntField(null=True)),
                ('posted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('validated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('token_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'submission', 'app': 'models', 'unique_together': (('partner', 'kind', 'period', 'version'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PosLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('submission', fields.ForeignKeyField('models.Submission', source_field='submission_id', db_constraint=True, to_field='id', related_name='pos_lines', on_delete=OnDelete.CASCADE)),
                ('row', fields.IntField()),
                ('warehouse_id', fields.IntField()),
                ('product_id', fields.IntField()),
                ('quantity', fields.IntField()),
                ('sold_on', fields.DateField()),
                ('end_customer_id', fields.BigIntField(null=True)),
                ('end_customer_name', fields.CharField(default='', max_length=300)),
                ('unit_price', fields.DecimalField(null=True, max_digits=18, decimal_places=4)),
                ('currency', fields.CharField(default='', max_length=3)),
                ('invoice_no', fields.CharField(default='', max_length=64)),
                ('serials', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'pos_line', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StockLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('submission', fields.ForeignKeyField('models.Submission', source_field='submission_id', db_constraint=True, to_field='id', related_name='stock_lines', on_delete=OnDelete.CASCADE)),
                ('row', fields.IntField()),
                ('warehouse_id', fields.IntField()),
                ('product_id', fields.IntField()),
                ('quantity', fields.IntField()),
            ],
            options={'table': 'stock_line', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SubmissionContent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('submission', fields.OneToOneField('models.Submission', source_field='submission_id', db_constraint=True, to_field='id', related_name='content', on_delete=OnDelete.CASCADE)),
                ('lines', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('data', fields.BinaryField(null=True)),
                ('file_format', fields.CharField(default='LINES', max_length=8)),
            ],
            options={'table': 'submission_content', 'app': 'models', 'pk_attr': 'id', 'table_description': 'What was submitted, kept so that any worker can (re)validate it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SubmissionIssue',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('submission', fields.ForeignKeyField('models.Submission', source_field='submission_id', db_constraint=True, to_field='id', related_name='issues', on_delete=OnDelete.CASCADE)),
                ('row', fields.IntField()),
                ('field', fields.CharField(null=True, max_length=64)),
                ('code', fields.CharField(max_length=40)),
                ('message', fields.CharField(max_length=500)),
                ('severity', fields.CharEnumField(default=IssueSeverity.ERROR, description='ERROR: ERROR\nWARNING: WARNING', enum_type=IssueSeverity, max_length=8)),
            ],
            options={'table': 'submission_issue', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='SerialUnit',
            name='sold_in_submission_id',
            field=fields.BigIntField(null=True),
        ),
    ]
