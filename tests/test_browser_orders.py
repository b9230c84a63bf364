"""The order pages in Chromium over the demo: a partner orders with live availability at
phone width (390 px) and, as its resellers' supplier, confirms and ships their order; the
manufacturer's admin confirms and ships from the order queue at 1280 px."""

from __future__ import annotations

from tests.test_browser import ARTIFACTS, _count, _inside, _status, browser, demo

__all__ = ["browser", "demo"]
LOT_LINE = "SKU-LOT-01 batch LOT-2611B \u00d7 2"  # an order or notice line of 2 of that batch  # the module-scoped fixtures of tests/test_browser.py


def test_partner_orders_with_live_availability_on_a_phone(browser, demo) -> None:  # type: ignore[no-untyped-def]
    width = 390
    page = browser.new_page(viewport={"width": width, "height": 860})
    page.goto(demo["partner"])
    page.wait_for_selector("#order-form")
    page.fill("#o-sku", "SKU-0001")
    available = _status(page, "#o-availability", "available")
    before = int(available.split(": ")[1].split()[0])
    assert before > 0
    page.select_option("#o-supplier", "")  # the manufacturer
    _status(page, "#o-availability", "available")
    page.fill("#o-quantity", "5")
    page.click("#order-form button")
    placed = _status(page, "#order-status", "SUBMITTED")
    number = placed.split()[1].rstrip(":")
    _count(page.locator("#orders tbody tr").filter(has_text=number), 1)
    _status(page, "#o-availability", "available")
    _inside(page, page.locator("#order-form :is(input, select, button):visible"), width)
    # Too much: refused, with the available quantity named.
    page.fill("#o-quantity", "100000")
    page.click("#order-form button")
    assert "available" in _status(page, "#order-status", "INSUFFICIENT_STOCK")

    # As RES-BOS's supplier, DIST-NA confirms and ships its reseller's order.
    reseller = (
        page.locator("#orders tbody tr")
        .filter(has_text="SUBMITTED")
        .filter(has=page.locator("button", has_text="Confirm"))
    )
    reseller.first.locator("button", has_text="Confirm").click()
    confirmed = _status(page, "#order-status", "CONFIRMED")
    shipping = confirmed.split()[1].rstrip(":")
    mine = page.locator("#orders tbody tr").filter(has_text=shipping)
    _inside(page, mine.locator("button"), width)
    mine.locator("button", has_text="Ship").click()
    _status(page, "#order-status", "Shipped")
    page.screenshot(path=str(ARTIFACTS / "partner-orders-390.png"), full_page=True)
    page.close()


def test_admin_confirms_and_ships_from_the_order_queue(browser, demo) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(demo["admin_page"])
    page.wait_for_selector("#order-queue tbody tr")
    waiting = page.locator("#order-queue tbody tr").filter(has_text="SUBMITTED").first
    number = waiting.locator("td").first.inner_text()
    waiting.locator("button", has_text="Confirm").click()
    _status(page, "#queue-status", "CONFIRMED")
    row = page.locator("#order-queue tbody tr").filter(has_text=number)
    row.locator("button", has_text="Ship").click()
    _status(page, "#queue-status", f"Shipped {number}")
    _count(page.locator("#order-queue tbody tr").filter(has_text=number), 0)
    page.screenshot(path=str(ARTIFACTS / "manager-orders-1280.png"), full_page=True)
    page.close()


