from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_reconciliation')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ReconciliationRow',
            name='gap_value',
            field=fields.DecimalField(default=0, max_digits=20, decimal_places=2),
        ),
    ]
