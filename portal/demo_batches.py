"""Demo batches: a batch-controlled SKU (lot-tracked) shipped to DIST-NA in two lots,
ordered by a reseller (RES-BOS) from one lot, shipped by a notice and received, and partly
sold by the reseller this month, so that ``batchBalances`` and availability per batch have
something to show."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from portal.demo_contracts import _Parked
from portal.domain.access.principal import Principal
from portal.domain.catalog import products
from portal.domain.ledger import shipments, transfers
from portal.domain.ledger.shipments import LineInput
from portal.domain.orders import notices, orders
from portal.domain.periods import period_containing
from portal.domain.reporting import submissions
from portal.domain.reporting.validation import validate_submission
from portal.models import Partner
from portal.models.enums import PeriodGranularity, Role, SubmissionKind

LOT_SKU = "SKU-LOT-01"
LOTS = {"LOT-2611A": 60, "LOT-2611B": 40}
RESELLER, DISTRIBUTOR = "RES-BOS", "DIST-NA"


async def seed_batches(admin: Principal, today: date) -> None:
    m = admin.manufacturer_id
    ids = dict(await Partner.filter(manufacturer_id=m).values_list("code", "id"))
    await products.create_product(
        admin,
        sku=LOT_SKU,
        name="Sealant cartridge (lot-tracked)",
        category="Power",
        batch_controlled=True,
        list_price=Decimal("24.99"),
        price_valid_from=today - timedelta(days=400),
    )
    shipped_on = today - timedelta(days=3) if today.day > 3 else today
    shipment = await shipments.record_shipment(
        admin,
        partner_code=DISTRIBUTOR,
        warehouse_code=f"{DISTRIBUTOR}-MAIN",
        document_no="INV-LOTS-1",
        shipped_on=shipped_on,
        lines=[LineInput(LOT_SKU, quantity, batch_no=lot) for lot, quantity in LOTS.items()],
    )
    await shipments.receive_shipment(admin, shipment.id, received_on=shipped_on)
    reseller = Principal(m, Role.PARTNER_ADMIN, ids[RESELLER])
    distributor = Principal(m, Role.PARTNER_ADMIN, ids[DISTRIBUTOR])
    placed = await orders.place_order(
        reseller,
        supplier_code=DISTRIBUTOR,
        supply_warehouse_code=f"{DISTRIBUTOR}-MAIN",
        ship_to_warehouse_code=f"{RESELLER}-WH",
        lines=[orders.OrderLineInput(LOT_SKU, 10, batch_no="LOT-2611A")],
    )
    await orders.confirm_order(distributor, placed.id)
    notice = await notices.create_shipping_notice(
        distributor, order_ids=[placed.id], document_no="DN-LOTS-1", shipped_on=shipped_on
    )
    for transfer_id in notice.transfer_ids:
        await transfers.receive_transfer(reseller, transfer_id, received_on=shipped_on)
    # A second order waits for DIST-NA's confirmation, reserving lot B.
    await orders.place_order(
        reseller,
        supplier_code=DISTRIBUTOR,
        supply_warehouse_code=f"{DISTRIBUTOR}-MAIN",
        ship_to_warehouse_code=f"{RESELLER}-WH",
        lines=[orders.OrderLineInput(LOT_SKU, 5, batch_no="LOT-2611B")],
    )
    pos = await submissions.submit(
        admin,
        _Parked(),
        kind=SubmissionKind.POS,
        period=period_containing(today, PeriodGranularity.MONTHLY).name,
        partner_code=RESELLER,
        lines=[
            {
                "warehouse_code": f"{RESELLER}-WH",
                "sku": LOT_SKU,
                "quantity": 4,
                "sold_on": today.isoformat(),
                "end_customer_name": "Acme Robotics",
                "end_customer_country": "US",
                "batch_no": "LOT-2611A",
            }
        ],
    )
    await validate_submission(pos.id)
