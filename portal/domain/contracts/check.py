"""The contract half of ``portal check-ledger``: a contract's remaining quantity is the
ledger balance of its owner in its place.

    problems = await contract_mismatches()   # [] when every contract agrees with the ledger

For the types whose stock the ledger holds in a place of its own (SCS: the manufacturer's
stock in the consignment warehouse; WDS: the partner's deposit; WCS: the partner's stock
at the customer's site; CDS: the end customer's deposit), the balance of that
(warehouse, SKU, owner) equals the sum of ``remaining`` over the contract lines of that
key. Buffers (WBS, CBS) and deferred indents (DIS) hold no stock of their own.
"""

from __future__ import annotations

from collections import defaultdict

from portal.models import InventoryContract, InventoryContractLine, StockBalance
from portal.models.enums import InventoryContractType, Owner

OWNER_OF_TYPE: dict[InventoryContractType, Owner] = {
    InventoryContractType.SCS: Owner.MANUFACTURER,
    InventoryContractType.WDS: Owner.PARTNER,
    InventoryContractType.WCS: Owner.PARTNER,
    InventoryContractType.CDS: Owner.END_CUSTOMER,
}


async def contract_mismatches() -> list[str]:
    contracts = {
        c.id: c
        for c in await InventoryContract.filter(
            type__in=list(OWNER_OF_TYPE), warehouse_id__isnull=False
        )
    }
    expected: dict[tuple[int, int, int, str], int] = defaultdict(int)
    for line in await InventoryContractLine.filter(contract_id__in=list(contracts)):
        contract = contracts[line.contract_id]
        owner = OWNER_OF_TYPE[contract.type].value
        key = (contract.manufacturer_id, contract.warehouse_id or 0, line.product_id, owner)
        expected[key] += line.remaining
    problems = []
    for (m, warehouse_id, product_id, owner), remaining in sorted(expected.items()):
        balance = await StockBalance.get_or_none(
            manufacturer_id=m, warehouse_id=warehouse_id, product_id=product_id, owner=owner
        )
        quantity = balance.quantity if balance is not None else 0
        if quantity != remaining:
            problems.append(
                f"contract stock {(warehouse_id, product_id, owner)}: remaining {remaining}"
                f" != ledger balance {quantity}"
            )
    return problems
