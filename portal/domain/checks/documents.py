"""A partner's own stock documents: opening stock, inbound and outbound.

    doc = await record_inventory_document(
        principal, queue, kind=InventoryDocumentKind.OUTBOUND, warehouse_code="W1",
        reason=InventoryDocumentReason.SAMPLE, lines=[DocumentLineInput("SKU-A", 2)])
    doc = await review_inventory_document(manager, queue, doc.id, approve=True)

The channel inventory guide's manual inbound and outbound orders. Each kind posts
through the ledger (``portal.domain.ledger.posting.post``) with source
``INVENTORY_DOCUMENT``:

- ``OPENING_STOCK`` (reason ``OPENING_BALANCE``): ``OPENING`` entries, reason
  ``OPENING_STOCK``; one live (posted or pending) per warehouse;
- ``INBOUND`` (goods received from elsewhere): positive ``ADJUSTMENT`` entries, reason
  ``INBOUND:<reason>``;
- ``OUTBOUND`` (samples, scrap, internal use, loans): negative ``ADJUSTMENT`` entries,
  reason ``OUTBOUND:<reason>``; never below zero (``INSUFFICIENT_STOCK``).

All three count in reconciliation's ``adjustments`` component and are shown there apart
(``ReconciliationRow.adjustmentComponents``). When the manufacturer's
``documentApprovalThreshold`` is above 0 and a document's total quantity exceeds it, the
document waits ``PENDING_APPROVAL`` and posts nothing until a channel manager approves it
(``review_inventory_document``); a rejection needs a note and posts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.batches import group_under
from portal.domain.bounds.dates import check_business_date, today
from portal.domain.bounds.quantities import check_quantity
from portal.domain.bounds.text import clean_code, clean_text
from portal.domain.catalog.lookups import get_warehouse, partner_scope
from portal.domain.catalog.tenants import settings_of
from portal.domain.conflicts import retried_on_conflict
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.ledger.posting import Movement, post
from portal.domain.ledger.stock import require_in_stock
from portal.domain.periods import period_of
from portal.domain.reconciliation.dirty import request_reconcile
from portal.domain.tenancy import save_fields, visible_to
from portal.jobs.records import JobQueue
from portal.models import (
    InventoryDocument,
    InventoryDocumentLine,
    OutboxEvent,
    Product,
    Warehouse,
)
from portal.models.enums import (
    InventoryDocumentKind,
    InventoryDocumentReason,
    InventoryDocumentStatus,
    LedgerKind,
    WarehouseKind,
)

SOURCE = "INVENTORY_DOCUMENT"  # the ledger entries' source_type
MAX_DOCUMENT_LINES = 500
DOCUMENT_RECORDED = "inventory_document.recorded"
DOCUMENT_POSTED = "inventory_document.posted"
DOCUMENT_REJECTED = "inventory_document.rejected"
Kind = InventoryDocumentKind
Reason = InventoryDocumentReason
Status = InventoryDocumentStatus
REASONS: dict[InventoryDocumentKind, frozenset[InventoryDocumentReason]] = {
    Kind.OPENING_STOCK: frozenset({Reason.OPENING_BALANCE}),
    Kind.INBOUND: frozenset(
        {Reason.OTHER_SUPPLIER, Reason.FOUND, Reason.RETURNED_FROM_LOAN, Reason.OTHER}
    ),
    Kind.OUTBOUND: frozenset(
        {Reason.SAMPLE, Reason.SCRAP, Reason.INTERNAL_USE, Reason.LOAN, Reason.OTHER}
    ),
}


@dataclass(frozen=True, slots=True)
class DocumentLineInput:
    sku: str
    quantity: int


def ledger_reason(kind: InventoryDocumentKind, reason: InventoryDocumentReason) -> str:
    """The ``reason`` of a document's ledger entries (40 characters at most)."""
    if kind is Kind.OPENING_STOCK:
        return "OPENING_STOCK"
    return f"{kind.value}:{reason.value}"


