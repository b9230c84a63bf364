from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0034_interim_rebates')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='ClaimAllocation',
            name=None,
            fields=['pool_id'],
        ),
        ops.RemoveIndex(
            model_name='ClaimAllocation',
            name=None,
            fields=['claim_line_id'],
        ),
        ops.AddIndex(
            model_name='ClaimAllocation',
            index=Index(fields=['manufacturer_id', 'claim_line_id']),
        ),
    ]
