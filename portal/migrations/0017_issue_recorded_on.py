from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('models', '0016_customer_keys_fold_invisible_and_accents')]

    initial = False

    operations = [
        ops.AddField(
            model_name='SubmissionIssue',
            name='recorded_on',
            field=fields.DateField(null=True),
        ),
        ops.RunSQL(
            [
                "UPDATE submission_issue i SET recorded_on = coalesce("
                "s.validated_at, s.created_at)::date FROM submission s WHERE s.id = i.submission_id",
            ]
        ),
        ops.AlterField(
            model_name='SubmissionIssue',
            name='recorded_on',
            field=fields.DateField(),
        ),
    ]
