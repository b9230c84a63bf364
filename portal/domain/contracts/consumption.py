"""Consuming inventory contracts: the call-off notification, the charge, the ledger.

    contract = await report_consumption(partner, contract_id=7,
        lines=[ConsumptionInput("SKU-A", 5, date(2026, 10, 20), "Acme Robotics")],
        to_warehouse_code=None, idempotency_key="co-1")

Per type (DOMAIN "Inventory contracts"): WCS, the customer's consumption at the site is
the partner's sale (``SELL_THROUGH`` out of the partner's site warehouse) and is charged;
DIS, the customer's consumption moves no stock of the portal and is charged; CDS, the
customer's call-off of its deposit leaves the partner's warehouse (``SELL_THROUGH`` out of
the end customer's stock) and is logistics only, without a charge; WDS, a dispatch
request becomes a shipment of the partner's deposit to one of its own warehouses (the
deposit's ``TRANSFER_OUT`` now, ``TRANSFER_IN`` when the shipment is received,
:func:`portal.domain.contracts.shipments.dispatch`; the call-off's source is
``DISPATCH`` and the shipment), already paid, without a charge. SCS is consumed by the
partner's accepted POS (:mod:`portal.domain.contracts.pos_consumption`), as is a CBS
buffer (its customer's purchases); WBS by orders (or a takeover). Every consumption
writes one call-off notification per line and, where charged, one charge at the contract
price; consuming beyond ``remaining`` is ``INSUFFICIENT_STOCK`` and changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_business_date
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.bounds.text import CUSTOMER_NAME, clean_text
from portal.domain.catalog.lookups import get_product, get_warehouse
from portal.domain.catalog.tenants import settings_of
from portal.domain.contracts.initialization import contract_warehouse
from portal.domain.contracts.shipments import dispatch
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.incentives.codes import money
from portal.domain.ledger.posting import Movement, post
from portal.domain.periods import period_of
from portal.domain.tenancy import save_fields, visible_to
from portal.models import (
    CallOffNotification,
    Charge,
    InventoryContract,
    InventoryContractLine,
    OutboxEvent,
    Warehouse,
)
from portal.models.enums import (
    InventoryContractStatus,
    InventoryContractType,
    LedgerKind,
    Owner,
    WarehouseKind,
)

T = InventoryContractType
CHARGED = frozenset({T.SCS, T.WCS, T.DIS})
REPORTED = frozenset({T.WCS, T.DIS, T.CDS, T.WDS})
MAX_LINES = 200
SOURCE = "CONTRACT_CALL_OFF"


@dataclass(frozen=True, slots=True)
class ConsumptionInput:
    sku: str
    quantity: int
    consumed_on: date
    end_customer_name: str = ""


def visible_call_offs(
    principal: Principal, *, partner_id: int | None = None, period: str | None = None
) -> QuerySet[CallOffNotification]:
    principal.require(Action.VIEW_INVENTORY)
    rows = visible_to(principal, CallOffNotification)
    if partner_id is not None:
        rows = rows.filter(partner_id=partner_id)
    if period is not None:
        rows = rows.filter(period=period)
    return rows


def visible_charges(
    principal: Principal, *, partner_id: int | None = None, period: str | None = None
) -> QuerySet[Charge]:
    principal.require(Action.VIEW_INVENTORY)
    rows = visible_to(principal, Charge)
    if partner_id is not None:
        rows = rows.filter(partner_id=partner_id)
    if period is not None:
        rows = rows.filter(period=period)
    return rows


def window(contract: InventoryContract, line: InventoryContractLine) -> tuple[date, date]:
    """The days a line is consumed on: from its reception (not before the contract's
    validity) to the contract's end."""
    return max(contract.valid_from, line.reception_date or contract.valid_from), contract.valid_to


