"""Resolvers of inventory documents: they clean the input and call the domain."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from portal.domain.checks import documents
from portal.domain.errors import DomainError
from portal.domain.pagination import paginate
from portal.models import InventoryDocument as DocumentModel
from portal.resolvers.helpers import object_id, page_limit
from portal.schema.checks.documents import (
    DocumentDecision,
    InventoryDocument,
    InventoryDocumentKind,
    InventoryDocumentPayload,
    InventoryDocumentStatus,
    RecordInventoryDocumentInput,
    ReviewInventoryDocumentInput,
)
from portal.schema.common import Connection, UserError, attempt, to_connection


async def resolve_inventory_documents(
    info: Info,
    partner_code: str | None = None,
    kind: InventoryDocumentKind | None = None,
    status: InventoryDocumentStatus | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[InventoryDocument]:
    query = await documents.find_documents(
        info.context.principal, partner_code=partner_code, kind=kind, status=status
    )
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, InventoryDocument.from_model, after)


async def resolve_inventory_document(info: Info, id: strawberry.ID) -> InventoryDocument | None:
    try:
        document_id = object_id(id)
    except DomainError:
        return None
    found = await documents.visible_documents(info.context.principal).filter(id=document_id).first()
    return InventoryDocument.from_model(found) if found else None


def _payload(made: DocumentModel | None, errors: list[UserError]) -> InventoryDocumentPayload:
    return InventoryDocumentPayload(
        inventory_document=InventoryDocument.from_model(made) if made is not None else None,
        errors=errors,
    )


async def record_inventory_document(
    info: Info, input: RecordInventoryDocumentInput
) -> InventoryDocumentPayload:
    made, errors = await attempt(
        lambda: documents.record_inventory_document(
            info.context.principal,
            info.context.queue,
            kind=input.kind,
            warehouse_code=input.warehouse_code,
            lines=[documents.DocumentLineInput(x.sku, x.quantity) for x in input.lines],
            reason=input.reason,
            business_date=input.business_date,
            document_no=input.document_no,
            note=input.note,
            idempotency_key=input.idempotency_key,
        )
    )
    return _payload(made, errors)


async def review_inventory_document(
    info: Info, input: ReviewInventoryDocumentInput
) -> InventoryDocumentPayload:
    made, errors = await attempt(
        lambda: documents.review_inventory_document(
            info.context.principal,
            info.context.queue,
            object_id(input.id),
            approve=input.decision is DocumentDecision.APPROVE,
            note=input.note,
        )
    )
    return _payload(made, errors)
