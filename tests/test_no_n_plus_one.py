"""DataLoaders throughout: the SQL statements of a reconciliation page do not grow with
the number of rows on it (SQLite, counted at the connection)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from portal.domain.access.tokens import create_token
from portal.domain.catalog import partners, products, warehouses
from portal.domain.ledger import shipments
from portal.domain.ledger.shipments import LineInput
from portal.domain.reconciliation.recompute import drain_dirty
from portal.models.enums import PartnerTier, Role
from tests.graph import Graph
from tests.ledger_fixtures import build_channel

QUERY = """query($n: Int) { reconciliation(period: "2026-10", first: $n) { totalCount edges { node {
  partnerCode warehouseCode sku calculated entries { kind quantity sku } history { action } } } } }"""


async def statements_of(monkeypatch, graph: Graph, query: str, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """The SQL one request runs (SQLite client), each reduced to its shape: an IN-list or
    a number is one token, so a batch of any size has one shape."""
    from tortoise.backends.sqlite.client import SqliteClient

    seen: list[str] = []
    for name in ("execute_query", "execute_query_dict"):
        original = getattr(SqliteClient, name)

        def recording(self, sql, *args, __original=original, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(re.sub(r"\b\d+\b", "N", re.sub(r"\?(?:\s*,\s*\?)*", "?", sql)))
            return __original(self, sql, *args, **kwargs)

        monkeypatch.setattr(SqliteClient, name, recording)
    data = await graph(query, n=n)
    monkeypatch.undo()
    assert len(next(iter(data.values()))["edges"]) == n
    return seen


async def count_statements(monkeypatch, graph: Graph, query: str, n: int) -> int:  # type: ignore[no-untyped-def]
    """SQL statements one request makes, counted at the SQLite client."""
    return len(await statements_of(monkeypatch, graph, query, n))


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
async def test_reconciliation_page_has_constant_statements(client, monkeypatch) -> None:
    ch = await build_channel()
    for n in range(12):
        code = f"P{n}"
        await partners.create_partner(ch.admin, code=code, name=code, tier=PartnerTier.DEALER)
        await warehouses.create_warehouse(ch.admin, code=f"{code}-W", name=code, partner_code=code)
        await products.create_product(ch.admin, sku=f"X{n}", name="x")
        shipment = await shipments.record_shipment(
            ch.admin,
            partner_code=code,
            warehouse_code=f"{code}-W",
            document_no=f"D{n}",
            shipped_on=date(2026, 10, 1),
            lines=[LineInput(f"X{n}", 5 + n)],
        )
        await shipments.receive_shipment(ch.admin, shipment.id, received_on=date(2026, 10, 2))
    await drain_dirty(today=date(2026, 11, 1))
    _, token = await create_token(ch.admin.manufacturer_id, Role.CHANNEL_MANAGER)
    graph = Graph(client, token)
    await graph(QUERY, n=1)  # warm up: authentication usage row, caches
    small = await count_statements(monkeypatch, graph, QUERY, 2)
    large = await count_statements(monkeypatch, graph, QUERY, 12)
    assert small == large, (small, large)


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
async def test_product_page_prices_in_one_query(client, monkeypatch) -> None:
    ch = await build_channel()
    for n in range(12):
        await products.create_product(ch.admin, sku=f"Y{n}", name="y", list_price=n + 1)
    _, token = await create_token(ch.admin.manufacturer_id, Role.ADMIN)
    graph = Graph(client, token)
    query = "query($n: Int) { products(first: $n) { edges { node { sku listPrice } } } }"
    await graph(query, n=1)

    assert await count_statements(monkeypatch, graph, query, 2) == await count_statements(
        monkeypatch, graph, query, 12
    )
