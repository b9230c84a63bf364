"""Supply stock from the ERP's inventory feed (GET {erpBaseUrl}/inventory, the connector's
cursor and per-item error contract), on both backends: absolute on-hand counts become
supply movements, bad items are listed and skipped, a count below what is reserved is
refused, and an ERP without the feed syncs as before."""

from __future__ import annotations

from ipaddress import ip_network

from portal.domain.access.principal import Principal
from portal.domain.catalog import products, tenants, warehouses
from portal.domain.integrations.erp import sync_erp
from portal.domain.integrations.outbound import OutboundPolicy
from portal.domain.integrations.outbound_http import guarded_client
from portal.domain.orders import orders
from portal.domain.orders.check import reservation_mismatches
from portal.models import Partner, SupplyBatch, SupplyMovement, SupplyStock
from portal.models.enums import Role
from tests.fake_erp import FakeErp, serve_fake_erp
from tests.ledger_fixtures import build_channel

LOOPBACK = OutboundPolicy([ip_network("127.0.0.1/32")])


def count(sku: str, on_hand: object, stamp: str, warehouse: str = "M1") -> dict[str, object]:
    return {"warehouse_code": warehouse, "sku": sku, "on_hand": on_hand, "updated_at": stamp}


async def test_inventory_feed_keeps_supply_on_hand(db) -> None:
    ch = await build_channel()
    await warehouses.create_warehouse(ch.admin, code="M1", name="Plant")
    fake = FakeErp(
        inventory=[
            count("SKU-A", 40, "2026-10-01T00:00:00Z"),
            count("SKU-A", 5, "2026-10-01T00:00:01Z", warehouse="W1"),  # a partner's
            count("SKU-A", "lots", "2026-10-01T00:00:02Z"),
            count("NOPE", 5, "2026-10-01T00:00:03Z"),
        ]
    )
    async with serve_fake_erp(fake) as erp, guarded_client(LOOPBACK) as http:
        await tenants.update_settings(
            ch.admin, outbound=LOOPBACK, erp_base_url=erp.url, erp_api_key=erp.api_key
        )
        run = await sync_erp(ch.admin.manufacturer_id, http, backoff=0.01)
        assert run.status == "OK", run.error
        assert run.inventory_imported == 1
        assert [e["item"] for e in run.item_errors] == ["W1/SKU-A", "M1/SKU-A", "M1/NOPE"]
        row = await SupplyStock.get(warehouse__code="M1", product__sku="SKU-A")
        assert (row.on_hand, row.reserved) == (40, 0)
        # An order reserves 30; a count below that is refused, one above it is taken.
        d1 = await Partner.get(code="D1")
        await orders.place_order(
            Principal(ch.admin.manufacturer_id, Role.PARTNER_ADMIN, partner_id=d1.id),
            supplier_code=None,
            supply_warehouse_code="M1",
            ship_to_warehouse_code="W1",
            lines=[orders.OrderLineInput("SKU-A", 30)],
        )
        fake.inventory.append(count("SKU-A", 20, "2026-10-02T00:00:00Z"))
        refused = await sync_erp(ch.admin.manufacturer_id, http, backoff=0.01)
        assert refused.inventory_imported == 0
        assert [e["item"] for e in refused.item_errors] == ["M1/SKU-A"]
        assert "reserved" in refused.item_errors[0]["error"]
        fake.inventory.append(count("SKU-A", 35, "2026-10-03T00:00:00Z"))
        taken = await sync_erp(ch.admin.manufacturer_id, http, backoff=0.01)
        assert taken.inventory_imported == 1  # the cursor skips what was seen
    row = await SupplyStock.get(warehouse__code="M1", product__sku="SKU-A")
    assert (row.on_hand, row.reserved) == (35, 30)
    assert [m.quantity for m in await SupplyMovement.all().order_by("id")] == [40, -5]
    assert await reservation_mismatches() == []


async def test_an_erp_without_the_feed_syncs_as_before(db) -> None:
    ch = await build_channel()
    async with serve_fake_erp(FakeErp()) as erp, guarded_client(LOOPBACK) as http:
        await tenants.update_settings(
            ch.admin, outbound=LOOPBACK, erp_base_url=erp.url, erp_api_key=erp.api_key
        )
        run = await sync_erp(ch.admin.manufacturer_id, http, backoff=0.01)
    assert (run.status, run.inventory_imported, run.item_errors) == ("OK", 0, [])


async def test_inventory_feed_counts_a_batch_of_a_batch_controlled_sku(db) -> None:
    ch = await build_channel()
    await warehouses.create_warehouse(ch.admin, code="M1", name="Plant")
    await products.create_product(ch.admin, sku="LOT", name="Lot", batch_controlled=True)

    def lot(on_hand: int, stamp: str, batch: object = None) -> dict[str, object]:
        item = count("LOT", on_hand, stamp)
        if batch is not None:
            item["batchNo"] = batch
        return item

    fake = FakeErp(
        inventory=[
            lot(30, "2026-10-01T00:00:00Z", "L1"),
            lot(20, "2026-10-01T00:00:01Z", "L2"),
            count("SKU-A", 5, "2026-10-01T00:00:02Z") | {"batchNo": "L1"},  # plain SKU
            lot(5, "2026-10-01T00:00:03Z", 7),  # not text
            lot(40, "2026-10-01T00:00:04Z"),  # the SKU's count below its batches' 50
        ]
    )
    async with serve_fake_erp(fake) as erp, guarded_client(LOOPBACK) as http:
        await tenants.update_settings(
            ch.admin, outbound=LOOPBACK, erp_base_url=erp.url, erp_api_key=erp.api_key
        )
        run = await sync_erp(ch.admin.manufacturer_id, http, backoff=0.01)
        assert run.status == "OK", run.error
        assert run.inventory_imported == 2
        assert [e["item"] for e in run.item_errors] == ["M1/SKU-A", "M1/LOT", "M1/LOT"]
        assert "INVALID" in run.item_errors[0]["error"]
        assert "INSUFFICIENT_STOCK" in run.item_errors[2]["error"]
        # A count of one batch moves that batch and the SKU by the difference.
        fake.inventory.append(lot(12, "2026-10-02T00:00:00Z", "L1"))
        again = await sync_erp(ch.admin.manufacturer_id, http, backoff=0.01)
        assert (again.inventory_imported, again.item_errors) == (1, [])
    row = await SupplyStock.get(warehouse__code="M1", product__sku="LOT")
    assert row.on_hand == 32
    held = await SupplyBatch.filter(product_id=row.product_id).order_by("batch_no")
    assert [(b.batch_no, b.on_hand) for b in held] == [("L1", 12), ("L2", 20)]
    moved = await SupplyMovement.filter(product_id=row.product_id).order_by("id")
    assert [(m.batch_no, m.quantity) for m in moved] == [("L1", 30), ("L2", 20), ("L1", -18)]
    assert await reservation_mismatches() == []
