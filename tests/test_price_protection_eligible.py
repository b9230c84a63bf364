"""A price-protection program's eligible units through the graph, on both backends: the
DOMAIN reference case (D1: 300 on hand + 100 in transit at W1, 100.00 -> 90.00: 400
units, 4,000.00) across partners for the manufacturer's staff; a partner sees its own
rows only; consignment stock and a receipt on the effective date do not count; an
unknown program is null."""

from __future__ import annotations

from datetime import date

from portal.domain.access.principal import Principal
from portal.domain.access.tokens import create_token
from portal.models import Partner
from portal.models.enums import Role
from tests.graph import Graph
from tests.test_price_protection import ANNOUNCE, _setup, _ship, drop

ELIGIBLE = """query($id: ID!) { priceProtectionProgram(id: $id) { sku unitCredit
  eligible { partnerCode warehouseCode warehouseName onHand inTransit units amount } } }"""


async def test_eligible_units_across_partners_and_a_partners_own(client) -> None:
    manager, d1 = await _setup(client)
    d2 = await Partner.get(code="D2")
    admin = Principal(manufacturer_id=d2.manufacturer_id, role=Role.ADMIN)
    # D2 also holds 20 in its owned W3 (its 70 in consignment WC are the manufacturer's).
    await _ship(admin, "D2", "W3", 20, shipped_on=date(2026, 10, 5), received_on=date(2026, 10, 6))
    _, token = await create_token(d2.manufacturer_id, Role.PARTNER_ADMIN, partner_id=d2.id)
    partner2 = Graph(client, token)

    made = (await manager(ANNOUNCE, input=drop()))["announcePriceDrop"]
    assert made["errors"] == []
    program_id = made["priceProtectionProgram"]["id"]
    seen = (await manager(ELIGIBLE, id=program_id))["priceProtectionProgram"]
    assert (seen["sku"], seen["unitCredit"]) == ("SKU-A", "10.0000")
    assert seen["eligible"] == [
        {
            "partnerCode": "D1",
            "warehouseCode": "W1",
            "warehouseName": "W1",
            "onHand": 300,
            "inTransit": 100,
            "units": 400,
            "amount": "4000.00",
        },
        {
            "partnerCode": "D2",
            "warehouseCode": "W3",
            "warehouseName": "W3",
            "onHand": 20,
            "inTransit": 0,
            "units": 20,
            "amount": "200.00",
        },
    ]
    # Each partner its own rows only: the program is public, the stock is not.
    own = (await d1(ELIGIBLE, id=program_id))["priceProtectionProgram"]["eligible"]
    assert [(r["partnerCode"], r["units"]) for r in own] == [("D1", 400)]
    own = (await partner2(ELIGIBLE, id=program_id))["priceProtectionProgram"]["eligible"]
    assert [(r["partnerCode"], r["units"]) for r in own] == [("D2", 20)]
    assert (await manager(ELIGIBLE, id="999999"))["priceProtectionProgram"] is None
