"""Automatic interim payouts of rebate programs (``interimSchedule``), on both backends:
each elapsed quarter or month is paid once per partner with accruals, at what was
accrued through it less every payout so far; the ``rebate_interims`` job, recorded
first like every periodic job, pays nothing twice; settlement subtracts the interim
payouts (nothing is paid twice); memo lines name the interval and the partner."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.domain.incentives.rebate_interims import pay_scheduled_interims
from portal.jobs.kinds import REBATE_INTERIMS
from portal.jobs.schedule import schedule
from portal.models import Claim, CreditMemo, CreditMemoLine, Job, Partner, RebatePayout
from tests.jobs import run_jobs
from tests.test_rebates import CLOSE, CREATE, STATEMENT, _create, _setup, _ship, program

PROGRAM = """query { rebatePrograms { edges { node { name interimSchedule interimThrough
  status } } } }"""


async def _payouts(program_id: str) -> list[tuple[str, str | None, Decimal]]:
    codes = dict(await Partner.all().values_list("id", "code"))
    rows = await RebatePayout.filter(program_id=int(program_id)).order_by("id")
    return [(codes[r.partner_id], r.interval, Decimal(r.amount)) for r in rows]


async def test_quarterly_interims_once_then_settlement_subtracts_them(client, app) -> None:
    ch, manager, d1, _ = await _setup(client)
    await _ship(ch, "D1", "W1", 3000, date(2026, 8, 5))  # 30,000.00 -> 2 %: 600.00
    quarterly = await _create(
        manager,
        name="Quarterly",
        periodFrom="2026-07",
        periodTo="2026-12",
        partnerCodes=["D1", "R1"],  # R1 buys nothing: no accrual, no payout
        interimSchedule="QUARTERLY",
    )
    assert await pay_scheduled_interims(date(2026, 9, 30)) == 0  # Q3 not over yet
    assert await pay_scheduled_interims(date(2026, 10, 1)) == 1
    assert await _payouts(quarterly) == [("D1", "2026-Q3", Decimal("600.00"))]
    assert await pay_scheduled_interims(date(2026, 10, 1)) == 0  # once
    assert await pay_scheduled_interims(date(2026, 12, 31)) == 0  # Q4 not over
    claim = await Claim.get(program_id=int(quarterly))
    assert claim.period == "2026-09"  # filed in the interval's last period
    reason = await CreditMemoLine.filter(memo__claim_id=claim.id).values_list("reason", flat=True)
    assert reason == ["Quarterly: interim 2026-Q3 for D1, accrued 600.00 through 2026-09, paid 0"]
    listed = (await manager(PROGRAM))["rebatePrograms"]["edges"][0]["node"]
    assert listed == {
        "name": "Quarterly",
        "interimSchedule": "QUARTERLY",
        "interimThrough": "2026-Q3",
        "status": "OPEN",
    }

    # November lifts D1 to 60,000.00 at 4 %: 2,400.00 accrued, Q4 pays 1,800.00 once the
    # quarter is over (the accruals the job has not drained yet are recomputed first).
    await _ship(ch, "D1", "W1", 3000, date(2026, 11, 5))
    assert await pay_scheduled_interims(date(2027, 1, 4)) == 1
    assert await pay_scheduled_interims(date(2027, 1, 5)) == 0
    assert await _payouts(quarterly) == [
        ("D1", "2026-Q3", Decimal("600.00")),
        ("D1", "2026-Q4", Decimal("1800.00")),
    ]
    # Settlement subtracts both: nothing is owed, so no memo; the statement says paid.
    closed = (await manager(CLOSE, input={"id": quarterly}))["closeRebateProgram"]
    assert closed["errors"] == [] and closed["rebateProgram"]["status"] == "CLOSED"
    assert await CreditMemo.all().count() == 2
    s = (await d1(STATEMENT, id=quarterly))["rebateStatement"]
    assert (s["accrued"], s["paid"]) == ("2400.00", "2400.00")
    assert await pay_scheduled_interims(date(2027, 4, 1)) == 0  # closed: nothing more


async def test_the_job_pays_each_elapsed_month_once(client, app) -> None:
    ch, manager, _, d2 = await _setup(client)
    await _ship(ch, "D2", "W3", 1500, date(2026, 7, 10))  # 15,000.00 at 2 %: 300.00
    await _ship(ch, "D2", "W3", 1000, date(2026, 9, 10))  # 25,000.00 at 2 %: 500.00
    monthly = await _create(
        manager,
        name="Monthly",
        periodFrom="2026-07",
        periodTo="2026-09",
        partnerCodes=["D2"],
        interimSchedule="MONTHLY",
    )
    none = await _create(manager, name="On demand", partnerCodes=["D1"])
    for _ in range(2):  # a second round pays nothing
        await schedule(app.state.queue, REBATE_INTERIMS)
        await run_jobs(app)
    assert await Job.filter(kind=REBATE_INTERIMS).count() >= 1  # recorded before it ran
    # July 300.00; August adds nothing (no payout); September the 200.00 more.
    assert await _payouts(monthly) == [
        ("D2", "2026-07", Decimal("300.00")),
        ("D2", "2026-09", Decimal("200.00")),
    ]
    assert await _payouts(none) == []
    s = (await d2(STATEMENT, id=monthly))["rebateStatement"]
    assert (s["accrued"], s["paid"]) == ("500.00", "500.00")
    closed = (await manager(CLOSE, input={"id": monthly}))["closeRebateProgram"]
    assert closed["errors"] == []
    assert await CreditMemo.all().count() == 2  # the final settlement owes nothing


async def test_an_unknown_schedule_is_refused_by_the_schema(client) -> None:
    _, manager, _, _ = await _setup(client)
    refused = await manager.errors(CREATE, input=program(interimSchedule="WEEKLY"))
    assert refused and "WEEKLY" in refused[0]["message"]


PAYOUTS = """query { rebatePrograms { edges { node { name payouts { partnerCode kind interval
  amount claimId } } } } }"""


async def test_program_payouts_in_the_graph_a_partner_its_own(client) -> None:
    ch, manager, d1, d2 = await _setup(client)
    await _ship(ch, "D1", "W1", 3000, date(2026, 8, 5))  # 30,000.00 at 2 %: 600.00
    await _ship(ch, "D2", "W3", 1500, date(2026, 8, 6))  # 15,000.00 at 2 %: 300.00
    both = await _create(
        manager,
        name="Both",
        periodFrom="2026-07",
        periodTo="2026-12",
        partnerCodes=["D1", "D2"],
        interimSchedule="QUARTERLY",
    )
    assert await pay_scheduled_interims(date(2026, 10, 1)) == 2
    await _ship(ch, "D1", "W1", 100, date(2026, 10, 5))  # 1,000.00 more: 20.00 on account
    paid = await manager(
        "mutation($input: IdInput!) { payRebateInterim(input: $input) { errors { code } } }",
        input={"id": both},
    )
    assert paid["payRebateInterim"]["errors"] == []
    claims = {c.partner_id: c.id for c in await Claim.all().order_by("id")}
    seen = (await manager(PAYOUTS))["rebatePrograms"]["edges"][0]["node"]["payouts"]
    assert [(p["partnerCode"], p["kind"], p["interval"], p["amount"]) for p in seen] == [
        ("D1", "INTERIM", "2026-Q3", "600.00"),
        ("D2", "INTERIM", "2026-Q3", "300.00"),
        ("D1", "INTERIM", None, "20.00"),  # paid by hand: no interval
    ]
    d1_id = (await Partner.get(code="D1")).id
    assert seen[2]["claimId"] == str(claims[d1_id])
    # A partner sees the program's payouts to itself only.
    own = (await d2(PAYOUTS))["rebatePrograms"]["edges"][0]["node"]["payouts"]
    assert [(p["partnerCode"], p["interval"], p["amount"]) for p in own] == [
        ("D2", "2026-Q3", "300.00")
    ]
    mine = (await d1(PAYOUTS))["rebatePrograms"]["edges"][0]["node"]["payouts"]
    assert [p["partnerCode"] for p in mine] == ["D1", "D1"]
