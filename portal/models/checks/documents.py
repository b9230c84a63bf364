"""A partner's inbound, outbound and opening-stock documents and their lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import (
    InventoryDocumentKind,
    InventoryDocumentReason,
    InventoryDocumentStatus,
)

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner
    from portal.models.catalog.tenants import Manufacturer


class InventoryDocument(Model):
    """Stock a partner records itself: opening stock, goods received from elsewhere, or
    a non-sale issue. ``POSTED`` documents have ledger entries (source
    ``INVENTORY_DOCUMENT``); a ``PENDING_APPROVAL`` one has none until it is approved."""

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="inventory_documents"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="inventory_documents"
    )
    partner_id: int
    warehouse_id = fields.IntField()
    kind = fields.CharEnumField(InventoryDocumentKind, max_length=16)
    reason = fields.CharEnumField(InventoryDocumentReason, max_length=20)
    document_no = fields.CharField(max_length=64, default="")
    business_date = fields.DateField()
    period = fields.CharField(max_length=8)
    status = fields.CharEnumField(InventoryDocumentStatus, max_length=16)
    total_quantity = fields.IntField(default=0)
    note = fields.CharField(max_length=500, default="")
    review_note = fields.CharField(max_length=500, default="")
    token_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    posted_at = fields.DatetimeField(null=True)
    reviewed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "inventory_document"
        indexes = (
            ("manufacturer_id", "partner_id"),
            ("manufacturer_id", "status"),
            ("warehouse_id",),
            ("partner_id",),
        )


class InventoryDocumentLine(Model):
    """One product of a document, a positive quantity (the kind gives the direction)."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    document: fields.ForeignKeyRelation[InventoryDocument] = fields.ForeignKeyField(
        "models.InventoryDocument", related_name="lines", on_delete=fields.CASCADE
    )
    document_id: int
    product_id = fields.IntField()
    quantity = fields.IntField()

    class Meta:
        table = "inventory_document_line"
        unique_together = (("manufacturer_id", "document", "product_id"),)
        indexes = (("manufacturer_id", "document_id", "id"), ("document_id",))
