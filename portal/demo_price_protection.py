"""Demo price protection: three announced list-price drops (5 %, effective next week
and the two after), so partners holding stock see their programs and reminders, and one
that took effect two days ago, with DIST-NA's claim drafted from it, validated and
waiting for the manager's review. One more took effect in the middle of last month on a
SKU of which DIST-NA's stock report fell short (an open reconciliation exception): its
claim of it is validated with the line held (``HELD_OPEN_EXCEPTION``) until the manager
resolves the exception."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from portal.domain.access.principal import Principal
from portal.domain.catalog.reads import prices_on
from portal.domain.incentives import claims
from portal.domain.incentives.price_protection import announce_price_drop
from portal.domain.periods import period_containing
from portal.models import Partner, Product, ReconciliationRow
from portal.models.enums import ClaimKind, ExceptionStatus, PeriodGranularity, Role

DROPS = (("SKU-0001", 7), ("SKU-0002", 14), ("SKU-0003", 21), ("SKU-0004", -2))  # days from today
CLAIMANT = "DIST-NA"


class _Parked:
    async def dispatch(self, job_id: int, dispatch_no: int) -> None:
        return None


async def seed_price_protection(admin: Principal, today: date) -> None:
    manager = Principal(admin.manufacturer_id, Role.CHANNEL_MANAGER)
    await _held_drop(admin, manager, today)
    for sku, days in DROPS:
        product = await Product.get(manufacturer_id=admin.manufacturer_id, sku=sku)
        effective_on = today + timedelta(days=days)
        (old,) = await prices_on(admin.manufacturer_id, [product.id], effective_on)
        if old is None:
            continue
        program = await announce_price_drop(
            manager,
            sku=sku,
            new_price=(old * Decimal("0.95")).quantize(Decimal("0.01"), ROUND_HALF_EVEN),
            effective_on=effective_on,
            claim_window_days=30,
            include_in_transit=True,
        )
        if days < 0:
            await _claim(admin, program.id)


async def _claim(admin: Principal, program_id: int) -> None:
    partner = await Partner.get(manufacturer_id=admin.manufacturer_id, code=CLAIMANT)
    seller = Principal(admin.manufacturer_id, Role.PARTNER_ADMIN, partner.id)
    draft = await claims.claim_draft(
        seller, kind=ClaimKind.PRICE_PROTECTION, period=None, program_id=program_id
    )
    if not draft.lines:
        return
    claim = await claims.submit_claim(
        seller,
        _Parked(),
        kind=ClaimKind.PRICE_PROTECTION,
        period=None,
        program_id=program_id,
        lines=[
            claims.ClaimLineInput(x.sku, x.quantity, "", warehouse_code=x.warehouse_code)
            for x in draft.lines
        ],
    )
    await claims.validate_claim(claim.id)


async def _held_drop(admin: Principal, manager: Principal, today: date) -> None:
    """A drop effective on the 15th of last month, of the first SKU with an open exception
    of the claimant that month; the claimant's claim of it is held."""
    m = admin.manufacturer_id
    last = period_containing(today, PeriodGranularity.MONTHLY).previous()
    partner = await Partner.get(manufacturer_id=m, code=CLAIMANT)
    row = (
        await ReconciliationRow.filter(
            manufacturer_id=m,
            partner_id=partner.id,
            period=last.name,
            exception_status=ExceptionStatus.OPEN,
        )
        .order_by("product_id")
        .first()
    )
    if row is None:
        return
    product = await Product.get(manufacturer_id=m, id=row.product_id)
    effective_on = last.start + timedelta(days=14)
    (old,) = await prices_on(m, [product.id], effective_on)
    if old is None:
        return
    program = await announce_price_drop(
        manager,
        sku=product.sku,
        new_price=(old * Decimal("0.95")).quantize(Decimal("0.01"), ROUND_HALF_EVEN),
        effective_on=effective_on,
        claim_window_days=(today - effective_on).days + 30,
        include_in_transit=True,
    )
    await _claim(admin, program.id)
