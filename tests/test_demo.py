"""`portal demo` seeds a realistic tenant: two tiers, 50 SKUs, six months of history with
real gaps and one late partner, reconciled. Its gaps tell a story: valued (prices dated
before the history), of different ages and sizes across partners, one partner drifting
and one improving."""

from __future__ import annotations

from datetime import date

import pytest

from portal.demo import DRIFTING, IMPROVING, LATE_PARTNER, SLOW_PARTNER, seed_demo
from portal.demo_batches import LOT_SKU
from portal.demo_orders import BACKORDERED, RESELLER_RETURN_RMA
from portal.demo_rebates import VOLUME_PROGRAM
from portal.domain.access.principal import Principal
from portal.domain.incentives.rebate_settlement import compute_statement
from portal.domain.ledger.check import ledger_mismatches
from portal.domain.reporting.compliance import compliance
from portal.models import (
    BatchBalance,
    CallOffNotification,
    Charge,
    Claim,
    ClaimLine,
    CreditMemo,
    DesignRegistration,
    InventoryContract,
    InventoryContractLine,
    InventoryDocument,
    Order,
    OrderLine,
    Partner,
    PriceProtectionProgram,
    Product,
    RebatePayout,
    RebateProgram,
    ReconciliationRow,
    Shipment,
    StockBalance,
    StockReturn,
    Submission,
    Transfer,
    Warehouse,
)
from portal.models.enums import (
    ClaimKind,
    ClaimLineStatus,
    ClaimStatus,
    DesignStatus,
    InventoryDocumentKind,
    InventoryDocumentStatus,
    OrderStatus,
    PartnerTier,
    ReconciliationStatus,
    ReturnStatus,
    Role,
    ShipmentStatus,
    SubmissionStatus,
    TransferStatus,
)


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
async def test_demo_history(db) -> None:
    tokens = await seed_demo(today=date(2026, 11, 21))  # October is past its due date
    assert tokens.admin.startswith("cpt_") and tokens.partner_code == "DIST-NA"
    assert await Partner.filter(tier=PartnerTier.DISTRIBUTOR).count() == 3
    assert await Partner.filter(tier=PartnerTier.RESELLER, parent_id__isnull=False).count() == 4
    assert (
        await Product.all().count() == 51
        and await Product.filter(serial_controlled=True).count() == 5
        and await Product.filter(batch_controlled=True).count() == 1
    )
    assert await Submission.exclude(status=SubmissionStatus.ACCEPTED).count() == 0
    periods = set(await Submission.exclude(period="2026-11").values_list("period", flat=True))
    assert len(periods) == 6
    # This month so far: DIST-NA's sales from its consignment warehouse, which consume the
    # demo's SCS contract (three lines: three call-offs and charges), and RES-BOS's sales of
    # one lot of the batch-controlled SKU.
    assert await Submission.filter(period="2026-11").count() == 2
    assert await InventoryContract.all().count() == 3
    assert await CallOffNotification.all().count() == await Charge.all().count() == 3
    # Its lines were supplied by sell-in shipments into the consignment warehouse, received.
    supplies = await Shipment.filter(source="CONTRACT").order_by("document_no")
    assert len(supplies) == 3 and {s.status for s in supplies} == {ShipmentStatus.RECEIVED}
    assert all(s.document_no.startswith("SCS-") for s in supplies)
    assert await InventoryContractLine.filter(shipment_id__isnull=False).count() == 3
    exceptions = await ReconciliationRow.filter(status=ReconciliationStatus.EXCEPTION).count()
    missing = await ReconciliationRow.filter(
        status=ReconciliationStatus.MISSING_REPORT, partner__code=LATE_PARTNER
    ).count()
    assert exceptions >= 1 and missing >= 1
    assert await ledger_mismatches() == []
    # Batches: two lots shipped to DIST-NA; RES-BOS ordered 10 of lot A (shipped, received,
    # 4 sold) and 5 of lot B (reserved, waiting for DIST-NA).
    codes = dict(await Warehouse.all().values_list("id", "code"))
    lot_sku = await Product.get(sku=LOT_SKU)
    lots = {
        (codes[b.warehouse_id], b.batch_no): b.quantity
        for b in await BatchBalance.filter(product_id=lot_sku.id)
    }
    assert lots == {
        ("DIST-NA-MAIN", "LOT-2611A"): 50,
        ("DIST-NA-MAIN", "LOT-2611B"): 40,
        ("RES-BOS-WH", "LOT-2611A"): 6,
    }
    assert await OrderLine.filter(batch_no="LOT-2611B", reserved=5).count() == 1
    # History imported with its receipt times: on time, except the slow and the late partner.
    north = await Partner.get(code="DIST-NA")
    manager = Principal(north.manufacturer_id, Role.ADMIN)  # type: ignore[attr-defined]
    states = {
        (row.partner_code, row.kind.value): row.state.value
        for row in await compliance(manager, "2026-10")
    }
    assert states[("DIST-NA", "POS")] == states[("RES-BOS", "STOCK")] == "ON_TIME"
    assert states[(SLOW_PARTNER, "STOCK")] == "LATE"
    assert states[(LATE_PARTNER, "POS")] == "MISSING"
    earlier = {row.state.value for row in await compliance(manager, "2026-07")}
    assert earlier == {"ON_TIME"}
    # Open work waiting: a transfer to receive, one to approve, designs to review.
    north = await Partner.get(code="DIST-NA")
    assert await Transfer.filter(to_partner_id=north.id, status=TransferStatus.SHIPPED).count() == 1
    assert (
        await Transfer.filter(from_partner_id=north.id, status=TransferStatus.REQUESTED).count()
        == 1
    )
    # Orders in every state, one of them received and so COMPLETED.
    order_states = set(await Order.all().values_list("status", flat=True))
    assert order_states == set(OrderStatus)
    # Returns against orders: DIST-AP's to the manufacturer, RES-AUS's to its distributor
    # (requested, awaiting DIST-NA's receipt).
    against_order = await StockReturn.filter(source="ORDER").order_by("id")
    assert [(r.partner_id, r.to_partner_id, r.status) for r in against_order] == [
        ((await Partner.get(code="RES-AUS")).id, north.id, ReturnStatus.REQUESTED),
        ((await Partner.get(code="DIST-AP")).id, None, ReturnStatus.REQUESTED),
    ]
    assert all(r.order_ids != [] for r in against_order)
    assert against_order[0].rma_no == RESELLER_RETURN_RMA
    assert against_order[0].to_warehouse_id == (await Warehouse.get(code="DIST-NA-MAIN")).id
    returned = (
        await OrderLine.filter(returned__gt=0).order_by("id").values_list("returned", flat=True)
    )
    assert returned == [1, 2]
    # Reseller backorders with DIST-NA, filled oldest first by the stock that arrived there.
    filled = await OrderLine.filter(product__sku=BACKORDERED).order_by("id")
    assert [(ln.quantity, ln.reserved, ln.backordered) for ln in filled] == [(6, 6, 0), (4, 2, 2)]
    assert (
        await StockBalance.get(warehouse__code="DIST-NA-MAIN", product__sku=BACKORDERED) is not None
    )
    assert await DesignRegistration.filter(status=DesignStatus.SUBMITTED).count() == 2
    approved = await DesignRegistration.get(status=DesignStatus.APPROVED)
    assert approved.expires_on is not None
    # Claims: credited ones (each with its memo) and one awaiting the manager's review.
    statuses = await Claim.filter(kind=ClaimKind.SHIP_AND_DEBIT).values_list("status", flat=True)
    assert sorted(s.value for s in statuses) == ["CREDITED"] * 3 + ["VALIDATED"]
    # Price protection: five drops; DIST-NA's validated claims of the two in effect: the
    # recent one approvable, last month's held by DIST-NA's open exception there.
    assert await PriceProtectionProgram.all().count() == 5
    protected = await Claim.filter(kind=ClaimKind.PRICE_PROTECTION).order_by("id")
    assert [(c.partner_id, c.status) for c in protected] == [(north.id, ClaimStatus.VALIDATED)] * 2
    held, recent = protected
    held_lines = await ClaimLine.filter(claim_id=held.id).values_list("codes", "status")
    assert held_lines and all(
        codes == ["HELD_OPEN_EXCEPTION"] and status == ClaimLineStatus.PENDING
        for codes, status in held_lines
    )
    assert held.approved_amount == 0
    assert recent.approved_amount and recent.approved_amount > 0
    # Rebates mid-way: three programs; the distributors' volume paid on account so far.
    assert await RebateProgram.all().count() == 3
    volume = await RebateProgram.get(name=VOLUME_PROGRAM)
    for code in ("DIST-NA", "DIST-EU", "DIST-AP"):
        partner = await Partner.get(code=code)
        s = await compute_statement(volume, partner)
        assert s.attained > 10000 and s.current_rate > 0 and s.next_threshold is not None
        assert s.accrued > 0 and s.paid == s.accrued
    # Quarterly on the automatic schedule: Q3 (August, September) has elapsed and was
    # paid to each distributor, naming it; October and November since, by hand (no interval).
    assert volume.interim_through == "2026-Q3"
    scheduled = await RebatePayout.filter(program_id=volume.id, interval__not_isnull=True)
    assert sorted(p.interval for p in scheduled) == ["2026-Q3"] * 3
    assert all(p.amount > 0 for p in scheduled)
    by_hand = await RebatePayout.filter(program_id=volume.id, interval__isnull=True).count()
    assert 1 <= by_hand <= 3
    interims = await RebatePayout.filter(kind="INTERIM").count()
    assert interims == 3 + by_hand
    assert (
        await Claim.filter(kind=ClaimKind.REBATE, status=ClaimStatus.CREDITED).count() == interims
    )
    resellers = await RebateProgram.get(require_compliance=True)
    failing = [
        bool((await compute_statement(resellers, reseller)).failing_periods)
        for reseller in await Partner.filter(tier=PartnerTier.RESELLER).order_by("code")
    ]
    assert True in failing and False in failing  # late or open exceptions: those periods
    credited = await Claim.filter(status=ClaimStatus.CREDITED).values_list("id", flat=True)
    memos = await CreditMemo.filter(kind="CREDIT").values_list("claim_id", flat=True)
    assert sorted(memos) == sorted(credited)
    # Inventory documents: Austin's lab opened, took in and issued stock; its samples wait.
    docs = (
        await InventoryDocument.all().order_by("id").values_list("kind", "status", "total_quantity")
    )
    assert docs == [
        (InventoryDocumentKind.OPENING_STOCK, InventoryDocumentStatus.POSTED, 90),
        (InventoryDocumentKind.INBOUND, InventoryDocumentStatus.POSTED, 5),
        (InventoryDocumentKind.OUTBOUND, InventoryDocumentStatus.POSTED, 2),
        (InventoryDocumentKind.OUTBOUND, InventoryDocumentStatus.PENDING_APPROVAL, 25),
    ]
    lab = await StockBalance.filter(warehouse__code="RES-AUS-LAB").values_list(
        "quantity", flat=True
    )
    assert sorted(lab) == [28, 30, 35]  # the pending samples are not posted
    again = await seed_demo()  # a second run reuses the tenant and issues fresh tokens
    assert again.admin != tokens.admin
    assert await Partner.all().count() == 7


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
async def test_demo_gaps_tell_a_story(db) -> None:
    await seed_demo(today=date(2026, 11, 21))
    exceptions = await ReconciliationRow.filter(status=ReconciliationStatus.EXCEPTION).values(
        "partner__code", "period", "gap", "gap_value"
    )
    # Every exception has a value (the prices predate the history), and the values differ.
    assert exceptions and all(row["gap_value"] > 0 for row in exceptions)
    assert len({row["gap_value"] for row in exceptions}) >= 5
    # Of different ages and partners: not all in the last month, not all one partner's.
    assert len({row["period"] for row in exceptions}) >= 4
    assert len({row["partner__code"] for row in exceptions}) >= 3
    assert any(row["gap"] < 0 for row in exceptions)  # one partner reported more than it held

    def trend(code: str) -> list[int]:
        totals: dict[str, int] = {}
        for row in exceptions:
            if row["partner__code"] == code:
                totals[row["period"]] = totals.get(row["period"], 0) + abs(row["gap"])
        return [totals.get(p, 0) for p in ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10")]

    drifting, improving = trend(DRIFTING), trend(IMPROVING)
    assert drifting == sorted(drifting) and drifting[0] < drifting[-1]  # worse every month
    assert improving == sorted(improving, reverse=True) and improving[-1] < improving[0]
    # The improving partner's last month is within tolerance: no exception left there.
    assert improving[-1] == 0
