"""The return and shipping-notice pages in Chromium over the demo, at 1280 and 390 px.

A reseller (RES-AUS) requests a return of two lines (added and removed on the form)
against the order its distributor shipped it, sees it in its list awaiting receipt, and a
coded refusal on the line it names; its distributor
(DIST-NA, the demo's partner page) receives it in one click. A distributor sees on its
order list the shipping notice of an order with its delivery differences; the
manufacturer's admin sees the shipping notices with their delivered state and
differences, and receives a return to the manufacturer in one click. Each test makes the
returns it works on (a unique RMA number) and waits for that return's row."""

from __future__ import annotations

from typing import Any

import httpx

from tests.test_browser import ARTIFACTS, _count, _inside, _status, browser, demo

__all__ = ["browser", "demo"]  # the module-scoped fixtures of tests/test_browser.py


def _graph(demo: dict[str, str], token: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{demo['base']}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body: dict[str, Any] = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def _page_of(demo: dict[str, str], partner: str) -> tuple[str, str]:
    """A PARTNER_ADMIN token of ``partner`` (issued by the demo's admin) and its page."""
    issued = _graph(
        demo,
        demo["admin"],
        """mutation($p: String!) { issueApiToken(input: {role: PARTNER_ADMIN, partnerCode: $p,
          label: "browser test"}) { token errors { code } } }""",
        p=partner,
    )["issueApiToken"]
    assert issued["errors"] == []
    token: str = issued["token"]
    return token, demo["partner"].split("#")[0] + "#token=" + token


def test_reseller_returns_to_its_distributor_who_receives_it(browser, demo) -> None:  # type: ignore[no-untyped-def]
    _, reseller_page = _page_of(demo, "RES-AUS")
    # RES-AUS received 3 of each of SKU-0001..3 from DIST-NA (DN-DEMO-3); the demo's own
    # return takes SKU-0002, each width here one unit of SKU-0001 and one of SKU-0003.
    for width, sku, other in ((1280, "SKU-0001", "SKU-0003"), (390, "SKU-0003", "SKU-0001")):
        rma = f"RMA-BT-{width}"
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(reseller_page)
        page.wait_for_selector("#return-form #r-order option", state="attached")
        # The demo takes returns against orders only, without exchanges.
        assert page.locator("#r-source option").all_inner_texts() == ["against an order"]
        assert page.locator("#r-exchange-field").is_hidden()
        assert page.locator("#r-order").inner_text().count("DIST-NA") >= 1
        lines = page.locator("#r-lines .r-line")
        _count(lines, 1)
        first, second = lines.nth(0), lines.nth(1)
        _count(first.locator(".r-remove:visible"), 0)  # the last line stays
        # A serial-controlled SKU asks for serials on its line; the others do not.
        first.locator(".r-sku").fill("SKU-0010")
        first.locator(".r-serials").wait_for(state="visible")
        first.locator(".r-sku").fill(sku)
        first.locator(".r-serials").wait_for(state="hidden")
        first.locator(".r-quantity").fill("1")
        first.locator(".r-reason").fill("Wrong variant")
        # Lines are added and removed; they are numbered as sent.
        for _ in range(2):
            page.click("#r-add-line")
        _count(lines, 3)
        lines.nth(2).locator(".r-sku").fill("SKU-0004")
        lines.nth(1).locator(".r-remove").click()
        _count(lines, 2)
        assert lines.locator("legend").all_inner_texts() == ["Line 1", "Line 2"]
        assert second.locator(".r-sku").input_value() == "SKU-0004"
        assert first.locator(".r-sku").input_value() == sku
        second.locator(".r-sku").fill(other)
        # More than shipped on line 2: refused on that line with its code, nothing made.
        second.locator(".r-quantity").fill("50")
        page.fill("#r-rma", f"{rma}-X")
        page.click("#r-submit")
        refused = _status(page, "#return-status", "RETURN_EXCEEDS_SHIPPED")
        assert "error" in (page.get_attribute("#return-status", "class") or "")
        assert refused.startswith("RETURN_EXCEEDS_SHIPPED on line 2")
        told = second.locator(".r-line-error").inner_text()
        assert told.startswith("RETURN_EXCEEDS_SHIPPED: At most") and other in told
        assert first.locator(".r-line-error").inner_text() == ""
        assert first.locator(".r-line-error").is_hidden()
        _count(page.locator("#returns tbody tr").filter(has_text=f"{rma}-X"), 0)
        _inside(page, lines.locator("input:visible, button:visible, .r-line-error:visible"), width)
        page.locator("#return-form").screenshot(
            path=str(ARTIFACTS / f"reseller-return-lines-{width}.png")
        )
        second.locator(".r-quantity").fill("1")
        page.fill("#r-rma", rma)
        page.click("#r-submit")
        _status(page, "#return-status", f"{rma}: REQUESTED, to DIST-NA, 2 lines")
        assert "error" not in (page.get_attribute("#return-status", "class") or "")
        _count(lines, 1)  # a fresh form
        assert lines.locator(".r-sku").input_value() == ""
        mine = page.locator("#returns tbody tr").filter(has_text=rma)
        _count(mine, 1)
        assert "REQUESTED" in mine.inner_text()
        assert f"{sku} \u00d7 1; {other} \u00d7 1" in mine.inner_text()
        assert "DIST-NA · DIST-NA-MAIN" in mine.inner_text()
        _count(mine.locator("button", has_text="Receive"), 0)  # the distributor receives
        _count(mine.locator("button", has_text="Cancel"), 1)
        _inside(
            page,
            page.locator(
                "#return-form input:visible, #return-form select:visible, #return-form button:visible"
            ),
            width,
        )
        _inside(page, mine.locator("button"), width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(ARTIFACTS / f"reseller-returns-{width}.png"), full_page=True)
        page.close()

        # DIST-NA, the supplier it goes back to, receives it in one click.
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(demo["partner"])
        incoming = page.locator("#returns tbody tr").filter(has_text=rma)
        _count(incoming, 1)
        assert "RES-AUS" in incoming.inner_text()
        _inside(page, incoming.locator("button"), width)
        incoming.locator("button", has_text="Receive").click()
        _status(page, "#returns-status", f"{rma}: RECEIVED")
        _count(
            page.locator("#returns tbody tr").filter(has_text=rma).filter(has_text="RECEIVED"), 1
        )
        _count(page.locator("#returns tbody tr").filter(has_text=rma).locator("button"), 0)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(
            path=str(ARTIFACTS / f"distributor-receives-return-{width}.png"), full_page=True
        )
        page.close()


def test_partner_order_list_shows_notices_and_delivery_differences(browser, demo) -> None:  # type: ignore[no-untyped-def]
    _, europe = _page_of(demo, "DIST-EU")
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(europe)
        # DN-DEMO-2 shipped part of a DIST-EU order; the carrier delivered it short and damaged.
        notice = page.locator("#orders tbody .notice-of-order[data-notice='DN-DEMO-2']")
        _count(notice, 1)
        text = notice.inner_text()
        assert "DN-DEMO-2: delivered" in text
        assert "short 2 SKU-0001 (MISSING_CARTON)" in text
        assert "damaged 1 SKU-0001 (CRUSHED: box crushed)" in text
        order_row = page.locator("#orders tbody tr").filter(
            has=page.locator(".notice-of-order[data-notice='DN-DEMO-2']")
        )
        assert "PARTIALLY_SHIPPED" in order_row.inner_text()
        _inside(page, notice, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(ARTIFACTS / f"partner-order-notices-{width}.png"), full_page=True)
        page.close()


def test_manager_sees_notices_delivered_and_receives_a_return(browser, demo) -> None:  # type: ignore[no-untyped-def]
    # DIST-AP's completed order (DN-DEMO-4): a return to the manufacturer made for this test.
    token, _ = _page_of(demo, "DIST-AP")
    orders = _graph(demo, token, "{ orders(status: COMPLETED) { edges { node { id } } } }")
    [order] = [e["node"]["id"] for e in orders["orders"]["edges"]]
    made = _graph(
        demo,
        token,
        """mutation($input: RequestReturnInput!) { requestReturn(input: $input) {
          stockReturn { id } errors { code message } } }""",
        input={
            "orderIds": [order],
            "lines": [{"sku": "SKU-0002", "quantity": 1}],
            "rmaNo": "RMA-MGR",
        },
    )["requestReturn"]
    assert made["errors"] == []
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 1000})
        page.goto(demo["admin_page"])
        delivered = page.locator("#shipping-notices tbody tr[data-notice='DN-DEMO-2']")
        _count(delivered, 1)
        assert delivered.get_attribute("data-delivered") == "yes"
        assert "MISSING_CARTON" in delivered.inner_text() and "CRUSHED" in delivered.inner_text()
        waiting = page.locator("#shipping-notices tbody tr[data-notice='DN-DEMO-1']")
        _count(waiting, 1)
        assert waiting.get_attribute("data-delivered") == "no"
        assert "not delivered yet" in waiting.inner_text()
        by_transfer = page.locator("#shipping-notices tbody tr[data-notice='DN-DEMO-3']")
        # A distributor's notice, delivered by the carrier (by transfer) and received.
        assert by_transfer.get_attribute("data-delivered") == "yes"
        text = by_transfer.inner_text()
        assert "shipped by DIST-NA (transfer), delivered " in text and "received " in text
        assert "damaged 1 SKU-0003 (WET: carton wet)" in text
        _inside(page, delivered.locator("td"), width)
        # A return to the manufacturer, received in one click (once: at the first width).
        back = page.locator("#returns tbody tr").filter(has_text="RMA-MGR")
        _count(back, 1)
        if width == 1280:
            back.locator("button", has_text="Receive").click()
            _status(page, "#returns-status", "RMA-MGR: RECEIVED")
        _count(
            page.locator("#returns tbody tr")
            .filter(has_text="RMA-MGR")
            .filter(has_text="RECEIVED"),
            1,
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(
            path=str(ARTIFACTS / f"manager-notices-returns-{width}.png"), full_page=True
        )
        page.close()


def test_distributor_sees_reseller_backorders_filled_oldest_first(browser, demo) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(demo["partner"])
    # The demo's SKU-0013 orders with DIST-NA: RES-BOS's (older) filled in full, RES-AUS's by 2.
    rows = page.locator("#orders tbody tr").filter(has_text="SKU-0013")
    _count(rows, 2)
    texts = rows.all_inner_texts()
    assert "SKU-0013 \u00d7 6 (reserved 6, shipped 0)" in texts[0]
    assert "SKU-0013 \u00d7 4 (reserved 2, shipped 0, backordered 2)" in texts[1]
    page.close()


SETTINGS = """mutation($on: Boolean!) { updateSettings(input: {returnsAgainstShipments: $on,
  sourceFreeReturns: $on, exchanges: $on}) { errors { code } } }"""


def test_every_return_source_and_an_exchange(browser, demo) -> None:  # type: ignore[no-untyped-def]
    # Last in the file: it turns the other sources and exchanges on, and off again after.
    _, pacific = _page_of(demo, "DIST-AP")
    assert _graph(demo, demo["admin"], SETTINGS, on=True)["updateSettings"]["errors"] == []
    try:
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(pacific)
            page.wait_for_selector("#return-form #r-order option", state="attached")
            assert page.locator("#r-source option").all_inner_texts() == [
                "against an order",
                "against a shipment",
                "without a source",
            ]
            page.wait_for_selector("#r-exchange", state="visible")
            page.select_option("#r-source", "NONE")
            page.wait_for_selector("#r-warehouse", state="visible")
            assert page.locator("#r-order").is_hidden() and page.locator("#r-shipment").is_hidden()
            # Against DN-DEMO-4 (received by DIST-AP), exchanged: the replacement ships.
            page.select_option("#r-source", "SHIPMENT")
            page.wait_for_selector("#r-shipment", state="visible")
            page.select_option("#r-shipment", label="DN-DEMO-4 (DIST-AP-MAIN)")
            page.locator("#r-lines .r-sku").fill("SKU-0003")
            page.locator("#r-lines .r-quantity").fill("1")
            page.check("#r-exchange")
            rma = f"RMA-EX-{width}"
            page.fill("#r-rma", rma)
            _inside(
                page,
                page.locator(
                    "#return-form input:visible, #return-form select:visible, #return-form button:visible"
                ),
                width,
            )
            page.click("#r-submit")
            _status(page, "#return-status", f"{rma}: REQUESTED, to the manufacturer (exchange")
            mine = page.locator("#returns tbody tr").filter(has_text=rma)
            _count(mine, 1)
            assert "shipment" in mine.inner_text() and "(exchange)" in mine.inner_text()
            page.screenshot(path=str(ARTIFACTS / f"partner-exchange-{width}.png"), full_page=True)
            page.close()
    finally:
        assert _graph(demo, demo["admin"], SETTINGS, on=False)["updateSettings"]["errors"] == []


def test_reseller_returns_a_batch_its_order_shipped(browser, demo) -> None:  # type: ignore[no-untyped-def]
    """RES-BOS received 10 of the demo's lot-tracked SKU, batch LOT-2611A, by its order from
    DIST-NA (and sold 4). The return line asks for the batch; a batch the order did not ship
    (LOT-2611B) is refused on its line with BATCH_MISMATCH; LOT-2611A goes back."""
    token, reseller_page = _page_of(demo, "RES-BOS")
    orders = _graph(
        demo, token, "{ orders(first: 100) { edges { node { id status lines { sku batchNo } } } } }"
    )
    [order_id] = [
        o["node"]["id"]
        for o in orders["orders"]["edges"]
        if o["node"]["status"] in ("SHIPPED", "COMPLETED")
        and o["node"]["lines"] == [{"sku": "SKU-LOT-01", "batchNo": "LOT-2611A"}]
    ]
    for width in (1280, 390):
        rma = f"RMA-LOT-{width}"
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(reseller_page)
        page.wait_for_selector(f"#r-order option[value='{order_id}']", state="attached")
        page.select_option("#r-order", order_id)
        line = page.locator("#r-lines .r-line").first
        assert line.locator(".r-batch-field").is_hidden()
        line.locator(".r-sku").fill("SKU-LOT-01")
        line.locator(".r-batch").wait_for(state="visible")
        line.locator(".r-quantity").fill("1")
        line.locator(".r-batch").fill("LOT-2611B")
        page.fill("#r-rma", rma)
        page.click("#r-submit")
        assert _status(page, "#return-status", "BATCH_MISMATCH").startswith(
            "BATCH_MISMATCH on line 1"
        )
        assert "LOT-2611B" in line.locator(".r-line-error").inner_text()
        _count(page.locator("#returns tbody tr").filter(has_text=rma), 0)
        _inside(page, page.locator("#return-form :is(input, select, button):visible"), width)
        line.locator(".r-batch").fill("LOT-2611A")
        page.click("#r-submit")
        _status(page, "#return-status", f"{rma}: REQUESTED, to DIST-NA, 1 line")
        mine = page.locator("#returns tbody tr").filter(has_text=rma)
        _count(mine.filter(has_text="SKU-LOT-01 batch LOT-2611A \u00d7 1"), 1)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(ARTIFACTS / f"reseller-return-batch-{width}.png"), full_page=True)
        page.close()
