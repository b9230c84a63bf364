"""The full accrual recompute gives the same rows on both backends and on both paths
(PostgreSQL: the set-based upsert of ``rebate_recompute_sql``; SQLite and the reference:
``refresh_rows``, row by row). Hand-worked case over overlapping programs (precedence),
a growth program (base a year earlier), a price change inside a period, a price in
another currency, partner returns, customer returns and consignment stock; then a key
whose volume is reversed to nothing keeps its row at zero, and an unchanged recompute
changes no row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from portal.domain.access.principal import Principal
from portal.domain.catalog import products, warehouses
from portal.domain.incentives.rebate_accruals import key_products, recompute_program, refresh_rows
from portal.domain.incentives.rebates import create_program, program_partner_ids, program_periods
from portal.domain.ledger.posting import Movement, post
from portal.models import Product, RebateAccrual, RebateProgram, Warehouse
from portal.models.enums import LedgerKind, RebateMeasure, RebateMode, Role, WarehouseKind
from tests.ledger_fixtures import build_channel

FIGURES = ("program_id", "partner_id", "period", "units", "value", "base_units", "base_value")
TIERS = [(Decimal("0"), Decimal("1")), (Decimal("1000"), Decimal("2"))]


async def _rows() -> list[tuple[Any, ...]]:
    rows = (
        await RebateAccrual.all()
        .order_by("program_id", "partner_id", "period")
        .values_list(*FIGURES)
    )
    return [(*r[:4], Decimal(r[4]), r[5], Decimal(r[6])) for r in rows]


async def _both_paths(fresh: bool = True) -> list[tuple[Any, ...]]:
    """The backend's recompute of every program, checked equal to the row-by-row one:
    from no rows (``fresh``), or over the rows the backend left (nothing to change)."""
    for program in await RebateProgram.all().order_by("id"):
        await recompute_program(program)
    backend = await _rows()
    if fresh:
        await RebateAccrual.all().delete()
    for program in await RebateProgram.all().order_by("id"):
        keys = {
            (p, d) for p in await program_partner_ids(program) for d in program_periods(program)
        }
        await refresh_rows(program, await key_products(program, keys))
    assert await _rows() == backend
    return backend


async def test_set_based_and_row_by_row_recompute_agree(client) -> None:
    ch = await build_channel()
    admin = ch.admin
    m = admin.manufacturer_id
    manager = Principal(m, Role.CHANNEL_MANAGER)
    await warehouses.create_warehouse(
        admin, code="WC", name="WC", partner_code="D1", kind=WarehouseKind.CONSIGNMENT
    )
    for price, day, currency in (
        ("10.00", date(2025, 1, 1), "USD"),
        ("12.50", date(2026, 10, 15), "USD"),
        ("99.00", date(2026, 10, 1), "EUR"),
    ):
        await products.set_list_price(
            admin, "SKU-A", price=Decimal(price), valid_from=day, currency=currency
        )
    await products.set_list_price(
        admin, "SKU-S", price=Decimal("3.00"), valid_from=date(2025, 1, 1)
    )
    a = (await Product.get(sku="SKU-A")).id
    s = (await Product.get(sku="SKU-S")).id
    w = {x.code: x for x in await Warehouse.all()}
    moves = [
        Movement(w["W1"], a, 100, LedgerKind.SELL_IN, date(2025, 10, 5)),  # D1 base
        Movement(w["W1"], s, 40, LedgerKind.SELL_IN, date(2025, 10, 6)),
        Movement(w["W1"], a, 300, LedgerKind.SELL_IN, date(2026, 10, 5)),  # at 10.00
        Movement(w["W2"], a, 200, LedgerKind.SELL_IN, date(2026, 10, 20)),  # at 12.50
        Movement(w["W1"], s, 70, LedgerKind.SELL_IN, date(2026, 10, 7)),
        Movement(w["W1"], a, -30, LedgerKind.RETURN_TO_MANUFACTURER, date(2026, 11, 3)),
        Movement(w["WC"], a, 500, LedgerKind.SELL_IN, date(2026, 10, 5)),  # consignment
        Movement(w["W3"], a, 80, LedgerKind.SELL_IN, date(2026, 11, 2)),  # D2
        Movement(w["W1"], a, -120, LedgerKind.SELL_THROUGH, date(2026, 10, 16)),
        Movement(w["W1"], a, 20, LedgerKind.CUSTOMER_RETURN, date(2026, 10, 25)),
        Movement(w["W3"], a, -15, LedgerKind.SELL_THROUGH, date(2026, 11, 9)),
        Movement(w["WR"], a, 9, LedgerKind.SELL_IN, date(2026, 11, 9)),  # R1
    ]
    await post(m, moves, source=("TEST", 1), allow_negative=True)
    common: dict[str, Any] = {
        "period_from": "2026-10",
        "period_to": "2026-11",
        "mode": RebateMode.RETROACTIVE,
        "tiers": TIERS,
    }
    sell_in = await create_program(
        manager, name="Sell-in", measure=RebateMeasure.SELL_IN_VALUE, skus=["SKU-A"], **common
    )
    growth = await create_program(  # newer: D1's SKU-A is the first program's
        manager,
        name="Growth",
        measure=RebateMeasure.SELL_IN_VALUE,
        skus=["SKU-A", "SKU-S"],
        partner_codes=["D1"],
        growth=True,
        **common,
    )
    through = await create_program(
        manager,
        name="Through",
        measure=RebateMeasure.SELL_THROUGH_VALUE,
        skus=["SKU-A"],
        currency="USD",
        **common,
    )
    await RebateAccrual.all().delete()
    d1, d2, r1 = ch.d1.partner_id, ch.d2.partner_id, ch.r1.partner_id
    zero = Decimal("0")
    expected = [
        # 300 x 10.00 + 200 x 12.50; then a return of 30 at 12.50.
        (sell_in.id, d1, "2026-10", 500, Decimal("5500.00"), 0, zero),
        (sell_in.id, d1, "2026-11", -30, Decimal("-375.00"), 0, zero),
        (sell_in.id, d2, "2026-11", 80, Decimal("1000.00"), 0, zero),
        (sell_in.id, r1, "2026-11", 9, Decimal("112.50"), 0, zero),
        # SKU-S only (SKU-A of D1 is the older program's), against October 2025.
        (growth.id, d1, "2026-10", 70, Decimal("210.00"), 40, Decimal("120.00")),
        # Sold 120 at 12.50, 20 returned at 12.50; D2 15 at 12.50.
        (through.id, d1, "2026-10", 100, Decimal("1250.00"), 0, zero),
        (through.id, d2, "2026-11", 15, Decimal("187.50"), 0, zero),
    ]
    assert await _both_paths() == expected

    # D2's November volume is reversed: its row stays, at zero; nothing else moves.
    await post(
        m,
        [Movement(w["W3"], a, -80, LedgerKind.RETURN_TO_MANUFACTURER, date(2026, 11, 20))],
        source=("TEST", 2),
        allow_negative=True,
    )
    after = await _both_paths(fresh=False)
    assert after == [
        (*row[:3], 0, zero, 0, zero) if row[:3] == (sell_in.id, d2, "2026-11") else row
        for row in expected
    ]
    # A recompute over unchanged figures reports no partner changed.
    program = await RebateProgram.get(id=sell_in.id)
    keys = {(p, d) for p in await program_partner_ids(program) for d in program_periods(program)}
    from portal.domain.incentives.rebate_accruals import refresh

    assert await refresh(program, keys) == set()
