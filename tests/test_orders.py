"""Partner orders through the graph, on both backends: supply stock, availability as each
side may see it, placement per ordering mode x insufficient-stock policy, confirm, reject,
cancel (releasing), reservation adjustment, backorders filled oldest first, idempotency,
order.* events and the reservation checks of check-ledger."""

from __future__ import annotations

from typing import Any

from portal.domain.orders.check import reservation_mismatches
from portal.models import Order, OrderLine, OutboxEvent, Reservation, SupplyMovement, SupplyStock
from tests.ledger_fixtures import ship_to_w1
from tests.order_fixtures import (
    ADJUST,
    AVAILABILITY,
    ORDER,
    ORDERS,
    SETTINGS,
    act,
    build_sides,
    place,
    stock,
)


async def _counts() -> list[int]:
    return [
        await Order.all().count(),
        await OrderLine.all().count(),
        await Reservation.all().count(),
        sum(await SupplyStock.all().values_list("reserved", flat=True)),  # type: ignore[arg-type]
    ]


def _line(order: dict[str, Any], sku: str = "SKU-A") -> dict[str, Any]:
    return next(line for line in order["lines"] if line["sku"] == sku)


async def test_settings_supply_stock_and_availability(client) -> None:
    s = await build_sides(client)
    got = (await s.admin(SETTINGS, input={}))["updateSettings"]["settings"]
    assert got == {
        "orderingMode": "SINGLE_WAREHOUSE",
        "insufficientStockPolicy": "BLOCK",
        "showAvailability": True,
        "allowReservationAdjustment": False,
        "multiOrderShipping": False,
    }
    # Shipping staff record on hand of a manufacturer warehouse; bad input changes nothing.
    assert (await stock(s.shipping, "M1", 100))["supplyStock"] == {
        "warehouseCode": "M1",
        "sku": "SKU-A",
        "onHand": 100,
        "reserved": 0,
    }
    for bad, code in (
        ({"warehouseCode": "W1"}, "NOT_FOUND"),  # a partner's warehouse is not supply
        ({"reason": "WHATEVER"}, "INVALID"),
        ({"quantity": 0}, "INVALID_QUANTITY"),
        ({"quantity": -101}, "INSUFFICIENT_STOCK"),
        ({"sku": "NOPE"}, "NOT_FOUND"),
    ):
        payload = {"warehouseCode": "M1", "sku": "SKU-A", "quantity": 5, "reason": "COUNT", **bad}
        body = await s.shipping(
            "mutation($input: AdjustSupplyStockInput!) { adjustSupplyStock(input: $input) "
            "{ errors { code } } }",
            input=payload,
        )
        assert body["adjustSupplyStock"]["errors"][0]["code"] == code, bad
    assert await SupplyMovement.all().count() == 1
    # Partners may not change supply stock.
    errors = await s.d1.errors(
        'mutation { adjustSupplyStock(input: {warehouseCode: "M1", sku: "SKU-A", '
        'quantity: 5, reason: "COUNT"}) { errors { code } } }'
    )
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    # Availability of the manufacturer's warehouses, as a distributor sees it.
    rows = (await s.d1(AVAILABILITY, sku="SKU-A"))["availability"]
    assert rows == [
        {"warehouseCode": "M1", "onHand": 100, "reserved": 0, "available": 100},
        {"warehouseCode": "M2", "onHand": 0, "reserved": 0, "available": 0},
    ]
    only = (await s.d1(AVAILABILITY, sku="SKU-A", warehouse="M2"))["availability"]
    assert [r["warehouseCode"] for r in only] == ["M2"]
    # Availability hidden from partners when the manufacturer turns it off.
    await s.admin(SETTINGS, input={"showAvailability": False})
    assert (await s.d1(AVAILABILITY, sku="SKU-A"))["availability"] == []
    assert len((await s.manager(AVAILABILITY, sku="SKU-A"))["availability"]) == 2


