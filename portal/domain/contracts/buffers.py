"""Buffers: stock that WBS and CBS contracts reserve for their beneficiary.

    hidden = await buffered_quantities(m, asking_partner_id=reseller.id)
    available = on_hand - reserved - hidden.get((warehouse_id, product_id), 0)

A WBS (wholesaler buffer) keeps quantity at a manufacturer warehouse for one partner; a
CBS (customer buffer) keeps the partner's own stock for one end customer. Availability
(partner orders) hides both from everyone but their beneficiary: this returns, per
(warehouse id, product id), the remaining quantity of the active buffer lines of the
manufacturer, leaving out WBS buffers of ``asking_partner_id`` and CBS buffers of
``asking_end_customer_id``. Ended, draft and uninitialised lines reserve nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from portal.models import InventoryContract, InventoryContractLine
from portal.models.enums import InventoryContractStatus, InventoryContractType

BUFFERS = (InventoryContractType.WBS, InventoryContractType.CBS)


async def buffered_quantities(
    manufacturer_id: int,
    *,
    asking_partner_id: int | None = None,
    asking_end_customer_id: int | None = None,
    warehouse_ids: Iterable[int] | None = None,
    product_ids: Iterable[int] | None = None,
) -> dict[tuple[int, int], int]:
    contracts = InventoryContract.filter(
        manufacturer_id=manufacturer_id,
        type__in=BUFFERS,
        status=InventoryContractStatus.ACTIVE,
        warehouse_id__isnull=False,
    )
    if warehouse_ids is not None:
        contracts = contracts.filter(warehouse_id__in=list(warehouse_ids))
    rows = await contracts.values_list(
        "id", "type", "partner_id", "end_customer_id", "warehouse_id"
    )
    places: dict[int, int] = {}
    for contract_id, kind, partner_id, customer_id, warehouse_id in rows:
        beneficiary = (
            partner_id == asking_partner_id
            if InventoryContractType(kind) is InventoryContractType.WBS
            else customer_id is not None and customer_id == asking_end_customer_id
        )
        if not beneficiary:
            places[contract_id] = warehouse_id
    if not places:
        return {}
    lines = InventoryContractLine.filter(
        manufacturer_id=manufacturer_id,
        contract_id__in=list(places),
        reception_date__isnull=False,
    )
    if product_ids is not None:
        lines = lines.filter(product_id__in=list(product_ids))
    hidden: dict[tuple[int, int], int] = defaultdict(int)
    for line in await lines:
        if line.remaining > 0:
            hidden[(places[line.contract_id], line.product_id)] += line.remaining
    return dict(hidden)
