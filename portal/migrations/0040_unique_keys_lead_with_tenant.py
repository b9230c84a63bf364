from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0039_claim_line_tenant_key')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='ClaimLine',
            index=Index(fields=['claim_id']),
        ),
        ops.RemoveConstraint(
            model_name='ForecastLine',
            name=None,
            fields=['forecast', 'product_id', 'period'],
        ),
        ops.AddIndex(
            model_name='ForecastLine',
            index=Index(fields=['forecast_id']),
        ),
        ops.AddConstraint(
            model_name='ForecastLine',
            constraint=UniqueConstraint(fields=('manufacturer_id', 'forecast', 'product_id', 'period'), name=None),
        ),
        ops.RemoveConstraint(
            model_name='InventoryCheckLine',
            name=None,
            fields=['check', 'product_id'],
        ),
        ops.AddIndex(
            model_name='InventoryCheckLine',
            index=Index(fields=['check_id']),
        ),
        ops.AddConstraint(
            model_name='InventoryCheckLine',
            constraint=UniqueConstraint(fields=('manufacturer_id', 'check', 'product_id'), name=None),
        ),
        ops.RemoveConstraint(
            model_name='InventoryContractLine',
            name=None,
            fields=['contract', 'line_no'],
        ),
        ops.AddIndex(
            model_name='InventoryContractLine',
            index=Index(fields=['contract_id']),
        ),
        ops.AddConstraint(
            model_name='InventoryContractLine',
            constraint=UniqueConstraint(fields=('manufacturer_id', 'contract', 'line_no'), name=None),
        ),
        ops.RemoveConstraint(
            model_name='InventoryDocumentLine',
            name=None,
            fields=['document', 'product_id'],
        ),
        ops.AddIndex(
            model_name='InventoryDocumentLine',
            index=Index(fields=['document_id']),
        ),
        ops.AddConstraint(
            model_name='InventoryDocumentLine',
            constraint=UniqueConstraint(fields=('manufacturer_id', 'document', 'product_id'), name=None),
        ),
        ops.RemoveConstraint(
            model_name='OrderLine',
            name=None,
            fields=['order', 'line_no'],
        ),
        ops.AddIndex(
            model_name='OrderLine',
            index=Index(fields=['order_id']),
        ),
        ops.AddConstraint(
            model_name='OrderLine',
            constraint=UniqueConstraint(fields=('manufacturer_id', 'order', 'line_no'), name=None),
        ),
        ops.RemoveConstraint(
            model_name='PriceAgreementLine',
            name=None,
            fields=['agreement', 'product_id'],
        ),
        ops.AddIndex(
            model_name='PriceAgreementLine',
            index=Index(fields=['agreement_id']),
        ),
        ops.AddConstraint(
            model_name='PriceAgreementLine',
            constraint=UniqueConstraint(fields=('manufacturer_id', 'agreement', 'product_id'), name=None),
        ),
        ops.RemoveConstraint(
            model_name='Reservation',
            name=None,
            fields=['order_line', 'warehouse_id'],
        ),
        ops.AddIndex(
            model_name='Reservation',
            index=Index(fields=['order_line_id']),
        ),
        ops.AddConstraint(
            model_name='Reservation',
            constraint=UniqueConstraint(fields=('manufacturer_id', 'order_line', 'warehouse_id'), name=None),
        ),
        ops.RemoveConstraint(
            model_name='SalesAgreementLine',
            name=None,
            fields=['agreement', 'product_id', 'period'],
        ),
        ops.AddIndex(
            model_name='SalesAgreementLine',
            index=Index(fields=['agreement_id']),
        ),
        ops.AddConstraint(
            model_name='SalesAgreementLine',
            constraint=UniqueConstraint(fields=('manufacturer_id', 'agreement', 'product_id', 'period'), name=None),
        ),
        ops.AlterField(
            model_name='SubmissionContent',
            name='submission',
            field=fields.ForeignKeyField('models.Submission', source_field='submission_id', db_constraint=True, to_field='id', related_name='contents', on_delete=OnDelete.CASCADE),
        ),
        ops.AddIndex(
            model_name='SubmissionContent',
            index=Index(fields=['submission_id']),
        ),
        ops.AddConstraint(
            model_name='SubmissionContent',
            constraint=UniqueConstraint(fields=('manufacturer_id', 'submission'), name=None),
        ),
    ]