def visible_documents(
    principal: Principal,
    *,
    partner_id: int | None = None,
    kind: InventoryDocumentKind | None = None,
    status: InventoryDocumentStatus | None = None,
) -> QuerySet[InventoryDocument]:
    principal.require(Action.VIEW_INVENTORY)
    documents = visible_to(principal, InventoryDocument)
    if partner_id is not None:
        documents = documents.filter(partner_id=partner_id)
    if kind is not None:
        documents = documents.filter(kind=kind)
    if status is not None:
        documents = documents.filter(status=status)
    return documents


async def find_documents(
    principal: Principal,
    *,
    partner_code: str | None,
    kind: InventoryDocumentKind | None = None,
    status: InventoryDocumentStatus | None = None,
) -> QuerySet[InventoryDocument]:
    return visible_documents(
        principal,
        partner_id=await partner_scope(principal, partner_code),
        kind=kind,
        status=status,
    )


async def get_document(
    principal: Principal, document_id: int, *, lock: bool = False
) -> InventoryDocument:
    query = visible_to(principal, InventoryDocument).filter(id=document_id)
    if lock and is_postgres():
        query = query.select_for_update()
    document = await query.first()
    if document is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such inventory document.", ["id"])
    return document


async def lines_of_documents(
    manufacturer_id: int, document_ids: list[int]
) -> list[list[InventoryDocumentLine]]:
    """The lines of each document, in line order (one statement)."""
    lines = await InventoryDocumentLine.filter(
        manufacturer_id=manufacturer_id, document_id__in=list(document_ids)
    ).order_by("id")
    return group_under(document_ids, lines, lambda line: line.document_id)


def _reason(
    kind: InventoryDocumentKind, reason: InventoryDocumentReason | None, note: str
) -> InventoryDocumentReason:
    if reason is None:
        if kind is Kind.OPENING_STOCK:
            return Reason.OPENING_BALANCE
        raise DomainError(
            ErrorCode.REQUIRED, f"A {kind.value} document needs a reason.", ["reason"]
        )
    if reason not in REASONS[kind]:
        allowed = ", ".join(sorted(r.value for r in REASONS[kind]))
        raise DomainError(
            ErrorCode.INVALID, f"{kind.value} takes one of the reasons {allowed}.", ["reason"]
        )
    if reason is Reason.OTHER and not note:
        raise DomainError(ErrorCode.REQUIRED, "Reason OTHER needs a note.", ["note"])
    return reason


async def _lines(principal: Principal, lines: list[DocumentLineInput]) -> list[tuple[Product, int]]:
    if not lines:
        raise DomainError(ErrorCode.REQUIRED, "A document has at least one line.", ["lines"])
    if len(lines) > MAX_DOCUMENT_LINES:
        raise DomainError(
            ErrorCode.TOO_MANY_LINES,
            f"A document has at most {MAX_DOCUMENT_LINES} lines.",
            ["lines"],
        )
    skus = [clean_code(x.sku, ["lines", str(i), "sku"]) for i, x in enumerate(lines)]
    found = {
        p.sku: p
        for p in await Product.filter(manufacturer_id=principal.manufacturer_id, sku__in=skus)
    }
    seen: set[str] = set()
    checked: list[tuple[Product, int]] = []
    for index, (sku, line) in enumerate(zip(skus, lines, strict=True)):
        field = ["lines", str(index)]
        product = found.get(sku)
        if product is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"No product with SKU '{sku}'.", [*field, "sku"])
        if sku in seen:
            raise DomainError(
                ErrorCode.INVALID, f"{sku} is on the document twice.", [*field, "sku"]
            )
        seen.add(sku)
        if product.serial_controlled:
            raise DomainError(
                ErrorCode.SERIALS_MISMATCH,
                f"{sku} is serial-controlled: its units move by shipments, transfers "
                "and inventory checks.",
                [*field, "sku"],
            )
        check_quantity(line.quantity, [*field, "quantity"])
        checked.append((product, line.quantity))
    return checked


