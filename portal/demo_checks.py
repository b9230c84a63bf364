"""Demo inventory checks: Boston Automation's count of last month, approved (one unit
short, posted as a COUNT_VARIANCE adjustment, the count its stock report); Eurolink's blind
count awaiting the manager's review; and Northam's full-catalogue sheet, half counted,
waiting for the partner on its phone.

Inventory documents: Austin Controls' lab joins this month with its opening stock, takes
in goods bought elsewhere and issues a few units for internal use (all posted); then the
manufacturer asks for approval above 20 units, and Austin's 25 samples wait for the
channel manager."""

from __future__ import annotations

from datetime import date, timedelta

from portal.domain.access.principal import Principal
from portal.domain.catalog import tenants, warehouses
from portal.domain.checks import documents, review, sheets
from portal.domain.checks.book import book_at, book_serials_at
from portal.domain.checks.sheets import CountInput
from portal.domain.periods import period_containing
from portal.models import InventoryCheckLine, Partner, Product
from portal.models.enums import (
    CheckSource,
    InventoryDocumentKind,
    InventoryDocumentReason,
    PeriodGranularity,
    Role,
)

DOCUMENT_APPROVAL_THRESHOLD = 20


async def _count_all(principal: Principal, check_id: int, short_by: int = 0) -> None:
    """Count every line at its book (serials too); the first plain line ``short_by`` less."""
    from portal.models import InventoryCheck

    check = await InventoryCheck.get(manufacturer_id=principal.manufacturer_id, id=check_id)
    lines = await InventoryCheckLine.filter(
        manufacturer_id=principal.manufacturer_id, check_id=check_id
    ).order_by("id")
    ids = [x.product_id for x in lines]
    products = {
        p.id: p for p in await Product.filter(manufacturer_id=principal.manufacturer_id, id__in=ids)
    }
    m, w, day = principal.manufacturer_id, check.warehouse_id, check.count_date
    book = await book_at(m, w, day, ids)
    serials = await book_serials_at(m, w, day, [p for p in ids if products[p].serial_controlled])
    counts, short = [], short_by
    for line in lines:
        product = products[line.product_id]
        if product.serial_controlled:
            counts.append(CountInput(product.sku, None, serials.get(product.id, [])))
            continue
        quantity = book.get(product.id, 0)
        if short and quantity >= short:
            quantity, short = quantity - short, 0
        counts.append(CountInput(product.sku, quantity))
    for start in range(0, len(counts), sheets.MAX_COUNT_LINES):
        await sheets.record_counts(
            principal, check_id, counts[start : start + sheets.MAX_COUNT_LINES]
        )


async def seed_checks(admin: Principal, today: date) -> None:
    m = admin.manufacturer_id
    ids = dict(await Partner.filter(manufacturer_id=m).values_list("code", "id"))
    manager = Principal(m, Role.CHANNEL_MANAGER)
    last_month_end = period_containing(today, PeriodGranularity.MONTHLY).start - timedelta(days=1)

    boston = Principal(m, Role.PARTNER_INVENTORY, ids["RES-BOS"])
    done = await sheets.start_inventory_check(
        boston, warehouse_code="RES-BOS-WH", source=CheckSource.IN_STOCK, count_date=last_month_end
    )
    await _count_all(boston, done.id, short_by=1)
    await review.submit_inventory_check(boston, done.id)
    # No reconcile job: a recorded one never dispatched would hold the coalescing key of every
    # later request; seed_demo drains the dirty keys itself.
    await review.review_inventory_check(manager, None, done.id, approve=True, note="recounted")

    euro = Principal(m, Role.PARTNER_INVENTORY, ids["DIST-EU"])
    waiting = await sheets.start_inventory_check(
        euro,
        warehouse_code="DIST-EU-MAIN",
        source=CheckSource.IN_STOCK,
        blind=True,
        count_date=today,
    )
    await _count_all(euro, waiting.id, short_by=2)
    await review.submit_inventory_check(euro, waiting.id)

    north = Principal(m, Role.PARTNER_INVENTORY, ids["DIST-NA"])
    draft = await sheets.start_inventory_check(
        north,
        warehouse_code="DIST-NA-MAIN",
        source=CheckSource.ALL_PRODUCTS,
        blind=True,
        count_date=today,
    )
    first_half = (
        await InventoryCheckLine.filter(manufacturer_id=m, check_id=draft.id)
        .order_by("id")
        .limit(20)
    )
    skus = {
        p.id: p
        for p in await Product.filter(
            manufacturer_id=m, id__in=[x.product_id for x in first_half], serial_controlled=False
        )
    }
    book = await book_at(m, draft.warehouse_id, today, list(skus))
    await sheets.record_counts(
        north, draft.id, [CountInput(p.sku, book.get(p.id, 0)) for p in skus.values()]
    )


async def seed_documents(admin: Principal, today: date) -> None:
    m = admin.manufacturer_id
    austin = Principal(
        m, Role.PARTNER_INVENTORY, (await Partner.get(manufacturer_id=m, code="RES-AUS")).id
    )
    await warehouses.create_warehouse(
        admin, code="RES-AUS-LAB", name="Austin Controls lab", partner_code="RES-AUS"
    )
    skus = (
        await Product.filter(manufacturer_id=m, active=True, serial_controlled=False)
        .order_by("id")
        .limit(3)
        .values_list("sku", flat=True)
    )
    line = documents.DocumentLineInput
    month_start = period_containing(today, PeriodGranularity.MONTHLY).start
    await documents.record_inventory_document(
        austin,
        None,
        kind=InventoryDocumentKind.OPENING_STOCK,
        warehouse_code="RES-AUS-LAB",
        lines=[line(str(sku), 30) for sku in skus],
        business_date=month_start,
        document_no="AUS-OPEN-1",
    )
    await documents.record_inventory_document(
        austin,
        None,
        kind=InventoryDocumentKind.INBOUND,
        warehouse_code="RES-AUS-LAB",
        reason=InventoryDocumentReason.OTHER_SUPPLIER,
        lines=[line(str(skus[0]), 5)],
        business_date=today,
        document_no="AUS-IN-1",
    )
    await documents.record_inventory_document(
        austin,
        None,
        kind=InventoryDocumentKind.OUTBOUND,
        warehouse_code="RES-AUS-LAB",
        reason=InventoryDocumentReason.INTERNAL_USE,
        lines=[line(str(skus[1]), 2)],
        business_date=today,
        document_no="AUS-OUT-1",
        note="test bench",
    )
    await tenants.update_settings(admin, document_approval_threshold=DOCUMENT_APPROVAL_THRESHOLD)
    await documents.record_inventory_document(
        austin,
        None,
        kind=InventoryDocumentKind.OUTBOUND,
        warehouse_code="RES-AUS-LAB",
        reason=InventoryDocumentReason.SAMPLE,
        lines=[line(str(skus[0]), 25)],
        business_date=today,
        document_no="AUS-OUT-2",
        note="samples for the trade fair",
    )
