from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0010_reconciliation_without_fk')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='PosLine',
            index=Index(fields=['submission_id', 'id']),
        ),
        ops.AddIndex(
            model_name='ReconciliationRow',
            index=Index(fields=['manufacturer_id', 'period', 'abs_gap', 'id']),
        ),
        ops.AddIndex(
            model_name='StockLine',
            index=Index(fields=['submission_id', 'warehouse_id', 'product_id']),
        ),
    ]
