"""WBS buffers consumed by their beneficiary's orders.

    await consume_by_shipment(notice, [(warehouse_id, product_id, quantity), ...], day)

A WBS line keeps stock at a manufacturer warehouse for one partner (availability hides it
from the others). When the manufacturer ships that partner's order from the warehouse,
the shipped units come out of the partner's active WBS lines there (oldest contract
first, up to what remains): a call-off notification (source ``ORDER``) and no charge, the
order being the sale. Units beyond the buffer are ordinary stock. In the notice's
transaction, after its ledger.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from portal.db import is_postgres
from portal.domain.contracts.consumption import record_consumption, window
from portal.models import InventoryContract, InventoryContractLine, ShippingNotice
from portal.models.enums import InventoryContractStatus, InventoryContractType


async def consume_by_shipment(
    notice: ShippingNotice, shipped: list[tuple[int, int, int]], day: date
) -> None:
    m, partner = notice.manufacturer_id, notice.partner_id
    wanted: dict[tuple[int, int], int] = defaultdict(int)
    for warehouse_id, product_id, quantity in shipped:
        wanted[(warehouse_id, product_id)] += quantity
    contracts = {
        c.id: c
        for c in await InventoryContract.filter(
            manufacturer_id=m,
            partner_id=partner,
            type=InventoryContractType.WBS,
            status=InventoryContractStatus.ACTIVE,
            warehouse_id__in=sorted({w for w, _ in wanted}),
        ).order_by("id")
    }
    if not contracts:
        return
    query = InventoryContractLine.filter(
        manufacturer_id=m,
        contract_id__in=list(contracts),
        product_id__in=sorted({p for _, p in wanted}),
        reception_date__isnull=False,
    ).order_by("contract_id", "line_no")
    if is_postgres():
        query = query.select_for_update()
    for line in await query:
        contract = contracts[line.contract_id]
        key = (contract.warehouse_id or 0, line.product_id)
        take = min(wanted.get(key, 0), line.remaining)
        start, end = window(contract, line)
        if take <= 0 or not start <= day <= end:
            continue
        wanted[key] -= take
        await record_consumption(
            contract,
            line,
            take,
            day,
            [],  # the order's shipment moved the stock
            source=("ORDER", notice.id),
            token_id=notice.token_id,
            charged=False,  # the order is the sale
        )
