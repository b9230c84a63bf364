"""Design registration: conflicts across spellings, review, secrecy, wins, expiry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.domain.access.tokens import create_token
from portal.domain.designs import registrations as designs
from portal.domain.designs.registrations import DesignLineInput
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger import shipments
from portal.domain.ledger.shipments import LineInput
from portal.domain.reporting import submissions
from portal.models import DesignRegistration, OutboxEvent, Partner
from portal.models.enums import DesignStatus, Role, SubmissionKind
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.ledger_fixtures import build_channel

REGISTER = """mutation($input: RegisterDesignInput!) { registerDesign(input: $input) {
  designRegistration { id status conflicts { sku endCustomerName registrationId partnerCode } }
  errors { field code message } } }"""
LIST = """{ designRegistrations { totalCount edges { node { id status partnerCode expiresOn
  conflicts { sku registrationId partnerCode } lines { sku expectedQuantity sellThroughToDate authorizedPrice }
  history { action } } } } }"""
REVIEW = """mutation($input: ReviewDesignInput!) { reviewDesign(input: $input) {
  designRegistration { status expiresOn } errors { code message } } }"""


def design(name: str) -> dict:
    return {
        "endCustomer": {"name": name, "country": "US"},
        "projectName": "Robot arm",
        "expectedCloseOn": "2027-03-01",
        "lines": [{"sku": "SKU-A", "expectedQuantity": 500, "requestedPrice": "8.50"}],
    }


async def tokens(ch) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    d1, d2 = await Partner.get(code="D1"), await Partner.get(code="D2")
    _, first = await create_token(ch.admin.manufacturer_id, Role.PARTNER_SALES, partner_id=d1.id)
    _, second = await create_token(ch.admin.manufacturer_id, Role.PARTNER_SALES, partner_id=d2.id)
    _, manager = await create_token(ch.admin.manufacturer_id, Role.CHANNEL_MANAGER)
    return first, second, manager


async def test_conflicts_review_secrecy_and_sell_through(client, app) -> None:
    ch = await build_channel()
    t1, t2, tm = await tokens(ch)
    first, second, manager = Graph(client, t1), Graph(client, t2), Graph(client, tm)
    made1 = (await first(REGISTER, input=design("ACME Robotics, Inc.")))["registerDesign"]
    made2 = (await second(REGISTER, input=design("Acme Robotics")))["registerDesign"]
    assert made1["errors"] == [] and made2["errors"] == []
    # Both show a conflict; a partner never learns who the other is.
    assert made2["designRegistration"]["conflicts"] == [
        {
            "sku": "SKU-A",
            "endCustomerName": "Acme Robotics",
            "registrationId": None,
            "partnerCode": None,
        }
    ]
    seen_by_first = (await first(LIST))["designRegistrations"]
    assert seen_by_first["totalCount"] == 1
    assert seen_by_first["edges"][0]["node"]["conflicts"][0]["partnerCode"] is None
    assert "D2" not in str(seen_by_first)
    # The reviewer sees who.
    everything = (await manager(LIST))["designRegistrations"]["edges"]
    assert {c["partnerCode"] for e in everything for c in e["node"]["conflicts"]} == {"D1", "D2"}

    later = made2["designRegistration"]["id"]
    refused = await manager(
        REVIEW, input={"id": later, "decision": "APPROVE", "expiresOn": "2027-06-30"}
    )
    assert (
        refused["reviewDesign"]["errors"][0]["code"] == "CONFLICT_PRIORITY"
    )  # first registrant wins
    approved = await manager(
        REVIEW,
        input={
            "id": made1["designRegistration"]["id"],
            "decision": "APPROVE",
            "expiresOn": "2027-06-30",
            "authorizedPrices": [{"sku": "SKU-A", "price": "8.00"}],
        },
    )
    assert approved["reviewDesign"]["designRegistration"] == {
        "status": "APPROVED",
        "expiresOn": "2027-06-30",
    }
    forbidden = await first.errors(REVIEW, input={"id": later, "decision": "REJECT", "note": "no"})
    assert forbidden[0]["extensions"]["code"] == "FORBIDDEN"

    # A POS line to that customer and SKU counts toward the approved registration.
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="INV-1",
        shipped_on=date.today(),
        lines=[LineInput("SKU-A", 100)],
    )
    await shipments.receive_shipment(ch.admin, shipment.id)
    today = date.today()
    await submissions.submit(
        ch.d1,
        app.state.queue,
        kind=SubmissionKind.POS,
        period=f"{today.year}-{today.month:02d}",
        lines=[
            {
                "warehouse_code": "W1",
                "sku": "SKU-A",
                "quantity": 40,
                "sold_on": today.isoformat(),
                "end_customer_name": "Acme Robotics Inc",
                "end_customer_country": "US",
            }
        ],
    )
    await run_jobs(app)
    node = (await first(LIST))["designRegistrations"]["edges"][0]["node"]
    assert node["lines"] == [
        {
            "sku": "SKU-A",
            "expectedQuantity": 500,
            "sellThroughToDate": 40,
            "authorizedPrice": "8.0000",
        }
    ]
    assert [h["action"] for h in node["history"]] == ["SUBMITTED", "APPROVED"]
    assert await OutboxEvent.filter(event_type="design.registered").count() == 2


async def test_expiry_and_outcomes(db) -> None:
    ch = await build_channel()
    d1 = await Partner.get(code="D1")
    from portal.domain.access.principal import Principal

    sales = Principal(
        manufacturer_id=ch.admin.manufacturer_id, role=Role.PARTNER_SALES, partner_id=d1.id
    )
    made = await designs.register_design(
        sales,
        customer_name="Globex",
        country="DE",
        project_name="P",
        expected_close_on=date(2027, 1, 1),
        lines=[DesignLineInput("SKU-A", 10)],
    )
    with pytest.raises(DomainError) as no_reason:  # rejection needs a reason
        await designs.review_design(ch.admin, made.id, approve=False)
    assert (no_reason.value.code, no_reason.value.field) == (ErrorCode.REQUIRED, ["note"])
    with pytest.raises(DomainError) as past_expiry:  # approval needs a future expiry
        await designs.review_design(ch.admin, made.id, approve=True, expires_on=date(2020, 1, 1))
    assert (past_expiry.value.code, past_expiry.value.field) == (ErrorCode.INVALID, ["expiresOn"])
    assert (await DesignRegistration.get(id=made.id)).status is DesignStatus.SUBMITTED
    await designs.review_design(
        ch.admin, made.id, approve=True, expires_on=date.today() + timedelta(days=1)
    )
    assert await designs.expire_due(date.today()) == 0
    assert await designs.expire_due(date.today() + timedelta(days=2)) == 1
    assert (await DesignRegistration.get(id=made.id)).status is DesignStatus.EXPIRED
    events = (
        await OutboxEvent.filter(event_type__startswith="design.")
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert events == ["design.registered", "design.approved", "design.expired"]
    with pytest.raises(DomainError) as expired:  # an expired one cannot be won
        await designs.close_design(sales, made.id, won=True)
    assert expired.value.code is ErrorCode.INVALID_STATE
    assert (await DesignRegistration.get(id=made.id)).status is DesignStatus.EXPIRED
    bad = designs.register_design(
        sales,
        customer_name="X",
        country="Germany",
        project_name="P",
        expected_close_on=date(2027, 1, 1),
        lines=[DesignLineInput("SKU-A", 10)],
    )
    with pytest.raises(DomainError) as bad_country:  # a country is a 2-letter ISO code
        await bad
    assert (bad_country.value.code, bad_country.value.field) == (
        ErrorCode.INVALID,
        ["endCustomer", "country"],
    )
    assert await DesignRegistration.all().count() == 1


async def test_newest_first_pages_from_the_newest(client, app) -> None:
    """``newestFirst``: the first page holds the newest registrations, the next the older."""
    ch = await build_channel()
    t1, _, _ = await tokens(ch)
    partner = Graph(client, t1)
    made = []
    for number in range(5):
        payload = (await partner(REGISTER, input={**design(f"Customer {number}")}))[
            "registerDesign"
        ]
        made.append(payload["designRegistration"]["id"])
    page = """query($after: String) { designRegistrations(newestFirst: true, first: 2, after: $after) {
      pageInfo { hasNextPage endCursor } edges { node { id } } } }"""
    seen: list[str] = []
    after = None
    for _ in range(3):
        got = (await partner(page, after=after))["designRegistrations"]
        seen += [e["node"]["id"] for e in got["edges"]]
        after = got["pageInfo"]["endCursor"]
        if not got["pageInfo"]["hasNextPage"]:
            break
    assert seen == list(reversed(made))
    oldest = await partner("{ designRegistrations(first: 1) { edges { node { id } } } }")
    assert oldest["designRegistrations"]["edges"][0]["node"]["id"] == made[0]
