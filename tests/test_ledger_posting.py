"""Large postings: on PostgreSQL the entries of a posting of ``COPY_ROWS`` or more go in by
COPY, fewer by one INSERT; both store the same entries. Balances are created only for keys
that have none, and the schema keeps its updated-in-place rows on half-full pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from portal.domain.ledger import balance_store
from portal.domain.ledger.check import ledger_mismatches
from portal.domain.ledger.posting import Movement, post
from portal.models import LedgerEntry, Product, StockBalance, Warehouse
from portal.models.enums import LedgerKind
from tests.ledger_fixtures import build_channel

ON_POSTGRES = pytest.mark.parametrize("settings", ["postgres"], indirect=True)
COMPARED = (
    "partner_id",
    "warehouse_id",
    "product_id",
    "owner",
    "quantity",
    "kind",
    "business_date",
    "period",
    "serials",
    "reason",
    "batch_no",
    "token_id",
    "source_type",
)


def _moves(warehouses: list[Warehouse], product_ids: list[int], count: int) -> list[Movement]:
    return [
        Movement(
            warehouses[i % len(warehouses)],
            product_ids[i % len(product_ids)],
            1 + i % 7,
            LedgerKind.SELL_IN if i % 3 else LedgerKind.ADJUSTMENT,
            date(2026, 1, 1) + timedelta(days=i % 300),
            serials=[f"SN{i}", f"SN{i}b"] if i % 5 == 0 else [],
            reason="count" if i % 4 == 0 else None,
            batch_no=None,
        )
        for i in range(count)
    ]


async def _entries(source_id: int) -> list[tuple[Any, ...]]:
    rows = await LedgerEntry.filter(source_type="TEST", source_id=source_id).order_by("id")
    return [tuple(getattr(r, name) for name in COMPARED) for r in rows]


async def test_a_copied_posting_stores_what_an_inserted_one_does(db, monkeypatch) -> None:
    ch = await build_channel()
    warehouses = list(await Warehouse.filter(code__in=["W1", "W2", "W3"]).order_by("code"))
    product_ids = [p.id for p in await Product.filter(sku="SKU-A")]
    moves = _moves(warehouses, product_ids, balance_store.COPY_ROWS + 37)
    m = ch.admin.manufacturer_id

    async with in_transaction():  # at least COPY_ROWS: COPY on PostgreSQL
        await post(m, moves, source=("TEST", 1), token_id=7)
    monkeypatch.setattr(balance_store, "COPY_ROWS", len(moves) + 1)
    async with in_transaction():  # the same movements by INSERT
        await post(m, moves, source=("TEST", 2), token_id=7)

    copied, inserted = await _entries(1), await _entries(2)
    assert len(copied) == len(moves)
    assert copied == inserted
    assert copied[0][COMPARED.index("serials")] == ["SN0", "SN0b"]
    assert copied[1][COMPARED.index("serials")] == []
    assert {e.recorded_at for e in await LedgerEntry.filter(source_id=1)} != {None}
    per_warehouse = {w.id: 0 for w in warehouses}
    for move in moves:
        per_warehouse[move.warehouse.id] += 2 * move.quantity
    for warehouse_id, total in per_warehouse.items():
        row = await StockBalance.get(warehouse_id=warehouse_id, product_id=product_ids[0])
        assert row.quantity == total
    assert await ledger_mismatches() == []


async def test_balances_are_created_for_new_keys_beside_locked_ones(db) -> None:
    ch = await build_channel()
    m = ch.admin.manufacturer_id
    w1, w2, w3 = list(await Warehouse.filter(code__in=["W1", "W2", "W3"]).order_by("code"))
    a, s = [p.id for p in await Product.filter(sku__in=["SKU-A", "SKU-S"]).order_by("sku")]
    day = date(2026, 10, 1)
    async with in_transaction():
        await post(m, [Movement(w1, a, 5, LedgerKind.SELL_IN, day)], source=("TEST", 1))
    existing = await StockBalance.get(warehouse_id=w1.id, product_id=a)
    async with in_transaction():  # one key with a balance, three without
        await post(
            m,
            [
                Movement(w1, a, 2, LedgerKind.SELL_IN, day),
                Movement(w2, a, 3, LedgerKind.SELL_IN, day),
                Movement(w3, s, 4, LedgerKind.SELL_IN, day),
                Movement(w1, s, 1, LedgerKind.SELL_IN, day),
            ],
            source=("TEST", 2),
        )
    rows = {(r.warehouse_id, r.product_id): r for r in await StockBalance.filter(manufacturer_id=m)}
    assert {k: r.quantity for k, r in rows.items()} == {
        (w1.id, a): 7,
        (w2.id, a): 3,
        (w3.id, s): 4,
        (w1.id, s): 1,
    }
    assert rows[(w1.id, a)].id == existing.id  # the existing balance moved, not a second one
    assert rows[(w3.id, s)].partner_id == w3.partner_id
    assert await ledger_mismatches() == []


@ON_POSTGRES
async def test_balances_and_marks_leave_room_for_updates_in_place(db) -> None:
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        "SELECT relname, reloptions FROM pg_class WHERE relname = ANY($1::text[])",
        [["stock_balance", "batch_balance", "supply_stock", "reconcile_dirty", "rebate_dirty"]],
    )
    assert {r["relname"]: r["reloptions"] for r in rows} == {
        name: ["fillfactor=50"]
        for name in (
            "stock_balance",
            "batch_balance",
            "supply_stock",
            "reconcile_dirty",
            "rebate_dirty",
        )
    }
    (index,) = await conn.execute_query_dict(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_ledger_entr_reverse_0a0cb6'"
    )
    assert index["indexdef"].endswith("WHERE (reverses_id IS NOT NULL)")
    plan = await conn.execute_query_dict(
        "EXPLAIN SELECT 1 FROM ledger_entry WHERE manufacturer_id = 1 AND reverses_id = 5"
    )
    assert "Index Cond: (reverses_id = 5)" in "\n".join(r["QUERY PLAN"] for r in plan)
