"""The daily contract job: a warning 30 days before an active contract ends with quantity
remaining, and at its end the contract ``ENDED`` with what remains listed.

    counts = await warn_and_end(today=date(2026, 12, 1))   # {"warned": 1, "ended": 0}

Both are webhook events (``contract.expiring``, ``contract.ended``), once per contract and
end date (an extension warns again). Each contract runs under the job's guard: one that
fails is recorded in its manufacturer's ``jobFailures`` and the others go on. The remaining
quantity of an ended contract is then extended, taken over or sent back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from portal.domain.job_failures import ItemGuard
from portal.domain.tenancy import save_fields, tenant_by_tenant
from portal.jobs.kinds import CONTRACT_EXPIRY
from portal.models import InventoryContract, InventoryContractLine, OutboxEvent, Product
from portal.models.enums import InventoryContractStatus

WARN_DAYS = 30


async def _remaining(contract: InventoryContract) -> list[dict[str, Any]]:
    m = contract.manufacturer_id
    lines = await InventoryContractLine.filter(manufacturer_id=m, contract_id=contract.id).order_by(
        "line_no"
    )
    skus = dict(
        await Product.filter(manufacturer_id=m, id__in=[x.product_id for x in lines]).values_list(
            "id", "sku"
        )
    )
    return [
        {"lineId": str(x.id), "sku": skus.get(x.product_id, ""), "remaining": x.remaining}
        for x in lines
        if x.remaining > 0
    ]


async def _event(contract: InventoryContract, event_type: str, lines: list[dict[str, Any]]) -> None:
    await OutboxEvent.get_or_create(
        manufacturer_id=contract.manufacturer_id,
        dedupe_key=f"{event_type}:{contract.id}:{contract.valid_to.isoformat()}",
        defaults={
            "event_type": event_type,
            "payload": {
                "contractId": str(contract.id),
                "type": contract.type.value,
                "validTo": contract.valid_to.isoformat(),
                "lines": lines,
            },
        },
    )


async def warn_and_end(today: date | None = None) -> dict[str, int]:
    today = today or datetime.now(UTC).date()
    guard = await ItemGuard.open(CONTRACT_EXPIRY)
    due = InventoryContract.filter(
        status=InventoryContractStatus.ACTIVE, valid_to__lte=today + timedelta(days=WARN_DAYS)
    )
    counts = {"warned": 0, "ended": 0}
    for contract in await tenant_by_tenant(due):

        async def settle(contract: InventoryContract = contract) -> str | None:
            async with in_transaction():
                lines = await _remaining(contract)
                if contract.valid_to < today:
                    contract.status = InventoryContractStatus.ENDED
                    await save_fields(contract, "status")
                    await _event(contract, "contract.ended", lines)
                    return "ended"
                if lines:
                    await _event(contract, "contract.expiring", lines)
                    return "warned"
            return None

        outcome = await guard.run(contract.manufacturer_id, f"contract {contract.id}", settle)
        if outcome is not None:
            counts[outcome] += 1
    return counts
