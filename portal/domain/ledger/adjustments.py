"""Manufacturer-approved adjustments with a reason code (corrections post through here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum

from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_business_date
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.bounds.text import clean_text
from portal.domain.catalog.lookups import get_product, get_warehouse
from portal.domain.conflicts import retried_on_conflict
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger import serials as serial_units
from portal.domain.ledger.posting import Movement, post, post_one
from portal.models import LedgerEntry, Product, SerialUnit, Warehouse
from portal.models.enums import LedgerKind, SerialStatus


class AdjustmentReason(str, Enum):
    DAMAGE = "DAMAGE"
    COUNT_CORRECTION = "COUNT_CORRECTION"
    RECONCILIATION = "RECONCILIATION"
    COUNT_VARIANCE = "COUNT_VARIANCE"  # posted by an approved inventory check, not by hand
    OTHER = "OTHER"


@dataclass(frozen=True, slots=True)
class CountVariance:
    """One product's variance of a count: ``quantity`` = counted - book; for a
    serial-controlled product the serials found (not in book) and missing (not counted)."""

    product: Product
    quantity: int
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


async def post_count_variances(
    manufacturer_id: int,
    warehouse: Warehouse,
    variances: list[CountVariance],
    *,
    day: date,
    source: tuple[str, int],
    token_id: int | None,
) -> None:
    """Post an approved count's variances as ``ADJUSTMENT`` entries with reason
    ``COUNT_VARIANCE``, dated the count date, in the caller's transaction.

    Missing serials leave the channel; found serials come into stock here, unless they are
    in stock or in transit elsewhere (``SERIAL_IN_STOCK``: that is a transfer to record).
    """
    reason = AdjustmentReason.COUNT_VARIANCE.value
    movements: list[Movement] = []
    for v in variances:
        if not v.product.serial_controlled:
            if v.quantity:
                movements.append(
                    Movement(
                        warehouse,
                        v.product.id,
                        v.quantity,
                        LedgerKind.ADJUSTMENT,
                        day,
                        reason=reason,
                    )
                )
            continue
        if v.missing:
            movements.append(
                Movement(
                    warehouse,
                    v.product.id,
                    -len(v.missing),
                    LedgerKind.ADJUSTMENT,
                    day,
                    list(v.missing),
                    reason=reason,
                )
            )
        if v.found:
            elsewhere = (
                await SerialUnit.filter(
                    manufacturer_id=manufacturer_id,
                    product_id=v.product.id,
                    serial__in=v.found,
                    status__in=[SerialStatus.IN_STOCK, SerialStatus.IN_TRANSIT],
                )
                .exclude(warehouse_id=warehouse.id)
                .values_list("serial", flat=True)
            )
            if elsewhere:
                raise DomainError(
                    ErrorCode.SERIAL_IN_STOCK,
                    f"Serial {sorted(elsewhere)[0]} of {v.product.sku} is booked elsewhere; "
                    "record the transfer first.",
                    ["id"],
                )
            movements.append(
                Movement(
                    warehouse,
                    v.product.id,
                    len(v.found),
                    LedgerKind.ADJUSTMENT,
                    day,
                    list(v.found),
                    reason=reason,
                )
            )
    await post(manufacturer_id, movements, source=source, token_id=token_id)
    for v in variances:
        if v.missing:
            await SerialUnit.filter(
                manufacturer_id=manufacturer_id,
                product_id=v.product.id,
                serial__in=v.missing,
                warehouse_id=warehouse.id,
            ).update(warehouse_id=None, status=SerialStatus.GONE)
        if v.found:
            known = {
                str(u.serial)
                for u in await SerialUnit.filter(
                    manufacturer_id=manufacturer_id, product_id=v.product.id, serial__in=v.found
                ).only("id", "serial")
            }
            for serial in v.found:
                if serial not in known:
                    await SerialUnit.create(
                        manufacturer_id=manufacturer_id,
                        product_id=v.product.id,
                        serial=serial,
                        warehouse_id=warehouse.id,
                        status=SerialStatus.IN_STOCK,
                    )
            await serial_units.arrive(v.product.id, v.found, warehouse)


@retried_on_conflict
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
    if reason is AdjustmentReason.COUNT_VARIANCE:
        raise DomainError(
            ErrorCode.INVALID,
            "COUNT_VARIANCE is posted by approving an inventory check.",
            ["reason"],
        )
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


@retried_on_conflict
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
        # concurrent reversals of one entry wait here for each other (no unique key can
        # hold ``reverses_id`` once: the ledger is partitioned by date), so each sees the
        # reversal the one before it wrote
        locked = LedgerEntry.filter(
            manufacturer_id=principal.manufacturer_id,
            business_date=original.business_date,
            id=original.id,
        )
        if is_postgres():
            await locked.select_for_update()
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