async def record_consumption(
    contract: InventoryContract,
    line: InventoryContractLine,
    quantity: int,
    day: date,
    moves: list[Movement],
    *,
    source: tuple[str, int | None],
    report_period: str | None = None,
    end_customer_name: str = "",
    token_id: int | None = None,
    allow_negative: bool = False,
    counter: str = "consumed",
    charged: bool | None = None,
) -> CallOffNotification:
    """Post ``moves``, count ``quantity`` (negative: a reversal) on the locked ``line``
    (``counter``: ``consumed``, ``taken_over`` or ``returned``), and write its call-off
    notification, its charge (``charged``; by default where the type is charged) and their
    webhook events; in the caller's transaction."""
    m = contract.manufacturer_id
    period = period_of(day, (await settings_of(m)).period_granularity)
    await post(m, moves, source=(SOURCE, line.id), token_id=token_id, allow_negative=allow_negative)
    setattr(line, counter, getattr(line, counter) + quantity)
    await save_fields(line, counter)
    call_off = await CallOffNotification.create(
        manufacturer_id=m,
        partner_id=contract.partner_id,
        contract_id=contract.id,
        line_id=line.id,
        product_id=line.product_id,
        quantity=quantity,
        consumed_on=day,
        period=period,
        source_type=source[0],
        source_id=source[1],
        report_period=report_period,
        end_customer_name=end_customer_name,
        token_id=token_id,
    )
    events = [
        (
            "contract.call_off",
            f"contract.call_off:{call_off.id}",
            {
                "callOffId": str(call_off.id),
                "contractId": str(contract.id),
                "type": contract.type.value,
                "lineId": str(line.id),
                "quantity": quantity,
                "consumedOn": day.isoformat(),
            },
        )
    ]
    if contract.type in CHARGED if charged is None else charged:
        charge = await Charge.create(
            manufacturer_id=m,
            partner_id=contract.partner_id,
            contract_id=contract.id,
            line_id=line.id,
            call_off_id=call_off.id,
            product_id=line.product_id,
            quantity=quantity,
            unit_price=line.unit_price,
            amount=money(line.unit_price * quantity),
            currency=contract.currency,
            charged_on=day,
            period=period,
        )
        events.append(
            (
                "contract.charge",
                f"contract.charge:{charge.id}",
                {
                    "chargeId": str(charge.id),
                    "contractId": str(contract.id),
                    "callOffId": str(call_off.id),
                    "quantity": quantity,
                    "amount": str(charge.amount),
                    "currency": charge.currency,
                },
            )
        )
    for event_type, dedupe, payload in events:
        await OutboxEvent.get_or_create(
            manufacturer_id=m,
            dedupe_key=dedupe,
            defaults={"event_type": event_type, "payload": payload},
        )
    return call_off


async def _moves(
    contract: InventoryContract,
    line: InventoryContractLine,
    quantity: int,
    day: date,
) -> list[Movement]:
    p = line.product_id
    if contract.type is T.DIS:
        return []
    place = await contract_warehouse(contract)
    if contract.type is T.WCS:
        return [Movement(place, p, -quantity, LedgerKind.SELL_THROUGH, day, reason="CONTRACT_WCS")]
    if contract.type is T.CDS:
        return [
            Movement(
                place,
                p,
                -quantity,
                LedgerKind.SELL_THROUGH,
                day,
                reason="CONTRACT_CDS",
                owned_by=Owner.END_CUSTOMER,
            )
        ]
    # WDS: out of the deposit now; into the destination when the dispatch is received.
    return [Movement(place, p, -quantity, LedgerKind.TRANSFER_OUT, day, reason="CONTRACT_WDS")]


