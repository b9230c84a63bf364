"""Demo orders: the manufacturer's central warehouse stocked for ordering, and orders in
every state: distributors' orders from the
manufacturer and resellers' orders from their distributor (DIST-NA), some shipped by
shipping notices, so that the order pages have something to show. A reseller (RES-AUS)
returns part of what DIST-NA shipped it (requested, awaiting DIST-NA's receipt), and two
reseller backorders with DIST-NA are filled, oldest first, by stock arriving at DIST-NA."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from portal.domain.access.principal import Principal
from portal.domain.catalog.tenants import settings_of, update_settings
from portal.domain.ledger import shipments, transfers
from portal.domain.ledger.shipments import LineInput
from portal.domain.orders import delivery, notices, orders, supply
from portal.domain.orders import returns as order_returns
from portal.models import OrderLine, Partner, Shipment
from portal.models.enums import InsufficientStockPolicy, Role, ShipmentStatus

SUPPLY = "MFG-CENTRAL"
SKUS = ["SKU-0001", "SKU-0002", "SKU-0003", "SKU-0004"]
BACKORDERED = "SKU-0013"  # DIST-NA holds none of it until the manufacturer ships some
RESELLER_RETURN_RMA = "RMA-AUS-1"


async def seed_orders(admin: Principal) -> None:
    m = admin.manufacturer_id
    ids = dict(await Partner.filter(manufacturer_id=m).values_list("code", "id"))
    shipping = Principal(m, Role.SHIPPING)
    for sku in SKUS:
        await supply.adjust_supply(
            shipping, warehouse_code=SUPPLY, sku=sku, quantity=500, reason="ERP"
        )

    def partner(code: str) -> Principal:
        return Principal(m, Role.PARTNER_ADMIN, ids[code])

    async def order(code: str, quantity: int, supplier: str | None = None) -> int:
        placed = await orders.place_order(
            partner(code),
            supplier_code=supplier,
            supply_warehouse_code=f"{supplier}-MAIN" if supplier else SUPPLY,
            ship_to_warehouse_code=f"{code}-WH" if supplier else f"{code}-MAIN",
            lines=[orders.OrderLineInput(sku, quantity) for sku in SKUS[:3]],
        )
        return placed.id

    await order("DIST-NA", 20)  # SUBMITTED
    await order("DIST-EU", 15)
    confirmed = await order("DIST-AP", 10)
    await orders.confirm_order(shipping, confirmed)
    cancelled = await order("DIST-EU", 5)
    await orders.cancel_order(partner("DIST-EU"), cancelled, "Ordered twice")
    rejected = await order("DIST-AP", 5)
    await orders.reject_order(admin, rejected, "Credit limit reached")
    await order("RES-BOS", 4, "DIST-NA")  # a reseller's order waiting for its distributor
    shipped = await order("DIST-NA", 12)
    await orders.confirm_order(shipping, shipped)
    await notices.create_shipping_notice(shipping, order_ids=[shipped], document_no="DN-DEMO-1")
    partial = await order("DIST-EU", 10)
    await orders.confirm_order(shipping, partial)
    first_line = (await OrderLine.filter(manufacturer_id=m, order_id=partial).order_by("line_no"))[
        0
    ]
    partial_notice = await notices.create_shipping_notice(
        shipping,
        order_ids=[partial],
        document_no="DN-DEMO-2",
        lines=[notices.NoticeLineInput(first_line.id, 6)],
    )
    # The carrier delivered it one carton short and one unit damaged (recordDeliveryEvent).
    await delivery.record_delivery(
        shipping,
        event_id="DEMO-CARRIER-1",
        shipment_id=partial_notice.shipment_id,
        carrier="Demo Freight",
        differences=[
            delivery.DifferenceInput(SKUS[0], "SHORT", 2, "MISSING_CARTON"),
            delivery.DifferenceInput(SKUS[0], "DAMAGED", 1, "CRUSHED", "box crushed"),
        ],
    )
    north = Principal(m, Role.PARTNER_ADMIN, ids["DIST-NA"])
    downstream = await order("RES-AUS", 3, "DIST-NA")
    await orders.confirm_order(north, downstream)
    downstream_notice = await notices.create_shipping_notice(
        north, order_ids=[downstream], document_no="DN-DEMO-3"
    )
    # The carrier delivers it (by transfer) with one unit damaged; RES-AUS receives it and
    # sends one unit back to DIST-NA (awaiting DIST-NA's receipt).
    await delivery.record_delivery(
        shipping,
        event_id="DEMO-CARRIER-3",
        document_no="DN-DEMO-3",
        carrier="Demo Freight",
        differences=[delivery.DifferenceInput(SKUS[2], "DAMAGED", 1, "WET", "carton wet")],
    )
    for transfer_id in downstream_notice.transfer_ids or []:
        await transfers.receive_transfer(partner("RES-AUS"), transfer_id)
    await order_returns.request_return(
        partner("RES-AUS"),
        order_ids=[downstream],
        lines=[order_returns.ReturnLineInput(SKUS[1], 1, reason="Wrong variant")],
        rma_no=RESELLER_RETURN_RMA,
    )
    completed = await order("DIST-AP", 6)
    await orders.confirm_order(shipping, completed)
    notice = await notices.create_shipping_notice(
        shipping, order_ids=[completed], document_no="DN-DEMO-4"
    )
    if notice.shipment_id is not None and await Shipment.exists(
        manufacturer_id=m, id=notice.shipment_id, status=ShipmentStatus.SHIPPED
    ):
        await shipments.receive_shipment(partner("DIST-AP"), notice.shipment_id)
    # A return against the completed order (the return form has something to show).
    await order_returns.request_return(
        partner("DIST-AP"),
        order_ids=[completed],
        lines=[order_returns.ReturnLineInput(SKUS[0], 2, reason="Damaged in transit")],
    )
    await _backorders_filled(admin, partner)


async def _backorders_filled(admin: Principal, partner: Callable[[str], Principal]) -> None:
    """RES-BOS orders 6 then RES-AUS 4 of a SKU DIST-NA does not hold: both backordered
    (the manufacturer allows backorders while they are placed); 8 arrive at DIST-NA-MAIN
    and fill the older order in full and the newer by 2 (2 still backordered)."""
    m = admin.manufacturer_id
    policy = (await settings_of(m)).insufficient_stock_policy
    await update_settings(admin, insufficient_stock_policy=InsufficientStockPolicy.ALLOW)
    for code, quantity in (("RES-BOS", 6), ("RES-AUS", 4)):
        await orders.place_order(
            partner(code),
            supplier_code="DIST-NA",
            supply_warehouse_code="DIST-NA-MAIN",
            ship_to_warehouse_code=f"{code}-WH",
            lines=[orders.OrderLineInput(BACKORDERED, quantity)],
        )
    # Back to refusing what is not available: the order form shows INSUFFICIENT_STOCK.
    await update_settings(admin, insufficient_stock_policy=policy)
    arriving = await shipments.record_shipment(
        Principal(m, Role.SHIPPING),
        partner_code="DIST-NA",
        warehouse_code="DIST-NA-MAIN",
        document_no="INV-DEMO-BACKORDER",
        shipped_on=datetime.now(UTC).date(),
        lines=[LineInput(BACKORDERED, 8)],
    )
    await shipments.receive_shipment(partner("DIST-NA"), arriving.id)
