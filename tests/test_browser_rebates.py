"""The rebate pages in Chromium over the demo (its three programs mid-way), at 1280 and
390 px: a partner sees each program it is in as progress toward the next tier (an ARIA
progressbar whose value is also in words) with its accrued and paid amounts, and a
reseller in the compliance program its failing periods; the manager sees each program's
liability (accrued, paid, open) and a chart of what each month accrued, pays interim (the
result next to the button) and closes a program after confirming."""

from __future__ import annotations

import re

import pytest

from tests.test_browser import ARTIFACTS, _count, _inside, _partner_page_of, browser, demo

__all__ = ["browser", "demo"]  # the module-scoped fixtures of tests/test_browser.py

VOLUME = "Distributor volume rebate"
GROWTH = "Northam growth"
BANDS = "Reseller sell-through bands"


def _amount(text: str) -> float:
    return float(text.split()[0].replace(",", ""))


def _card(page, name: str):  # type: ignore[no-untyped-def]
    card = page.locator("#rb-programs article.rebate").filter(has_text=name)
    _count(card, 1)
    return card


@pytest.mark.parametrize("width", [1280, 390])
def test_partner_sees_progress_toward_the_next_tier(browser, demo, width: int) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(demo["partner"])  # DIST-NA: the distributors' volume and its growth program
    _count(page.locator("#rb-programs article.rebate"), 2)
    volume = _card(page, VOLUME)
    bar = volume.locator("[role=progressbar]")
    now = float(bar.get_attribute("aria-valuenow") or "nan")
    top = float(bar.get_attribute("aria-valuemax") or "nan")
    assert bar.get_attribute("aria-valuemin") == "0"
    # Mid-way: past the first paying tier (10,000), short of the next threshold.
    assert 10000 < now < top
    attained = _amount(volume.locator("dd[data-fact=attained]").inner_text())
    assert attained == pytest.approx(now, abs=0.01)
    assert _amount(volume.locator("dd[data-fact=next]").inner_text()) == pytest.approx(top)
    left = _amount(volume.locator("dd[data-fact=left]").inner_text())
    assert left == pytest.approx(top - now, abs=0.01)
    # The same in words, on the page and for assistive technology.
    words = volume.locator(".rb-progress-text").inner_text()
    assert words == bar.get_attribute("aria-valuetext")
    assert (
        "left to the next tier" in words
        and volume.locator("dd[data-fact=left]").inner_text() in words
    )
    # All accrued so far was paid (the elapsed quarter on schedule, the months since by
    # hand): accrued > 0, paid as much.
    accrued = _amount(volume.locator("dd[data-fact=accrued]").inner_text())
    assert accrued > 0
    assert _amount(volume.locator("dd[data-fact=paid]").inner_text()) == pytest.approx(accrued)
    assert float(volume.locator("dd[data-fact=rate]").inner_text().split()[0]) > 0
    assert volume.locator("dd[data-fact=failing]").count() == 0  # no compliance condition
    assert re.fullmatch(
        r"Quarterly, paid through \d{4}-Q[1-4]",
        volume.locator("dd[data-fact=schedule]").inner_text(),
    )
    # The growth program: no history a year back, 0 % growth, the first tier ahead.
    growth = _card(page, GROWTH)
    assert "% growth" in growth.locator("dd[data-fact=attained]").inner_text()
    assert growth.locator("[role=progressbar]").get_attribute("aria-valuenow") == "0"
    _inside(page, page.locator("#rb-programs [role=progressbar], #rb-programs dd"), width)
    page.locator("#rebates-root").screenshot(path=str(ARTIFACTS / f"partner-rebates-{width}.png"))
    page.close()


def test_a_reseller_sees_its_failing_periods(browser, demo) -> None:  # type: ignore[no-untyped-def]
    width = 390
    page = browser.new_page(viewport={"width": width, "height": 900})
    seen = {}
    for code in ("RES-BOS", "RES-AUS", "RES-BER", "RES-SIN"):
        page.goto(_partner_page_of(demo, code))
        bands = _card(page, BANDS)
        failing = bands.locator("dd[data-fact=failing]")
        _count(failing, 1)
        seen[code] = failing.inner_text()
        _inside(page, bands.locator("[role=progressbar], dd"), width)
    # The demo has resellers failing the condition (late reports or open exceptions): their
    # periods named; every other reseller reads "none".
    assert any("not counted" in text for text in seen.values()), seen
    assert all(text == "none" or re.match(r"\d{4}-\d{2}(, |\s)", text) for text in seen.values()), (
        seen
    )
    page.close()


def _liability(page):  # type: ignore[no-untyped-def]
    rows = page.locator("#rb-liability tbody tr")
    _count(rows, 3)
    return {
        r.locator("td").first.inner_text(): [c.inner_text() for c in r.locator("td").all()]
        for r in rows.all()
    }


