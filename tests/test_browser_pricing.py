"""The price-protection pages in Chromium over the demo: the partner (DIST-NA) sees the open
programs with its eligible units beside its prefilled drafts (1280 and 390 px) and submits
one at phone width; the manager sees every program's liability at 1280 px, with DIST-NA's
claims counted and its held line shown, and a program's eligible units across partners
(1280 and 390 px)."""

from __future__ import annotations

import pytest

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


def _amount(text: str) -> float:
    return float(text.split()[0].replace(",", ""))


def _rows(table):  # type: ignore[no-untyped-def]
    return [
        [c.inner_text() for c in r.locator("td").all()] for r in table.locator("tbody tr").all()
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_manager_sees_a_programs_eligible_units_across_partners(browser, demo, width: int) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(demo["manager"])
    rows = page.locator("#pp-liability tbody tr")
    _count(rows, 5)
    assert page.locator("#pp-eligible-box").is_hidden()
    # SKU-0003's drop is in three weeks: nobody claimed, every eligible unit is still drafted.
    drop = rows.filter(has_text="SKU-0003")
    liability = [c.inner_text() for c in drop.locator("td").all()]
    drop.locator("button[data-action=eligible]").click()
    _count(drop.locator(".result").filter(has_text="below"), 1)
    box = page.locator("#pp-eligible-box")
    assert box.is_visible() and "SKU-0003" in page.inner_text("#pp-eligible-title")
    cells = _rows(page.locator("#pp-eligible"))
    assert len(cells) >= 2, cells
    partners = {c[0] for c in cells}
    assert {"DIST-NA", "DIST-EU"} <= partners, cells  # across partners, not one
    credit = _amount(liability[1].split("→")[0]) - _amount(liability[1].split("→")[1])
    for c in cells:
        on_hand, in_transit, units = int(c[2]), int(c[3]), int(c[4])
        assert units == on_hand + in_transit and units > 0, c  # in transit included
        assert _amount(c[5]) == pytest.approx(units * credit, abs=0.005), c
    total = sum(int(c[4]) for c in cells)
    assert total == int(liability[8]), (cells, liability)
    value = sum(_amount(c[5]) for c in cells)
    assert value == pytest.approx(float(liability[9]), abs=0.01)
    assert page.inner_text("#pp-eligible-total").startswith(f"Total: {total} units")
    _inside(page, page.locator("#pp-eligible td, #pp-liability button"), width)
    # Another program replaces the list (one program at a time).
    other = rows.filter(has_text="SKU-0004")
    other.locator("button[data-action=eligible]").click()
    page.wait_for_function(
        "() => document.querySelector('#pp-eligible-title').textContent.includes('SKU-0004')"
    )
    assert box.get_attribute("data-program") == other.get_attribute("data-program")
    _count(page.locator("#pp-liability .result"), 1)  # only beside the program shown
    page.locator("#pricing-root").screenshot(
        path=str(ARTIFACTS / f"manager-price-protection-eligible-{width}.png")
    )
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_partner_sees_its_eligible_units_beside_its_draft(browser, demo, width: int) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(demo["partner"])  # DIST-NA
    card = page.locator("#pp-programs article[data-sku='SKU-0003']")
    _count(card, 1)
    eligible = _rows(card.locator("table.pp-eligible"))
    draft = _rows(card.locator("table.pp-draft"))
    assert eligible and all(c[0].startswith("DIST-NA") for c in eligible), eligible
    for c in eligible:
        assert int(c[3]) == int(c[1]) + int(c[2]) > 0, c
    # Nothing claimed yet: the draft holds every eligible unit, warehouse by warehouse.
    assert {c[0]: int(c[3]) for c in eligible} == {c[0]: int(c[1]) for c in draft}
    _inside(page, card.locator("table.pp-eligible td, table.pp-draft input"), width)
    card.screenshot(path=str(ARTIFACTS / f"partner-price-protection-eligible-{width}.png"))
    page.close()


def test_partner_submits_its_prefilled_price_protection_draft_on_a_phone(browser, demo) -> None:  # type: ignore[no-untyped-def]
    width = 390
    page = browser.new_page(viewport={"width": width, "height": 860})
    page.goto(demo["partner"])
    # The demo's drops of SKU-0001..0003 (next week and after) are open, each drafted.
    card = page.locator("#pp-programs article[data-sku='SKU-0002']")
    _count(card, 1)
    _count(card.locator("table.pp-draft tbody tr"), 1)
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