async def _post(
    document: InventoryDocument, lines: list[InventoryDocumentLine], token_id: int | None
) -> None:
    """The document's ledger entries, in the caller's transaction."""
    m = document.manufacturer_id
    warehouse = await Warehouse.get(manufacturer_id=m, id=document.warehouse_id)
    kind = LedgerKind.OPENING if document.kind is Kind.OPENING_STOCK else LedgerKind.ADJUSTMENT
    sign = -1 if document.kind is Kind.OUTBOUND else 1
    reason = ledger_reason(document.kind, document.reason)
    await post(
        m,
        [
            Movement(
                warehouse,
                line.product_id,
                sign * line.quantity,
                kind,
                document.business_date,
                reason=reason,
            )
            for line in lines
        ],
        source=(SOURCE, document.id),
        token_id=token_id,
    )
    document.status = Status.POSTED
    document.posted_at = datetime.now(UTC)


async def _event(document: InventoryDocument, event_type: str, **data: object) -> None:
    await OutboxEvent.create(
        manufacturer_id=document.manufacturer_id,
        event_type=event_type,
        payload={
            "documentId": str(document.id),
            "kind": document.kind.value,
            "reason": document.reason.value,
            "status": document.status.value,
            "warehouseId": str(document.warehouse_id),
            "partnerId": str(document.partner_id),
            "businessDate": document.business_date.isoformat(),
            "totalQuantity": document.total_quantity,
            **data,
        },
        dedupe_key=f"{event_type}:{document.id}",
    )


async def record_inventory_document(
    principal: Principal,
    queue: JobQueue | None,
    *,
    kind: InventoryDocumentKind,
    warehouse_code: str,
    lines: list[DocumentLineInput],
    reason: InventoryDocumentReason | None = None,
    business_date: date | None = None,
    document_no: str | None = None,
    note: str | None = None,
    idempotency_key: str | None = None,
) -> InventoryDocument:
    """Record a document: posted at once, or ``PENDING_APPROVAL`` over the threshold."""
    principal.require(Action.MOVE_STOCK)
    day = business_date or today()
    request = {
        "kind": kind,
        "warehouse": warehouse_code,
        "reason": reason,
        "day": day,
        "documentNo": document_no,
        "note": note,
        "lines": [(x.sku, x.quantity) for x in lines],
    }

    async def create() -> InventoryDocument:
        clean_note = clean_text(note or "", ["note"], max_length=500, required=False)
        why = _reason(kind, reason, clean_note)
        number = clean_text(document_no or "", ["documentNo"], max_length=64, required=False)
        check_business_date(day, ["businessDate"])
        if day > today():
            raise DomainError(
                ErrorCode.DATE_OUT_OF_RANGE, "businessDate is in the future.", ["businessDate"]
            )
        warehouse = await get_warehouse(principal, clean_code(warehouse_code, "warehouseCode"))
        if warehouse.partner_id is None or warehouse.kind is WarehouseKind.CONSIGNMENT:
            raise DomainError(
                ErrorCode.INVALID,
                "Inventory documents are recorded for the partner's own warehouses"
                " (a consignment warehouse's stock is the manufacturer's: its contracts"
                " and adjustments move it).",
                ["warehouseCode"],
            )
        if not warehouse.active:
            raise DomainError(
                ErrorCode.INACTIVE, "The warehouse is deactivated.", ["warehouseCode"]
            )
        checked = await _lines(principal, lines)
        m = principal.manufacturer_id
        settings = await settings_of(m)
        total = sum(quantity for _, quantity in checked)
        threshold = settings.document_approval_threshold
        pending = threshold > 0 and total > threshold
        if pending and kind is Kind.OUTBOUND:  # refused now rather than at approval
            await require_in_stock(
                m,
                warehouse.id,
                [(p, q, ["lines", str(i), "quantity"]) for i, (p, q) in enumerate(checked)],
            )
        async with in_transaction():
            if kind is Kind.OPENING_STOCK:
                await _require_no_opening_stock(warehouse)
            document = await InventoryDocument.create(
                manufacturer_id=m,
                partner_id=warehouse.partner_id,
                warehouse_id=warehouse.id,
                kind=kind,
                reason=why,
                document_no=number,
                business_date=day,
                period=period_of(day, settings.period_granularity),
                status=Status.PENDING_APPROVAL if pending else Status.POSTED,
                total_quantity=total,
                note=clean_note,
                token_id=principal.token_id,
            )
            await InventoryDocumentLine.bulk_create(
                [
                    InventoryDocumentLine(
                        manufacturer_id=m,
                        document_id=document.id,
                        product_id=product.id,
                        quantity=quantity,
                    )
                    for product, quantity in checked
                ]
            )
            if not pending:
                await _post(document, await _document_lines(document), principal.token_id)
                await save_fields(document, "status", "posted_at")
            await _event(document, DOCUMENT_RECORDED, lines=len(checked))
            if not pending:
                await _event(document, DOCUMENT_POSTED)
        return document

    document = await idempotent(
        principal,
        "recordInventoryDocument",
        idempotency_key,
        request,
        create=create,
        model=InventoryDocument,
    )
    if queue is not None and document.status is Status.POSTED:
        await request_reconcile(queue)
    return document


