"""50 concurrent transfers drain the same stock on PostgreSQL, each on its own
connection: stock never goes negative and no update is lost (row locks)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger import shipments, transfers
from portal.domain.ledger.check import ledger_mismatches
from portal.domain.ledger.shipments import LineInput
from portal.models import LedgerEntry, StockBalance
from tests.ledger_fixtures import build_channel


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_fifty_concurrent_transfers_never_overdraw(db) -> None:
    ch = await build_channel()
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="INV-1",
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-A", 100)],
    )
    await shipments.receive_shipment(ch.admin, shipment.id)
    raised = [
        await transfers.raise_transfer(
            ch.d1, from_warehouse_code="W1", to_warehouse_code="W2", lines=[LineInput("SKU-A", 3)]
        )
        for _ in range(50)
    ]

    async def ship(transfer_id: int) -> bool:
        try:
            await transfers.ship_transfer(ch.d1, transfer_id)
        except DomainError as error:
            assert error.code is ErrorCode.INSUFFICIENT_STOCK
            return False
        return True

    outcomes = await asyncio.gather(*(ship(t.id) for t in raised))
    assert sum(outcomes) == 33  # 33 * 3 = 99 of 100
    w1 = await StockBalance.get(warehouse__code="W1")
    w2 = await StockBalance.get(warehouse__code="W2")
    assert (w1.quantity, w2.in_transit) == (1, 99)
    assert await LedgerEntry.filter(source_type="TRANSFER").count() == 33
    assert await ledger_mismatches() == []
