"""The count sheet and the forecast grids in a real browser, at desktop (1280 px) and
phone (390 px) widths, on the demo: the partner records counts by scanning (SKU, then
quantity, Enter), records one while offline (kept on the device, sent when the
connection returns), never sees a book quantity on its blind sheet, and submits its
prefilled forecast as is; the manager adjusts an account-forecast cell in place and sees
its total change. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import re

import pytest

from tests.test_browser import ARTIFACTS, _inside, browser, demo  # noqa: F401  (fixtures)

WIDTHS = [1280, 390]


def _counted(page) -> int:  # type: ignore[no-untyped-def]
    match = re.search(r"counted (\d+) of", page.inner_text("#count-title"))
    assert match, page.inner_text("#count-title")
    return int(match[1])


@pytest.mark.parametrize("width", WIDTHS)
def test_partner_counts_by_scanning_and_offline(browser, demo, width) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(demo["partner"])
    page.wait_for_selector("#count-lines tbody tr input", timeout=30000)
    _inside(page, page.locator("#scan-sku, #scan-qty, #scan-form button, #count-submit"), width)
    # The demo's sheet is blind: no book quantity anywhere on it.
    books = page.locator("#count-lines tbody td:nth-child(2)").all_inner_texts()
    assert books and set(books) == {"—"}, books
    before = _counted(page)
    first = page.locator("#count-lines tbody input").first
    sku = first.get_attribute("data-sku")
    serial = first.get_attribute("inputmode") == "text"
    page.fill("#scan-sku", sku)
    page.fill("#scan-qty", "S-1" if serial else "4")
    page.press("#scan-qty", "Enter")
    page.wait_for_function(
        f"document.querySelector('#count-title').textContent.includes('counted {before + 1} of')",
        timeout=30000,
    )
    # The connection drops: the count is kept on the device, then sent when it is back.
    context.set_offline(True)
    line = page.locator("#count-lines tbody input").first
    line.fill("S-2" if line.get_attribute("inputmode") == "text" else "2")
    line.press("Enter")
    page.wait_for_selector("#count-pending:has-text('kept on this device')", timeout=30000)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function(
        f"document.querySelector('#count-title').textContent.includes('counted {before + 2} of')",
        timeout=30000,
    )
    assert page.inner_text("#count-pending") == ""
    # The forecast grid, prefilled, submitted as is.
    page.wait_for_selector("#forecast-grid tbody tr input", timeout=30000)
    _inside(page, page.locator("#submit-forecast"), width)
    page.click("#submit-forecast")
    page.wait_for_selector("#forecast-status:has-text('Forecast submitted.')", timeout=30000)
    page.screenshot(path=str(ARTIFACTS / f"partner-count-{width}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_manager_adjusts_an_account_forecast_cell(browser, demo, width) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(demo["manager"])
    page.wait_for_selector("#account-grid tbody tr input", timeout=30000)
    cell = page.locator("#account-grid tbody td:has(input)").first
    total_before = int(cell.locator("strong.total").inner_text())
    adjust = cell.locator("input")
    old = int(adjust.input_value() or 0)
    page.fill("#adjust-note", "browser test")
    adjust.fill(str(old + 7))
    adjust.dispatch_event("change")
    page.wait_for_function(
        "document.querySelector('#account-status').textContent.includes('total')", timeout=30000
    )
    assert int(cell.locator("strong.total").inner_text()) == total_before + 7
    _inside(page, page.locator("#adjust-note"), width)
    page.screenshot(path=str(ARTIFACTS / f"manager-forecast-{width}.png"), full_page=True)
    page.close()


def _forecast_table(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    rows = page.eval_on_selector_all(
        "#forecast-table tbody tr", "trs => trs.map(tr => [...tr.cells].map(c => c.textContent))"
    )
    return {r[0]: r[1:] for r in rows}


def _units(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.mark.parametrize("width", WIDTHS)
def test_manager_forecast_chart_shows_forecast_actual_and_inventory(browser, demo, width) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Seven periods (six past and the next), a line each for forecast, actual sell-through
    and calculated inventory, readable at the width it has; the forecast of a period is the
    account grid's column total, and it moves when a cell is adjusted."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(demo["manager"])
    page.wait_for_selector("#account-grid tbody tr input", timeout=30000)
    page.wait_for_selector("#forecast-chart text.period", timeout=30000)
    periods = page.eval_on_selector_all(
        "#forecast-chart text.period", "ts => ts.map(t => t.dataset.period)"
    )
    assert len(periods) == 7 and periods == sorted(periods)
    series = page.eval_on_selector_all(
        "#forecast-chart polyline", "ps => ps.map(p => p.dataset.series)"
    )
    assert sorted(series) == ["actual", "calculated", "forecast"]
    legend = page.inner_text("#forecast-legend")
    assert "Forecast" in legend and "Actual" in legend and "Calculated inventory" in legend
    table = _forecast_table(page)
    assert list(table) == periods
    # The next period has a forecast but no actual or inventory yet; past ones have both.
    assert table[periods[-1]][1:] == ["—", "—"]
    assert all(table[p][1] != "—" and table[p][2] != "—" for p in periods[:-1])
    assert any(_units(table[p][1]) > 0 for p in periods[:-1])

    # The current period's forecast is the grid's column total (grid: last, this, next).
    this = periods[5]
    column = "#account-grid tbody td:nth-child(4) strong.total"
    grid = sum(int(t) for t in page.locator(column).all_inner_texts())
    assert _units(table[this][0]) == grid
    cell = page.locator("#account-grid tbody td:nth-child(4)").first
    adjust = cell.locator("input")
    page.fill("#adjust-note", "chart test")
    adjust.fill(str(int(adjust.input_value() or 0) + 5))
    adjust.dispatch_event("change")
    page.wait_for_function(
        f"""() => {{ const r = [...document.querySelectorAll('#forecast-table tbody tr')]
          .find(tr => tr.cells[0].textContent === '{this}');
          return r && Number(r.cells[1].textContent.replace(/,/g, '')) === {grid + 5}; }}""",
        timeout=30000,
    )

    # Readable: the chart is drawn at the width it has, legend and chart inside the page.
    box = page.eval_on_selector("#forecast-chart", "s => [s.viewBox.baseVal.width, s.clientWidth]")
    assert abs(box[0] - box[1]) <= 30 or box[1] < 300, box
    _inside(page, page.locator("#forecast-chart, #forecast-legend"), width)
    page.focus(f"#forecast-chart rect.hit[data-period='{this}']")
    tip = page.inner_text("#forecast-tip")
    assert tip.startswith(f"{this}: forecast ") and "calculated inventory" in tip
    page.locator("#forecast-chart-box").screenshot(
        path=str(ARTIFACTS / f"manager-forecast-chart-{width}.png")
    )
    page.close()


def test_manager_reviews_a_pending_inventory_document(browser, demo) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The demo's 25 samples wait above the 20-unit threshold: at phone width the row and
    its decision fit; a rejection without a note is refused with its code, and approving
    posts it and takes it off the list."""
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(demo["manager"])
    row = page.locator("#documents tbody tr").filter(has_text="AUS-OUT-2")
    row.wait_for(timeout=30000)
    text = row.inner_text()
    assert (
        "RES-AUS" in text and "OUTBOUND SAMPLE" in text and "\N{MULTIPLICATION SIGN} 25" in text
    ), text
    _inside(page, row.locator("input, button"), 390)
    row.locator("button", has_text="Reject").click()
    page.wait_for_selector("#document-status.error:has-text('REQUIRED')", timeout=30000)
    assert page.locator("#documents tbody tr").filter(has_text="AUS-OUT-2").count() == 1
    page.screenshot(path=str(ARTIFACTS / "manager-documents-390.png"), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    row.locator("input").fill("samples for the fair, agreed")
    row.locator("button", has_text="Approve").click()
    page.wait_for_selector("#document-status:has-text('approved and posted')", timeout=30000)
    page.wait_for_function(
        "![...document.querySelectorAll('#documents tbody tr')]"
        ".some(tr => tr.textContent.includes('AUS-OUT-2'))",
        timeout=30000,
    )
    page.close()


def test_partner_records_stock_documents(browser, demo) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The partner records an outbound of 1 unit (posted at once), an inbound of 21 (over the
    demo's 20-unit threshold: waiting for approval) and is told what is missing when reason
    OTHER comes without a note; the form fits a phone."""
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(demo["partner"])
    page.wait_for_selector("#d-warehouse option", state="attached", timeout=30000)
    _inside(page, page.locator("#document-form select, #document-form input"), 390)
    sku = "SKU-0001"

    def record(kind: str, reason: str, quantity: int, number: str, note: str = "") -> None:  # type: ignore[no-untyped-def]
        page.select_option("#d-kind", kind)
        page.select_option("#d-warehouse", "DIST-NA-MAIN")
        page.select_option("#d-reason", reason)
        page.fill("#document-form input[name=sku]", sku)
        page.fill("#document-form input[name=quantity]", str(quantity))
        page.fill("#document-form input[name=documentNo]", number)
        page.fill("#document-form input[name=note]", note)
        page.click("#document-form button")

    record("OUTBOUND", "OTHER", 1, "BR-OUT-0")
    page.wait_for_selector("#document-form-status.error:has-text('REQUIRED')", timeout=30000)
    record("OUTBOUND", "SCRAP", 1, "BR-OUT-1")
    page.wait_for_selector("#document-form-status:has-text('Recorded: posted.')", timeout=30000)
    record("INBOUND", "FOUND", 21, "BR-IN-1")
    page.wait_for_selector(
        "#document-form-status:has-text('Recorded: waiting for approval.')", timeout=30000
    )
    rows = page.locator("#own-documents tbody tr")
    page.wait_for_function(
        "document.querySelectorAll('#own-documents tbody tr').length >= 2", timeout=30000
    )
    newest, before = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert "BR-IN-1" in newest and "waiting for approval" in newest, newest
    assert "BR-OUT-1" in before and "posted" in before, before
    assert page.locator("#own-documents tbody tr", has_text="BR-OUT-0").count() == 0
    page.screenshot(path=str(ARTIFACTS / "partner-documents-390.png"), full_page=False)
    page.close()
