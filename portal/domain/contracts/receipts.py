"""The receipt of a contract's shipment initialises its line.

    await contract_received(shipment)   # from ledger.shipments.receive, for source CONTRACT

An SCS line is initialised by a sell-in shipment into the partner's consignment warehouse
and a WDS line by the partner's purchase, a shipment into its deposit at the manufacturer
received at once (:mod:`portal.domain.contracts.shipments`); whenever the shipment is
received (by hand, on shipping, after N days, on delivery), the line it initialises gets
its quantity and the receipt's date as its reception date. A WDS dispatch shipment
initialises nothing.
"""

from __future__ import annotations

from portal.domain.tenancy import save_fields
from portal.models import InventoryContractLine, Shipment

SOURCE = "CONTRACT"  # shipment.source of the shipments contracts make


async def contract_received(shipment: Shipment) -> None:
    """In the caller's transaction, the shipment locked and just received."""
    for line in await InventoryContractLine.filter(
        manufacturer_id=shipment.manufacturer_id, shipment_id=shipment.id
    ):
        line.initialized, line.reception_date = line.quantity, shipment.received_on
        await save_fields(line, "initialized", "reception_date")