async def test_single_warehouse_block_reserves_and_refuses_what_is_short(client) -> None:
    s = await build_sides(client)
    await stock(s.shipping, "M1", 100)
    before = await _counts()
    # BLOCK (default): refused with the available quantity; nothing is stored.
    refused = await place(s.d1, supplyWarehouseCode="M1", lines=[{"sku": "SKU-A", "quantity": 101}])
    assert refused["order"] is None
    assert refused["errors"] == [
        {
            "field": ["lines", "0", "quantity"],
            "code": "INSUFFICIENT_STOCK",
            "message": "Only 100 of SKU-A available, 101 ordered.",
        }
    ]
    for bad, code in (
        ({"supplyWarehouseCode": None}, "REQUIRED"),
        ({"supplyWarehouseCode": "W3"}, "NOT_FOUND"),  # not the supplier's
        ({"shipToWarehouseCode": "W3"}, "NOT_FOUND"),  # another partner's
        ({"supplierPartnerCode": "D2"}, "NOT_FOUND"),  # not its supplier
        ({"lines": []}, "REQUIRED"),
        ({"lines": [{"sku": "SKU-A", "quantity": 0}]}, "INVALID_QUANTITY"),
        ({"lines": [{"sku": "SKU-A", "quantity": 1}, {"sku": "SKU-A", "quantity": 1}]}, "INVALID"),
        ({"lines": [{"sku": "NOPE", "quantity": 1}]}, "NOT_FOUND"),
    ):
        fields = {"supplyWarehouseCode": "M1", **bad}
        assert (await place(s.d1, **fields))["errors"][0]["code"] == code, bad
    assert await _counts() == before

    placed = await place(s.d1, supplyWarehouseCode="M1", lines=[{"sku": "SKU-A", "quantity": 60}])
    assert placed["errors"] == []
    order = placed["order"]
    assert order["status"] == "SUBMITTED"
    assert order["number"].startswith("SO-")
    assert (order["partnerCode"], order["supplierPartnerCode"]) == ("D1", None)
    assert (order["supplyWarehouseCode"], order["shipToWarehouseCode"]) == ("M1", "W1")
    assert _line(order) | {"id": None} == {
        "id": None,
        "sku": "SKU-A",
        "quantity": 60,
        "reserved": 60,
        "shipped": 0,
        "backordered": 0,
        "returned": 0,
        "reservations": [{"warehouseCode": "M1", "quantity": 60}],
    }
    m1 = (await s.d2(AVAILABILITY, sku="SKU-A", warehouse="M1"))["availability"][0]
    assert m1 == {"warehouseCode": "M1", "onHand": 100, "reserved": 60, "available": 40}
    second = await place(s.d2, shipToWarehouseCode="W3", supplyWarehouseCode="M1")
    assert second["errors"] == []
    short = await place(
        s.d2,
        shipToWarehouseCode="W3",
        supplyWarehouseCode="M1",
        lines=[{"sku": "SKU-A", "quantity": 31}],
    )
    assert short["errors"][0]["message"] == "Only 30 of SKU-A available, 31 ordered."

    # The partner that placed it sees it; the other partner does not.
    assert (await s.d1(ORDER, id=order["id"]))["order"]["partnerCode"] == "D1"
    assert (await s.d2(ORDER, id=order["id"]))["order"] is None
    assert (await s.d2(ORDERS))["orders"]["totalCount"] == 1
    assert (await s.manager(ORDERS, partner="D1"))["orders"]["totalCount"] == 1
    assert (await s.manager(ORDERS, status="SUBMITTED"))["orders"]["totalCount"] == 2

    # The buyer cannot confirm its own order (the supplier does); a reject needs a reason.
    assert (await act(s.d1, "confirmOrder", order["id"]))["errors"][0]["code"] == "INVALID_STATE"
    assert (await act(s.manager, "rejectOrder", order["id"]))["errors"][0]["code"] == "REQUIRED"
    confirmed = await act(s.shipping, "confirmOrder", order["id"])
    assert confirmed["order"]["status"] == "CONFIRMED"
    again = await act(s.shipping, "confirmOrder", order["id"])
    assert again["errors"][0]["code"] == "INVALID_STATE"
    # Cancelling releases the reservation.
    cancelled = await act(s.d1, "cancelOrder", order["id"], "changed plans")
    assert cancelled["order"]["status"] == "CANCELLED"
    assert _line(cancelled["order"]) == {"sku": "SKU-A", "reserved": 0, "backordered": 0}
    m1 = (await s.d1(AVAILABILITY, sku="SKU-A", warehouse="M1"))["availability"][0]
    assert (m1["reserved"], m1["available"]) == (10, 90)
    rejected = await act(s.manager, "rejectOrder", second["order"]["id"], "credit hold")
    assert rejected["order"]["status"] == "REJECTED"
    assert rejected["order"]["reason"] == "credit hold"
    assert (await act(s.d2, "cancelOrder", second["order"]["id"]))["errors"][0][
        "code"
    ] == "INVALID_STATE"
    assert await SupplyStock.filter(reserved__gt=0).count() == 0
    events = sorted(
        await OutboxEvent.filter(event_type__startswith="order.").values_list(
            "event_type", flat=True
        )
    )
    assert events == [
        "order.cancelled",
        "order.confirmed",
        "order.rejected",
        "order.submitted",
        "order.submitted",
    ]
    assert await reservation_mismatches() == []


