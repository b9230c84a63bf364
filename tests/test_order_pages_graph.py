"""What the order pages read, through the graph on both backends: ``returnOptions`` (the
return form's choices, readable by partners who may not read ``settings``), a shipping
notice's delivery (``deliveredOn``, ``receivedOn``, ``deliveryDifferences``), and a return's
``partnerCode`` (who returns, shown to the supplier that receives it)."""

from __future__ import annotations

from tests.ledger_fixtures import ship_to_w1
from tests.order_fixtures import act, build_sides
from tests.test_order_delivery import DELIVER, shipped_order
from tests.test_order_reseller_supply import (
    NOTICE,
    RECEIVE_TRANSFER,
    REQUEST,
    reseller_order,
)

OPTIONS = "{ returnOptions { againstOrders againstShipments sourceFree exchanges } }"
RETURN_SETTINGS = """mutation { updateSettings(input: {returnsAgainstOrders: false,
  returnsAgainstShipments: true, sourceFreeReturns: true, exchanges: true}) { errors { code } } }"""
NOTICES = """{ shippingNotices { edges { node { documentNo supplierPartnerCode shipmentId
  deliveredOn receivedOn deliveryDifferences { sku kind quantity reasonCode note } } } } }"""
RETURNS = """{ returns { edges { node { id status partnerCode toPartnerCode createdAt
  lines { sku quantity } } } } }"""


async def test_return_options_follow_the_settings_for_every_side(client) -> None:
    s = await build_sides(client)
    defaults = {
        "againstOrders": True,
        "againstShipments": False,
        "sourceFree": False,
        "exchanges": False,
    }
    for graph in (s.admin, s.shipping, s.d1, s.r1, s.r1_sales):
        assert (await graph(OPTIONS))["returnOptions"] == defaults
    # A partner may not read the settings themselves.
    assert await s.d1.errors("{ settings { toleranceUnits } }")
    assert (await s.admin(RETURN_SETTINGS))["updateSettings"]["errors"] == []
    changed = {
        "againstOrders": False,
        "againstShipments": True,
        "sourceFree": True,
        "exchanges": True,
    }
    assert (await s.r1(OPTIONS))["returnOptions"] == changed
    # What the options say is what requestReturn accepts: against orders is now refused.
    refused_return = (
        await s.d1(REQUEST, input={"orderIds": ["1"], "lines": [{"sku": "SKU-A", "quantity": 1}]})
    )["requestReturn"]
    assert refused_return["errors"][0]["code"] == "INVALID_STATE"
    assert refused_return["errors"][0]["field"] == ["orderIds"]


async def test_a_notice_shows_its_delivery_and_a_return_names_who_returns(client) -> None:
    s = await build_sides(client)
    sent = await shipped_order(s, "DN-PAGE")
    # Before delivery: the notice's shipment is shipped, not delivered, no differences.
    [before] = [e["node"] for e in (await s.d1(NOTICES))["shippingNotices"]["edges"]]
    assert before == {
        "documentNo": "DN-PAGE",
        "supplierPartnerCode": None,
        "shipmentId": sent["shipment"],
        "deliveredOn": None,
        "receivedOn": None,
        "deliveryDifferences": [],
    }
    delivered = (
        await s.shipping(
            DELIVER,
            input={
                "eventId": "EV-PAGE",
                "shipmentId": sent["shipment"],
                "deliveredOn": "2026-11-05",
                "differences": [
                    {"sku": "SKU-A", "kind": "SHORT", "quantity": 2, "reasonCode": "LOST"},
                    {"sku": "SKU-A", "kind": "DAMAGED", "quantity": 1, "reasonCode": "WET"},
                ],
            },
        )
    )["recordDeliveryEvent"]
    assert delivered["errors"] == []
    for graph in (s.d1, s.shipping):
        [node] = [e["node"] for e in (await graph(NOTICES))["shippingNotices"]["edges"]]
        assert (node["deliveredOn"], node["receivedOn"]) == ("2026-11-05", None)
        assert [
            (d["sku"], d["kind"], d["quantity"], d["reasonCode"])
            for d in node["deliveryDifferences"]
        ] == [("SKU-A", "SHORT", 2, "LOST"), ("SKU-A", "DAMAGED", 1, "WET")]
    # Another partner sees neither the notice nor its shipment.
    assert (await s.d2(NOTICES))["shippingNotices"]["edges"] == []

    # A distributor's notice to its reseller ships by transfer: no shipment.
    await ship_to_w1(s.ch, 30)
    oid = await reseller_order(s, 6)
    await act(s.d1, "confirmOrder", oid)
    notice = (await s.d1(NOTICE, input={"orderIds": [oid], "documentNo": "DN-RES"}))[
        "createShippingNotice"
    ]
    assert notice["errors"] == []
    [transfer_id] = notice["shippingNotice"]["transferIds"]
    assert (await s.r1(RECEIVE_TRANSFER, id=transfer_id))["receiveTransfer"]["errors"] == []
    r1_notices = [e["node"] for e in (await s.r1(NOTICES))["shippingNotices"]["edges"]]
    assert [
        (n["documentNo"], n["supplierPartnerCode"], n["deliveredOn"], n["deliveryDifferences"])
        for n in r1_notices
    ] == [("DN-RES", "D1", None, [])]

    # The reseller's return: its distributor sees who returns it.
    made = (
        await s.r1(REQUEST, input={"orderIds": [oid], "lines": [{"sku": "SKU-A", "quantity": 2}]})
    )["requestReturn"]
    assert made["errors"] == []
    d1_returns = [e["node"] for e in (await s.d1(RETURNS))["returns"]["edges"]]
    assert [(r["id"], r["partnerCode"], r["toPartnerCode"], r["status"]) for r in d1_returns] == [
        (made["stockReturn"]["id"], "R1", "D1", "REQUESTED")
    ]
    assert d1_returns[0]["createdAt"]
    assert d1_returns[0]["lines"] == [{"sku": "SKU-A", "quantity": 2}]
    assert (await s.d2(RETURNS))["returns"]["edges"] == []
