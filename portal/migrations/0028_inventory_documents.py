from tortoise import migrations
from tortoise.migrations import operations as ops
from portal.models.enums import InventoryDocumentKind, InventoryDocumentReason, InventoryDocumentStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0027_reconciliation_totals')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InventoryDocument',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer', fields.ForeignKeyField('models.Manufacturer', source_field='manufacturer_id', db_constraint=True, to_field='id', related_name='inventory_documents', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='inventory_documents', on_delete=OnDelete.CASCADE)),
                ('warehouse_id', fields.IntField()),
                ('kind', fields.CharEnumField(description='OPENING_STOCK: OPENING_STOCK\nINBOUND: INBOUND\nOUTBOUND: OUTBOUND', enum_type=InventoryDocumentKind, max_length=16)),
                ('reason', fields.CharEnumField(description='OPENING_BALANCE: OPENING_BALANCE\nOTHER_SUPPLIER: OTHER_SUPPLIER\nFOUND: FOUND\nRETURNED_FROM_LOAN: RETURNED_FROM_LOAN\nSAMPLE: SAMPLE\nSCRAP: SCRAP\nINTERNAL_USE: INTERNAL_USE\nLOAN: LOAN\nOTHER: OTHER', enum_type=InventoryDocumentReason, max_length=20)),
                ('document_no', fields.CharField(default='', max_length=64)),
                ('business_date', fields.DateField()),
                ('period', fields.CharField(max_length=8)),
                ('status', fields.CharEnumField(description='POSTED: POSTED\nPENDING_APPROVAL: PENDING_APPROVAL\nREJECTED: REJECTED', enum_type=InventoryDocumentStatus, max_length=16)),
                ('total_quantity', fields.IntField(default=0)),
                ('note', fields.CharField(default='', max_length=500)),
                ('review_note', fields.CharField(default='', max_length=500)),
                ('token_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('posted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'inventory_document', 'app': 'models', 'indexes': [Index(fields=['manufacturer_id', 'partner_id']), Index(fields=['manufacturer_id', 'status']), Index(fields=['warehouse_id']), Index(fields=['partner_id'])], 'pk_attr': 'id', 'table_description': 'Stock a partner records itself: opening stock, goods received from elsewhere, or'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InventoryDocumentLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manufacturer_id', fields.IntField()),
                ('document', fields.ForeignKeyField('models.InventoryDocument', source_field='document_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('product_id', fields.IntField()),
                ('quantity', fields.IntField()),
            ],
            options={'table': 'inventory_document_line', 'app': 'models', 'unique_together': (('document', 'product_id'),), 'indexes': [Index(fields=['manufacturer_id', 'document_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One product of a document, a positive quantity (the kind gives the direction).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ManufacturerSettings',
            name='document_approval_threshold',
            field=fields.IntField(default=0),
        ),
    ]
