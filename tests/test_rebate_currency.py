"""A rebate program's currency named at creation (``createRebateProgram(currency:)``),
on both backends: its value measures count list prices in that currency only; an
ill-formed code is ``INVALID``, one the manufacturer has no list price in ``NOT_FOUND``
(field ``currency``), nothing stored; without it, the latest list-price currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.domain.catalog import products
from portal.models import ProductPrice, RebateProgram
from tests.test_rebates import STATEMENT, _setup, _ship, program

CREATE = """mutation($input: CreateRebateProgramInput!) { createRebateProgram(input: $input) {
  rebateProgram { id currency } errors { field code } } }"""


async def test_a_named_currency_measures_only_its_prices(client) -> None:
    ch, manager, _, _ = await _setup(client)
    # USD 10.00 since 2025; the manufacturer now prices in EUR (its creation price, and
    # 9.00 since 2026-09): EUR is the default.
    await ProductPrice.filter(valid_from__gt=date(2025, 1, 1)).update(currency="EUR")
    await products.set_list_price(
        ch.admin, "SKU-A", price=Decimal("9.00"), valid_from=date(2026, 9, 1), currency="EUR"
    )
    await _ship(ch, "D1", "W1", 6000, date(2026, 10, 5))
    for bad, code in (("EURO", "INVALID"), ("E1R", "INVALID"), ("JPY", "NOT_FOUND")):
        made = (await manager(CREATE, input=program(currency=bad)))["createRebateProgram"]
        assert made["errors"] == [{"field": ["currency"], "code": code}], bad
    assert await RebateProgram.all().count() == 0
    # Each program alone over the October sell-in of 6,000 units (overlapping programs
    # would leave the sale to the oldest): its currency's prices only.
    for name, currency, expected in (
        ("Default", None, ("EUR", "54000.0000")),
        ("Dollars", " usd ", ("USD", "60000.0000")),
        ("Euros", "EUR", ("EUR", "54000.0000")),
    ):
        made = (await manager(CREATE, input=program(name=name, currency=currency)))[
            "createRebateProgram"
        ]
        assert made["errors"] == []
        made_id = made["rebateProgram"]["id"]
        s = (await manager(STATEMENT, id=made_id, partner="D1"))["rebateStatement"]
        assert (made["rebateProgram"]["currency"], s["attained"]) == expected, name
        await RebateProgram.filter(id=int(made_id)).delete()
    assert await ProductPrice.filter(currency="USD").count() == 1