async def test_allow_backorders_the_short_part_and_fills_oldest_first(client) -> None:
    s = await build_sides(client, insufficient_stock_policy="ALLOW")
    await stock(s.shipping, "M1", 10)
    first = await place(s.d1, supplyWarehouseCode="M1", lines=[{"sku": "SKU-A", "quantity": 8}])
    second = await place(
        s.d2,
        shipToWarehouseCode="W3",
        supplyWarehouseCode="M1",
        lines=[{"sku": "SKU-A", "quantity": 7}],
    )
    third = await place(s.d1, supplyWarehouseCode="M1", lines=[{"sku": "SKU-A", "quantity": 4}])
    assert [
        (_line(o["order"])["reserved"], _line(o["order"])["backordered"])
        for o in (first, second, third)
    ] == [(8, 0), (2, 5), (0, 4)]
    # Stock arrives: the oldest backorder is filled first, the rest waits.
    await stock(s.shipping, "M1", 6)
    lines = [
        (await s.admin(ORDER, id=o["order"]["id"]))["order"]["lines"][0] for o in (second, third)
    ]
    assert [(line["reserved"], line["backordered"]) for line in lines] == [(7, 0), (1, 3)]
    m1 = (await s.admin(AVAILABILITY, sku="SKU-A", warehouse="M1"))["availability"][0]
    assert m1 == {"warehouseCode": "M1", "onHand": 16, "reserved": 16, "available": 0}
    # On hand cannot go below what is reserved.
    assert (await stock(s.shipping, "M1", -1))["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    assert await reservation_mismatches() == []


async def test_consolidated_reserves_across_warehouses_and_no_warehouse_checks_nothing(
    client,
) -> None:
    s = await build_sides(client, ordering_mode="CONSOLIDATED")
    await stock(s.shipping, "M1", 5)
    await stock(s.shipping, "M2", 20)
    refused = await place(s.d1, lines=[{"sku": "SKU-A", "quantity": 26}])
    assert refused["errors"][0]["message"] == "Only 25 of SKU-A available, 26 ordered."
    order = (await place(s.d1, lines=[{"sku": "SKU-A", "quantity": 12}]))["order"]
    assert order["mode"] == "CONSOLIDATED"
    assert order["supplyWarehouseCode"] is None
    assert _line(order)["reservations"] == [
        {"warehouseCode": "M1", "quantity": 5},
        {"warehouseCode": "M2", "quantity": 7},
    ]
    await s.admin(SETTINGS, input={"orderingMode": "NO_WAREHOUSE"})
    free = (await place(s.d1, lines=[{"sku": "SKU-A", "quantity": 1000}]))["order"]
    assert free["mode"] == "NO_WAREHOUSE"
    assert (_line(free)["reserved"], _line(free)["backordered"]) == (0, 0)
    assert await reservation_mismatches() == []


async def test_reseller_orders_from_its_distributor(client) -> None:
    s = await build_sides(client)
    await ship_to_w1(s.ch, 50)  # D1 holds 50 in W1 (its ledger balance)
    rows = (await s.r1(AVAILABILITY, sku="SKU-A", supplier="D1"))["availability"]
    assert rows == [
        {"warehouseCode": "W1", "onHand": 50, "reserved": 0, "available": 50},
        {"warehouseCode": "W2", "onHand": 0, "reserved": 0, "available": 0},
    ]
    # Not its supplier: D2 (no relation), and nothing of D2 is shown.
    assert (await s.r1(AVAILABILITY, sku="SKU-A", supplier="D2"))["availability"] == []
    placed = await place(
        s.r1_sales,
        supplierPartnerCode="D1",
        supplyWarehouseCode="W1",
        shipToWarehouseCode="WR",
        lines=[{"sku": "SKU-A", "quantity": 20}],
        idempotencyKey="r1-1",
    )
    assert placed["errors"] == []
    order = placed["order"]
    assert order["supplierPartnerCode"] == "D1"
    repeat = await place(
        s.r1_sales,
        supplierPartnerCode="D1",
        supplyWarehouseCode="W1",
        shipToWarehouseCode="WR",
        lines=[{"sku": "SKU-A", "quantity": 20}],
        idempotencyKey="r1-1",
    )
    assert repeat["order"]["id"] == order["id"]
    reused = await place(
        s.r1_sales,
        supplierPartnerCode="D1",
        supplyWarehouseCode="W1",
        shipToWarehouseCode="WR",
        lines=[{"sku": "SKU-A", "quantity": 21}],
        idempotencyKey="r1-1",
    )
    assert reused["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await Order.all().count() == 1
    # The supplier (D1) sees and confirms it; D2 sees nothing; a sales user cannot confirm.
    assert (await s.d1(ORDERS))["orders"]["totalCount"] == 1
    assert (await s.d2(ORDERS))["orders"]["totalCount"] == 0
    assert (await act(s.d2, "confirmOrder", order["id"]))["errors"][0]["code"] == "NOT_FOUND"
    assert (await act(s.r1, "confirmOrder", order["id"]))["errors"][0]["code"] == "INVALID_STATE"
    assert (await act(s.d1, "confirmOrder", order["id"]))["order"]["status"] == "CONFIRMED"
    w1 = (await s.r1(AVAILABILITY, sku="SKU-A", supplier="D1", warehouse="W1"))["availability"]
    assert w1 == [{"warehouseCode": "W1", "onHand": 50, "reserved": 20, "available": 30}]
    assert await reservation_mismatches() == []


async def test_adjust_reservation(client) -> None:
    s = await build_sides(client, insufficient_stock_policy="ALLOW")
    await stock(s.shipping, "M1", 30)
    order = (await place(s.d1, supplyWarehouseCode="M1", lines=[{"sku": "SKU-A", "quantity": 20}]))[
        "order"
    ]
    change = {"id": order["id"], "lines": [{"sku": "SKU-A", "warehouseCode": "M1", "quantity": 5}]}
    off = (await s.manager(ADJUST, input=change))["adjustReservation"]
    assert off["errors"][0]["code"] == "INVALID_STATE"  # the setting is off by default
    await s.admin(SETTINGS, input={"allowReservationAdjustment": True})
    done = (await s.manager(ADJUST, input=change))["adjustReservation"]
    assert done["errors"] == []
    assert _line(done["order"]) | {"reservations": None} == {
        "sku": "SKU-A",
        "reserved": 5,
        "backordered": 15,
        "reservations": None,
    }
    for bad, code in (
        ({"quantity": 21}, "INVALID"),  # more than ordered
        ({"warehouseCode": "M2"}, "NOT_FOUND"),  # not the order's warehouse
        ({"sku": "SKU-S"}, "NOT_FOUND"),  # not ordered
        ({"quantity": -1}, "INVALID_QUANTITY"),
    ):
        line = {"sku": "SKU-A", "warehouseCode": "M1", "quantity": 5, **bad}
        body = await s.manager(ADJUST, input={"id": order["id"], "lines": [line]})
        assert body["adjustReservation"]["errors"][0]["code"] == code, bad
    other = await place(
        s.d2,
        shipToWarehouseCode="W3",
        supplyWarehouseCode="M1",
        lines=[{"sku": "SKU-A", "quantity": 25}],
    )
    assert _line(other["order"])["reserved"] == 25
    up = {"id": order["id"], "lines": [{"sku": "SKU-A", "warehouseCode": "M1", "quantity": 6}]}
    short = (await s.manager(ADJUST, input=up))["adjustReservation"]
    assert short["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    # The buyer may not adjust the supplier's reservation.
    assert (await s.d1(ADJUST, input=change))["adjustReservation"]["errors"][0][
        "code"
    ] == "INVALID_STATE"
    assert await reservation_mismatches() == []
    # check-ledger notices a reservation that no longer adds up.
    await SupplyStock.filter(reserved__gt=0).update(reserved=999)
    problems = await reservation_mismatches()
    assert any("reserved 999 != reservations 30" in p for p in problems)
    assert any("reserved 999 > on hand 30" in p for p in problems)
