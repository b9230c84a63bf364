from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0012_input_customer_keys')]

    initial = False

    operations = [
        ops.CreateModel(
            name='JobFailure',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='job_failures', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=64)),
                ('item_key', fields.CharField(max_length=200)),
                ('code', fields.CharField(max_length=40)),
                ('message', fields.CharField(max_length=500)),
                ('attempts', fields.IntField(default=1)),
                ('first_seen', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_seen', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'job_failure', 'app': 'models', 'unique_together': (('manufacturer', 'kind', 'item_key'),), 'indexes': [Index(fields=['manufacturer_id', 'resolved_at', 'last_seen'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
