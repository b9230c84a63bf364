"""Creating inventory contracts and listing them.

    contract = await create_inventory_contract(manager, partner_code="D1",
        contract_type=InventoryContractType.SCS, warehouse_code="D1-CONS",
        valid_from=..., valid_to=..., lines=[ContractLineInput("SKU-A", 100, Decimal("9.50"))])

Where the stock of each type is (DOMAIN "Inventory contracts"), as a warehouse of the
portal: SCS a partner's ``CONSIGNMENT`` warehouse; WDS the partner's own (``OWNED``)
logical deposit warehouse kept at the manufacturer; WBS a manufacturer warehouse; CBS,
CDS the partner's own warehouse; WCS the partner's own logical warehouse at the end
customer's site; DIS no warehouse of the portal (optional). CBS, WCS, CDS and DIS name
their end customer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_validity
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.bounds.text import CUSTOMER_NAME, clean_text
from portal.domain.catalog.lookups import get_product, get_warehouse, partner_scope
from portal.domain.catalog.products import check_currency, check_price
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.reporting import customers as end_customers
from portal.domain.tenancy import visible_to
from portal.models import InventoryContract, InventoryContractLine, Warehouse
from portal.models.enums import InventoryContractType, WarehouseKind

MAX_LINES = 200
T = InventoryContractType
WITH_CUSTOMER = frozenset({T.CBS, T.WCS, T.CDS, T.DIS})


@dataclass(frozen=True, slots=True)
class ContractLineInput:
    sku: str
    quantity: int
    unit_price: Decimal


def visible_contracts(
    principal: Principal,
    *,
    partner_id: int | None = None,
    contract_type: InventoryContractType | None = None,
) -> QuerySet[InventoryContract]:
    principal.require(Action.VIEW_INVENTORY)
    contracts = visible_to(principal, InventoryContract)
    if partner_id is not None:
        contracts = contracts.filter(partner_id=partner_id)
    if contract_type is not None:
        contracts = contracts.filter(type=contract_type)
    return contracts


def _check_place(
    contract_type: InventoryContractType, warehouse: Warehouse, partner_id: int
) -> None:
    field = ["warehouseCode"]
    if contract_type is T.WBS:
        if warehouse.partner_id is not None:
            raise DomainError(
                ErrorCode.INVALID, "A WBS buffer is kept in a manufacturer warehouse.", field
            )
        return
    if warehouse.partner_id != partner_id:
        raise DomainError(ErrorCode.INVALID, "The warehouse is not the partner's.", field)
    consignment = warehouse.kind is WarehouseKind.CONSIGNMENT
    if (contract_type is T.SCS) != consignment:
        raise DomainError(
            ErrorCode.INVALID,
            "SCS stock is in a CONSIGNMENT warehouse; other types use an OWNED one.",
            field,
        )


async def create_inventory_contract(
    principal: Principal,
    *,
    partner_code: str | None,
    contract_type: InventoryContractType,
    warehouse_code: str | None,
    valid_from: date,
    valid_to: date,
    lines: list[ContractLineInput],
    customer: tuple[str, str, str] | None = None,
    currency: str = "USD",
    idempotency_key: str | None = None,
) -> InventoryContract:
    principal.require(Action.MANAGE_CONTRACTS)
    request = {
        "partner": partner_code,
        "type": contract_type.value,
        "warehouse": warehouse_code,
        "from": valid_from,
        "to": valid_to,
        "lines": [asdict(x) for x in lines],
        "customer": customer,
        "currency": currency,
    }

    async def create() -> InventoryContract:
        partner_id = await partner_scope(principal, partner_code)
        if partner_id is None:
            raise DomainError(ErrorCode.REQUIRED, "partnerCode is required.", ["partnerCode"])
        check_validity(valid_from, valid_to)
        clean_currency = check_currency(currency)
        warehouse_id: int | None = None
        if warehouse_code:
            warehouse = await get_warehouse(principal, warehouse_code, own_only=False)
            _check_place(contract_type, warehouse, partner_id)
            warehouse_id = warehouse.id
        elif contract_type is not T.DIS:
            raise DomainError(
                ErrorCode.REQUIRED, "warehouseCode is required for this type.", ["warehouseCode"]
            )
        customer_id: int | None = None
        customer_name = ""
        if contract_type in WITH_CUSTOMER:
            if customer is None:
                raise DomainError(
                    ErrorCode.REQUIRED, "endCustomer is required for this type.", ["endCustomer"]
                )
            customer_name = clean_text(
                customer[0], ["endCustomer", "name"], max_length=CUSTOMER_NAME
            )
            country = customer[1].strip().upper()
            if len(country) != 2 or not (country.isascii() and country.isalpha()):
                raise DomainError(
                    ErrorCode.INVALID, "country is a 2-letter ISO code.", ["endCustomer", "country"]
                )
            postal = clean_text(
                customer[2], ["endCustomer", "postalCode"], max_length=20, required=False
            )
            entry = await end_customers.resolve(
                principal.manufacturer_id, customer_name, country, postal
            )
            customer_id = entry.id
        if not lines or len(lines) > MAX_LINES:
            raise DomainError(
                ErrorCode.REQUIRED, f"1 to {MAX_LINES} lines are required.", ["lines"]
            )
        checked: list[tuple[int, int, Decimal]] = []
        seen: set[int] = set()
        for index, line in enumerate(lines):
            at = ["lines", str(index)]
            product = await get_product(principal, line.sku, field="sku")
            if product.id in seen:
                raise DomainError(ErrorCode.ALREADY_EXISTS, f"{line.sku} twice.", [*at, "sku"])
            seen.add(product.id)
            check_quantity(line.quantity, [*at, "quantity"], sign=Sign.POSITIVE)
            checked.append((product.id, line.quantity, check_price(line.unit_price, "unitPrice")))
        async with in_transaction():
            contract = await InventoryContract.create(
                manufacturer_id=principal.manufacturer_id,
                partner_id=partner_id,
                type=contract_type,
                warehouse_id=warehouse_id,
                end_customer_id=customer_id,
                end_customer_name=customer_name,
                valid_from=valid_from,
                valid_to=valid_to,
                currency=clean_currency,
                token_id=principal.token_id,
            )
            await InventoryContractLine.bulk_create(
                [
                    InventoryContractLine(
                        manufacturer_id=principal.manufacturer_id,
                        contract=contract,
                        line_no=number,
                        product_id=product_id,
                        quantity=quantity,
                        unit_price=price,
                    )
                    for number, (product_id, quantity, price) in enumerate(checked, start=1)
                ]
            )
        return contract

    return await idempotent(
        principal,
        "createInventoryContract",
        idempotency_key,
        request,
        create=create,
        model=InventoryContract,
    )
