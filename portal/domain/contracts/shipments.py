"""The sell-in shipments inventory contracts make (``shipment.source`` ``CONTRACT``).

    shipment = await ship_line(manager, contract, line, day)       # SCS, WDS initialisation
    shipments = await dispatch(partner, contract, w2, [(line, 7, day)])  # a WDS dispatch

SCS: the supply is a shipment into the partner's consignment warehouse, received per the
manufacturer's ``shipmentReceiptMode`` like any sell-in (the stock stays the
manufacturer's: ``SELL_IN`` into a consignment warehouse). WDS: the partner's purchase
(bill and hold) is a shipment into its deposit warehouse at the manufacturer, received at
once (the goods do not travel). Either way the receipt initialises the line
(:mod:`portal.domain.contracts.receipts`). A WDS dispatch request is a shipment from the
deposit to one of the partner's own warehouses: the deposit's ``TRANSFER_OUT`` at once
(the contract's consumption), in transit to the destination, ``TRANSFER_IN`` when received
per the receipt mode. Numbers: ``<type>-<contract id>-<line no>`` for an initialisation,
``WDS-<contract id>-D<n>`` for the n-th dispatch of a contract.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from portal.domain.access.principal import Principal
from portal.domain.contracts.receipts import SOURCE
from portal.domain.ledger.shipments import (
    CleanLine,
    create_shipment,
    receive,
    receive_per_mode,
)
from portal.domain.tenancy import save_fields
from portal.models import InventoryContract, InventoryContractLine, Product, Shipment, Warehouse
from portal.models.enums import InventoryContractType


async def ship_line(
    principal: Principal,
    contract: InventoryContract,
    line: InventoryContractLine,
    place: Warehouse,
    day: date,
) -> Shipment:
    """The shipment that initialises an SCS or WDS line (in the caller's transaction, the
    line locked); the line references it."""
    m = contract.manufacturer_id
    product = await Product.get(manufacturer_id=m, id=line.product_id)
    shipment = await create_shipment(
        m,
        partner_id=contract.partner_id,
        warehouse=place,
        document_no=f"{contract.type.value}-{contract.id}-{line.line_no}",
        shipped_on=day,
        lines=[CleanLine(product, line.quantity, [], None)],  # contracts carry no batch
        source=SOURCE,
    )
    line.shipment_id = shipment.id
    await save_fields(line, "shipment_id")
    if contract.type is InventoryContractType.WDS:
        await receive(shipment, day, principal.token_id)
    else:
        await receive_per_mode(shipment, principal.token_id)
    return shipment


async def dispatch(
    principal: Principal,
    contract: InventoryContract,
    destination: Warehouse,
    items: list[tuple[InventoryContractLine, int, date]],
) -> list[Shipment]:
    """The shipments of a WDS dispatch request from the contract's deposit to
    ``destination``, one per dispatch date (in the caller's transaction, the contract
    locked; the deposit's ``TRANSFER_OUT`` is the caller's consumption)."""
    m = contract.manufacturer_id
    by_day: dict[date, list[tuple[int, int]]] = defaultdict(list)
    for line, quantity, day in items:
        by_day[day].append((line.product_id, quantity))
    prefix = f"WDS-{contract.id}-D"
    count = await Shipment.filter(manufacturer_id=m, document_no__startswith=prefix).count()
    made = []
    for day, lines in sorted(by_day.items()):
        products = {
            p.id: p for p in await Product.filter(manufacturer_id=m, id__in=[p for p, _ in lines])
        }
        count += 1
        shipment = await create_shipment(
            m,
            partner_id=contract.partner_id,
            warehouse=destination,
            document_no=f"{prefix}{count}",
            shipped_on=day,
            lines=[CleanLine(products[p], q, [], None) for p, q in lines],
            source=SOURCE,
            from_warehouse_id=contract.warehouse_id,
        )
        await receive_per_mode(shipment, principal.token_id)
        made.append(shipment)
    return made
