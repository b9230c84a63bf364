"""Concurrent writers of one tenant's stock on PostgreSQL: opposite movements of the same
rows all post (no deadlock surfacing as an unexpected error), and the balances stay the
ledger's sum."""

from __future__ import annotations

import asyncio
from datetime import date

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from portal.domain.catalog.tenants import update_settings
from portal.domain.conflicts import ATTEMPTS, retried_on_conflict
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger import shipments, transfers
from portal.domain.ledger.check import ledger_mismatches
from portal.domain.ledger.shipments import LineInput
from portal.models import Shipment, StockBalance, Transfer
from portal.models.enums import TransferStatus
from tests.ledger_fixtures import build_channel, ship_to_w1

pytestmark = pytest.mark.parametrize("settings", ["postgres"], indirect=True)


async def on_hand(code: str) -> int:
    return (await StockBalance.get(warehouse__code=code, product__sku="SKU-A")).quantity


async def test_opposite_transfers_shipped_at_once_all_post(db) -> None:
    ch = await build_channel()
    await ship_to_w1(ch, 100, receiver=ch.d1)
    half = await transfers.raise_transfer(
        ch.d1, from_warehouse_code="W1", to_warehouse_code="W2", lines=[LineInput("SKU-A", 50)]
    )
    await transfers.ship_transfer(ch.d1, half.id)
    await transfers.receive_transfer(ch.d1, half.id)
    # shipped transfers arrive at once: each ship also receives, locking both sides
    await update_settings(ch.admin, auto_receive_transfers=True)
    made = [
        await transfers.raise_transfer(
            ch.d1, from_warehouse_code=a, to_warehouse_code=b, lines=[LineInput("SKU-A", 1)]
        )
        for a, b in [("W1", "W2"), ("W2", "W1")] * 12
    ]
    shipped = await asyncio.gather(
        *(transfers.ship_transfer(ch.d1, t.id) for t in made), return_exceptions=True
    )
    assert all(isinstance(s, Transfer) for s in shipped), shipped
    statuses = await Transfer.filter(id__in=[t.id for t in made]).values_list("status", flat=True)
    assert set(statuses) == {TransferStatus.RECEIVED}
    assert (await on_hand("W1"), await on_hand("W2")) == (50, 50)
    assert await ledger_mismatches() == []


async def test_a_deadlock_victim_is_run_again_then_refused_with_a_code(db) -> None:
    runs: list[int] = []

    @retried_on_conflict
    async def collides(times: int) -> str:
        runs.append(1)
        async with in_transaction():
            if len(runs) <= times:
                raise asyncpg.exceptions.DeadlockDetectedError("deadlock detected")
        return "posted"

    assert await collides(2) == "posted"
    assert len(runs) == 3
    runs.clear()
    with pytest.raises(DomainError) as refused:
        await collides(99)
    assert refused.value.code is ErrorCode.INVALID_STATE and len(runs) == ATTEMPTS
    runs.clear()
    with pytest.raises(asyncpg.exceptions.DeadlockDetectedError):
        async with in_transaction():  # the caller's transaction is lost: not run again
            await collides(1)
    assert len(runs) == 1


async def test_one_document_number_recorded_at_once_is_one_shipment(db) -> None:
    ch = await build_channel()
    recorded = await asyncio.gather(
        *(
            shipments.record_shipment(
                ch.admin,
                partner_code="D1",
                warehouse_code="W1",
                document_no="INV-RACE",
                shipped_on=date(2026, 10, 1),
                lines=[LineInput("SKU-A", 5)],
            )
            for _ in range(6)
        ),
        return_exceptions=True,
    )
    refused = [r for r in recorded if isinstance(r, DomainError)]
    assert len(refused) == 5, recorded
    assert {(r.code, tuple(r.field)) for r in refused} == {
        (ErrorCode.DUPLICATE_DOCUMENT, ("documentNo",))
    }
    assert await Shipment.filter(document_no="INV-RACE").count() == 1
    assert await ledger_mismatches() == []
