"""Seed a demo tenant through the domain layer (``portal demo``).

Partners in two tiers (3 distributors, 4 resellers), 50 SKUs (some serial-controlled) with
list prices dated before the history, warehouses, and six months of history: shipments,
transfers to resellers, POS and stock reports, one partner late with its last reports,
open transfers and design registrations waiting for someone (``demo_open``), and the
reconciliation computed from all of it.

The gaps tell a story (``GAP_STORY``): DIST-NA drifts (its stock reports fall further
short of the ledger every month), DIST-EU improves (large gaps early, none by the last
month), DIST-AP had one bad month five months ago, RES-BOS once reported more than it
held, RES-BER is a few units short two months ago. A manager's first look, sorted by
value, shows whom to call first.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from portal.demo_batches import seed_batches
from portal.demo_checks import seed_checks, seed_documents
from portal.demo_contracts import seed_contracts
from portal.demo_demand import seed_demand
from portal.demo_incentives import seed_incentives
from portal.demo_open import seed_open_items
from portal.demo_orders import seed_orders
from portal.demo_price_protection import seed_price_protection
from portal.demo_rebates import seed_rebates
from portal.domain.access import tokens
from portal.domain.access.principal import Principal
from portal.domain.catalog import partners, products, tenants, warehouses
from portal.domain.ledger import shipments, transfers
from portal.domain.ledger.shipments import LineInput
from portal.domain.periods import Period, period_containing
from portal.domain.reconciliation.recompute import drain_dirty
from portal.domain.reporting import submissions
from portal.domain.reporting.validation import validate_submission
from portal.models import Manufacturer, Partner, StockBalance
from portal.models.enums import PartnerTier, PeriodGranularity, Role, SubmissionKind, WarehouseKind

DEMO_NAME = "Demo Manufacturer"

DISTRIBUTORS = [
    ("DIST-NA", "Northam Distribution"),
    ("DIST-EU", "Eurolink Components"),
    ("DIST-AP", "Asia Pacific Parts"),
]
RESELLERS = [
    ("RES-BOS", "Boston Automation", "DIST-NA"),
    ("RES-AUS", "Austin Controls", "DIST-NA"),
    ("RES-BER", "Berlin Robotics", "DIST-EU"),
    ("RES-SIN", "Singapore Systems", "DIST-AP"),
]
CATEGORIES = ["Sensors", "Controllers", "Drives", "Cables", "Power"]


@dataclass
class DemoTokens:
    admin: str
    manager: str
    partner: str
    partner_code: str


async def seed_demo(today: date | None = None) -> DemoTokens:
    """Create (or reuse) the demo tenant and issue fresh tokens for it."""
    manufacturer = await Manufacturer.get_or_none(name=DEMO_NAME)
    if manufacturer is None:
        manufacturer, _ = await tenants.create_manufacturer(DEMO_NAME)
        admin = Principal(manufacturer_id=manufacturer.id, role=Role.ADMIN)
        await _seed_catalogue(admin, _months(today or datetime.now(UTC).date())[0].start)
        await _seed_history(admin, today or datetime.now(UTC).date())
        await seed_open_items(admin, today or datetime.now(UTC).date())
        await seed_incentives(admin, today or datetime.now(UTC).date())
        await seed_contracts(admin, today or datetime.now(UTC).date())
        await seed_orders(admin)
        await seed_checks(admin, today or datetime.now(UTC).date())
        await seed_documents(admin, today or datetime.now(UTC).date())
        await seed_demand(admin, today or datetime.now(UTC).date())
        await seed_price_protection(admin, today or datetime.now(UTC).date())
        await seed_batches(admin, today or datetime.now(UTC).date())
        await seed_rebates(admin, today or datetime.now(UTC).date(), list(CATEGORIES))
        await drain_dirty(today=today or datetime.now(UTC).date())
    partner = await Partner.get(manufacturer_id=manufacturer.id, code=DISTRIBUTORS[0][0])
    _, admin_token = await tokens.create_token(manufacturer.id, Role.ADMIN, label="demo admin")
    _, manager = await tokens.create_token(
        manufacturer.id, Role.CHANNEL_MANAGER, label="demo channel manager"
    )
    _, partner_token = await tokens.create_token(
        manufacturer.id, Role.PARTNER_ADMIN, partner_id=partner.id, label="demo partner"
    )
    return DemoTokens(
        admin=admin_token, manager=manager, partner=partner_token, partner_code=partner.code
    )


async def _seed_catalogue(admin: Principal, history_starts: date) -> None:
    # Gaps within 2 units are WITHIN_TOLERANCE, not exceptions.
    await tenants.update_settings(admin, tolerance_units=TOLERANCE_UNITS)
    for code, name in DISTRIBUTORS:
        await partners.create_partner(admin, code=code, name=name, tier=PartnerTier.DISTRIBUTOR)
        await warehouses.create_warehouse(
            admin, code=f"{code}-MAIN", name=f"{name} main", partner_code=code
        )
    await warehouses.create_warehouse(
        admin,
        code="DIST-NA-CONS",
        name="Northam consignment",
        partner_code="DIST-NA",
        kind=WarehouseKind.CONSIGNMENT,
    )
    for code, name, parent in RESELLERS:
        await partners.create_partner(
            admin, code=code, name=name, tier=PartnerTier.RESELLER, parent_code=parent
        )
        await warehouses.create_warehouse(admin, code=f"{code}-WH", name=name, partner_code=code)
    await warehouses.create_warehouse(admin, code="MFG-CENTRAL", name="Central distribution centre")
    for number in range(1, 51):
        category = CATEGORIES[number % len(CATEGORIES)]
        await products.create_product(
            admin,
            sku=f"SKU-{number:04d}",
            name=f"{category[:-1]} model {number}",
            category=category,
            serial_controlled=number % 10 == 0,
            list_price=Decimal(10 + number * 7) + Decimal("0.99"),
            # Priced before the history, so that every gap of it has a value.
            price_valid_from=history_starts - timedelta(days=365),
        )


ACTIVE_SKUS = [f"SKU-{n:04d}" for n in range(1, 13) if n % 10]  # not serial-controlled
LATE_PARTNER = "DIST-AP"  # has not reported last month at all
SLOW_PARTNER = "RES-SIN"  # reported last month after its due date
TOLERANCE_UNITS = 2
# Units a partner's stock report falls short of the ledger, per month of the history
# (oldest first), on each of its first three SKUs (times 1, 2 and 3: sizes differ by SKU).
# Negative: it reported more than the ledger says it holds.
GAP_STORY = {
    "DIST-NA": [0, 0, 3, 7, 12, 18],  # drifting: worse every month
    "DIST-EU": [16, 11, 7, 4, 2, 0],  # improving: no exception left by the last month
    "DIST-AP": [0, 9, 0, 0, 0, 0],  # one bad month, five months ago
    "RES-BOS": [0, 0, 0, -5, 0, 0],  # reported more than it held, once
    "RES-BER": [0, 0, 0, 0, 2, 0],  # a small gap, two months ago
}
DRIFTING, IMPROVING = "DIST-NA", "DIST-EU"


def _months(today: date, count: int = 6) -> list[Period]:
    current = period_containing(today, PeriodGranularity.MONTHLY)
    months = [current.previous()]
    while len(months) < count:
        months.insert(0, months[0].previous())
    return months


async def _seed_history(admin: Principal, today: date) -> None:
    """Six months of channel activity, posted and validated through the domain."""
    rng = random.Random(20261)
    queue = _Inline()
    due_days = (await tenants.settings_of(admin.manufacturer_id)).submission_due_days
    partner_ids = dict(
        await Partner.filter(manufacturer_id=admin.manufacturer_id).values_list("code", "id")
    )
    for month_no, month in enumerate(_months(today)):
        for code, _ in DISTRIBUTORS:
            shipment = await shipments.record_shipment(
                admin,
                partner_code=code,
                warehouse_code=f"{code}-MAIN",
                document_no=f"{code}-{month.name}",
                shipped_on=month.start,
                lines=[LineInput(sku, rng.randint(80, 200)) for sku in ACTIVE_SKUS],
            )
            await shipments.receive_shipment(
                admin, shipment.id, received_on=month.start + timedelta(days=2)
            )
        for code, _, parent in RESELLERS:
            sender = Principal(admin.manufacturer_id, Role.PARTNER_INVENTORY, partner_ids[parent])
            transfer = await transfers.raise_transfer(
                sender,
                from_warehouse_code=f"{parent}-MAIN",
                to_partner_code=code,
                to_warehouse_code=f"{code}-WH",
                lines=[LineInput(sku, rng.randint(5, 15)) for sku in ACTIVE_SKUS[:4]],
            )
            await transfers.approve_transfer(admin, transfer.id)
            await transfers.ship_transfer(
                sender, transfer.id, shipped_on=month.start + timedelta(days=5)
            )
            await transfers.receive_transfer(
                Principal(admin.manufacturer_id, Role.PARTNER_INVENTORY, partner_ids[code]),
                transfer.id,
                received_on=month.start + timedelta(days=6),
            )
        last = month_no == 5
        for code, warehouse in [(c, f"{c}-MAIN") for c, _ in DISTRIBUTORS] + [
            (c, f"{c}-WH") for c, _, _ in RESELLERS
        ]:
            if last and code == LATE_PARTNER:
                continue  # the late partner has not reported last month yet
            # Reports arrive two days before their due date, except one reseller's last.
            due = month.due_on(due_days)
            received = datetime.combine(due - timedelta(days=2), time(9), tzinfo=UTC)
            if last and code == SLOW_PARTNER:
                received = datetime.now(UTC)
            await _report(
                admin,
                queue,
                code,
                warehouse,
                month,
                rng,
                gap=GAP_STORY.get(code, [0] * 6)[month_no],
                received_at=min(received, datetime.now(UTC)),
            )
    await drain_dirty(today=today)


async def _report(
    admin: Principal,
    queue: _Inline,
    partner_code: str,
    warehouse: str,
    month: Period,
    rng: random.Random,
    gap: int,
    received_at: datetime,
) -> None:
    """The partner's POS and stock reports for the month, imported with their receipt time."""
    reseller = partner_code in {code for code, _, _ in RESELLERS}
    balances = {
        sku: quantity
        for sku, quantity in await StockBalance.filter(warehouse__code=warehouse).values_list(
            "product__sku", "quantity"
        )
    }
    customers = ["Acme Robotics", "Globex Manufacturing", "Initech Automation", "Umbrella Motion"]
    lines = []
    for sku, on_hand in sorted(balances.items()):
        sold = min(on_hand, rng.randint(20, 90))
        if reseller:  # a reseller keeps a third of its stock on the shelf
            sold = min(sold, on_hand * 2 // 3)
        if sold > 0:
            lines.append(
                {
                    "warehouse_code": warehouse,
                    "sku": sku,
                    "quantity": sold,
                    "sold_on": (month.start + timedelta(days=rng.randint(8, 25))).isoformat(),
                    "end_customer_name": rng.choice(customers),
                    "end_customer_country": "US",
                }
            )
    if lines:
        made = await submissions.submit(
            admin,
            queue,
            kind=SubmissionKind.POS,
            period=month.name,
            lines=lines,
            partner_code=partner_code,
            received_at=received_at,
        )
        await validate_submission(made.id)
    stock = []
    for sku, on_hand in sorted(
        await StockBalance.filter(warehouse__code=warehouse).values_list("product__sku", "quantity")
    ):
        short = gap * (ACTIVE_SKUS.index(sku) + 1) if sku in ACTIVE_SKUS[:3] else 0
        reported = on_hand - short
        stock.append({"warehouse_code": warehouse, "sku": sku, "quantity": max(reported, 0)})
    if stock:
        made = await submissions.submit(
            admin,
            queue,
            kind=SubmissionKind.STOCK,
            period=month.name,
            lines=stock,
            partner_code=partner_code,
            received_at=received_at,
        )
        await validate_submission(made.id)


class _Inline:
    """The demo validates inline (above), so queued jobs need no dispatch."""

    async def dispatch(self, job_id: int, dispatch_no: int) -> None:
        return None
