"""Transfers between warehouses: ``REQUESTED → APPROVED → SHIPPED → RECEIVED`` or
``CANCELLED``/``REJECTED``.

Intra-partner transfers are approved at once; inter-partner ones by a channel manager.
Raising checks the source holds the quantity and shipping deducts it (``INSUFFICIENT_STOCK``
changes nothing; :mod:`portal.domain.ledger.stock`) and puts the
quantity in transit; receiving credits the destination, at once where the manufacturer
enabled auto-receive. A transfer to a downstream partner (whose parent is the sender) is
the sender's sell-through and the receiver's sell-in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_business_date
from portal.domain.catalog.lookups import get_warehouse
from portal.domain.catalog.tenants import settings_of
from portal.domain.conflicts import retried_on_conflict
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.ledger import serials as serial_units
from portal.domain.ledger.posting import Movement, arrive, lock_balances, move_in_transit, post
from portal.domain.ledger.shipments import LineInput, clean_lines, require_lines_in_stock
from portal.domain.orders.completion import complete_received
from portal.domain.tenancy import save_fields
from portal.models import Partner, Product, Transfer, TransferLine, Warehouse
from portal.models.enums import LedgerKind, ReceiptMode, TransferStatus


def visible_transfers(
    principal: Principal, status: TransferStatus | None = None
) -> QuerySet[Transfer]:
    principal.require(Action.VIEW_INVENTORY)
    transfers = Transfer.filter(manufacturer_id=principal.manufacturer_id)
    if principal.is_partner:
        transfers = transfers.filter(
            Q(from_partner_id=principal.partner_id) | Q(to_partner_id=principal.partner_id)
        )
    if status is not None:
        transfers = transfers.filter(status=status)
    return transfers


async def raise_transfer(
    principal: Principal,
    *,
    from_warehouse_code: str,
    to_warehouse_code: str,
    to_partner_code: str | None = None,
    lines: list[LineInput],
    idempotency_key: str | None = None,
    approved: bool = False,
) -> Transfer:
    """``approved``: the request is approved already (an order's shipping notice is the
    supplier's approval of what its customer asked for)."""
    principal.require(Action.MOVE_STOCK)
    request: dict[str, Any] = {
        "from": from_warehouse_code,
        "to": to_warehouse_code,
        "toPartner": to_partner_code,
        "lines": [vars(line) for line in lines],
    }

    async def create() -> Transfer:
        source = await get_warehouse(principal, from_warehouse_code, "fromWarehouseCode")
        if source.partner_id is None:
            raise DomainError(
                ErrorCode.INVALID, "Transfers start at a partner warehouse.", ["fromWarehouseCode"]
            )
        from_partner_id: int = source.partner_id
        if to_partner_code:
            to_partner = await Partner.get_or_none(
                manufacturer_id=principal.manufacturer_id, code=to_partner_code
            )
            if to_partner is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND,
                    f"No partner with code '{to_partner_code}'.",
                    ["toPartnerCode"],
                )
        else:
            to_partner = await Partner.get(
                manufacturer_id=principal.manufacturer_id, id=from_partner_id
            )
        target = await get_warehouse(
            principal, to_warehouse_code, "toWarehouseCode", own_only=False
        )
        if target.partner_id != to_partner.id:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                f"No warehouse with code '{to_warehouse_code}'.",
                ["toWarehouseCode"],
            )
        if target.id == source.id:
            raise DomainError(
                ErrorCode.INVALID, "Source and destination are the same.", ["toWarehouseCode"]
            )
        cleaned = await clean_lines(principal, lines)
        await require_lines_in_stock(principal.manufacturer_id, source.id, cleaned)
        intra = to_partner.id == from_partner_id
        async with in_transaction():
            transfer = await Transfer.create(
                manufacturer_id=principal.manufacturer_id,
                from_partner_id=from_partner_id,
                from_warehouse=source,
                to_partner=to_partner,
                to_warehouse=target,
                status=TransferStatus.APPROVED if intra or approved else TransferStatus.REQUESTED,
            )
            await TransferLine.bulk_create(
                [
                    TransferLine(
                        manufacturer_id=transfer.manufacturer_id,
                        transfer=transfer,
                        product=ln.product,
                        quantity=ln.quantity,
                        serials=ln.serials,
                        batch_no=ln.batch_no,
                    )
                    for ln in cleaned
                ]
            )
        return transfer

    return await idempotent(
        principal, "raiseTransfer", idempotency_key, request, create=create, model=Transfer
    )


async def _locked(principal: Principal, transfer_id: int, allowed: set[TransferStatus]) -> Transfer:
    query = visible_transfers(principal).filter(id=transfer_id)
    if is_postgres():
        query = query.select_for_update()
    transfer = await query.first()
    if transfer is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such transfer.", ["id"])
    if transfer.status not in allowed:
        raise DomainError(
            ErrorCode.INVALID_STATE, f"The transfer is {transfer.status.value}.", ["id"]
        )
    return transfer


def _require_side(principal: Principal, partner_id: int) -> None:
    if principal.is_partner and principal.partner_id != partner_id:
        raise DomainError(
            ErrorCode.INVALID_STATE, "Only the other side of the transfer can do this.", ["id"]
        )


async def approve_transfer(
    principal: Principal, transfer_id: int, *, reject: bool = False
) -> Transfer:
    principal.require(Action.APPROVE_MOVEMENTS)
    async with in_transaction():
        transfer = await _locked(principal, transfer_id, {TransferStatus.REQUESTED})
        transfer.status = TransferStatus.REJECTED if reject else TransferStatus.APPROVED
        await save_fields(transfer, "status")
    return transfer


