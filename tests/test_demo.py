"""`portal demo` seeds a realistic tenant: two tiers, 50 SKUs, six months of history with
real gaps and one late partner, reconciled."""

from __future__ import annotations

from datetime import date

import pytest

from portal.demo import LATE_PARTNER, SLOW_PARTNER, seed_demo
from portal.domain.access.principal import Principal
from portal.domain.ledger.check import ledger_mismatches
from portal.domain.reporting.compliance import compliance
from portal.models import (
    DesignRegistration,
    Partner,
    Product,
    ReconciliationRow,
    Submission,
    Transfer,
)
from portal.models.enums import (
    DesignStatus,
    PartnerTier,
    ReconciliationStatus,
    Role,
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
        await Product.all().count() == 50
        and await Product.filter(serial_controlled=True).count() == 5
    )
    assert await Submission.exclude(status=SubmissionStatus.ACCEPTED).count() == 0
    periods = set(await Submission.all().values_list("period", flat=True))
    assert len(periods) == 6
    exceptions = await ReconciliationRow.filter(status=ReconciliationStatus.EXCEPTION).count()
    missing = await ReconciliationRow.filter(
        status=ReconciliationStatus.MISSING_REPORT, partner__code=LATE_PARTNER
    ).count()
    assert exceptions >= 1 and missing >= 1
    assert await ledger_mismatches() == []
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
    assert await DesignRegistration.filter(status=DesignStatus.SUBMITTED).count() == 2
    approved = await DesignRegistration.get(status=DesignStatus.APPROVED)
    assert approved.expires_on is not None
    again = await seed_demo()  # a second run reuses the tenant and issues fresh tokens
    assert again.admin != tokens.admin
    assert await Partner.all().count() == 7
