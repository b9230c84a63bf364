"""The price-protection pages in Chromium over the demo: the partner (DIST-NA) sees the open
programs with its prefilled drafts at phone width (390 px) and submits one; the manager
sees every program's liability at 1280 px, with DIST-NA's claims counted and its held line
shown."""

from __future__ import annotations

from tests.test_browser import ARTIFACTS, _count, _inside, _status, browser, demo

__all__ = ["browser", "demo"]  # the module-scoped fixtures of tests/test_browser.py


# The manager's view reads the demo as seeded: it runs before the partner's claim.
def test_manager_sees_each_programs_liability(browser, demo) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(demo["manager"])
    rows = page.locator("#pp-liability tbody tr")
    _count(rows, 5)  # the demo's five drops
    cells = [[c.inner_text() for c in r.locator("td").all()] for r in rows.all()]
    # DIST-NA's two validated claims: the recent drop's (approvable) and last month's (held).
    claimed = [c for c in cells if float(c[4]) > 0]
    assert len(claimed) == 2, cells
    held = [c for c in claimed if int(c[5]) > 0]
    assert len(held) == 1 and float(held[0][6]) == 0, cells
    approvable = [c for c in claimed if int(c[5]) == 0]
    assert float(approvable[0][6]) > 0, cells
    # Every drop is of a SKU the partners hold: eligible units and their value shown.
    assert all(int(c[8]) > 0 and float(c[9]) > 0 for c in cells), cells
    # The approvable claim's approved value is within the eligible value.
    assert float(approvable[0][6]) <= float(approvable[0][9]), cells
    page.screenshot(path=str(ARTIFACTS / "manager-price-protection-1280.png"), full_page=True)
    page.close()


def test_partner_submits_its_prefilled_price_protection_draft_on_a_phone(browser, demo) -> None:  # type: ignore[no-untyped-def]
    width = 390
    page = browser.new_page(viewport={"width": width, "height": 860})
    page.goto(demo["partner"])
    # The demo's drops of SKU-0001..0003 (next week and after) are open, each drafted.
    card = page.locator("#pp-programs article[data-sku='SKU-0002']")
    _count(card, 1)
    _count(card.locator("tbody tr"), 1)
    inputs = card.locator("tbody input")
    drafted = int(inputs.first.input_value())
    assert drafted > 0
    _inside(page, card.locator("input, button"), width)
    # Every quantity 0: nothing is sent.
    inputs.first.fill("0")
    card.locator("button", has_text="Submit claim").click()
    assert "Nothing to claim" in _status(page, "#pp-status", "Nothing to claim")
    # The prefilled draft, submitted as is.
    inputs.first.fill(str(drafted))
    card.locator("button", has_text="Submit claim").click()
    placed = _status(page, "#pp-status", "for SKU-0002")
    assert placed.startswith("Claim ") and "error" not in (
        page.get_attribute("#pp-status", "class") or ""
    )
    page.screenshot(path=str(ARTIFACTS / "partner-price-protection-390.png"), full_page=True)
    page.close()
