"""A reseller's sell-in received through its distributor's transfers (an order's shipping
notice from a distributor becomes one) counts in ``SELL_IN_VALUE`` at list price, kept by
the ``accrue_rebates`` job from the keys the receipt marks; a transfer between two
distributors is not sell-in. Both backends."""

from __future__ import annotations

from datetime import date

from portal.domain.incentives.rebate_accruals import recompute_program
from portal.domain.ledger import transfers
from portal.domain.ledger.shipments import LineInput
from portal.models import Partner, RebateAccrual, RebateDirty, RebateProgram
from tests.test_rebates import STATEMENT, _accrue, _create, _setup, _ship


async def _transfer(ch, sender, source: str, target: str, to: str, units: int, day: date) -> None:  # type: ignore[no-untyped-def]
    transfer = await transfers.raise_transfer(
        sender,
        from_warehouse_code=source,
        to_warehouse_code=target,
        to_partner_code=to,
        lines=[LineInput("SKU-A", units)],
        approved=True,
    )
    await transfers.ship_transfer(sender, transfer.id, shipped_on=day)
    await transfers.receive_transfer(ch.admin, transfer.id, received_on=day)


async def test_a_resellers_sell_in_through_its_distributors_transfers(client, app) -> None:
    ch, manager, _, _ = await _setup(client)
    await _ship(ch, "D1", "W1", 8000, date(2026, 9, 20))
    reseller = await _create(manager, name="Resellers", partnerCodes=["R1"])
    distributors = await _create(manager, name="D2 volume", partnerCodes=["D2"])
    await RebateDirty.all().delete()
    # D1 ships 1,200 to its reseller R1 (R1's sell-in) and 500 to D2 (not D2's sell-in).
    await _transfer(ch, ch.d1, "W1", "WR", "R1", 1200, date(2026, 10, 4))
    await _transfer(ch, ch.d1, "W1", "W3", "D2", 500, date(2026, 10, 6))
    r1 = (await Partner.get(code="R1")).id
    assert (r1, "2026-10") in set(await RebateDirty.all().values_list("partner_id", "period"))
    await _accrue(app)
    assert await RebateDirty.all().count() == 0
    s = (await manager(STATEMENT, id=reseller, partner="R1"))["rebateStatement"]
    assert (s["attained"], s["currentRate"], s["accrued"]) == ("12000.0000", "2", "240.00")
    s = (await manager(STATEMENT, id=distributors, partner="D2"))["rebateStatement"]
    assert (s["attained"], s["accrued"]) == ("0", "0.00")
    # A second delivery is added incrementally; a full recompute gives the same rows.
    await _transfer(ch, ch.d1, "W1", "WR", "R1", 300, date(2026, 11, 2))
    await _accrue(app)
    s = (await manager(STATEMENT, id=reseller, partner="R1"))["rebateStatement"]
    assert s["attained"] == "15000.0000"
    figures = ("program_id", "partner_id", "period", "units", "value")
    kept = await RebateAccrual.all().order_by("program_id", "period").values_list(*figures)
    assert [(k[2], k[3]) for k in kept] == [("2026-10", 1200), ("2026-11", 300)]
    await RebateAccrual.all().delete()
    for program in await RebateProgram.all().order_by("id"):
        await recompute_program(program)
    assert await RebateAccrual.all().order_by("program_id", "period").values_list(*figures) == kept