@pytest.mark.parametrize("width", [1280, 390])
def test_manager_sees_liability_and_accrual_per_month(browser, demo, width: int) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(demo["manager"])
    cells = _liability(page)
    for name, c in cells.items():
        accrued, paid, open_ = _amount(c[5]), _amount(c[6]), _amount(c[7])
        assert open_ == pytest.approx(accrued - paid, abs=0.005), (name, c)
    # The volume rebate was paid on account: accrued > 0, paid as much (at least).
    assert _amount(cells[VOLUME][5]) > 0 and _amount(cells[VOLUME][6]) > 0
    assert cells[VOLUME][4] == "3" and cells[GROWTH][4] == "1"  # its partners
    # The chart: a line per program, six months (the programs' span), the figures as a table.
    _count(page.locator("#rb-chart polyline"), 3)
    _count(page.locator("#rb-chart .hit"), 6)
    _count(page.locator("#rb-legend li"), 3)
    _count(page.locator("#rb-accruals tbody tr"), 6)
    # The months of the volume rebate add up to its accrued amount.
    column = [h.text_content() for h in page.locator("#rb-accruals thead th").all()].index(VOLUME)
    months = [
        r.locator("td").nth(column).text_content() or ""
        for r in page.locator("#rb-accruals tbody tr").all()
    ]
    assert sum(_amount(m) for m in months) == pytest.approx(_amount(cells[VOLUME][5]), abs=0.05)
    page.locator("#rb-chart .hit").first.focus()
    assert (
        page.locator("#rb-tip")
        .inner_text()
        .startswith(page.locator("#rb-chart .hit").first.get_attribute("data-period") or "?")
    )
    _inside(page, page.locator("#rb-liability button"), width)
    # Each program's currency and interim schedule: the volume rebate pays quarterly and
    # its elapsed quarter was paid; the others are paid by hand only.
    currency = cells[VOLUME][7].split()[-1]
    assert re.fullmatch(r"[A-Z]{3}", currency) and cells[VOLUME][8] == currency
    through = re.fullmatch(r"Quarterly, paid through (\d{4}-Q[1-4])", cells[VOLUME][9])
    assert through, cells[VOLUME]
    assert cells[BANDS][9] == "By hand only" and cells[GROWTH][9] == "By hand only"
    # The payouts made: the quarter's to each distributor (its interval named), then the
    # months since on account by hand; together what the program paid.
    payouts = page.locator("#rb-payouts tbody tr").filter(has_text=VOLUME)
    rows = [[c.inner_text() for c in r.locator("td").all()] for r in payouts.all()]
    scheduled = [r for r in rows if r[1] == through.group(1)]
    assert sorted(r[2] for r in scheduled) == ["DIST-AP", "DIST-EU", "DIST-NA"], rows
    assert all(_amount(r[3]) > 0 and r[3].endswith(currency) for r in scheduled), rows
    assert all(r[1] in (through.group(1), "on account (by hand)") for r in rows), rows
    assert len(rows) > 3  # October and November, paid by hand
    assert sum(_amount(r[3]) for r in rows) == pytest.approx(_amount(cells[VOLUME][6]), abs=0.005)
    assert page.locator("#rb-payouts tbody tr").count() == len(rows)  # no other program paid
    _inside(page, page.locator("#rb-payouts td"), width)
    page.locator("#rebates-root").screenshot(path=str(ARTIFACTS / f"manager-rebates-{width}.png"))
    page.close()


# Last: it pays and closes programs of this module's demo.
def test_manager_pays_interim_and_closes_with_one_click_each(browser, demo) -> None:  # type: ignore[no-untyped-def]
    width = 390
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(demo["manager"])
    _liability(page)
    bands = page.locator("#rb-liability tbody tr").filter(has_text=BANDS)
    owed = _amount(bands.locator("td").nth(7).inner_text())
    assert owed > 0  # the resellers' bands were never paid
    bands.locator("button[data-action=interim]").click()
    result = bands.locator("td.actions .result")
    _count(result.filter(has_text="on account"), 1)
    assert f"Paid {owed:,.2f}" in result.inner_text()
    assert "error" not in (result.get_attribute("class") or "")
    _count(bands.locator("td").nth(7).filter(has_text="0.00 "), 1)
    # The payment is listed among the payouts, one row per reseller paid, by hand.
    paid_rows = page.locator("#rb-payouts tbody tr").filter(has_text=BANDS)
    assert paid_rows.count() > 0
    assert all("on account (by hand)" in r.inner_text() for r in paid_rows.all())
    assert sum(_amount(r.locator("td").nth(3).inner_text()) for r in paid_rows.all()) == (
        pytest.approx(owed, abs=0.005)
    )
    _inside(page, bands.locator("button, .result"), width)

    # Closing asks first: dismissed, nothing happens.
    growth = page.locator("#rb-liability tbody tr").filter(has_text=GROWTH)
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    growth.locator("button[data-action=close]").click()
    _count(growth.locator(".result").filter(has_text="Not closed"), 1)
    assert asked and GROWTH in asked[0]
    assert growth.locator("td").nth(3).inner_text() == "OPEN"
    page.once("dialog", lambda d: d.accept())
    growth.locator("button[data-action=close]").click()
    _count(growth.locator(".result").filter(has_text="Closed:"), 1)
    _count(growth.locator("td").nth(3).filter(has_text="CLOSED"), 1)
    assert growth.locator("button").count() == 0

    # Closed elsewhere meanwhile (a second tab): the coded error next to the button.
    volume = page.locator("#rb-liability tbody tr").filter(has_text=VOLUME)
    other = browser.new_page(viewport={"width": 1280, "height": 900})
    other.goto(demo["manager"])
    _liability(other)
    other.once("dialog", lambda d: d.accept())
    there = other.locator("#rb-liability tbody tr").filter(has_text=VOLUME)
    there.locator("button[data-action=close]").click()
    _count(there.locator(".result").filter(has_text="Closed:"), 1)
    other.close()
    volume.locator("button[data-action=interim]").click()
    failed = volume.locator(".result").filter(has_text="INVALID_STATE")
    _count(failed, 1)
    assert "error" in (failed.get_attribute("class") or "")
    # The row reads as it is now: closed, its buttons gone, the error still beside them.
    _count(volume.locator("td").nth(3).filter(has_text="CLOSED"), 1)
    _count(volume.locator("button"), 0)
    _count(volume.locator(".result").filter(has_text="INVALID_STATE"), 1)
    page.locator("#rebates-root").screenshot(
        path=str(ARTIFACTS / "manager-rebates-actions-390.png")
    )
    page.close()
