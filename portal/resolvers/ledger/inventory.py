"""Resolvers of stock balances, ledger history, shipments and transfers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from strawberry.types import Info

from portal.domain.access.principal import Principal
from portal.domain.ledger import balances as inventory
from portal.domain.ledger import shipments, transfers
from portal.domain.pagination import paginate
from portal.models import Transfer as TransferModel
from portal.models.enums import ShipmentStatus as ShipmentStatusModel
from portal.models.enums import TransferStatus as TransferStatusModel
from portal.resolvers.helpers import line_inputs, object_id, page_limit
from portal.schema.common import Connection, attempt, to_connection
from portal.schema.ledger.inventory import (
    BatchBalance,
    LedgerEntry,
    RaiseTransferInput,
    ReceiveShipmentInput,
    RecordShipmentInput,
    Shipment,
    ShipmentPayload,
    ShipmentStatus,
    StockBalance,
    Transfer,
    TransferActionInput,
    TransferPayload,
    TransferStatus,
)


async def resolve_stock_balances(
    info: Info,
    partner_code: str | None = None,
    warehouse_code: str | None = None,
    sku: str | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[StockBalance]:
    query = await inventory.visible_balances(
        info.context.principal, partner_code=partner_code, warehouse_code=warehouse_code, sku=sku
    )
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, StockBalance.from_model, after)


async def resolve_batch_balances(
    info: Info, sku: str, warehouse_code: str | None = None
) -> list[BatchBalance]:
    rows = await inventory.visible_batches(
        info.context.principal, sku=sku, warehouse_code=warehouse_code
    )
    return [BatchBalance.from_model(b) for b in rows]


async def resolve_ledger_entries(
    info: Info,
    warehouse_code: str,
    sku: str | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[LedgerEntry]:
    query = await inventory.movement_history(
        info.context.principal, warehouse_code=warehouse_code, sku=sku
    )
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, LedgerEntry.from_model, after)


async def resolve_shipments(
    info: Info,
    status: ShipmentStatus | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[Shipment]:
    query = shipments.visible_shipments(
        info.context.principal,
        ShipmentStatusModel(status.value) if status is not None else None,
    )
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, Shipment.from_model, after)


async def resolve_transfers(
    info: Info,
    status: TransferStatus | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[Transfer]:
    query = transfers.visible_transfers(
        info.context.principal, TransferStatusModel(status.value) if status else None
    )
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, Transfer.from_model, after)


async def record_shipment(info: Info, input: RecordShipmentInput) -> ShipmentPayload:
    shipment, errors = await attempt(
        lambda: shipments.record_shipment(
            info.context.principal,
            partner_code=input.partner_code,
            warehouse_code=input.warehouse_code,
            document_no=input.document_no,
            shipped_on=input.shipped_on,
            lines=line_inputs(input.lines),
            idempotency_key=input.idempotency_key,
        )
    )
    return ShipmentPayload(
        shipment=Shipment.from_model(shipment) if shipment is not None else None, errors=errors
    )


async def receive_shipment(info: Info, input: ReceiveShipmentInput) -> ShipmentPayload:
    shipment, errors = await attempt(
        lambda: shipments.receive_shipment(
            info.context.principal, object_id(input.id), received_on=input.received_on
        )
    )
    return ShipmentPayload(
        shipment=Shipment.from_model(shipment) if shipment is not None else None, errors=errors
    )


async def raise_transfer(info: Info, input: RaiseTransferInput) -> TransferPayload:
    transfer, errors = await attempt(
        lambda: transfers.raise_transfer(
            info.context.principal,
            from_warehouse_code=input.from_warehouse_code,
            to_warehouse_code=input.to_warehouse_code,
            to_partner_code=input.to_partner_code,
            lines=line_inputs(input.lines),
            idempotency_key=input.idempotency_key,
        )
    )
    return TransferPayload(
        transfer=Transfer.from_model(transfer) if transfer is not None else None, errors=errors
    )


Action = Callable[[Principal, int], Awaitable[TransferModel]]


def transfer_action(
    action: Action,
) -> Callable[[Info, TransferActionInput], Awaitable[TransferPayload]]:
    async def resolve(info: Info, input: TransferActionInput) -> TransferPayload:
        transfer, errors = await attempt(
            lambda: action(info.context.principal, object_id(input.id))
        )
        return TransferPayload(
            transfer=Transfer.from_model(transfer) if transfer is not None else None, errors=errors
        )

    return resolve


approve_transfer = transfer_action(transfers.approve_transfer)
reject_transfer = transfer_action(transfers.reject_transfer)
ship_transfer = transfer_action(transfers.ship_transfer)
receive_transfer = transfer_action(transfers.receive_transfer)
cancel_transfer = transfer_action(transfers.cancel_transfer)
