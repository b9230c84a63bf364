"""Manufacturer-approved adjustments with a reason code (corrections post through here)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum

from tortoise.transactions import in_transaction

from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_business_date
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.bounds.text import clean_text
from portal.domain.catalog.lookups import get_product, get_warehouse
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger.posting import Movement, post_one
from portal.models import LedgerEntry, Warehouse
from portal.models.enums import LedgerKind


class AdjustmentReason(str, Enum):
    DAMAGE = "DAMAGE"
    COUNT_CORRECTION = "COUNT_CORRECTION"
    RECONCILIATION = "RECONCILIATION"
    OTHER = "OTHER"


async def post_adjustment(
    principal: Principal,
    *,
    warehouse_code: str,
    sku: str,
    quantity: int,
    reason: AdjustmentReason,
    business_date: date | None = None,
) -> LedgerEntry:
    principal.require(Action.APPROVE_MOVEMENTS)
    check_quantity(quantity, ["quantity"], sign=Sign.NON_ZERO)
    day = check_business_date(business_date or datetime.now(UTC).date(), ["businessDate"])
    warehouse = await get_warehouse(principal, warehouse_code)
    product = await get_product(principal, sku)
    if product.serial_controlled:
        raise DomainError(
            ErrorCode.SERIALS_MISMATCH,
            "Serial-controlled stock is corrected by its documents.",
            ["sku"],
        )
    async with in_transaction():
        entry = await post_one(
            principal.manufacturer_id,
            Movement(
                warehouse,
                product.id,
                quantity,
                LedgerKind.ADJUSTMENT,
                day,
                reason=reason.value,
            ),
            source=("ADJUSTMENT", 0),
            token_id=principal.token_id,
        )
    return entry


async def reverse_entry(principal: Principal, entry_id: int, *, note: str = "") -> LedgerEntry:
    """Undo a ledger entry with an opposite one; an entry is reversed at most once."""
    principal.require(Action.APPROVE_MOVEMENTS)
    original = await LedgerEntry.get_or_none(id=entry_id, manufacturer_id=principal.manufacturer_id)
    if original is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such ledger entry.", ["id"])
    reason = clean_text(note, "note", max_length=40, required=False) or "REVERSAL"
    if original.serials:
        raise DomainError(
            ErrorCode.SERIALS_MISMATCH, "Serial movements are undone by their documents.", ["id"]
        )
    if original.reverses_id is not None:
        raise DomainError(
            ErrorCode.INVALID, "A reversal is not reversed; post a new entry.", ["id"]
        )
    async with in_transaction():
        if await LedgerEntry.exists(
            manufacturer_id=principal.manufacturer_id, reverses_id=original.id
        ):
            raise DomainError(ErrorCode.INVALID_STATE, "The entry is already reversed.", ["id"])
        warehouse = await Warehouse.get(
            manufacturer_id=principal.manufacturer_id, id=original.warehouse_id
        )
        entry = await post_one(
            principal.manufacturer_id,
            Movement(
                warehouse,
                original.product_id,
                -original.quantity,
                original.kind,
                datetime.now(UTC).date(),
                list(original.serials or []),
                reason=reason,
            ),
            source=(original.source_type, original.source_id),
            token_id=principal.token_id,
            reverses_id=original.id,
        )
    return entry
