"""The order pages in Chromium over the demo: a partner orders with live availability at
phone width (390 px) and, as its resellers' supplier, confirms and ships their order; the
manufacturer's admin confirms and ships from the order queue at 1280 px."""

from __future__ import annotations

from tests.test_browser import ARTIFACTS, _count, _inside, _status, browser, demo

__all__ = ["browser", "demo"]  # the module-scoped fixtures of tests/test_browser.py


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
    _inside(page, page.locator("#order-form input, #order-form select, #order-form button"), width)
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
