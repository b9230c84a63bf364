"""The exception workflow: ``OPEN -> INVESTIGATING -> RESOLVED`` with an owner, a reason
and comments; a resolution may carry an approved correction that posts an ``ADJUSTMENT``
(after which the row is recomputed). Partners see and comment on their own exceptions.
Every change is kept in the audit trail (``ExceptionEvent``)."""

from __future__ import annotations

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.text import NOTE, clean_text, has_bad_characters
from portal.domain.catalog.lookups import get_product, get_warehouse, partner_scope
from portal.domain.catalog.tenants import settings_of
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.incentives.price_protection_held import record_revalidations
from portal.domain.ledger.adjustments import AdjustmentReason, post_adjustment
from portal.domain.periods import parse_period
from portal.domain.reconciliation.recompute import recompute
from portal.domain.tenancy import joined, save_fields, visible_to
from portal.models import ExceptionEvent, Product, ReconciliationRow, Warehouse
from portal.models.enums import ExceptionReason, ExceptionStatus, ReconciliationStatus

TRANSITIONS = {
    ExceptionStatus.OPEN: {ExceptionStatus.INVESTIGATING, ExceptionStatus.RESOLVED},
    ExceptionStatus.INVESTIGATING: {ExceptionStatus.RESOLVED, ExceptionStatus.OPEN},
    ExceptionStatus.RESOLVED: {ExceptionStatus.OPEN},
}


PARENTS = ("partner", "warehouse", "product")  # what a row shows, joined in one statement


def visible_rows(principal: Principal) -> QuerySet[ReconciliationRow]:
    principal.require(Action.VIEW_INVENTORY)
    rows = visible_to(principal, ReconciliationRow)
    return rows


async def update_exception(
    principal: Principal,
    row_id: int,
    *,
    status: ExceptionStatus | None = None,
    owner_email: str | None = None,
    reason: ExceptionReason | None = None,
    note: str | None = None,
    correction_quantity: int | None = None,
) -> ReconciliationRow:
    principal.require(Action.COMMENT_EXCEPTIONS)
    row = await visible_rows(principal).get_or_none(id=row_id)
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such reconciliation row.", ["rowId"])
    managing = any(v is not None for v in (status, owner_email, reason, correction_quantity))
    if principal.is_partner and managing:
        raise DomainError(
            ErrorCode.ROLE_NOT_ALLOWED, "Partners may only comment on exceptions.", ["rowId"]
        )
    if managing:
        principal.require(Action.APPROVE_MOVEMENTS)
    if row.exception_status is None and managing:
        raise DomainError(ErrorCode.INVALID_STATE, "This row has no exception.", ["rowId"])
    if (
        status is not None
        and status is not row.exception_status
        and status not in TRANSITIONS[row.exception_status]
    ):
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"An exception goes from {row.exception_status.value} to "
            f"{', '.join(sorted(s.value for s in TRANSITIONS[row.exception_status]))}.",
            ["status"],
        )
    if correction_quantity is not None and correction_quantity == 0:
        raise DomainError(
            ErrorCode.INVALID, "A correction moves a non-zero quantity.", ["correctionQuantity"]
        )
    if owner_email is not None and (
        len(owner_email) > 200
        or (owner_email and "@" not in owner_email)
        or has_bad_characters(owner_email)
    ):
        raise DomainError(ErrorCode.INVALID, "ownerEmail is an email address.", ["ownerEmail"])
    clean_note = clean_text(note, "note", max_length=NOTE, required=False, multiline=True) or None
    events: list[tuple[str, dict[str, object]]] = []
    async with in_transaction():
        query = ReconciliationRow.filter(manufacturer_id=row.manufacturer_id, id=row.id)
        if is_postgres():
            query = query.select_for_update()
        row = await query.get()
        if correction_quantity is not None:
            warehouse = await Warehouse.get(
                manufacturer_id=row.manufacturer_id, id=row.warehouse_id
            )
            product = await Product.get(manufacturer_id=row.manufacturer_id, id=row.product_id)
            settings = await settings_of(principal.manufacturer_id)
            period = parse_period(row.period, settings.period_granularity)
            entry = await post_adjustment(
                principal,
                warehouse_code=warehouse.code,
                sku=product.sku,
                quantity=correction_quantity,
                reason=AdjustmentReason.RECONCILIATION,
                business_date=period.end,
            )
            events.append(
                ("CORRECTED", {"quantity": correction_quantity, "ledgerEntryId": entry.id})
            )
        if status is not None and status is not row.exception_status:
            events.append(
                (
                    "STATUS",
                    {
                        "from": row.exception_status.value if row.exception_status else None,
                        "to": status.value,
                    },
                )
            )
            row.exception_status = status
        if owner_email is not None and owner_email != row.owner_email:
            events.append(("OWNER", {"from": row.owner_email, "to": owner_email or None}))
            row.owner_email = owner_email or None
        if reason is not None and reason is not row.reason:
            events.append(
                ("REASON", {"from": row.reason.value if row.reason else None, "to": reason.value})
            )
            row.reason = reason
        if clean_note:
            events.append(("COMMENT", {"note": clean_note}))
        await save_fields(row, "exception_status", "owner_email", "reason")
        if row.exception_status is ExceptionStatus.RESOLVED:
            # Held price-protection lines of the row's warehouse and SKU: revalidated.
            await record_revalidations(row.manufacturer_id, {(row.warehouse_id, row.product_id)})
        for action, details in events:
            await ExceptionEvent.create(
                manufacturer_id=row.manufacturer_id,
                row=row,
                token_id=principal.token_id,
                partner_id=principal.partner_id,
                action=action,
                details=details,
            )
    if correction_quantity is not None:
        settings = await settings_of(principal.manufacturer_id)
        start = parse_period(row.period, settings.period_granularity).start
        await recompute(principal.manufacturer_id, {(row.warehouse_id, row.product_id): start})
    rows = ReconciliationRow.filter(manufacturer_id=row.manufacturer_id, id=row.id)
    return await joined(rows, row.manufacturer_id, *PARENTS).get()


SORTS = {
    "ABS_GAP_DESC": ("-abs_gap", "id"),
    "GAP_VALUE_DESC": ("-gap_value", "id"),
    "PARTNER_SKU": ("partner_id", "warehouse_id", "product_id"),
}


async def find_rows(
    principal: Principal,
    *,
    period: str,
    partner_code: str | None = None,
    only_exceptions: bool = False,
    min_gap: int | None = None,
    sku: str | None = None,
    warehouse_code: str | None = None,
    sort: str = "ABS_GAP_DESC",
) -> QuerySet[ReconciliationRow]:
    settings = await settings_of(principal.manufacturer_id)
    rows = visible_rows(principal).filter(
        period=parse_period(period, settings.period_granularity).name
    )
    partner_id = await partner_scope(principal, partner_code)
    if partner_id is not None:
        rows = rows.filter(partner_id=partner_id)
    if only_exceptions:
        rows = rows.filter(status=ReconciliationStatus.EXCEPTION)
    if min_gap is not None:
        rows = rows.filter(abs_gap__gte=min_gap)
    if sku:
        rows = rows.filter(product_id=(await get_product(principal, sku)).id)
    if warehouse_code:
        rows = rows.filter(warehouse_id=(await get_warehouse(principal, warehouse_code)).id)
    return joined(rows.order_by(*SORTS[sort]), principal.manufacturer_id, *PARENTS)
