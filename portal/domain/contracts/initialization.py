"""Initialising a contract line: its quantity becomes the contract's, per type.

    contract = await initialize_contract_line(manager, line_id, on=date(2026, 10, 2))

SCS: the supply, a sell-in shipment into the partner's consignment warehouse (the
manufacturer stays the owner), received per the manufacturer's receipt mode; WDS: the
partner's purchase (bill and hold), a sell-in shipment into its logical deposit warehouse
at the manufacturer, owned by the partner, received at once
(:mod:`portal.domain.contracts.shipments`); the shipment's receipt initialises the line
and dates its reception. CDS: the supply deposit, an
``OWNERSHIP_TRANSFER`` from the partner to the end customer in the partner's warehouse
(the stock stays; the partner must hold it); WCS: the partner's transfer from one of its
warehouses (``from_warehouse_code``) to its logical warehouse at the customer's site;
WBS, CBS, DIS: activation, no stock moves. The first initialised line makes a ``DRAFT``
contract ``ACTIVE``; the line gets its reception date (SCS, WDS: its shipment's receipt).
"""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_business_date, today
from portal.domain.catalog.lookups import get_warehouse
from portal.domain.contracts.shipments import ship_line
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger.posting import Movement, post
from portal.domain.tenancy import save_fields, visible_to
from portal.models import InventoryContract, InventoryContractLine, Warehouse
from portal.models.enums import (
    InventoryContractStatus,
    InventoryContractType,
    LedgerKind,
    Owner,
    WarehouseKind,
)

T = InventoryContractType
SOURCE = "CONTRACT_LINE"


async def locked_line(
    principal: Principal, line_id: int
) -> tuple[InventoryContract, InventoryContractLine]:
    """A contract line the principal sees and its contract, locked on PostgreSQL, inside
    the caller's transaction; ``NOT_FOUND`` otherwise."""
    query = InventoryContractLine.filter(manufacturer_id=principal.manufacturer_id, id=line_id)
    if is_postgres():
        query = query.select_for_update()
    line = await query.first()
    contract = None
    if line is not None:
        contract = await visible_to(principal, InventoryContract).get_or_none(id=line.contract_id)
    if line is None or contract is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No contract line with this id.", ["lineId"])
    return contract, line


async def contract_warehouse(contract: InventoryContract) -> Warehouse:
    return await Warehouse.get(manufacturer_id=contract.manufacturer_id, id=contract.warehouse_id)


async def _stock_moves(
    principal: Principal,
    contract: InventoryContract,
    line: InventoryContractLine,
    day: date,
    from_warehouse_code: str | None,
) -> list[Movement]:
    q, p = line.quantity, line.product_id
    if contract.type in (T.WBS, T.CBS, T.DIS):
        return []
    place = await contract_warehouse(contract)
    if contract.type is T.CDS:
        return [
            Movement(place, p, -q, LedgerKind.OWNERSHIP_TRANSFER, day, owned_by=Owner.PARTNER),
            Movement(place, p, q, LedgerKind.OWNERSHIP_TRANSFER, day, owned_by=Owner.END_CUSTOMER),
        ]
    # WCS: the partner's own stock moves to its warehouse at the customer's site.
    if not from_warehouse_code:
        raise DomainError(
            ErrorCode.REQUIRED, "fromWarehouseCode is required for WCS.", ["fromWarehouseCode"]
        )
    source = await get_warehouse(
        principal, from_warehouse_code, "fromWarehouseCode", own_only=False
    )
    if (
        source.partner_id != contract.partner_id
        or source.kind is not WarehouseKind.OWNED
        or source.id == place.id
    ):
        raise DomainError(
            ErrorCode.INVALID,
            "WCS stock comes from another OWNED warehouse of the partner.",
            ["fromWarehouseCode"],
        )
    return [
        Movement(source, p, -q, LedgerKind.TRANSFER_OUT, day),
        Movement(place, p, q, LedgerKind.TRANSFER_IN, day),
    ]


async def initialize_contract_line(
    principal: Principal,
    line_id: int,
    *,
    on: date | None = None,
    from_warehouse_code: str | None = None,
) -> InventoryContract:
    principal.require(Action.MANAGE_CONTRACTS)
    day = check_business_date(on or today(), ["receptionDate"])
    async with in_transaction():
        contract, line = await locked_line(principal, line_id)
        if contract.status is InventoryContractStatus.ENDED:
            raise DomainError(ErrorCode.INVALID_STATE, "The contract has ended.", ["lineId"])
        if line.reception_date is not None or line.shipment_id is not None:
            raise DomainError(
                ErrorCode.INVALID_STATE, "The line is initialised already.", ["lineId"]
            )
        if contract.type in (T.SCS, T.WDS):
            await ship_line(principal, contract, line, await contract_warehouse(contract), day)
        else:
            moves = await _stock_moves(principal, contract, line, day, from_warehouse_code)
            await post(
                principal.manufacturer_id,
                moves,
                source=(SOURCE, line.id),
                token_id=principal.token_id,
            )
            line.initialized, line.reception_date = line.quantity, day
            await save_fields(line, "initialized", "reception_date")
        if contract.status is InventoryContractStatus.DRAFT:
            contract.status = InventoryContractStatus.ACTIVE
            await save_fields(contract, "status")
    return contract
