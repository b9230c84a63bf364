"""Volume and growth rebates through the graph, on both backends: the DOMAIN reference
cases (tiers 0 -> 0 %, 10,000 -> 2 %, 50,000 -> 4 %; 60,000.00 attained: retroactive
2,400.00, incremental 1,200.00), the fixed precedence of overlapping programs (the older
takes the sale), coded bad input that stores nothing, the idempotency key; accruals kept
current by the ``accrue_rebates`` job from the marked (partner, period) keys only, when a
POS posts and when a resubmission supersedes it; settlement through credit memos with an
interim payout subtracted (never paid twice, no memo for a zero accrual); the reporting
compliance condition; partners see only their own statement."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from portal.domain.access.tokens import create_token
from portal.domain.catalog import products
from portal.domain.incentives.rebate_accruals import recompute_program
from portal.domain.incentives.rebates import tier_figures
from portal.domain.ledger import shipments
from portal.domain.ledger.shipments import LineInput
from portal.jobs.kinds import ACCRUE_REBATES, RECONCILE
from portal.jobs.schedule import schedule
from portal.models import (
    Claim,
    CreditMemo,
    OutboxEvent,
    Partner,
    ProductPrice,
    RebateAccrual,
    RebateDirty,
    RebatePayout,
    RebateProgram,
    ReconciliationRow,
    Submission,
)
from portal.models.enums import ClaimKind, RebateMode, Role
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.ledger_fixtures import Channel, build_channel

CREATE = """mutation($input: CreateRebateProgramInput!) { createRebateProgram(input: $input) {
  rebateProgram { id name periodFrom periodTo measure mode growth status
    tiers { threshold rate } }
  errors { field code message } } }"""
STATEMENT = """query($id: ID!, $partner: String) { rebateStatement(programId: $id,
  partnerCode: $partner) { partnerCode attained currentRate nextThreshold remainingToNext
  accrued paid failingPeriods } }"""
PROGRAMS = """{ rebatePrograms { totalCount edges { node { id name status } } } }"""
CLOSE = """mutation($input: IdInput!) { closeRebateProgram(input: $input) {
  rebateProgram { id status } errors { field code message } } }"""
INTERIM = """mutation($input: IdInput!) { payRebateInterim(input: $input) {
  rebateProgram { id status } errors { field code message } } }"""
SUBMIT_POS = """mutation($input: SubmitPosInput!) { submitPos(input: $input) {
  submission { id } errors { code message } } }"""
SUBMIT_STOCK = """mutation($input: SubmitStockSnapshotInput!) { submitStockSnapshot(input: $input) {
  submission { id } errors { code message } } }"""
MEMOS = """{ creditMemos { totalCount edges { node { number partnerCode amount kind } } } }"""
REFERENCE_TIERS = [
    {"threshold": "0", "rate": "0"},
    {"threshold": "10000", "rate": "2"},
    {"threshold": "50000", "rate": "4"},
]


def program(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "FY26 Q4 volume",
        "periodFrom": "2026-10",
        "periodTo": "2026-12",
        "measure": "SELL_IN_VALUE",
        "mode": "RETROACTIVE",
        "partnerCodes": ["D1"],
        "skus": ["SKU-A"],
        "tiers": REFERENCE_TIERS,
        **overrides,
    }


async def _ship(ch: Channel, partner: str, warehouse: str, quantity: int, day: date) -> None:
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code=partner,
        warehouse_code=warehouse,
        document_no=f"INV-{partner}-{quantity}-{day.isoformat()}",
        shipped_on=day,
        lines=[LineInput("SKU-A", quantity)],
    )
    await shipments.receive_shipment(ch.admin, shipment.id, received_on=day)


async def _setup(client):  # type: ignore[no-untyped-def]
    """SKU-A lists at 10.00 since 2025; graph clients for a channel manager, D1 and D2."""
    ch = await build_channel()
    await products.set_list_price(
        ch.admin, "SKU-A", price=Decimal("10.00"), valid_from=date(2025, 1, 1)
    )
    m = ch.admin.manufacturer_id
    _, manager = await create_token(m, Role.CHANNEL_MANAGER)
    d1 = await Partner.get(code="D1")
    d2 = await Partner.get(code="D2")
    _, t1 = await create_token(m, Role.PARTNER_ADMIN, partner_id=d1.id)
    _, t2 = await create_token(m, Role.PARTNER_ADMIN, partner_id=d2.id)
    return ch, Graph(client, manager), Graph(client, t1), Graph(client, t2)


async def _accrue(app: Any) -> None:
    """What the scheduler does every ten seconds: record the job, run it."""
    await schedule(app.state.queue, ACCRUE_REBATES)
    await run_jobs(app)


async def _create(graph: Graph, **overrides: Any) -> str:
    made = (await graph(CREATE, input=program(**overrides)))["createRebateProgram"]
    assert made["errors"] == [], made
    return str(made["rebateProgram"]["id"])


async def test_reference_cases_and_precedence_of_overlapping_programs(client) -> None:
    ch, manager, d1, d2 = await _setup(client)
    # 60,000.00 of sell-in to D1 and to D2 in October (6,000 x 10.00), over two receipts.
    for partner, warehouse in (("D1", "W1"), ("D2", "W3")):
        await _ship(ch, partner, warehouse, 2500, date(2026, 10, 5))
        await _ship(ch, partner, warehouse, 3500, date(2026, 10, 20))

    retro = await _create(manager)
    incremental = await _create(manager, name="Q4 bands", mode="INCREMENTAL", partnerCodes=["D2"])
    # A newer program over the same sales of D1: the older one keeps them.
    newer = await _create(manager, name="Overlap", partnerCodes=["D1", "D2"])

    s = (await manager(STATEMENT, id=retro, partner="D1"))["rebateStatement"]
    assert s == {
        "partnerCode": "D1",
        "attained": "60000.0000",
        "currentRate": "4",
        "nextThreshold": None,
        "remainingToNext": None,
        "accrued": "2400.00",
        "paid": "0",
        "failingPeriods": [],
    }
    s = (await manager(STATEMENT, id=incremental, partner="D2"))["rebateStatement"]
    assert (s["attained"], s["currentRate"], s["accrued"]) == ("60000.0000", "4", "1200.00")
    for partner in ("D1", "D2"):
        s = (await manager(STATEMENT, id=newer, partner=partner))["rebateStatement"]
        assert (s["attained"], s["currentRate"], s["nextThreshold"], s["remainingToNext"]) == (
            "0",
            "0",
            "10000",
            "10000",
        )
        assert s["accrued"] == "0.00"

    # A partner sees its own statement, and only its own.
    own = (await d1(STATEMENT, id=retro))["rebateStatement"]
    assert (own["partnerCode"], own["accrued"]) == ("D1", "2400.00")
    refused = await d2.errors(STATEMENT, id=retro, partner="D1")
    assert refused and refused[0]["extensions"]["code"] == "NOT_FOUND"
    # D2 is not in the retroactive program: no statement for it.
    assert (await d2.errors(STATEMENT, id=retro))[0]["extensions"]["code"] == "NOT_FOUND"
    # A partner lists the programs it is in: named, of its tier, or of every partner.
    await _create(manager, name="Resellers", partnerCodes=None, partnerTier="RESELLER")
    await _create(manager, name="Distributors", partnerCodes=None, partnerTier="DISTRIBUTOR")
    await _create(
        manager, name="Everyone", partnerCodes=None, periodFrom="2027-01", periodTo="2027-01"
    )
    assert (await manager(PROGRAMS))["rebatePrograms"]["totalCount"] == 6
    for graph, names in (
        (d1, ["Everyone", "Distributors", "Overlap", "FY26 Q4 volume"]),
        (d2, ["Everyone", "Distributors", "Overlap", "Q4 bands"]),
    ):
        listed = (await graph(PROGRAMS))["rebatePrograms"]["edges"]
        assert [e["node"]["name"] for e in listed] == names


async def test_bad_input_is_coded_and_stores_nothing_and_the_key_is_idempotent(client) -> None:
    ch, manager, d1, _ = await _setup(client)
    for bad, field, code in (
        (program(tiers=[{"threshold": "0", "rate": "101"}]), ["tiers", "0", "rate"], "INVALID"),
        (program(tiers=[{"threshold": "0", "rate": "-1"}]), ["tiers", "0", "rate"], "INVALID"),
        (
            program(tiers=[{"threshold": "0", "rate": "1"}, {"threshold": "0", "rate": "2"}]),
            ["tiers", "1", "threshold"],
            "INVALID",
        ),
        (
            program(tiers=[{"threshold": "500", "rate": "1"}, {"threshold": "100", "rate": "2"}]),
            ["tiers", "1", "threshold"],
            "INVALID",
        ),
        (program(tiers=[]), ["tiers"], "REQUIRED"),
        (program(periodFrom="2026-12", periodTo="2026-10"), ["periodTo"], "INVALID"),
        (program(periodFrom="2026-13"), ["periodFrom"], "INVALID_PERIOD"),
        (program(partnerCodes=["NOPE"]), ["partnerCodes"], "NOT_FOUND"),
        (program(skus=["NOPE"]), ["skus"], "NOT_FOUND"),
        (program(skus=[]), ["skus"], "REQUIRED"),
        (program(name=" "), ["name"], "REQUIRED"),
    ):
        errors = (await manager(CREATE, input=bad))["createRebateProgram"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [(field, code)], bad
    assert await RebateProgram.all().count() == 0
    # A partner may not create a program.
    assert await d1.errors(CREATE, input=program())
    assert await RebateProgram.all().count() == 0

    first = (await manager(CREATE, input=program(idempotencyKey="rb-1")))["createRebateProgram"]
    again = (await manager(CREATE, input=program(idempotencyKey="rb-1")))["createRebateProgram"]
    assert again["rebateProgram"]["id"] == first["rebateProgram"]["id"]
    reused = (await manager(CREATE, input=program(name="Other", idempotencyKey="rb-1")))[
        "createRebateProgram"
    ]
    assert reused["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await RebateProgram.all().count() == 1
    assert first["rebateProgram"]["tiers"] == REFERENCE_TIERS
    # By category instead of SKUs.
    await products.create_product(ch.admin, sku="SKU-C", name="C", category="Robots")
    by_category = (
        await manager(CREATE, input=program(name="Robots", skus=None, categories=["Robots"]))
    )["createRebateProgram"]
    assert by_category["errors"] == []
    stored = await RebateProgram.get(id=int(by_category["rebateProgram"]["id"]))
    assert (stored.product_ids, stored.categories) == ([], ["Robots"])


def pos(quantity: int, day: str = "2026-10-20") -> dict[str, Any]:
    return {
        "warehouseCode": "W1",
        "sku": "SKU-A",
        "quantity": quantity,
        "soldOn": day,
        "endCustomer": {"name": "Acme Robotics", "country": "US"},
    }


async def test_accruals_follow_pos_and_supersede_from_the_marked_keys_only(client, app) -> None:
    ch, manager, d1, _ = await _setup(client)
    await _ship(ch, "D1", "W1", 9000, date(2026, 9, 1))  # stock to sell; September sell-in
    through = await _create(
        manager, name="Sell-through", measure="SELL_THROUGH_VALUE", periodTo="2026-11"
    )
    units = await _create(
        manager,
        name="Units",
        measure="SELL_THROUGH_UNITS",
        mode="INCREMENTAL",
        partnerCodes=["D2"],
        tiers=[{"threshold": "0", "rate": "1"}, {"threshold": "100", "rate": "3"}],
    )
    assert await RebateAccrual.all().count() == 0  # nothing sold yet
    # A posting marks its (partner, period), nothing else: one more unit received at W1.
    await RebateDirty.all().delete()
    d1_id = (await Partner.get(code="D1")).id
    await _ship(ch, "D1", "W1", 1, date(2026, 10, 2))
    assert await RebateDirty.all().values_list("partner_id", "period") == [(d1_id, "2026-10")]

    sent = await d1(SUBMIT_POS, input={"period": "2026-10", "lines": [pos(6000)]})
    assert sent["submitPos"]["errors"] == []
    await run_jobs(app)  # validation posts the POS; the posting marks (D1, 2026-10)
    await _accrue(app)  # (the worker's own schedule may have run it already: the same)
    assert await RebateDirty.all().count() == 0
    s = (await manager(STATEMENT, id=through, partner="D1"))["rebateStatement"]
    assert (s["attained"], s["currentRate"], s["accrued"]) == ("60000.0000", "4", "2400.00")
    rows = await RebateAccrual.all().values_list("program_id", "period", "units")
    assert rows == [(int(through), "2026-10", 6000)]
    accrued = await OutboxEvent.filter(event_type="rebate.accrued").values_list(
        "payload", flat=True
    )
    assert [(p["partnerCode"], p["accrued"]) for p in accrued] == [("D1", "2400.00")]

    # A resubmission supersedes the first version: its ledger effect is replaced.
    sent = await d1(SUBMIT_POS, input={"period": "2026-10", "lines": [pos(4000)]})
    assert sent["submitPos"]["errors"] == []
    await run_jobs(app)
    await _accrue(app)
    s = (await manager(STATEMENT, id=through, partner="D1"))["rebateStatement"]
    assert (s["attained"], s["currentRate"], s["nextThreshold"], s["remainingToNext"]) == (
        "40000.0000",
        "2",
        "50000",
        "10000.0000",
    )
    assert s["accrued"] == "800.00"
    # The units program of D2 was never touched: D1's keys are not D2's.
    assert await RebateAccrual.filter(program_id=int(units)).count() == 0
    s = (await manager(STATEMENT, id=units, partner="D2"))["rebateStatement"]
    assert (s["attained"], s["accrued"]) == ("0", "0.00")
    # What the job kept current incrementally is what a full recompute gives.
    figures = ("program_id", "partner_id", "period", "units", "value", "base_units")
    kept = await RebateAccrual.all().order_by("id").values_list(*figures)
    await RebateAccrual.all().delete()
    for program in await RebateProgram.all().order_by("id"):
        await recompute_program(program)
    assert await RebateAccrual.all().order_by("id").values_list(*figures) == kept
    # A manufacturer principal names the partner.
    assert (await manager.errors(STATEMENT, id=through))[0]["extensions"]["code"] == "REQUIRED"


async def test_close_pays_accrued_less_interim_once_and_nothing_for_zero(client, app) -> None:
    ch, manager, d1, _ = await _setup(client)
    await _ship(ch, "D1", "W1", 3000, date(2026, 10, 5))  # 30,000.00 -> 2 %: 600.00
    rebate = await _create(manager, partnerCodes=["D1", "D2"])  # D2 buys nothing
    assert await d1.errors(INTERIM, input={"id": rebate})  # partners may not pay
    paid = (await manager(INTERIM, input={"id": rebate}))["payRebateInterim"]
    assert paid["errors"] == [] and paid["rebateProgram"]["status"] == "OPEN"
    # Paying again at once pays nothing more: the accrual is unchanged.
    await manager(INTERIM, input={"id": rebate})
    assert await RebatePayout.all().values_list("kind", "amount") == [("INTERIM", Decimal("600"))]

    await _ship(ch, "D1", "W1", 3000, date(2026, 11, 5))  # 60,000.00 -> 4 %: 2,400.00
    await _accrue(app)
    s = (await d1(STATEMENT, id=rebate))["rebateStatement"]
    assert (s["accrued"], s["paid"]) == ("2400.00", "600.00")

    closed = (await manager(CLOSE, input={"id": rebate}))["closeRebateProgram"]
    assert closed["errors"] == [] and closed["rebateProgram"]["status"] == "CLOSED"
    memos = (await manager(MEMOS))["creditMemos"]["edges"]
    assert sorted((n["node"]["partnerCode"], n["node"]["amount"]) for n in memos) == [
        ("D1", "1800.00"),
        ("D1", "600.00"),
    ]
    assert await Claim.filter(kind=ClaimKind.REBATE).count() == 2
    assert await CreditMemo.all().count() == 2
    again = (await manager(CLOSE, input={"id": rebate}))["closeRebateProgram"]
    assert [e["code"] for e in again["errors"]] == ["INVALID_STATE"]
    late = (await manager(INTERIM, input={"id": rebate}))["payRebateInterim"]
    assert [e["code"] for e in late["errors"]] == ["INVALID_STATE"]
    assert await CreditMemo.all().count() == 2
    s = (await d1(STATEMENT, id=rebate))["rebateStatement"]
    assert (s["accrued"], s["paid"]) == ("2400.00", "2400.00")
    events = await OutboxEvent.filter(event_type="rebate.closed").values_list("payload", flat=True)
    assert [(p["memos"], p["amount"]) for p in events] == [(1, "1800.00")]


async def test_compliance_condition_names_failing_periods(client, app) -> None:
    ch, manager, d1, _ = await _setup(client)
    await _ship(ch, "D1", "W1", 3000, date(2026, 10, 5))
    await _ship(ch, "D1", "W1", 3000, date(2026, 9, 5))
    rebate = await _create(
        manager, periodFrom="2026-09", periodTo="2026-10", requireCompliance=True
    )
    s = (await d1(STATEMENT, id=rebate))["rebateStatement"]
    # Neither period was reported (both past their due dates): nothing counts.
    assert s["failingPeriods"] == ["2026-09", "2026-10"]
    assert (s["attained"], s["accrued"]) == ("0", "0.00")

    for kind, mutation, lines in (
        ("submitPos", SUBMIT_POS, [pos(10, "2026-09-20")]),
        (
            "submitStockSnapshot",
            SUBMIT_STOCK,
            [{"warehouseCode": "W1", "sku": "SKU-A", "quantity": 2990}],
        ),
    ):
        sent = await d1(mutation, input={"period": "2026-09", "lines": lines})
        assert sent[kind]["errors"] == []
        await run_jobs(app)  # one after the other: the stock report matches the POS
    await schedule(app.state.queue, RECONCILE)
    await run_jobs(app)
    assert not await ReconciliationRow.filter(period="2026-09", exception_status__not_isnull=True)
    # Reported now, after the due date: still late.
    s = (await d1(STATEMENT, id=rebate))["rebateStatement"]
    assert s["failingPeriods"] == ["2026-09", "2026-10"]
    # Reported by the due date (2026-10-10 for September): September counts.
    await Submission.filter(period="2026-09").update(created_at=datetime(2026, 10, 3, tzinfo=UTC))
    await _accrue(app)
    s = (await d1(STATEMENT, id=rebate))["rebateStatement"]
    assert s["failingPeriods"] == ["2026-10"]
    assert (s["attained"], s["currentRate"], s["accrued"]) == ("30000.0000", "2", "600.00")


async def test_growth_against_the_same_periods_a_year_earlier(client, app) -> None:
    ch, manager, d1, d2 = await _setup(client)
    # October 2025 (the base): 40,000.00 each; October 2026: 50,000.00 each (+25 %).
    for partner, warehouse in (("D1", "W1"), ("D2", "W3")):
        await _ship(ch, partner, warehouse, 4000, date(2025, 10, 10))
        await _ship(ch, partner, warehouse, 5000, date(2026, 10, 10))
    tiers = [
        {"threshold": "0", "rate": "1"},
        {"threshold": "20", "rate": "3"},
        {"threshold": "50", "rate": "5"},
    ]
    retro = await _create(manager, name="Growth", growth=True, periodTo="2026-10", tiers=tiers)
    bands = await _create(
        manager,
        name="Growth bands",
        growth=True,
        mode="INCREMENTAL",
        partnerCodes=["D2"],
        periodTo="2026-10",
        tiers=tiers,
    )
    s = (await d1(STATEMENT, id=retro))["rebateStatement"]
    assert (s["attained"], s["currentRate"], s["nextThreshold"], s["remainingToNext"]) == (
        "25.00",
        "3",
        "50",
        "25.00",
    )
    assert s["accrued"] == "1500.00"  # 50,000.00 x 3 %
    # Bands from the base: 40,000-48,000 at 1 %, 48,000-50,000 at 3 %: 80 + 60.
    s = (await d2(STATEMENT, id=bands))["rebateStatement"]
    assert (s["attained"], s["accrued"]) == ("25.00", "140.00")

    # A late posting in the base period marks (D1, 2025-10): the 2026-10 accrual follows.
    await _ship(ch, "D1", "W1", 1000, date(2025, 10, 20))
    await _accrue(app)
    s = (await d1(STATEMENT, id=retro))["rebateStatement"]
    assert (s["attained"], s["currentRate"], s["accrued"]) == ("0.00", "1", "500.00")


CLAIMS = """{ claims { edges { node { kind status partnerCode approvedAmount
  lines { sku amount evidence { units } } creditMemos { number amount kind } } } } }"""


async def test_accrual_below_the_interim_payout_is_clawed_back_by_a_debit_memo(client, app) -> None:
    ch, manager, d1, _ = await _setup(client)
    await _ship(ch, "D1", "W1", 9000, date(2026, 9, 1))
    rebate = await _create(manager, measure="SELL_THROUGH_VALUE")
    sent = await d1(SUBMIT_POS, input={"period": "2026-10", "lines": [pos(6000)]})
    assert sent["submitPos"]["errors"] == []
    await run_jobs(app)
    await _accrue(app)
    await manager(INTERIM, input={"id": rebate})  # 60,000.00 at 4 %: 2,400.00 paid
    # The POS is corrected down: 20,000.00 at 2 % = 400.00 accrued, 2,000.00 overpaid.
    sent = await d1(SUBMIT_POS, input={"period": "2026-10", "lines": [pos(2000)]})
    assert sent["submitPos"]["errors"] == []
    await run_jobs(app)
    await _accrue(app)
    await _accrue(app)  # nothing marked: the second run changes nothing
    s = (await d1(STATEMENT, id=rebate))["rebateStatement"]
    assert (s["accrued"], s["paid"]) == ("400.00", "2400.00")
    assert await OutboxEvent.filter(event_type="rebate.accrued").count() == 2

    closed = (await manager(CLOSE, input={"id": rebate}))["closeRebateProgram"]
    assert closed["errors"] == []
    claims = [e["node"] for e in (await d1(CLAIMS))["claims"]["edges"]]
    assert sorted((c["kind"], c["status"], c["approvedAmount"]) for c in claims) == [
        ("REBATE", "CREDITED", "-2000.00"),
        ("REBATE", "CREDITED", "2400.00"),
    ]
    memos = sorted((m["kind"], m["amount"]) for c in claims for m in c["creditMemos"])
    assert memos == [("CREDIT", "2400.00"), ("DEBIT", "-2000.00")]
    assert all(c["lines"][0]["sku"] == "REBATE" for c in claims)
    s = (await d1(STATEMENT, id=rebate))["rebateStatement"]
    assert (s["accrued"], s["paid"]) == ("400.00", "400.00")


async def test_a_failing_program_keeps_its_keys_and_is_recorded(client, monkeypatch) -> None:
    from portal.domain.incentives import rebate_accruals
    from portal.models import JobFailure

    ch, manager, _, _ = await _setup(client)
    rebate = await _create(manager)
    await _ship(ch, "D1", "W1", 6000, date(2026, 10, 5))
    original = rebate_accruals.refresh

    async def broken(program: RebateProgram, keys: set[tuple[int, str]]) -> set[int]:
        raise RuntimeError("poisoned")

    monkeypatch.setattr(rebate_accruals, "refresh", broken)
    assert await rebate_accruals.accrue_dirty() == 1
    assert await RebateDirty.all().count() == 1  # kept for the next run
    failure = await JobFailure.get(kind=ACCRUE_REBATES)
    assert (failure.item_key, failure.resolved_at) == (f"rebate program {rebate}", None)

    monkeypatch.setattr(rebate_accruals, "refresh", original)
    assert await rebate_accruals.accrue_dirty() == 1
    assert await RebateDirty.all().count() == 0
    assert (await JobFailure.get(kind=ACCRUE_REBATES)).resolved_at is not None
    s = (await manager(STATEMENT, id=rebate, partner="D1"))["rebateStatement"]
    assert s["accrued"] == "2400.00"


@pytest.mark.parametrize("mode", [RebateMode.RETROACTIVE, RebateMode.INCREMENTAL])
def test_growth_without_a_base_accrues_nothing_in_either_mode(mode: RebateMode) -> None:
    """No volume a year earlier: growth is undefined, no tier is reached. (The incremental
    bands were base x (1 + t/100), all 0, so everything fell in the top band at 4 %.)"""
    program = RebateProgram(growth=True, mode=mode, tiers=[["0", "0"], ["10", "2"], ["20", "4"]])
    for base in (Decimal("0"), Decimal("-100")):
        figures = tier_figures(program, current=Decimal("1000"), base=base, payable=Decimal("1000"))
        assert figures.accrued == Decimal("0.00")
        assert figures.current_rate == Decimal("0")


async def test_a_program_is_in_the_list_price_currency_and_counts_only_its_prices(client) -> None:
    """A manufacturer pricing in EUR gets EUR programs; a USD price is not added to them."""
    ch, manager, _, _ = await _setup(client)
    # The manufacturer now prices in EUR (the USD price of 2025 stays as history).
    await ProductPrice.filter(valid_from__gt=date(2025, 1, 1)).update(currency="EUR")
    await products.set_list_price(
        ch.admin, "SKU-A", price=Decimal("9.00"), valid_from=date(2026, 9, 1), currency="EUR"
    )
    # A stray USD price, later than the EUR one and before the sale: not the program's money.
    await products.set_list_price(
        ch.admin, "SKU-A", price=Decimal("10.00"), valid_from=date(2026, 9, 15)
    )
    await _ship(ch, "D1", "W1", 6000, date(2026, 10, 5))
    made = await manager(
        "mutation($input: CreateRebateProgramInput!) { createRebateProgram(input: $input) {"
        " rebateProgram { id currency } errors { code } } }",
        input=program(name="Euro volume"),
    )
    euro = made["createRebateProgram"]["rebateProgram"]
    assert euro["currency"] == "EUR"
    s = (await manager(STATEMENT, id=euro["id"], partner="D1"))["rebateStatement"]
    assert s["attained"] == "54000.0000"  # 6,000 x 9.00 EUR, not the 10.00 USD price
