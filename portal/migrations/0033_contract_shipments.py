from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0032_notice_delivery_orders')]

    initial = False

    operations = [
        ops.AddField(
            model_name='InventoryContractLine',
            name='shipment_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Shipment',
            name='from_warehouse_id',
            field=fields.IntField(null=True),
        ),
    ]
