"""Demand through the graph, on both backends: the reference account forecast (committed
100 + partner forecast beyond it 30 + approved design 50 + adjustment -10 = 170; actual
sell-through 150 -> 13.3 % error), sales agreement performance against sell-in, the
forecast draft (last forecast, else the trailing three-period average) submitted as is,
adjustment history, coded bad input that changes nothing, and who sees what."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.domain.access.principal import Principal
from portal.domain.access.tokens import create_token
from portal.domain.designs.registrations import DesignLineInput, register_design, review_design
from portal.domain.reconciliation.recompute import drain_dirty
from portal.models import (
    Forecast,
    ForecastAdjustment,
    ForecastLine,
    Partner,
    SalesAgreement,
    SalesAgreementLine,
)
from portal.models.enums import Role
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.ledger_fixtures import build_channel, ship_to_w1

CREATE = """mutation($input: CreateSalesAgreementInput!) { createSalesAgreement(input: $input) {
  salesAgreement { id name partnerCode periodFrom periodTo lines { sku period committedQuantity } }
  errors { field code message } } }"""
AGREEMENTS = "{ salesAgreements { totalCount edges { node { id partnerCode name } } } }"
PERFORMANCE = """query($id: ID!) { salesAgreementPerformance(id: $id) {
  sku period committed actual remaining variance } }"""
DRAFT = """query($from: String!, $horizon: Int!) { forecastDraft(periodFrom: $from, horizon: $horizon) {
  periodFrom horizon lines { sku period quantity } } }"""
SUBMIT = """mutation($input: SubmitForecastInput!) { submitForecast(input: $input) {
  forecast { id partnerCode } errors { field code message } } }"""
ACCOUNT = """query($from: String!, $to: String!) { accountForecast(periodFrom: $from, periodTo: $to) {
  partnerCode sku period committed partnerForecast designPipeline adjustment total
  actualSellThrough history { adjustment note } } }"""
ADJUST = """mutation($input: AdjustAccountForecastInput!) { adjustAccountForecast(input: $input) {
  accountForecast { total adjustment history { adjustment note } } errors { field code message } } }"""
ACCURACY = """query($from: String!, $to: String!) { forecastAccuracy(periodFrom: $from, periodTo: $to) {
  sku cells forecast actual mape bias } }"""
SUMMARY = """{ channelSummary(periodFrom: "2026-10", periodTo: "2026-10", partnerCode: "D1",
  sku: "SKU-A") { calculatedInventory weeksOfSupply weeksOfSupplyForecast } }"""
SUBMIT_POS = """mutation($input: SubmitPosInput!) { submitPos(input: $input) {
  submission { id } errors { code message } } }"""


def _pos(quantity: int) -> dict[str, Any]:
    return {
        "warehouseCode": "W1",
        "sku": "SKU-A",
        "quantity": quantity,
        "soldOn": "2026-10-15",
        "endCustomer": {"name": "Acme Robotics", "country": "US"},
    }


async def _state() -> list[int]:
    return [
        await SalesAgreement.all().count(),
        await SalesAgreementLine.all().count(),
        await Forecast.all().count(),
        await ForecastLine.all().count(),
        await ForecastAdjustment.all().count(),
    ]


async def test_reference_account_forecast_and_accuracy(client, app) -> None:
    ch = await build_channel()
    m = ch.admin.manufacturer_id
    await ship_to_w1(ch, 200)
    d1 = await Partner.get(code="D1")
    _, manager_token = await create_token(m, Role.CHANNEL_MANAGER)
    _, partner_token = await create_token(m, Role.PARTNER_ADMIN, partner_id=d1.id)
    manager, partner = Graph(client, manager_token), Graph(client, partner_token)

    # Committed 100 in 2026-10 (and 40 in 2026-11).
    agreement = {
        "partnerCode": "D1",
        "name": "FY27 commitment",
        "periodFrom": "2026-10",
        "periodTo": "2026-12",
        "lines": [
            {"sku": "SKU-A", "period": "2026-10", "committedQuantity": 100},
            {"sku": "SKU-A", "period": "2026-11", "committedQuantity": 40},
        ],
        "idempotencyKey": "fy27",
    }
    before = await _state()
    for lines, code in (
        ([{"sku": "SKU-A", "period": "2027-01", "committedQuantity": 1}], "INVALID_PERIOD"),
        ([{"sku": "NOPE", "period": "2026-10", "committedQuantity": 1}], "NOT_FOUND"),
        ([{"sku": "SKU-A", "period": "2026-10", "committedQuantity": 0}], "INVALID_QUANTITY"),
    ):
        bad = await manager(CREATE, input={**agreement, "lines": lines, "idempotencyKey": None})
        assert bad["createSalesAgreement"]["errors"][0]["code"] == code
    assert await _state() == before
    made = (await manager(CREATE, input=agreement))["createSalesAgreement"]
    assert made["errors"] == []
    again = (await manager(CREATE, input=agreement))["createSalesAgreement"]
    assert again["salesAgreement"]["id"] == made["salesAgreement"]["id"]  # idempotent
    assert (await partner(AGREEMENTS))["salesAgreements"]["totalCount"] == 1
    refused = await partner.errors(CREATE, input=agreement)
    assert refused[0]["extensions"]["code"] == "FORBIDDEN"

    # Partner forecast 130 for 2026-10.
    sent = await partner(
        SUBMIT, input={"lines": [{"sku": "SKU-A", "period": "2026-10", "quantity": 130}]}
    )
    assert sent["submitForecast"]["errors"] == []
    # An approved design of 50 closing in the period.
    partner_principal = Principal(m, Role.PARTNER_ADMIN, d1.id)
    design = await register_design(
        partner_principal,
        customer_name="Acme Robotics",
        country="US",
        project_name="Line 4",
        expected_close_on=date(2026, 10, 20),
        lines=[DesignLineInput("SKU-A", 50)],
    )
    await review_design(
        Principal(m, Role.CHANNEL_MANAGER), design.id, approve=True, expires_on=date(2027, 6, 30)
    )
    # Adjustment -10 with a note (a first value replaced: history keeps both).
    for value, note in ((-5, "first guess"), (-10, "customer delays a project")):
        adjusted = await manager(
            ADJUST,
            input={
                "partnerCode": "D1",
                "sku": "SKU-A",
                "period": "2026-10",
                "adjustment": value,
                "note": note,
            },
        )
        assert adjusted["adjustAccountForecast"]["errors"] == []
    assert adjusted["adjustAccountForecast"]["accountForecast"]["history"] == [
        {"adjustment": -10, "note": "customer delays a project"},
        {"adjustment": -5, "note": "first guess"},
    ]
    # Actual sell-through 150.
    pos = await partner(SUBMIT_POS, input={"period": "2026-10", "lines": [_pos(150)]})
    assert pos["submitPos"]["errors"] == []
    await run_jobs(app)

    rows = (await manager(ACCOUNT, **{"from": "2026-10", "to": "2026-11"}))["accountForecast"]
    cells = {(r["sku"], r["period"]): r for r in rows}
    october = cells[("SKU-A", "2026-10")]
    assert {k: v for k, v in october.items() if k != "history"} == {
        "partnerCode": "D1",
        "sku": "SKU-A",
        "period": "2026-10",
        "committed": 100,
        "partnerForecast": 30,
        "designPipeline": 50,
        "adjustment": -10,
        "total": 170,
        "actualSellThrough": 150,
    }
    assert cells[("SKU-A", "2026-11")]["total"] == 40
    accuracy = (await manager(ACCURACY, **{"from": "2026-10", "to": "2026-10"}))["forecastAccuracy"]
    assert accuracy == [
        {"sku": "SKU-A", "cells": 1, "forecast": 170, "actual": 150, "mape": "13.3", "bias": "13.3"}
    ]
    # Weeks of supply against the forecast: 50 on hand over the next three months' totals
    # (40 committed for 2026-11, nothing yet after), per week of 52/12.
    await drain_dirty()
    summary = (await manager(SUMMARY))["channelSummary"][0]
    assert summary["calculatedInventory"] == 50
    assert summary["weeksOfSupplyForecast"] == round(50 / (40 / (3 * 52 / 12)), 1) == 16.2
    assert (await partner(SUMMARY))["channelSummary"][0]["weeksOfSupplyForecast"] is None
    # Asked through a fragment, it is there too (the forecast is computed when asked).
    fragment = SUMMARY.replace("weeksOfSupply weeksOfSupplyForecast } }", "...W } }")
    fragment += " fragment W on ChannelSummaryRow { weeksOfSupplyForecast }"
    assert (await manager(fragment))["channelSummary"][0]["weeksOfSupplyForecast"] == 16.2
    # Partners do not see the manufacturer's account forecast.
    hidden = await partner.errors(ACCOUNT, **{"from": "2026-10", "to": "2026-10"})
    assert hidden[0]["extensions"]["code"] == "FORBIDDEN"

    # Agreement performance: sell-in 200 in 2026-10 against 100; none yet in 2026-11.
    performance = (await partner(PERFORMANCE, id=made["salesAgreement"]["id"]))[
        "salesAgreementPerformance"
    ]
    assert performance == [
        {
            "sku": "SKU-A",
            "period": "2026-10",
            "committed": 100,
            "actual": 200,
            "remaining": 0,
            "variance": 100,
        },
        {
            "sku": "SKU-A",
            "period": "2026-11",
            "committed": 40,
            "actual": 0,
            "remaining": 40,
            "variance": -40,
        },
    ]


async def test_forecast_draft_prefills_and_is_submitted_as_is(client, app) -> None:
    ch = await build_channel()
    m = ch.admin.manufacturer_id
    await ship_to_w1(ch, 500)
    d1 = await Partner.get(code="D1")
    _, token = await create_token(m, Role.PARTNER_SALES, partner_id=d1.id)
    _, reporter = await create_token(m, Role.PARTNER_INVENTORY, partner_id=d1.id)
    partner = Graph(client, token)
    await Graph(client, reporter)(SUBMIT_POS, input={"period": "2026-10", "lines": [_pos(151)]})
    await run_jobs(app)
    # No forecast yet: the trailing three periods (08, 09, 10) sold 0 + 0 + 151 -> 50.
    draft = (await partner(DRAFT, **{"from": "2026-11", "horizon": 2}))["forecastDraft"]
    assert draft["lines"] == [
        {"sku": "SKU-A", "period": "2026-11", "quantity": 50},
        {"sku": "SKU-A", "period": "2026-12", "quantity": 50},
    ]
    # A partner with no change submits the draft as is; the next draft starts from it.
    lines = [{**x, "quantity": 70} if x["period"] == "2026-12" else x for x in draft["lines"]]
    sent = await partner(SUBMIT, input={"lines": lines, "idempotencyKey": "f1"})
    assert sent["submitForecast"]["errors"] == []
    again = await partner(SUBMIT, input={"lines": lines, "idempotencyKey": "f1"})
    assert again["submitForecast"]["forecast"]["id"] == sent["submitForecast"]["forecast"]["id"]
    following = (await partner(DRAFT, **{"from": "2026-12", "horizon": 2}))["forecastDraft"]
    assert following["lines"] == [
        {"sku": "SKU-A", "period": "2026-12", "quantity": 70},  # the last forecast
        {"sku": "SKU-A", "period": "2027-01", "quantity": 50},  # sold 0 + 151 + 0 in 10-12
    ]
    before = await _state()
    for bad_lines, code in (
        ([{"sku": "SKU-A", "period": "2026-13", "quantity": 1}], "INVALID_PERIOD"),
        ([{"sku": "SKU-A", "period": "2026-12", "quantity": -1}], "INVALID_QUANTITY"),
        ([{"sku": "NOPE", "period": "2026-12", "quantity": 1}], "NOT_FOUND"),
    ):
        bad = await partner(SUBMIT, input={"lines": bad_lines})
        assert bad["submitForecast"]["errors"][0]["code"] == code
    assert await _state() == before
    too_far = await partner.errors(DRAFT, **{"from": "2026-12", "horizon": 99})
    assert "horizon" in too_far[0]["message"]


async def test_agreement_actuals_count_sell_in_received_from_the_distributor(client) -> None:
    """R1 buys from its distributor D1: the 6 units D1 transfers to R1 are R1's sell-in;
    D1's 3 units moved between its own warehouses are no one's, and D1's actual stays the
    20 the manufacturer shipped it."""
    from portal.domain.demand.agreements import CommitmentInput, create_sales_agreement
    from portal.domain.ledger import transfers
    from portal.domain.ledger.shipments import LineInput

    ch = await build_channel()
    m = ch.admin.manufacturer_id
    await ship_to_w1(ch, 20)
    manager_principal = Principal(m, Role.CHANNEL_MANAGER)
    made = {}
    for code, committed in (("D1", 30), ("R1", 10)):
        made[code] = await create_sales_agreement(
            manager_principal,
            partner_code=code,
            name=f"{code} 2026",
            period_from="2026-10",
            period_to="2026-10",
            lines=[CommitmentInput("SKU-A", "2026-10", committed)],
        )
    moves = (("R1", "WR", 6, date(2026, 10, 6)), (None, "W2", 3, date(2026, 10, 7)))
    for to_partner, to_warehouse, quantity, day in moves:
        transfer = await transfers.raise_transfer(
            ch.d1,
            from_warehouse_code="W1",
            to_warehouse_code=to_warehouse,
            to_partner_code=to_partner,
            lines=[LineInput("SKU-A", quantity)],
        )
        if transfer.status.value == "REQUESTED":
            await transfers.approve_transfer(ch.admin, transfer.id)
        await transfers.ship_transfer(ch.d1, transfer.id, shipped_on=day)
        receiver = ch.r1 if to_partner else ch.d1
        await transfers.receive_transfer(receiver, transfer.id, received_on=day)
    _, token = await create_token(m, Role.CHANNEL_MANAGER)
    manager = Graph(client, token)

    async def actual(code: str) -> tuple[int, int, int]:
        rows = (await manager(PERFORMANCE, id=str(made[code].id)))["salesAgreementPerformance"]
        assert len(rows) == 1 and rows[0]["period"] == "2026-10"
        return rows[0]["actual"], rows[0]["remaining"], rows[0]["variance"]

    assert await actual("R1") == (6, 4, -4)
    assert await actual("D1") == (20, 10, -10)
