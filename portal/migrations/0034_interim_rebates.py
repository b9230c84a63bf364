from tortoise import migrations
from tortoise.migrations import operations as ops
from portal.models.enums import RebateInterimSchedule
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0033_contract_shipments')]

    initial = False

    operations = [
        ops.AddField(
            model_name='RebatePayout',
            name='interval',
            field=fields.CharField(null=True, max_length=8),
        ),
        ops.AddConstraint(
            model_name='RebatePayout',
            constraint=UniqueConstraint(fields=('manufacturer_id', 'program_id', 'partner_id', 'interval'), name=None),
        ),
        ops.AddField(
            model_name='RebateProgram',
            name='interim_schedule',
            field=fields.CharEnumField(default=RebateInterimSchedule.NONE, description='NONE: NONE\nMONTHLY: MONTHLY\nQUARTERLY: QUARTERLY', enum_type=RebateInterimSchedule, max_length=10),
        ),
        ops.AddField(
            model_name='RebateProgram',
            name='interim_through',
            field=fields.CharField(null=True, max_length=8),
        ),
    ]