def test_reseller_orders_a_batch_and_its_distributor_ships_it(browser, demo) -> None:  # type: ignore[no-untyped-def]
    """RES-BOS orders the demo's lot-tracked SKU from DIST-NA: the form lists DIST-NA-MAIN's
    batches with what is available of each (LOT-2611B: 40 on hand, 5 reserved by the demo's
    waiting order) and orders one; the order line names it; DIST-NA's list (its shipping
    queue) shows the batch to ship, ships it, and the notice names it."""
    from tests.test_browser_returns import _page_of

    _, reseller_page = _page_of(demo, "RES-BOS")
    numbers = []
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(reseller_page)
        page.wait_for_selector("#o-supplier option[value='DIST-NA']", state="attached")
        page.fill("#o-sku", "SKU-LOT-01")
        batches = _status(page, "#o-batches", "LOT-2611B")
        assert "LOT-2611A" in batches
        page.wait_for_selector("#o-batch-field:not([hidden])")
        options = page.locator("#o-batch option").all_inner_texts()
        assert options[0] == "Any batch" and any(o.startswith("LOT-2611B (") for o in options)
        before = int(
            next(o for o in options if o.startswith("LOT-2611B (")).split("(")[1].split()[0]
        )
        page.select_option("#o-batch", "LOT-2611B")
        page.fill("#o-quantity", "2")
        page.click("#order-form button")
        number = _status(page, "#order-status", "SUBMITTED").split()[1].rstrip(":")
        numbers.append(number)
        mine = page.locator("#orders tbody tr").filter(has_text=number)
        _count(mine.filter(has_text=LOT_LINE), 1)
        # The reservation shows at once in the batch's availability.
        _status(page, "#o-batches", f"LOT-2611B {before - 2} available")
        _inside(page, page.locator("#order-form :is(input, select, button):visible"), width)
        # More than the batch has free: refused, naming the batch.
        page.select_option("#o-batch", "LOT-2611B")
        page.fill("#o-quantity", "1000")
        page.click("#order-form button")
        assert "batch LOT-2611B" in _status(page, "#order-status", "INSUFFICIENT_STOCK")
        page.screenshot(path=str(ARTIFACTS / f"partner-order-batch-{width}.png"), full_page=True)
        page.close()

    for width, number in zip((1280, 390), numbers, strict=True):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(demo["partner"])  # DIST-NA
        row = page.locator("#orders tbody tr").filter(has_text=number)
        _count(row.filter(has_text=LOT_LINE), 1)
        row.locator("button", has_text="Confirm").click()
        _status(page, "#order-status", f"Order {number}: CONFIRMED")
        _inside(page, row.locator("button"), width)
        row.locator("button", has_text="Ship").click()
        _status(page, "#order-status", f"Shipped {number}")
        notice = row.locator(".notice-of-order")
        _count(notice.filter(has_text=LOT_LINE), 1)
        page.screenshot(
            path=str(ARTIFACTS / f"distributor-ships-batch-{width}.png"), full_page=True
        )
        page.close()


def test_distributor_names_the_batch_of_a_line_ordered_without_one(browser, demo) -> None:  # type: ignore[no-untyped-def]
    """RES-BOS orders the lot-tracked SKU with "Any batch"; DIST-NA's one-click Ship is
    refused (REQUIRED) and the page asks for the batch, then ships it; the notice names it."""
    from tests.test_browser_returns import _page_of

    _, reseller_page = _page_of(demo, "RES-BOS")
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(reseller_page)
        page.wait_for_selector("#o-supplier option[value='DIST-NA']", state="attached")
        page.fill("#o-sku", "SKU-LOT-01")
        _status(page, "#o-batches", "LOT-2611A")
        assert page.locator("#o-batch").input_value() == ""  # any batch
        page.fill("#o-quantity", "1")
        page.click("#order-form button")
        number = _status(page, "#order-status", "SUBMITTED").split()[1].rstrip(":")
        page.close()
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(demo["partner"])  # DIST-NA
        row = page.locator("#orders tbody tr").filter(has_text=number)
        form = page.locator("#orders-root .ship-batch")
        row.locator("button", has_text="Confirm").click()
        _status(page, "#order-status", f"Order {number}: CONFIRMED")
        assert form.is_hidden()
        row.locator("button", has_text="Ship").click()
        _status(page, "#order-status", "REQUIRED")
        form.wait_for(state="visible")
        assert f"SKU-LOT-01 (order {number})" in form.inner_text()
        _inside(page, form.locator("input, button"), width)
        form.locator(".sb-batch").fill("LOT-2611A")
        form.locator("button").click()
        _status(page, "#order-status", f"Shipped {number}")
        assert form.is_hidden()
        _count(row.locator(".notice-of-order").filter(has_text="SKU-LOT-01 batch LOT-2611A"), 1)
        page.screenshot(
            path=str(ARTIFACTS / f"distributor-names-batch-{width}.png"), full_page=True
        )
        page.close()
