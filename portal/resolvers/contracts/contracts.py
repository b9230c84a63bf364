"""Resolvers of inventory contracts: they clean the input and call the domain."""

from __future__ import annotations

from strawberry.types import Info

from portal.domain.catalog.lookups import partner_scope
from portal.domain.contracts import consumption, contracts, initialization, settlement
from portal.domain.pagination import paginate
from portal.models import InventoryContract as ContractModel
from portal.resolvers.helpers import object_id, page_limit
from portal.schema.common import Connection, UserError, attempt, to_connection
from portal.schema.contracts.types import (
    CallOffNotification,
    Charge,
    ContractLineActionInput,
    ContractQuantityInput,
    CreateInventoryContractInput,
    ExtendContractInput,
    InventoryContract,
    InventoryContractPayload,
    InventoryContractType,
    ReportConsumptionInput,
)


async def resolve_inventory_contracts(
    info: Info,
    partner_code: str | None = None,
    type: InventoryContractType | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[InventoryContract]:
    principal = info.context.principal
    query = contracts.visible_contracts(
        principal, partner_id=await partner_scope(principal, partner_code), contract_type=type
    )
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, InventoryContract.from_model, after)


def _payload(made: ContractModel | None, errors: list[UserError]) -> InventoryContractPayload:
    return InventoryContractPayload(
        inventory_contract=InventoryContract.from_model(made) if made is not None else None,
        errors=errors,
    )


async def create_inventory_contract(
    info: Info, input: CreateInventoryContractInput
) -> InventoryContractPayload:
    async def run() -> ContractModel:
        customer = input.end_customer
        return await contracts.create_inventory_contract(
            info.context.principal,
            partner_code=input.partner_code,
            contract_type=input.type,
            warehouse_code=input.warehouse_code,
            valid_from=input.valid_from,
            valid_to=input.valid_to,
            lines=[
                contracts.ContractLineInput(x.sku, x.quantity, x.unit_price) for x in input.lines
            ],
            customer=(customer.name, customer.country, customer.postal_code)
            if customer is not None
            else None,
            currency=input.currency,
            idempotency_key=input.idempotency_key,
        )

    made, errors = await attempt(run)
    return _payload(made, errors)


async def initialize_contract_line(
    info: Info, input: ContractLineActionInput
) -> InventoryContractPayload:
    made, errors = await attempt(
        lambda: initialization.initialize_contract_line(
            info.context.principal,
            object_id(input.line_id),
            on=input.reception_date,
            from_warehouse_code=input.from_warehouse_code,
        )
    )
    return _payload(made, errors)


async def resolve_call_off_notifications(
    info: Info,
    partner_code: str | None = None,
    period: str | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[CallOffNotification]:
    principal = info.context.principal
    query = consumption.visible_call_offs(
        principal, partner_id=await partner_scope(principal, partner_code), period=period
    )
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, CallOffNotification.from_model, after)


async def resolve_charges(
    info: Info,
    partner_code: str | None = None,
    period: str | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[Charge]:
    principal = info.context.principal
    query = consumption.visible_charges(
        principal, partner_id=await partner_scope(principal, partner_code), period=period
    )
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, Charge.from_model, after)


async def report_consumption(info: Info, input: ReportConsumptionInput) -> InventoryContractPayload:
    made, errors = await attempt(
        lambda: consumption.report_consumption(
            info.context.principal,
            contract_id=object_id(input.contract_id),
            lines=[
                consumption.ConsumptionInput(x.sku, x.quantity, x.consumed_on, x.end_customer_name)
                for x in input.lines
            ],
            to_warehouse_code=input.to_warehouse_code,
            idempotency_key=input.idempotency_key,
        )
    )
    return _payload(made, errors)


async def take_over_ownership(info: Info, input: ContractQuantityInput) -> InventoryContractPayload:
    made, errors = await attempt(
        lambda: settlement.take_over_ownership(
            info.context.principal, object_id(input.line_id), input.quantity, on=input.on
        )
    )
    return _payload(made, errors)


async def return_contract_stock(
    info: Info, input: ContractQuantityInput
) -> InventoryContractPayload:
    made, errors = await attempt(
        lambda: settlement.return_contract_stock(
            info.context.principal,
            object_id(input.line_id),
            input.quantity,
            on=input.on,
            to_warehouse_code=input.to_warehouse_code,
        )
    )
    return _payload(made, errors)


async def extend_contract(info: Info, input: ExtendContractInput) -> InventoryContractPayload:
    made, errors = await attempt(
        lambda: settlement.extend_contract(
            info.context.principal, object_id(input.id), input.valid_to
        )
    )
    return _payload(made, errors)
