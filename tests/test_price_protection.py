"""Price protection through the graph, on both backends: announcing the DOMAIN reference
drop (100.00 -> 90.00, 300 on hand + 100 in transit) records the dated list price, opens
the program, sends ``price_protection.opened`` and one reminder per partner holding
eligible stock (consignment stock is the manufacturer's: no reminder); coded bad input
changes nothing; the idempotency key returns the first program; partners cannot announce."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from portal.domain.access.principal import Principal
from portal.domain.access.tokens import create_token
from portal.domain.catalog import products, warehouses
from portal.domain.catalog.tenants import create_manufacturer
from portal.domain.incentives import claims
from portal.domain.ledger import shipments
from portal.domain.ledger.shipments import LineInput
from portal.models import Claim, OutboxEvent, Partner, PriceProtectionProgram, ProductPrice
from portal.models.enums import ClaimKind, Role, WarehouseKind
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.ledger_fixtures import build_channel

ANNOUNCE = """mutation($input: AnnouncePriceDropInput!) { announcePriceDrop(input: $input) {
  priceProtectionProgram { id sku oldPrice newPrice unitCredit currency effectiveOn
    claimWindowDays closesOn includeInTransit }
  errors { field code message } } }"""
PROGRAMS = """{ priceProtectionPrograms { totalCount edges { node { id sku newPrice } } } }"""
PRICES = """{ products { edges { node { sku listPrice } } } }"""


def drop(**overrides: Any) -> dict[str, Any]:
    return {
        "sku": "SKU-A",
        "newPrice": "90.00",
        "effectiveOn": "2026-11-01",
        "claimWindowDays": 30,
        "includeInTransit": True,
        **overrides,
    }


async def _ship(admin: Principal, partner: str, warehouse: str, quantity: int, **days: Any) -> None:
    shipment = await shipments.record_shipment(
        admin,
        partner_code=partner,
        warehouse_code=warehouse,
        document_no=f"INV-{partner}-{warehouse}-{quantity}",
        shipped_on=days["shipped_on"],
        lines=[LineInput("SKU-A", quantity)],
    )
    if days.get("received_on"):
        await shipments.receive_shipment(admin, shipment.id, received_on=days["received_on"])


async def _state() -> list[Any]:
    return [
        await PriceProtectionProgram.all().count(),
        await ProductPrice.all().order_by("id").values("valid_from", "price"),
        await OutboxEvent.filter(event_type__startswith="price_protection.").count(),
    ]


async def _setup(client):  # type: ignore[no-untyped-def]
    """D1: 300 of SKU-A on hand in W1 before November, 100 shipped to it on 2026-10-30 and
    received only on 2026-11-03 (in transit at the start of 2026-11-01), 50 received on
    2026-11-01 itself (not eligible). D2: 70 in a consignment warehouse only."""
    ch = await build_channel()
    admin = ch.admin
    await products.set_list_price(
        admin, "SKU-A", price=Decimal("100.00"), valid_from=date(2026, 1, 1)
    )
    await warehouses.create_warehouse(
        admin, code="WC", name="WC", partner_code="D2", kind=WarehouseKind.CONSIGNMENT
    )
    await _ship(admin, "D1", "W1", 300, shipped_on=date(2026, 10, 1), received_on=date(2026, 10, 2))
    await _ship(
        admin, "D1", "W1", 100, shipped_on=date(2026, 10, 30), received_on=date(2026, 11, 3)
    )
    await _ship(admin, "D1", "W2", 50, shipped_on=date(2026, 11, 1), received_on=date(2026, 11, 1))
    await _ship(admin, "D2", "WC", 70, shipped_on=date(2026, 10, 1), received_on=date(2026, 10, 2))
    m = admin.manufacturer_id
    d1 = await Partner.get(code="D1")
    _, manager = await create_token(m, Role.CHANNEL_MANAGER)
    _, partner = await create_token(m, Role.PARTNER_ADMIN, partner_id=d1.id)
    return Graph(client, manager), Graph(client, partner)


async def test_announce_reference_drop_records_price_opens_program_and_reminds(client) -> None:
    manager, partner = await _setup(client)
    before = await _state()
    # Coded bad input changes nothing: unknown SKU, a price not below the current one, a
    # negative window, a date without an earlier list price.
    for bad, field, code in (
        (drop(sku="NOPE"), "sku", "NOT_FOUND"),
        (drop(newPrice="100.00"), "newPrice", "INVALID"),
        (drop(newPrice="120.00"), "newPrice", "INVALID"),
        (drop(newPrice="-1"), "newPrice", "INVALID"),
        (drop(claimWindowDays=-1), "claimWindowDays", "INVALID"),
        (drop(effectiveOn="2025-06-01"), "effectiveOn", "INVALID"),
    ):
        errors = (await manager(ANNOUNCE, input=bad))["announcePriceDrop"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [([field], code)], bad
    assert await _state() == before
    # A partner may not announce.
    assert await partner.errors(ANNOUNCE, input=drop())
    assert await _state() == before

    made = (await manager(ANNOUNCE, input=drop(idempotencyKey="pp-1")))["announcePriceDrop"]
    assert made["errors"] == []
    program = made["priceProtectionProgram"]
    assert program == {
        "id": program["id"],
        "sku": "SKU-A",
        "oldPrice": "100.0000",
        "newPrice": "90.0000",
        "unitCredit": "10.0000",
        "currency": "USD",
        "effectiveOn": "2026-11-01",
        "claimWindowDays": 30,
        "closesOn": "2026-12-01",
        "includeInTransit": True,
    }
    # The dated list price is in the price history, the old one kept.
    history = (
        await ProductPrice.filter(product__sku="SKU-A")
        .order_by("valid_from")
        .values_list("valid_from", "price")
    )
    assert (date(2026, 1, 1), Decimal("100.0000")) in history
    assert (date(2026, 11, 1), Decimal("90.0000")) in history
    # The same key returns the same program and writes nothing more.
    after = await _state()
    again = (await manager(ANNOUNCE, input=drop(idempotencyKey="pp-1")))["announcePriceDrop"]
    assert again["priceProtectionProgram"]["id"] == program["id"]
    assert await _state() == after
    # A second drop of the same SKU on the same day is refused.
    twice = (await manager(ANNOUNCE, input=drop(newPrice="80.00")))["announcePriceDrop"]
    assert [e["code"] for e in twice["errors"]] == ["ALREADY_EXISTS"]
    assert await _state() == after

    opened = await OutboxEvent.filter(event_type="price_protection.opened").values_list(
        "payload", flat=True
    )
    assert [(p["programId"], p["oldPrice"], p["newPrice"]) for p in opened] == [  # type: ignore[index]
        (program["id"], "100.0000", "90.0000")
    ]
    reminders = await OutboxEvent.filter(event_type="price_protection.reminder").values_list(
        "payload", flat=True
    )
    # D1: 300 on hand + 100 in transit at the start of the date (the 50 received that
    # day do not count); D2 holds only consignment stock: no reminder.
    assert [(p["partnerCode"], p["eligibleUnits"]) for p in reminders] == [("D1", 400)]  # type: ignore[index]

    # Every principal of the manufacturer sees the program; another manufacturer none.
    for graph in (manager, partner):
        listed = (await graph(PROGRAMS))["priceProtectionPrograms"]
        assert [e["node"]["id"] for e in listed["edges"]] == [program["id"]]
    _, stranger = await create_manufacturer("Globex")
    assert (await Graph(client, stranger)(PROGRAMS))["priceProtectionPrograms"]["totalCount"] == 0


async def test_in_transit_counts_only_when_the_program_includes_it(client) -> None:
    manager, _ = await _setup(client)
    made = await manager(ANNOUNCE, input=drop(includeInTransit=False))
    assert made["announcePriceDrop"]["errors"] == []
    reminders = await OutboxEvent.filter(event_type="price_protection.reminder").values_list(
        "payload", flat=True
    )
    assert [(p["partnerCode"], p["eligibleUnits"]) for p in reminders] == [("D1", 300)]  # type: ignore[index]


DRAFT = """query($programId: ID, $partnerCode: String) {
  claimDraft(kind: PRICE_PROTECTION, programId: $programId, partnerCode: $partnerCode) {
    kind period partnerCode currency programId
    lines { sku quantity warehouseCode agreementId unitCredit amount } } }"""


async def test_draft_is_prefilled_with_the_partners_eligible_units(client) -> None:
    manager, d1 = await _setup(client)
    made = await manager(ANNOUNCE, input=drop())
    program_id = made["announcePriceDrop"]["priceProtectionProgram"]["id"]
    expected = {
        "kind": "PRICE_PROTECTION",
        "period": "2026-11",
        "partnerCode": "D1",
        "currency": "USD",
        "programId": program_id,
        # 300 on hand + 100 in transit in W1; W2's 50 arrived on the effective date.
        "lines": [
            {
                "sku": "SKU-A",
                "quantity": 400,
                "warehouseCode": "W1",
                "agreementId": None,
                "unitCredit": "10.0000",
                "amount": "4000.00",
            }
        ],
    }
    assert (await d1(DRAFT, programId=program_id))["claimDraft"] == expected
    assert (await manager(DRAFT, programId=program_id, partnerCode="D1"))["claimDraft"] == expected
    # D2 holds only consignment stock (the manufacturer's): nothing to claim.
    d2 = (await manager(DRAFT, programId=program_id, partnerCode="D2"))["claimDraft"]
    assert d2["lines"] == []
    # A partner cannot draft for another partner.
    other = await d1.errors(DRAFT, programId=program_id, partnerCode="D2")
    assert other[0]["extensions"]["code"] == "NOT_FOUND"
    # No program, or one of another manufacturer: coded errors.
    missing = await d1.errors(DRAFT)
    assert missing[0]["extensions"]["code"] == "REQUIRED"
    _, stranger = await create_manufacturer("Globex")
    foreign = await Graph(client, stranger).errors(DRAFT, programId=program_id, partnerCode="D1")
    assert foreign[0]["extensions"]["code"] == "NOT_FOUND"


SUBMIT = """mutation($input: SubmitClaimInput!) { submitClaim(input: $input) {
  claim { id status } errors { field code message } } }"""
CLAIM = """query($id: ID!) { claim(id: $id) { kind status period currency claimedAmount
  approvedAmount lines { sku quantity approvedQuantity unitCredit amount status codes }
  creditMemo { amount currency } } }"""
REVIEW = """mutation($input: ReviewClaimInput!) { reviewClaim(input: $input) {
  claim { status approvedAmount } errors { field code message } } }"""


class _Parked:
    async def dispatch(self, job_id: int, dispatch_no: int) -> None:
        return None


def _open_window() -> int:
    """Days from 2026-11-01 to a week after today: the window is still open."""
    return (date.today() - date(2026, 11, 1)).days + 7


def pp_claim(program_id: str, quantity: int, **line: Any) -> dict[str, Any]:
    return {
        "kind": "PRICE_PROTECTION",
        "programId": program_id,
        "lines": [{"sku": "SKU-A", "quantity": quantity, "warehouseCode": "W1", **line}],
    }


async def _claim(graph: Graph, app: Any, payload: dict[str, Any]) -> dict[str, Any]:
    made = (await graph(SUBMIT, input=payload))["submitClaim"]
    assert made["errors"] == [], made
    await run_jobs(app)
    return (await graph(CLAIM, id=made["claim"]["id"]))["claim"] | {"id": made["claim"]["id"]}


async def test_reference_claim_capped_approved_and_credited_once(client, app) -> None:
    manager, d1 = await _setup(client)
    made = await manager(ANNOUNCE, input=drop(claimWindowDays=_open_window()))
    program_id = made["announcePriceDrop"]["priceProtectionProgram"]["id"]
    # Bad input stores nothing: no program, another SKU, no warehouse, another's warehouse.
    before = await Claim.all().count()
    for bad, code in (
        ({**pp_claim(program_id, 1), "programId": None}, "REQUIRED"),
        ({**pp_claim(program_id, 1), "programId": "999999"}, "NOT_FOUND"),
        (pp_claim(program_id, 1, sku="SKU-S"), "INVALID"),
        (pp_claim(program_id, 1, warehouseCode=None), "REQUIRED"),
        (pp_claim(program_id, 1, warehouseCode="W3"), "NOT_FOUND"),
    ):
        errors = (await d1(SUBMIT, input=bad))["submitClaim"]["errors"]
        assert [e["code"] for e in errors] == [code], (bad, errors)
    assert await Claim.all().count() == before

    # DOMAIN: 450 claimed, 400 eligible (300 on hand + 100 in transit) -> 400 x 10.00.
    claim = await _claim(d1, app, pp_claim(program_id, 450))
    assert claim["kind"] == "PRICE_PROTECTION"
    assert claim["status"] == "VALIDATED"
    assert (claim["claimedAmount"], claim["approvedAmount"]) == ("4500.00", "4000.00")
    assert claim["lines"] == [
        {
            "sku": "SKU-A",
            "quantity": 450,
            "approvedQuantity": 400,
            "unitCredit": "10.0000",
            "amount": "4000.00",
            "status": "PARTIAL",
            "codes": ["EXCEEDS_ELIGIBLE_INVENTORY"],
        }
    ]
    reviewed = await manager(REVIEW, input={"id": claim["id"], "decision": "APPROVE"})
    assert reviewed["reviewClaim"]["claim"] == {
        "status": "PARTIALLY_APPROVED",
        "approvedAmount": "4000.00",
    }
    await run_jobs(app)
    credited = (await d1(CLAIM, id=claim["id"]))["claim"]
    assert credited["status"] == "CREDITED"
    assert credited["creditMemo"] == {"amount": "4000.00", "currency": "USD"}
    # The same units are never credited twice: a second claim of the program gets none.
    again = await _claim(d1, app, pp_claim(program_id, 10))
    assert again["lines"][0]["approvedQuantity"] == 0
    assert again["lines"][0]["codes"] == ["ALREADY_CLAIMED"]
    assert again["approvedAmount"] == "0.00"
    # Another partner sees none of D1's price-protection claims, nor their draft.
    d2 = await Partner.get(code="D2")
    _, d2_token = await create_token(d2.manufacturer_id, Role.PARTNER_ADMIN, partner_id=d2.id)
    other = Graph(client, d2_token)
    listed = await other("{ claims(kind: PRICE_PROTECTION) { totalCount } }")
    assert listed["claims"]["totalCount"] == 0
    assert (await other(CLAIM, id=claim["id"]))["claim"] is None
    assert (await other(DRAFT, programId=program_id))["claimDraft"]["lines"] == []
    seen = await manager('{ claims(kind: PRICE_PROTECTION, partnerCode: "D1") { totalCount } }')
    assert seen["claims"]["totalCount"] == 2
    # ... and the draft has nothing left to claim.
    draft = (await d1(DRAFT, programId=program_id))["claimDraft"]
    assert draft["lines"] == []


async def test_backdated_entry_counts_and_a_closed_window_refuses(client, app) -> None:
    manager, d1 = await _setup(client)
    made = await manager(ANNOUNCE, input=drop(claimWindowDays=_open_window()))
    program_id = made["announcePriceDrop"]["priceProtectionProgram"]["id"]
    # Submitted with its job parked (the embedded queue would validate at once), then a
    # shipment dated before the effective date is posted: validation counts it.
    partner = await Partner.get(code="D1")
    admin = Principal(partner.manufacturer_id, Role.ADMIN)
    submitted = await claims.submit_claim(
        Principal(partner.manufacturer_id, Role.PARTNER_ADMIN, partner.id),
        _Parked(),
        kind=ClaimKind.PRICE_PROTECTION,
        period=None,
        program_id=int(program_id),
        lines=[claims.ClaimLineInput("SKU-A", 450, "", warehouse_code="W1")],
    )
    await _ship(admin, "D1", "W1", 20, shipped_on=date(2026, 10, 5), received_on=date(2026, 10, 6))
    await claims.validate_claim(submitted.id)
    claim = (await d1(CLAIM, id=str(submitted.id)))["claim"]
    assert claim["lines"][0]["approvedQuantity"] == 420
    assert claim["approvedAmount"] == "4200.00"
    # A program whose window closed on its effective date (2026-11-01): refused.
    closed = await manager(
        ANNOUNCE, input=drop(effectiveOn="2026-11-02", newPrice="80.00", claimWindowDays=0)
    )
    closed_id = closed["announcePriceDrop"]["priceProtectionProgram"]["id"]
    late = await _claim(d1, app, pp_claim(closed_id, 5))
    assert late["lines"][0]["approvedQuantity"] == 0
    assert late["lines"][0]["codes"] == ["CLAIM_WINDOW_CLOSED"]
    assert late["lines"][0]["status"] == "REJECTED"
