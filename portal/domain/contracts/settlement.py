"""Settling a contract's stock: ownership takeover, return, extension.

    await take_over_ownership(manager, line_id, 5)         # the partner buys it: a charge
    await return_contract_stock(manager, line_id, 5)       # sent back or released
    await extend_contract(manager, contract_id, date(2027, 3, 31))

Takeover: SCS, the consigned stock becomes the partner's where it is
(``OWNERSHIP_TRANSFER`` manufacturer → partner in the consignment warehouse), charged at
the contract price; WBS and DIS, the partner buys the buffer or indent (no stock of the
portal moves), charged; CDS, the re-purchase of the customer's deposit
(``OWNERSHIP_TRANSFER`` end customer → partner), not charged. WDS, WCS, CBS are the
partner's already: ``INVALID``. Return: SCS to the manufacturer and WDS back to it
(``RETURN_TO_MANUFACTURER`` of the owner's stock); WCS back in-house to
``to_warehouse_code`` (``TRANSFER_OUT``/``TRANSFER_IN``); WBS, CBS, DIS release the
quantity (no stock moves); CDS is the customer's: ``INVALID``. Both count on the line
(``takenOver``, ``returned``), write a call-off notification (source ``TAKEOVER`` or
``RETURN``) and are refused beyond ``remaining`` (``INSUFFICIENT_STOCK``); an ``ENDED``
contract may still be settled. Extension moves ``validTo`` later and makes an ``ENDED``
contract ``ACTIVE`` again.
"""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_business_date, check_planning_date, today
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.catalog.lookups import get_warehouse
from portal.domain.contracts.consumption import record_consumption
from portal.domain.contracts.initialization import contract_warehouse, locked_line
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger.posting import Movement
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
REASON = "CONTRACT_SETTLEMENT"


async def _settleable(
    principal: Principal, line_id: int, quantity: int
) -> tuple[InventoryContract, InventoryContractLine]:
    contract, line = await locked_line(principal, line_id)
    if contract.status is InventoryContractStatus.DRAFT or line.reception_date is None:
        raise DomainError(ErrorCode.INVALID_STATE, "The line is not initialised.", ["lineId"])
    check_quantity(quantity, ["quantity"], sign=Sign.POSITIVE)
    if quantity > line.remaining:
        raise DomainError(
            ErrorCode.INSUFFICIENT_STOCK,
            f"Only {line.remaining} remain on the line.",
            ["quantity"],
        )
    return contract, line


async def take_over_ownership(
    principal: Principal, line_id: int, quantity: int, *, on: date | None = None
) -> InventoryContract:
    principal.require(Action.MANAGE_CONTRACTS)
    day = check_business_date(on or today(), ["on"])
    async with in_transaction():
        contract, line = await _settleable(principal, line_id, quantity)
        p, q = line.product_id, quantity
        moves: list[Movement] = []
        if contract.type in (T.WDS, T.WCS, T.CBS):
            raise DomainError(ErrorCode.INVALID, "The partner owns this stock already.", ["lineId"])
        if contract.type in (T.SCS, T.CDS):
            place = await contract_warehouse(contract)
            before = Owner.MANUFACTURER if contract.type is T.SCS else Owner.END_CUSTOMER
            moves = [
                Movement(
                    place, p, -q, LedgerKind.OWNERSHIP_TRANSFER, day, reason=REASON, owned_by=before
                ),
                Movement(
                    place,
                    p,
                    q,
                    LedgerKind.OWNERSHIP_TRANSFER,
                    day,
                    reason=REASON,
                    owned_by=Owner.PARTNER,
                ),
            ]
        await record_consumption(
            contract,
            line,
            q,
            day,
            moves,
            source=("TAKEOVER", None),
            token_id=principal.token_id,
            counter="taken_over",
            charged=contract.type is not T.CDS,
        )
    return contract


async def return_contract_stock(
    principal: Principal,
    line_id: int,
    quantity: int,
    *,
    on: date | None = None,
    to_warehouse_code: str | None = None,
) -> InventoryContract:
    principal.require(Action.MANAGE_CONTRACTS)
    day = check_business_date(on or today(), ["on"])
    async with in_transaction():
        contract, line = await _settleable(principal, line_id, quantity)
        p, q = line.product_id, quantity
        moves: list[Movement] = []
        if contract.type is T.CDS:
            raise DomainError(
                ErrorCode.INVALID, "A customer deposit is the customer's: take it over.", ["lineId"]
            )
        if contract.type in (T.SCS, T.WDS):
            place = await contract_warehouse(contract)
            moves = [Movement(place, p, -q, LedgerKind.RETURN_TO_MANUFACTURER, day, reason=REASON)]
        elif contract.type is T.WCS:
            place = await contract_warehouse(contract)
            home = await _home(principal, contract, to_warehouse_code)
            moves = [
                Movement(place, p, -q, LedgerKind.TRANSFER_OUT, day, reason=REASON),
                Movement(home, p, q, LedgerKind.TRANSFER_IN, day, reason=REASON),
            ]
        await record_consumption(
            contract,
            line,
            q,
            day,
            moves,
            source=("RETURN", None),
            token_id=principal.token_id,
            counter="returned",
            charged=False,
        )
    return contract


async def _home(principal: Principal, contract: InventoryContract, code: str | None) -> Warehouse:
    if not code:
        raise DomainError(
            ErrorCode.REQUIRED, "toWarehouseCode is required for WCS.", ["toWarehouseCode"]
        )
    warehouse = await get_warehouse(principal, code, "toWarehouseCode", own_only=False)
    if (
        warehouse.partner_id != contract.partner_id
        or warehouse.kind is not WarehouseKind.OWNED
        or warehouse.id == contract.warehouse_id
    ):
        raise DomainError(
            ErrorCode.INVALID,
            "WCS stock comes back to another OWNED warehouse of the partner.",
            ["toWarehouseCode"],
        )
    return warehouse


async def extend_contract(
    principal: Principal, contract_id: int, valid_to: date
) -> InventoryContract:
    principal.require(Action.MANAGE_CONTRACTS)
    check_planning_date(valid_to, ["validTo"])
    async with in_transaction():
        query = visible_to(principal, InventoryContract).filter(id=contract_id)
        if is_postgres():
            query = query.select_for_update()
        contract = await query.first()
        if contract is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No contract with this id.", ["id"])
        if valid_to <= contract.valid_to:
            raise DomainError(
                ErrorCode.INVALID, "validTo must be after the current end.", ["validTo"]
            )
        contract.valid_to = valid_to
        if contract.status is InventoryContractStatus.ENDED:
            contract.status = InventoryContractStatus.ACTIVE
        await save_fields(contract, "valid_to", "status")
    return contract