async def reject_transfer(principal: Principal, transfer_id: int) -> Transfer:
    """The manufacturer declines an inter-partner request; nothing moves."""
    return await approve_transfer(principal, transfer_id, reject=True)


async def cancel_transfer(principal: Principal, transfer_id: int) -> Transfer:
    principal.require(Action.MOVE_STOCK)
    async with in_transaction():
        transfer = await _locked(
            principal, transfer_id, {TransferStatus.REQUESTED, TransferStatus.APPROVED}
        )
        _require_side(principal, transfer.from_partner_id)
        transfer.status = TransferStatus.CANCELLED
        await save_fields(transfer, "status")
    return transfer


async def _is_downstream(transfer: Transfer) -> bool:
    receiver = await Partner.get(
        manufacturer_id=transfer.manufacturer_id, id=transfer.to_partner_id
    )
    return receiver.parent_id == transfer.from_partner_id


@retried_on_conflict
async def ship_transfer(
    principal: Principal, transfer_id: int, *, shipped_on: date | None = None
) -> Transfer:
    principal.require(Action.MOVE_STOCK)
    day = check_business_date(shipped_on or datetime.now(UTC).date(), ["shippedOn"])
    async with in_transaction():
        transfer = await _locked(principal, transfer_id, {TransferStatus.APPROVED})
        _require_side(principal, transfer.from_partner_id)
        source = await Warehouse.get(
            manufacturer_id=transfer.manufacturer_id, id=transfer.from_warehouse_id
        )
        target = await Warehouse.get(
            manufacturer_id=transfer.manufacturer_id, id=transfer.to_warehouse_id
        )
        lines = await TransferLine.filter(
            manufacturer_id=transfer.manufacturer_id, transfer_id=transfer.id
        )
        await lock_balances(
            transfer.manufacturer_id, [(w, ln.product_id) for w in (source, target) for ln in lines]
        )
        kind = (
            LedgerKind.SELL_THROUGH if await _is_downstream(transfer) else LedgerKind.TRANSFER_OUT
        )
        await post(
            transfer.manufacturer_id,
            [
                Movement(
                    source, ln.product_id, -ln.quantity, kind, day, ln.serials, batch_no=ln.batch_no
                )
                for ln in lines
            ],
            source=("TRANSFER", transfer.id),
            token_id=principal.token_id,
        )
        for index, line in enumerate(lines):
            product = await Product.get(
                manufacturer_id=transfer.manufacturer_id, id=line.product_id
            )
            await serial_units.take_from_stock(
                product, line.serials, source, target, ["lines", str(index)]
            )
        await move_in_transit(
            transfer.manufacturer_id,
            [(target, ln.product_id, ln.quantity) for ln in lines],
        )
        transfer.status = TransferStatus.SHIPPED
        transfer.shipped_on = day
        await save_fields(transfer, "status", "shipped_on")
        if (await settings_of(transfer.manufacturer_id)).auto_receive_transfers:
            await _receive(transfer, target, lines, day, principal.token_id)
    return transfer


@retried_on_conflict
async def receive_transfer(
    principal: Principal, transfer_id: int, *, received_on: date | None = None
) -> Transfer:
    principal.require(Action.MOVE_STOCK)
    async with in_transaction():
        transfer = await _locked(principal, transfer_id, {TransferStatus.SHIPPED})
        _require_side(principal, transfer.to_partner_id)
        target = await Warehouse.get(
            manufacturer_id=transfer.manufacturer_id, id=transfer.to_warehouse_id
        )
        lines = await TransferLine.filter(
            manufacturer_id=transfer.manufacturer_id, transfer_id=transfer.id
        )
        await _receive(
            transfer,
            target,
            lines,
            check_business_date(received_on or datetime.now(UTC).date(), ["receivedOn"]),
            principal.token_id,
        )
    return transfer


async def receive_on_delivery(
    manufacturer_id: int, transfer_ids: list[int], delivered_on: date, token_id: int | None
) -> bool:
    """A delivery event for a partner supplier's shipping notice (its transfers): each one
    still ``SHIPPED`` is received now when the manufacturer's receipt mode is
    ``ON_DELIVERY`` (as sell-in shipments are); whether any was."""
    settings = await settings_of(manufacturer_id)
    if settings.shipment_receipt_mode is not ReceiptMode.ON_DELIVERY:
        return False
    received = False
    for transfer_id in sorted(transfer_ids):
        query = Transfer.filter(
            manufacturer_id=manufacturer_id, id=transfer_id, status=TransferStatus.SHIPPED
        )
        if is_postgres():
            query = query.select_for_update()
        transfer = await query.first()
        if transfer is None:
            continue
        target = await Warehouse.get(manufacturer_id=manufacturer_id, id=transfer.to_warehouse_id)
        lines = await TransferLine.filter(manufacturer_id=manufacturer_id, transfer_id=transfer.id)
        await _receive(transfer, target, lines, delivered_on, token_id)
        received = True
    return received


async def _receive(
    transfer: Transfer,
    target: Warehouse,
    lines: list[TransferLine],
    day: date,
    token_id: int | None,
) -> None:
    await arrive(
        transfer.manufacturer_id,
        target,
        lines,
        kind=LedgerKind.SELL_IN if await _is_downstream(transfer) else LedgerKind.TRANSFER_IN,
        day=day,
        source=("TRANSFER", transfer.id),
        token_id=token_id,
    )
    transfer.status = TransferStatus.RECEIVED
    transfer.received_on = day
    await save_fields(transfer, "status", "received_on")
    await complete_received(
        transfer.manufacturer_id,
        transfer.to_partner_id,
        transfer.from_partner_id,
        transfer.to_warehouse_id,
    )
