"""50 concurrent transfers drain the same stock on PostgreSQL, each on its own
connection: stock never goes negative and no update is lost (row locks)."""

from __future__ import annotations

import asyncio
import random
from datetime import date

import pytest
from tortoise.transactions import in_transaction

from portal.domain.catalog import products
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger import shipments, transfers
from portal.domain.ledger.check import ledger_mismatches
from portal.domain.ledger.posting import Movement, post
from portal.domain.ledger.shipments import LineInput
from portal.models import LedgerEntry, Product, StockBalance, Warehouse
from portal.models.enums import LedgerKind
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


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_concurrent_postings_creating_keys_never_deadlock(db) -> None:
    """Postings of random keys, many without a balance yet, 40 at a time: every balance is
    created and locked in key order whatever the others do, so none deadlocks (locking the
    existing balances before creating the missing ones did: 2 to 5 per run here)."""
    ch = await build_channel()
    m = ch.admin.manufacturer_id
    for n in range(30):
        await products.create_product(ch.admin, sku=f"P{n}", name=f"P{n}")
    places = list(await Warehouse.filter(code__in=["W1", "W2", "W3", "WR"]).order_by("id"))
    rng = random.Random(5)
    failures: list[str] = []

    async def one(number: int, product_ids: list[int]) -> None:
        picks = rng.sample([(w, p) for w in places for p in product_ids], 6)
        moves = [Movement(w, p, 1, LedgerKind.SELL_IN, date(2026, 10, 1)) for w, p in picks]
        try:
            async with in_transaction():
                await post(m, moves, source=("TEST", number), fill_backorders=False)
        except Exception as error:  # any failure is one: a deadlock above all
            failures.append(repr(error))

    for step in range(8):  # each round adds products: keys created while others are locked
        product_ids = [p.id for p in await Product.filter(sku__startswith="P").order_by("id")][
            : 4 + step * 3
        ]
        await asyncio.gather(*(one(step * 100 + i, product_ids) for i in range(40)))
    assert failures == []
    assert await LedgerEntry.filter(source_type="TEST").count() == 8 * 40 * 6
    assert await ledger_mismatches() == []