async def report_consumption(
    principal: Principal,
    *,
    contract_id: int,
    lines: list[ConsumptionInput],
    to_warehouse_code: str | None = None,
    idempotency_key: str | None = None,
) -> InventoryContract:
    principal.require(Action.REPORT_CONSUMPTION)
    request = {
        "contract": contract_id,
        "lines": [asdict(x) for x in lines],
        "to": to_warehouse_code,
    }

    async def create() -> InventoryContract:
        if not lines or len(lines) > MAX_LINES:
            raise DomainError(
                ErrorCode.REQUIRED, f"1 to {MAX_LINES} lines are required.", ["lines"]
            )
        async with in_transaction():
            query = visible_to(principal, InventoryContract).filter(id=contract_id)
            if is_postgres():
                query = query.select_for_update()
            contract = await query.first()
            if contract is None:
                raise DomainError(ErrorCode.NOT_FOUND, "No contract with this id.", ["contractId"])
            if contract.type not in REPORTED:
                raise DomainError(
                    ErrorCode.INVALID,
                    "SCS is consumed by accepted POS, buffers (WBS, CBS) by orders.",
                    ["contractId"],
                )
            if contract.status is not InventoryContractStatus.ACTIVE:
                raise DomainError(
                    ErrorCode.INVALID_STATE, "The contract is not active.", ["contractId"]
                )
            destination = await _destination(principal, contract, to_warehouse_code)
            by_product = {
                x.product_id: x
                for x in await InventoryContractLine.filter(
                    manufacturer_id=contract.manufacturer_id, contract_id=contract.id
                )
            }
            dispatched: list[tuple[InventoryContractLine, int, date, CallOffNotification]] = []
            for index, item in enumerate(lines):
                at = ["lines", str(index)]
                product = await get_product(principal, item.sku, field="sku")
                line = by_product.get(product.id)
                if line is None or line.reception_date is None:
                    raise DomainError(
                        ErrorCode.NOT_FOUND, f"No initialised line of {item.sku}.", [*at, "sku"]
                    )
                check_quantity(item.quantity, [*at, "quantity"], sign=Sign.POSITIVE)
                day = check_business_date(item.consumed_on, [*at, "consumedOn"])
                start, end = window(contract, line)
                if not start <= day <= end:
                    raise DomainError(
                        ErrorCode.DATE_OUT_OF_RANGE,
                        f"{item.sku} can be consumed from {start} (reception, validity) to {end}.",
                        [*at, "consumedOn"],
                    )
                if item.quantity > line.remaining:
                    raise DomainError(
                        ErrorCode.INSUFFICIENT_STOCK,
                        f"Only {line.remaining} of {item.sku} remain on the contract.",
                        [*at, "quantity"],
                    )
                customer = (
                    clean_text(
                        item.end_customer_name,
                        [*at, "endCustomerName"],
                        max_length=CUSTOMER_NAME,
                        required=False,
                    )
                    or contract.end_customer_name
                )
                call_off = await record_consumption(
                    contract,
                    line,
                    item.quantity,
                    day,
                    await _moves(contract, line, item.quantity, day),
                    source=("REPORT" if destination is None else "DISPATCH", None),
                    end_customer_name=customer,
                    token_id=principal.token_id,
                )
                dispatched.append((line, item.quantity, day, call_off))
            if destination is not None:
                await _ship_dispatch(principal, contract, destination, dispatched)
        return contract

    return await idempotent(
        principal,
        "reportConsumption",
        idempotency_key,
        request,
        create=create,
        model=InventoryContract,
    )


async def _ship_dispatch(
    principal: Principal,
    contract: InventoryContract,
    destination: Warehouse,
    dispatched: list[tuple[InventoryContractLine, int, date, CallOffNotification]],
) -> None:
    """The WDS dispatch's shipments; each call-off references its day's shipment."""
    made = await dispatch(principal, contract, destination, [x[:3] for x in dispatched])
    by_day = {s.shipped_on: s.id for s in made}
    for _, _, day, call_off in dispatched:
        call_off.source_id = by_day[day]
        await save_fields(call_off, "source_id")


async def _destination(
    principal: Principal, contract: InventoryContract, code: str | None
) -> Warehouse | None:
    if contract.type is not T.WDS:
        return None
    if not code:
        raise DomainError(
            ErrorCode.REQUIRED, "toWarehouseCode is required for WDS.", ["toWarehouseCode"]
        )
    warehouse = await get_warehouse(principal, code, "toWarehouseCode", own_only=False)
    if (
        warehouse.partner_id != contract.partner_id
        or warehouse.kind is not WarehouseKind.OWNED
        or warehouse.id == contract.warehouse_id
    ):
        raise DomainError(
            ErrorCode.INVALID,
            "A WDS dispatch goes to another OWNED warehouse of the partner.",
            ["toWarehouseCode"],
        )
    return warehouse


async def find_charges(
    principal: Principal, *, period: str, partner_code: str | None = None
) -> QuerySet[Charge]:
    """The charges of a period (finance's export), the principal's own for a partner."""
    from portal.domain.catalog.lookups import partner_scope
    from portal.domain.periods import parse_period

    settings = await settings_of(principal.manufacturer_id)
    name = parse_period(period, settings.period_granularity).name
    partner_id = await partner_scope(principal, partner_code)
    return visible_charges(principal, partner_id=partner_id, period=name).order_by("id")
