from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0013_jobs_failures')]

    initial = False

    operations = [
        ops.AddField(
            model_name='DesignEvent',
            name='manufacturer_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='DesignLine',
            name='manufacturer_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='ExceptionEvent',
            name='manufacturer_id',
            field=fields.IntField(null=True),
        ),
        ops.RemoveConstraint(
            model_name='MappingTemplate',
            name=None,
            fields=['partner', 'name'],
        ),
        ops.AddConstraint(
            model_name='MappingTemplate',
            constraint=UniqueConstraint(fields=('manufacturer', 'partner', 'name'), name=None),
        ),
        ops.AlterField(
            model_name='OutboxEvent',
            name='dedupe_key',
            field=fields.CharField(max_length=200),
        ),
        ops.AddConstraint(
            model_name='OutboxEvent',
            constraint=UniqueConstraint(fields=('manufacturer', 'dedupe_key'), name=None),
        ),
        ops.RemoveConstraint(
            model_name='PartnerSkuMapping',
            name=None,
            fields=['partner', 'partner_sku'],
        ),
        ops.AddConstraint(
            model_name='PartnerSkuMapping',
            constraint=UniqueConstraint(fields=('manufacturer', 'partner', 'partner_sku'), name=None),
        ),
        ops.AddField(
            model_name='PosLine',
            name='manufacturer_id',
            field=fields.IntField(null=True),
        ),
        ops.RemoveConstraint(
            model_name='ProductPrice',
            name=None,
            fields=['product', 'valid_from'],
        ),
        ops.AddField(
            model_name='ProductPrice',
            name='manufacturer_id',
            field=fields.IntField(null=True),
        ),
        ops.AddConstraint(
            model_name='ProductPrice',
            constraint=UniqueConstraint(fields=('manufacturer_id', 'product', 'valid_from'), name=None),
        ),
        ops.RemoveConstraint(
            model_name='ReconcileDirty',
            name=None,
            fields=['warehouse_id', 'product_id'],
        ),
        ops.AddConstraint(
            model_name='ReconcileDirty',
            constraint=UniqueConstraint(fields=('manufacturer_id', 'warehouse_id', 'product_id'), name=None),
        ),
        ops.RemoveConstraint(
            model_name='ReconciliationRow',
            name=None,
            fields=['warehouse', 'product', 'period'],
        ),
        ops.AddConstraint(
            model_name='ReconciliationRow',
            constraint=UniqueConstraint(fields=('manufacturer', 'warehouse', 'product', 'period'), name=None),
        ),
        ops.RemoveConstraint(
            model_name='SerialUnit',
            name=None,
            fields=['product', 'serial'],
        ),
        ops.AddConstraint(
            model_name='SerialUnit',
            constraint=UniqueConstraint(fields=('manufacturer', 'product', 'serial'), name=None),
        ),
        ops.AddField(
            model_name='ShipmentLine',
            name='manufacturer_id',
            field=fields.IntField(null=True),
        ),
        ops.RemoveConstraint(
            model_name='StockBalance',
            name=None,
            fields=['warehouse', 'product', 'owner'],
        ),
        ops.AddConstraint(
            model_name='StockBalance',
            constraint=UniqueConstraint(fields=('manufacturer', 'warehouse', 'product', 'owner'), name=None),
        ),
        ops.AddField(
            model_name='StockLine',
            name='manufacturer_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='StockReturnLine',
            name='manufacturer_id',
            field=fields.IntField(null=True),
        ),
        ops.RemoveConstraint(
            model_name='Submission',
            name=None,
            fields=['partner', 'kind', 'period', 'version'],
        ),
        ops.AddConstraint(
            model_name='Submission',
            constraint=UniqueConstraint(fields=('manufacturer', 'partner', 'kind', 'period', 'version'), name=None),
        ),
        ops.AddField(
            model_name='SubmissionContent',
            name='manufacturer_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='SubmissionIssue',
            name='manufacturer_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='TokenUsage',
            name='manufacturer_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='TransferLine',
            name='manufacturer_id',
            field=fields.IntField(null=True),
        ),
        ops.RemoveConstraint(
            model_name='WebhookDelivery',
            name=None,
            fields=['endpoint', 'event'],
        ),
        ops.AddField(
            model_name='WebhookDelivery',
            name='manufacturer_id',
            field=fields.IntField(null=True),
        ),
        ops.AddConstraint(
            model_name='WebhookDelivery',
            constraint=UniqueConstraint(fields=('manufacturer_id', 'endpoint', 'event'), name=None),
        ),
        # Fill the tenant key from each row's parent, then require it.
        ops.RunSQL(
            [
                "UPDATE design_event c SET manufacturer_id = p.manufacturer_id FROM design_registration p WHERE p.id = c.registration_id",
                "UPDATE design_line c SET manufacturer_id = p.manufacturer_id FROM design_registration p WHERE p.id = c.registration_id",
                "UPDATE exception_event c SET manufacturer_id = p.manufacturer_id FROM reconciliation_row p WHERE p.id = c.row_id",
                "UPDATE pos_line c SET manufacturer_id = p.manufacturer_id FROM submission p WHERE p.id = c.submission_id",
                "UPDATE stock_line c SET manufacturer_id = p.manufacturer_id FROM submission p WHERE p.id = c.submission_id",
                "UPDATE submission_content c SET manufacturer_id = p.manufacturer_id FROM submission p WHERE p.id = c.submission_id",
                "UPDATE submission_issue c SET manufacturer_id = p.manufacturer_id FROM submission p WHERE p.id = c.submission_id",
                "UPDATE product_price c SET manufacturer_id = p.manufacturer_id FROM product p WHERE p.id = c.product_id",
                "UPDATE shipment_line c SET manufacturer_id = p.manufacturer_id FROM shipment p WHERE p.id = c.shipment_id",
                "UPDATE transfer_line c SET manufacturer_id = p.manufacturer_id FROM transfer p WHERE p.id = c.transfer_id",
                "UPDATE stock_return_line c SET manufacturer_id = p.manufacturer_id FROM stock_return p WHERE p.id = c.stock_return_id",
                "UPDATE token_usage c SET manufacturer_id = p.manufacturer_id FROM api_token p WHERE p.id = c.token_id",
                "UPDATE webhook_delivery c SET manufacturer_id = p.manufacturer_id FROM webhook_endpoint p WHERE p.id = c.endpoint_id",
            ]
        ),
        ops.AlterField(
            model_name='DesignEvent',
            name='manufacturer_id',
            field=fields.IntField(),
        ),
        ops.AlterField(
            model_name='DesignLine',
            name='manufacturer_id',
            field=fields.IntField(),
        ),
        ops.AlterField(
            model_name='ExceptionEvent',
            name='manufacturer_id',
            field=fields.IntField(),
        ),
        ops.AlterField(
            model_name='PosLine',
            name='manufacturer_id',
            field=fields.IntField(),
        ),
        ops.AlterField(
            model_name='StockLine',
            name='manufacturer_id',
            field=fields.IntField(),
        ),
        ops.AlterField(
            model_name='SubmissionContent',
            name='manufacturer_id',
            field=fields.IntField(),
        ),
        ops.AlterField(
            model_name='SubmissionIssue',
            name='manufacturer_id',
            field=fields.IntField(),
        ),
        ops.AlterField(
            model_name='ProductPrice',
            name='manufacturer_id',
            field=fields.IntField(),
        ),
        ops.AlterField(
            model_name='ShipmentLine',
            name='manufacturer_id',
            field=fields.IntField(),
        ),
        ops.AlterField(
            model_name='TransferLine',
            name='manufacturer_id',
            field=fields.IntField(),
        ),
        ops.AlterField(
            model_name='StockReturnLine',
            name='manufacturer_id',
            field=fields.IntField(),
        ),
        ops.AlterField(
            model_name='TokenUsage',
            name='manufacturer_id',
            field=fields.IntField(),
        ),
        ops.AlterField(
            model_name='WebhookDelivery',
            name='manufacturer_id',
            field=fields.IntField(),
        ),
    ]
