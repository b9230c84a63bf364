"""Graph types of inventory contracts: contracts, their lines, inputs and payloads."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from portal.models import CallOffNotification as CallOffModel
from portal.models import Charge as ChargeModel
from portal.models import InventoryContract as ContractModel
from portal.models import enums
from portal.schema.common import UserError
from portal.schema.ledger.inventory import Shipment
from portal.schema.reporting.submissions import EndCustomerInput

InventoryContractType = enums.InventoryContractType
InventoryContractStatus = enums.InventoryContractStatus
strawberry.enum(InventoryContractType)
strawberry.enum(InventoryContractStatus)


@strawberry.type
class InventoryContractLine:
    id: strawberry.ID
    sku: str
    quantity: int = strawberry.field(description="Contracted.")
    unit_price: Decimal = strawberry.field(description="The contract price a charge uses.")
    initialized: int
    consumed: int
    taken_over: int
    returned: int
    remaining: int = strawberry.field(description="initialized - consumed - takenOver - returned.")
    reception_date: datetime.date | None = strawberry.field(
        description="SCS, WDS: the receipt of its shipment; other types: the initialisation."
    )
    shipment_id: strawberry.Private[int | None]

    @strawberry.field(
        description="SCS, WDS: the sell-in shipment that initialises the line (SCS: received"
        " per the receipt mode; WDS: received at once); null for other types."
    )
    async def shipment(self, info: Info) -> Shipment | None:
        return await _shipment(info, self.shipment_id)


async def _shipment(info: Info, shipment_id: int | None) -> Shipment | None:
    if shipment_id is None:
        return None
    row = await info.context.loaders.orders.shipments.load(shipment_id)
    return Shipment.from_model(row) if row is not None else None


@strawberry.type
class InventoryContract:
    id: strawberry.ID
    type: InventoryContractType
    status: InventoryContractStatus
    valid_from: datetime.date
    valid_to: datetime.date
    currency: str
    end_customer_name: str | None
    model: strawberry.Private[ContractModel]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        partner = await info.context.loaders.catalog.partner.load(self.model.partner_id)
        return partner.code if partner else ""

    @strawberry.field
    async def warehouse_code(self, info: Info) -> str | None:
        if self.model.warehouse_id is None:
            return None
        warehouse = await info.context.loaders.catalog.warehouse.load(self.model.warehouse_id)
        return warehouse.code if warehouse else None

    @strawberry.field
    async def lines(self, info: Info) -> list[InventoryContractLine]:
        rows = await info.context.loaders.contracts.contract_lines.load(self.model.id)
        products = await info.context.loaders.catalog.product.load_many(
            [r.product_id for r in rows]
        )
        return [
            InventoryContractLine(
                id=strawberry.ID(str(r.id)),
                sku=p.sku if p else "",
                quantity=r.quantity,
                unit_price=r.unit_price,
                initialized=r.initialized,
                consumed=r.consumed,
                taken_over=r.taken_over,
                returned=r.returned,
                remaining=r.remaining,
                reception_date=r.reception_date,
                shipment_id=r.shipment_id,
            )
            for r, p in zip(rows, products, strict=True)
        ]

    @classmethod
    def from_model(cls, c: ContractModel) -> InventoryContract:
        return cls(
            id=strawberry.ID(str(c.id)),
            type=c.type,
            status=c.status,
            valid_from=c.valid_from,
            valid_to=c.valid_to,
            currency=c.currency,
            end_customer_name=c.end_customer_name or None,
            model=c,
        )


@strawberry.type
class InventoryContractPayload:
    inventory_contract: InventoryContract | None
    errors: list[UserError]


@strawberry.input
class InventoryContractLineInput:
    sku: str
    quantity: int
    unit_price: Decimal


@strawberry.input
class CreateInventoryContractInput:
    type: InventoryContractType
    valid_from: datetime.date
    valid_to: datetime.date
    lines: list[InventoryContractLineInput]
    partner_code: str | None = None
    warehouse_code: str | None = None
    end_customer: EndCustomerInput | None = None
    currency: str = "USD"
    idempotency_key: str | None = None


@strawberry.input
class ContractLineActionInput:
    line_id: strawberry.ID
    reception_date: datetime.date | None = strawberry.field(
        default=None, description="The business date of the initialisation (default today)."
    )
    from_warehouse_code: str | None = strawberry.field(
        default=None, description="WCS: the partner's warehouse the stock leaves."
    )


@strawberry.type
class CallOffNotification:
    id: strawberry.ID
    contract_id: strawberry.ID
    line_id: strawberry.ID
    quantity: int = strawberry.field(description="Negative: a reversal.")
    consumed_on: datetime.date
    period: str
    source: str = strawberry.field(
        description="REPORT (reportConsumption), DISPATCH (a WDS dispatch request, see"
        " shipment), POS, TAKEOVER, RETURN, or ORDER (a WBS buffer's partner received its"
        " order from the buffer's warehouse)."
    )
    end_customer_name: str
    created_at: datetime.datetime
    model: strawberry.Private[CallOffModel]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        partner = await info.context.loaders.catalog.partner.load(self.model.partner_id)
        return partner.code if partner else ""

    @strawberry.field
    async def sku(self, info: Info) -> str:
        product = await info.context.loaders.catalog.product.load(self.model.product_id)
        return product.sku if product else ""

    @strawberry.field(description="DISPATCH: the shipment to the partner's warehouse.")
    async def shipment(self, info: Info) -> Shipment | None:
        dispatched = self.model.source_type == "DISPATCH"
        return await _shipment(info, self.model.source_id if dispatched else None)

    @classmethod
    def from_model(cls, c: CallOffModel) -> CallOffNotification:
        return cls(
            id=strawberry.ID(str(c.id)),
            contract_id=strawberry.ID(str(c.contract_id)),
            line_id=strawberry.ID(str(c.line_id)),
            quantity=c.quantity,
            consumed_on=c.consumed_on,
            period=c.period,
            source=c.source_type,
            end_customer_name=c.end_customer_name,
            created_at=c.created_at,
            model=c,
        )


@strawberry.type
class Charge:
    id: strawberry.ID
    contract_id: strawberry.ID
    call_off_id: strawberry.ID
    quantity: int = strawberry.field(description="Negative: a reversal.")
    unit_price: Decimal
    amount: Decimal
    currency: str
    charged_on: datetime.date
    period: str
    model: strawberry.Private[ChargeModel]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        partner = await info.context.loaders.catalog.partner.load(self.model.partner_id)
        return partner.code if partner else ""

    @strawberry.field
    async def sku(self, info: Info) -> str:
        product = await info.context.loaders.catalog.product.load(self.model.product_id)
        return product.sku if product else ""

    @classmethod
    def from_model(cls, c: ChargeModel) -> Charge:
        return cls(
            id=strawberry.ID(str(c.id)),
            contract_id=strawberry.ID(str(c.contract_id)),
            call_off_id=strawberry.ID(str(c.call_off_id)),
            quantity=c.quantity,
            unit_price=c.unit_price,
            amount=c.amount,
            currency=c.currency,
            charged_on=c.charged_on,
            period=c.period,
            model=c,
        )


@strawberry.input
class ConsumptionLineInput:
    sku: str
    quantity: int
    consumed_on: datetime.date
    end_customer_name: str = ""


@strawberry.input
class ReportConsumptionInput:
    contract_id: strawberry.ID
    lines: list[ConsumptionLineInput]
    to_warehouse_code: str | None = strawberry.field(
        default=None, description="WDS: the partner's warehouse the dispatch goes to."
    )
    idempotency_key: str | None = None


@strawberry.input
class ContractQuantityInput:
    line_id: strawberry.ID
    quantity: int
    on: datetime.date | None = strawberry.field(
        default=None, description="The business date (default today)."
    )
    to_warehouse_code: str | None = strawberry.field(
        default=None, description="WCS return: the partner's warehouse the stock comes back to."
    )


@strawberry.input
class ExtendContractInput:
    id: strawberry.ID
    valid_to: datetime.date
