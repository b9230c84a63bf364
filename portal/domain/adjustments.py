"""Manufacturer-approved adjustments with a reason code (corrections post through here)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum

from tortoise.transactions import in_transaction

from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger import Movement, post
from portal.domain.lookups import get_product, get_warehouse
from portal.domain.principal import Action, Principal
from portal.models import LedgerEntry
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
    if quantity == 0:
        raise DomainError(
            ErrorCode.INVALID, "An adjustment moves a non-zero quantity.", ["quantity"]
        )
    warehouse = await get_warehouse(principal, warehouse_code)
    product = await get_product(principal, sku)
    if product.serial_controlled:
        raise DomainError(
            ErrorCode.SERIALS_MISMATCH,
            "Serial-controlled stock is corrected by its documents.",
            ["sku"],
        )
    async with in_transaction():
        [entry] = await post(
            principal.manufacturer_id,
            [
                Movement(
                    warehouse,
                    product.id,
                    quantity,
                    LedgerKind.ADJUSTMENT,
                    business_date or datetime.now(UTC).date(),
                    reason=reason.value,
                )
            ],
            source=("ADJUSTMENT", 0),
            token_id=principal.token_id,
        )
    return entry
