from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0024_order_returns')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PriceProtectionProgram',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='price_protection_programs', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='price_protection_programs', on_delete=OnDelete.CASCADE)),
                ('sku', fields.CharField(max_length=64)),
                ('old_price', fields.DecimalField(max_digits=18, decimal_places=4)),
                ('new_price', fields.DecimalField(max_digits=18, decimal_places=4)),
                ('currency', fields.CharField(default='USD', max_length=3)),
                ('effective_on', fields.DateField()),
                ('claim_window_days', fields.IntField()),
                ('include_in_transit', fields.BooleanField(default=False)),
                ('token_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'price_protection_program', 'app': 'models', 'unique_together': (('manufacturer_id', 'product_id', 'effective_on'),), 'indexes': [Index(fields=['product_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Claim',
            name='program_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddIndex(
            model_name='Claim',
            index=Index(fields=['manufacturer_id', 'program_id']),
        ),
    ]
