from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0038_supply_batches')]

    initial = False

    operations = [
        ops.RemoveConstraint(
            model_name='ClaimLine',
            name=None,
            fields=['claim', 'line_no'],
        ),
        ops.AddConstraint(
            model_name='ClaimLine',
            constraint=UniqueConstraint(fields=('manufacturer_id', 'claim', 'line_no'), name=None),
        ),
    ]
