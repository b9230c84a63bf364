from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0019_incentives')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='SubmissionIssue',
            index=Index(fields=['recorded_on']),
        ),
    ]
