from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0031_claim_allocation_without_fk')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='DeliveryDifference',
            name='shipment_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='DeliveryDifference',
            name='notice_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddIndex(
            model_name='DeliveryDifference',
            index=Index(fields=['manufacturer_id', 'notice_id']),
        ),
        ops.AlterField(
            model_name='DeliveryEvent',
            name='shipment_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='DeliveryEvent',
            name='notice_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='ShippingNotice',
            name='delivered_on',
            field=fields.DateField(null=True),
        ),
    ]
