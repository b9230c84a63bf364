"""Demo incentives: price agreements of DIST-NA for its four end customers, claims
drafted from its accepted POS and validated, three of them approved and credited (credit
memos, the claims ``CREDITED``) and the newest awaiting the manager's review; the two
oldest months of POS are left unclaimed for the partner page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.domain.access.principal import Principal
from portal.domain.incentives import agreements, claims
from portal.domain.periods import period_containing
from portal.models import Partner, Product
from portal.models.enums import ClaimKind, PeriodGranularity, Role

PARTNER = "DIST-NA"
CUSTOMERS = ["Acme Robotics", "Globex Manufacturing", "Initech Automation", "Umbrella Motion"]
SKUS = ["SKU-0001", "SKU-0002", "SKU-0003"]


class _Parked:
    async def dispatch(self, job_id: int, dispatch_no: int) -> None:
        return None


async def seed_incentives(admin: Principal, today: date) -> None:
    m = admin.manufacturer_id
    manager = Principal(m, Role.CHANNEL_MANAGER)
    partner = await Partner.get(manufacturer_id=m, code=PARTNER)
    seller = Principal(m, Role.PARTNER_ADMIN, partner.id)
    current = period_containing(today, PeriodGranularity.MONTHLY)
    months = [current.previous()]
    while len(months) < 4:
        months.insert(0, months[0].previous())
    prices = {p.sku: p for p in await Product.filter(manufacturer_id=m, sku__in=SKUS)}
    from portal.domain.catalog.reads import prices_on

    book = await prices_on(m, [prices[s].id for s in SKUS], months[0].start)
    for customer in CUSTOMERS:
        await agreements.create_price_agreement(
            manager,
            partner_code=PARTNER,
            customer=(customer, "US", ""),
            # From the first month of POS (the two before the claims stay claimable).
            valid_from=min(
                months[0].start.replace(month=1, day=1), months[0].previous().previous().start
            ),
            valid_to=date(today.year + 1, 12, 31),
            lines=[
                agreements.AgreementLineInput(
                    sku, cost or Decimal("100"), (cost or Decimal("100")) - Decimal("4.00"), 5000
                )
                for sku, cost in zip(SKUS, book, strict=True)
            ],
        )
    for number, month in enumerate(months):
        draft = await claims.claim_draft(seller, kind=ClaimKind.SHIP_AND_DEBIT, period=month.name)
        if not draft.lines:
            continue
        lines = [
            claims.ClaimLineInput(
                x.sku, x.quantity, x.end_customer_name, agreement_id=x.agreement_id
            )
            for x in draft.lines
        ]
        if number == 0:  # one over-claim, to show the codes
            first = lines[0]
            lines[0] = claims.ClaimLineInput(
                first.sku, first.quantity + 10, first.end_customer_name, None, first.agreement_id
            )
        claim = await claims.submit_claim(
            seller, _Parked(), kind=ClaimKind.SHIP_AND_DEBIT, period=month.name, lines=lines
        )
        await claims.validate_claim(claim.id, today=today)
        if number < len(months) - 1:  # the newest waits for the manager
            await claims.review_claim(manager, _Parked(), claim.id, approve=True)
            await claims.credit_claim(claim.id)  # the credit_claim job's work
