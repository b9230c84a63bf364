"""Price protection: a list-price drop opens a program; partners holding stock bought
at the old price are made whole for the units the ledger proves they held.

    program = await announce_price_drop(manager, sku="SKU-A", new_price=Decimal("90"),
        effective_on=date(2026, 11, 1), claim_window_days=30, include_in_transit=True)
    units = await eligible_units(program)   # {(partner_id, warehouse_id): Eligible}

Announcing records the new list price in the price history (``product_price``, valid
from the effective date), opens the program (``price_protection.opened``) and puts one
``price_protection.reminder`` per affected partner (one with eligible units) in the
outbox, all in one transaction.

Eligible units per partner warehouse are the **calculated** inventory at the start of
the effective date: the partner-owned ledger entries dated before it (consignment stock
is the manufacturer's and never counts), plus, when the program includes them, the units
of sell-in shipments and of transfers (from another partner) to the warehouse shipped
before that date and not received before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from tortoise.functions import Sum
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_planning_date
from portal.domain.catalog.lookups import get_product
from portal.domain.catalog.products import check_price
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.models import (
    LedgerEntry,
    OutboxEvent,
    Partner,
    PriceProtectionProgram,
    ProductPrice,
    Shipment,
    ShipmentLine,
    Transfer,
    TransferLine,
    Warehouse,
)
from portal.models.enums import Owner, TransferStatus, WarehouseKind

MAX_WINDOW_DAYS = 365


@dataclass(frozen=True, slots=True)
class Eligible:
    partner_id: int
    warehouse_id: int
    on_hand: int
    in_transit: int

    @property
    def units(self) -> int:
        return max(self.on_hand, 0) + max(self.in_transit, 0)


def visible_programs(principal: Principal) -> QuerySet[PriceProtectionProgram]:
    """Every program of the manufacturer: a list-price drop is public to its partners
    (their drafts and claims stay their own)."""
    principal.require(Action.VIEW_INVENTORY)
    return PriceProtectionProgram.filter(manufacturer_id=principal.manufacturer_id)


def closes_on(program: PriceProtectionProgram) -> date:
    """The last day a claim of the program is accepted."""
    return program.effective_on + timedelta(days=program.claim_window_days)


async def eligible_units(program: PriceProtectionProgram) -> dict[tuple[int, int], Eligible]:
    """Per (partner, warehouse): the partner-owned units at the start of the effective
    date, from the ledger, plus the units in transit to it then when included."""
    m = program.manufacturer_id
    on_hand: dict[tuple[int, int], int] = {}
    for partner_id, warehouse_id, total in (
        await LedgerEntry.filter(
            manufacturer_id=m,
            product_id=program.product_id,
            owner=Owner.PARTNER,
            partner_id__isnull=False,
            business_date__lt=program.effective_on,
        )
        .annotate(total=Sum("quantity"))
        .group_by("partner_id", "warehouse_id")
        .values_list("partner_id", "warehouse_id", "total")
    ):
        on_hand[(int(partner_id), int(warehouse_id))] = int(total or 0)
    in_transit: dict[tuple[int, int], int] = {}
    if program.include_in_transit:
        shipments = {
            s_id: (p_id, w_id)
            for s_id, p_id, w_id, received_on in await Shipment.filter(
                manufacturer_id=m, shipped_on__lt=program.effective_on
            ).values_list("id", "partner_id", "warehouse_id", "received_on")
            if received_on is None or received_on >= program.effective_on
        }
        # Transfers between partners (a distributor's to its reseller too): out of the
        # source's ledger when shipped, into the target's when received.
        transfers = {
            t_id: (p_id, w_id)
            for t_id, p_id, w_id, received_on in await Transfer.filter(
                manufacturer_id=m,
                shipped_on__lt=program.effective_on,
                status__in=[TransferStatus.SHIPPED, TransferStatus.RECEIVED],
            ).values_list("id", "to_partner_id", "to_warehouse_id", "received_on")
            if received_on is None or received_on >= program.effective_on
        }
        targets = {w for _, w in shipments.values()} | {w for _, w in transfers.values()}
        consignment: set[int] = (
            {
                int(str(w))
                for w in await Warehouse.filter(
                    manufacturer_id=m, kind=WarehouseKind.CONSIGNMENT, id__in=sorted(targets)
                ).values_list("id", flat=True)
            }
            if targets
            else set()
        )
        moving: list[tuple[tuple[int, int], int]] = []
        if shipments:
            moving += [
                (shipments[shipment_id], int(quantity))
                for shipment_id, quantity in await ShipmentLine.filter(
                    manufacturer_id=m,
                    product_id=program.product_id,
                    shipment_id__in=list(shipments),
                ).values_list("shipment_id", "quantity")
            ]
        if transfers:
            moving += [
                (transfers[transfer_id], int(quantity))
                for transfer_id, quantity in await TransferLine.filter(
                    manufacturer_id=m,
                    product_id=program.product_id,
                    transfer_id__in=list(transfers),
                ).values_list("transfer_id", "quantity")
            ]
        for key, quantity in moving:
            if key[1] not in consignment:
                in_transit[key] = in_transit.get(key, 0) + quantity
    return {
        key: Eligible(key[0], key[1], on_hand.get(key, 0), in_transit.get(key, 0))
        for key in sorted(set(on_hand) | set(in_transit))
        if max(on_hand.get(key, 0), 0) + in_transit.get(key, 0) > 0
    }


async def announce_price_drop(
    principal: Principal,
    *,
    sku: str,
    new_price: Decimal,
    effective_on: date,
    claim_window_days: int,
    include_in_transit: bool = False,
    idempotency_key: str | None = None,
) -> PriceProtectionProgram:
    """Record the dropped list price from ``effective_on`` and open its program."""
    principal.require(Action.MANAGE_AGREEMENTS)
    request = {
        "sku": sku,
        "newPrice": str(new_price),
        "effectiveOn": effective_on,
        "window": claim_window_days,
        "inTransit": include_in_transit,
    }

    async def create() -> PriceProtectionProgram:
        product = await get_product(principal, sku)
        price = check_price(new_price, "newPrice")
        check_planning_date(effective_on, ["effectiveOn"])
        if not 0 <= claim_window_days <= MAX_WINDOW_DAYS:
            raise DomainError(
                ErrorCode.INVALID,
                f"claimWindowDays is 0 to {MAX_WINDOW_DAYS}.",
                ["claimWindowDays"],
            )
        m = principal.manufacturer_id
        async with in_transaction():
            old = (
                await ProductPrice.filter(
                    manufacturer_id=m, product_id=product.id, valid_from__lt=effective_on
                )
                .order_by("-valid_from")
                .first()
            )
            if old is None:
                raise DomainError(
                    ErrorCode.INVALID,
                    f"{product.sku} has no list price before {effective_on.isoformat()}.",
                    ["effectiveOn"],
                )
            if price >= old.price:
                raise DomainError(
                    ErrorCode.INVALID,
                    f"newPrice must be below the current list price {old.price}.",
                    ["newPrice"],
                )
            if await PriceProtectionProgram.exists(
                manufacturer_id=m, product_id=product.id, effective_on=effective_on
            ):
                raise DomainError(
                    ErrorCode.ALREADY_EXISTS,
                    f"A price drop of {product.sku} is announced for that date already.",
                    ["effectiveOn"],
                )
            entry, created = await ProductPrice.get_or_create(
                manufacturer_id=m,
                product_id=product.id,
                valid_from=effective_on,
                defaults={"price": price, "currency": old.currency},
            )
            if not created:
                await ProductPrice.filter(manufacturer_id=m, id=entry.id).update(
                    price=price, currency=old.currency
                )
            program = await PriceProtectionProgram.create(
                manufacturer_id=m,
                product_id=product.id,
                sku=product.sku,
                old_price=old.price,
                new_price=price,
                currency=old.currency,
                effective_on=effective_on,
                claim_window_days=claim_window_days,
                include_in_transit=include_in_transit,
                token_id=principal.token_id,
            )
            await _announce(program)
        return program

    return await idempotent(
        principal,
        "announcePriceDrop",
        idempotency_key,
        request,
        create=create,
        model=PriceProtectionProgram,
    )


async def _announce(program: PriceProtectionProgram) -> None:
    m = program.manufacturer_id
    base = {
        "programId": str(program.id),
        "sku": program.sku,
        "oldPrice": str(program.old_price),
        "newPrice": str(program.new_price),
        "currency": program.currency,
        "effectiveOn": program.effective_on.isoformat(),
        "closesOn": closes_on(program).isoformat(),
    }
    await OutboxEvent.create(
        manufacturer_id=m,
        event_type="price_protection.opened",
        dedupe_key=f"price_protection.opened:{program.id}",
        payload=base,
    )
    per_partner: dict[int, int] = {}
    for found in (await eligible_units(program)).values():
        per_partner[found.partner_id] = per_partner.get(found.partner_id, 0) + found.units
    codes = dict(
        await Partner.filter(manufacturer_id=m, id__in=list(per_partner)).values_list("id", "code")
    )
    await OutboxEvent.bulk_create(
        [
            OutboxEvent(
                manufacturer_id=m,
                event_type="price_protection.reminder",
                dedupe_key=f"price_protection.reminder:{program.id}:{partner_id}",
                payload={**base, "partnerCode": codes[partner_id], "eligibleUnits": units},
            )
            for partner_id, units in sorted(per_partner.items())
        ]
    )