async def _require_no_opening_stock(warehouse: Warehouse) -> None:
    """One live opening stock per warehouse; on PostgreSQL the warehouse row is locked
    first, so that two concurrent opening documents cannot both pass."""
    m = warehouse.manufacturer_id
    if is_postgres():
        await Warehouse.filter(manufacturer_id=m, id=warehouse.id).select_for_update().first()
    if await InventoryDocument.exists(
        manufacturer_id=m,
        warehouse_id=warehouse.id,
        kind=Kind.OPENING_STOCK,
        status__in=[Status.POSTED, Status.PENDING_APPROVAL],
    ):
        raise DomainError(
            ErrorCode.ALREADY_EXISTS,
            f"Warehouse {warehouse.code} has its opening stock; record INBOUND or "
            "OUTBOUND documents, or count it.",
            ["warehouseCode"],
        )


async def _document_lines(document: InventoryDocument) -> list[InventoryDocumentLine]:
    return await InventoryDocumentLine.filter(
        manufacturer_id=document.manufacturer_id, document_id=document.id
    ).order_by("id")


@retried_on_conflict
async def review_inventory_document(
    principal: Principal,
    queue: JobQueue | None,
    document_id: int,
    *,
    approve: bool,
    note: str | None = None,
) -> InventoryDocument:
    """Approve (the entries post, dated the document's business date) or reject (a note
    is required; nothing posts) a ``PENDING_APPROVAL`` document."""
    principal.require(Action.REVIEW_CHECKS)
    clean_note = clean_text(note or "", ["note"], max_length=500, required=False)
    if not approve and not clean_note:
        raise DomainError(ErrorCode.REQUIRED, "A rejection needs a note.", ["note"])
    async with in_transaction():
        document = await get_document(principal, document_id, lock=True)
        if document.status is not Status.PENDING_APPROVAL:
            raise DomainError(
                ErrorCode.INVALID_STATE, f"The document is {document.status.value}.", ["id"]
            )
        document.reviewed_at = datetime.now(UTC)
        document.review_note = clean_note
        if approve:
            await _post(document, await _document_lines(document), principal.token_id)
            await save_fields(document, "status", "posted_at", "reviewed_at", "review_note")
            await _event(document, DOCUMENT_POSTED)
        else:
            document.status = Status.REJECTED
            await save_fields(document, "status", "reviewed_at", "review_note")
            await _event(document, DOCUMENT_REJECTED, note=clean_note)
    if approve and queue is not None:
        await request_reconcile(queue)
    return document
