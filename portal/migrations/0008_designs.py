from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from portal.models.enums import DesignStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_gap_value')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DesignRegistration',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='designs', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='designs', on_delete=OnDelete.CASCADE)),
                ('end_customer', fields.ForeignKeyField('models.EndCustomer', source_field='end_customer_id', db_constraint=True, to_field='id', related_name='designs', on_delete=OnDelete.CASCADE)),
                ('end_customer_name', fields.CharField(max_length=300)),
                ('project_name', fields.CharField(max_length=200)),
                ('application', fields.CharField(default='', max_length=200)),
                ('expected_close_on', fields.DateField()),
                ('status', fields.CharEnumField(default=DesignStatus.SUBMITTED, description='SUBMITTED: SUBMITTED\nAPPROVED: APPROVED\nREJECTED: REJECTED\nWON: WON\nLOST: LOST\nEXPIRED: EXPIRED', enum_type=DesignStatus, max_length=12)),
                ('expires_on', fields.DateField(null=True)),
                ('review_note', fields.CharField(null=True, max_length=1000)),
                ('attachments', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'design_registration', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'end_customer_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DesignEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('registration', fields.ForeignKeyField('models.DesignRegistration', source_field='registration_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('token_id', fields.IntField(null=True)),
                ('action', fields.CharField(max_length=32)),
                ('details', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'design_event', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DesignLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('registration', fields.ForeignKeyField('models.DesignRegistration', source_field='registration_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='design_lines', on_delete=OnDelete.CASCADE)),
                ('expected_annual_quantity', fields.IntField()),
                ('requested_price', fields.DecimalField(null=True, max_digits=18, decimal_places=4)),
                ('authorized_price', fields.DecimalField(null=True, max_digits=18, decimal_places=4)),
            ],
            options={'table': 'design_line', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='design_first_registrant_priority',
            field=fields.BooleanField(default=True),
        ),
    ]
