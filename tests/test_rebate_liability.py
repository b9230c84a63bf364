"""rebateLiability through the graph, on both backends: a program's accrued, paid and
open amounts over its partners and what each period added (a retroactive tier reached
in November lifts October's volume too, so November adds it), the periods failing a
compliance condition left out as the statements leave them out, refused to partner
principals, NOT_FOUND for another manufacturer's or an unknown program, and a fixed
number of SQL statements whatever the number of partners."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.domain.catalog import partners, warehouses
from portal.domain.catalog.tenants import create_manufacturer
from portal.models import Partner
from portal.models.enums import PartnerTier
from tests.graph import Graph
from tests.test_rebates import INTERIM, STATEMENT, _accrue, _create, _setup, _ship

LIABILITY = """query($id: ID!) { rebateLiability(programId: $id) { programId currency partners
  accrued paid open accruals { period accrued } } }"""


async def test_liability_sums_the_statements_and_spreads_them_over_periods(client, app) -> None:
    ch, manager, d1, d2 = await _setup(client)
    await _ship(ch, "D1", "W1", 3000, date(2026, 10, 5))  # 30,000.00 -> 2 %: 600.00
    await _ship(ch, "D2", "W3", 500, date(2026, 10, 6))  # 5,000.00 -> 0 %
    rebate = await _create(manager, partnerCodes=["D1", "D2"])
    first = (await manager(LIABILITY, id=rebate))["rebateLiability"]
    assert first == {
        "programId": rebate,
        "currency": "USD",
        "partners": 2,
        "accrued": "600.00",
        "paid": "0.00",
        "open": "600.00",
        "accruals": [
            {"period": "2026-10", "accrued": "600.00"},
            {"period": "2026-11", "accrued": "0.00"},
            {"period": "2026-12", "accrued": "0.00"},
        ],
    }
    paid = (await manager(INTERIM, input={"id": rebate}))["payRebateInterim"]
    assert paid["errors"] == []

    # November takes D1 to 60,000.00 -> 4 % on all of it: 2,400.00, November adds 1,800.00.
    await _ship(ch, "D1", "W1", 3000, date(2026, 11, 5))
    await _ship(ch, "D2", "W3", 200, date(2026, 12, 1))  # 7,000.00: still 0 %
    await _accrue(app)
    liability = (await manager(LIABILITY, id=rebate))["rebateLiability"]
    assert (liability["accrued"], liability["paid"], liability["open"]) == (
        "2400.00",
        "600.00",
        "1800.00",
    )
    assert liability["accruals"] == [
        {"period": "2026-10", "accrued": "600.00"},
        {"period": "2026-11", "accrued": "1800.00"},
        {"period": "2026-12", "accrued": "0.00"},
    ]
    # The same figures as the partners' statements.
    statements = [
        (await manager(STATEMENT, id=rebate, partner=code))["rebateStatement"]
        for code in ("D1", "D2")
    ]
    assert sum(Decimal(s["accrued"]) for s in statements) == Decimal(liability["accrued"])
    assert sum(Decimal(s["paid"]) for s in statements) == Decimal(liability["paid"])

    # Partners may not ask, not even for a program they are in.
    for partner in (d1, d2):
        refused = await partner.errors(LIABILITY, id=rebate)
        assert refused and refused[0]["extensions"]["code"] == "FORBIDDEN"
    assert (await manager.errors(LIABILITY, id="999999"))[0]["extensions"]["code"] == "NOT_FOUND"
    _, other = await create_manufacturer("Globex")
    foreign = await Graph(client, other).errors(LIABILITY, id=rebate)
    assert foreign and foreign[0]["extensions"]["code"] == "NOT_FOUND"


async def test_incremental_and_failing_periods_as_the_statements(client, app) -> None:
    ch, manager, _, _ = await _setup(client)
    await _ship(ch, "D1", "W1", 3000, date(2026, 9, 5))
    await _ship(ch, "D1", "W1", 3000, date(2026, 10, 5))
    # Incremental: 10,000 at 0 %, 40,000 at 2 % (800.00), 10,000 at 4 % (400.00).
    bands = await _create(
        manager, name="Bands", mode="INCREMENTAL", periodFrom="2026-09", periodTo="2026-10"
    )
    liability = (await manager(LIABILITY, id=bands))["rebateLiability"]
    assert liability["accrued"] == "1200.00"
    # September alone: 10,000 at 0 %, 20,000 at 2 % = 400.00; October the rest.
    assert liability["accruals"] == [
        {"period": "2026-09", "accrued": "400.00"},
        {"period": "2026-10", "accrued": "800.00"},
    ]
    # Neither period reported by its due date: both fail, nothing accrues.
    strict = await _create(
        manager, name="Strict", periodFrom="2026-09", periodTo="2026-10", requireCompliance=True
    )
    s = (await manager(STATEMENT, id=strict, partner="D1"))["rebateStatement"]
    assert s["failingPeriods"] == ["2026-09", "2026-10"]
    liability = (await manager(LIABILITY, id=strict))["rebateLiability"]
    assert (liability["accrued"], liability["open"]) == (s["accrued"], "0.00")
    assert [a["accrued"] for a in liability["accruals"]] == ["0.00", "0.00"]


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
async def test_liability_statements_do_not_grow_with_partners(client, monkeypatch) -> None:
    ch, manager, _, _ = await _setup(client)

    async def dealer(n: int) -> None:
        code = f"DL{n}"
        await partners.create_partner(ch.admin, code=code, name=code, tier=PartnerTier.DEALER)
        await warehouses.create_warehouse(ch.admin, code=f"{code}-W", name=code, partner_code=code)
        await _ship(ch, code, f"{code}-W", 100 * (n + 1), date(2026, 10, 5))

    for n in range(2):
        await dealer(n)
    rebate = await _create(
        manager, name="Dealers", partnerCodes=None, partnerTier="DEALER", requireCompliance=True
    )
    wrapped = f'{{ items: rebateLiability(programId: "{rebate}") {{ partners accrued accruals {{ period accrued }} }} }}'
    few = await _count(monkeypatch, manager, wrapped)
    for n in range(2, 8):
        await dealer(n)
    assert await Partner.filter(tier=PartnerTier.DEALER).count() == 8
    many = await _count(monkeypatch, manager, wrapped)
    assert many == few


async def _count(monkeypatch, graph: Graph, query: str) -> int:  # type: ignore[no-untyped-def]
    from tortoise.backends.sqlite.client import SqliteClient

    seen: list[str] = []
    for name in ("execute_query", "execute_query_dict"):
        original = getattr(SqliteClient, name)

        def recording(self, sql, *args, __original=original, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(sql)
            return __original(self, sql, *args, **kwargs)

        monkeypatch.setattr(SqliteClient, name, recording)
    data = await graph(query)
    monkeypatch.undo()
    assert data["items"]["partners"] >= 2
    return len(seen)
