"""The frontend stub in a real browser (Debian's Chromium, driven by Playwright).

A partner opens the prefilled stock grid, changes one quantity and submits: ACCEPTED,
with live progress over the websocket. It uploads a CSV with a bad row and sees that
row's error; it receives a transfer, raises, ships and receives another, and registers a
design that conflicts with another partner's. A manager sees the exceptions, works one
through the workflow, resolves one with a correction and sees it closed, approves a
transfer and reviews designs. The claim pages: a partner submits its prefilled ship &
debit draft (and an over-claim) and sees each line's result; a manager approves the claim
awaiting review, with its codes and POS evidence, and finds its credit memo in the list
and in the CSV; at phone width (390 px) their buttons lie within the viewport. The
contract pages: a partner sees its inventory contracts with what remains, the shipment
that supplied each line, and their consumption history; a manager sees the call-off notifications and charges of the month
and downloads the charges CSV; both at 1280 and 390 px.
Screenshots go to ``test-artifacts/``. Skipped when Chromium or Playwright is missing, unless
``PORTAL_TEST_REQUIRE_BROWSER=1`` (as in ``.ci/run``).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.loopback import wait_for_health

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
REQUIRE = os.environ.get("PORTAL_TEST_REQUIRE_BROWSER") == "1"
MAX_BODY_BYTES = 1_000_000


def _skip_or_fail(reason: str) -> None:
    if REQUIRE:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    if not Path(CHROMIUM).exists():
        _skip_or_fail("Chromium is not installed")
    db = Path(tmp_path_factory.mktemp("browser")) / "demo.sqlite3"
    env = {
        **os.environ,
        "PORTAL_DATABASE_URL": f"sqlite://{db}",
        "PORTAL_ENV": "development",
        "PORTAL_MAX_BODY_BYTES": str(MAX_BODY_BYTES),  # a 413 within reach of a test file
    }
    env.pop("PORTAL_REDIS_URL", None)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    seeded = subprocess.run(
        [sys.executable, "-m", "portal.cli", "demo", "--no-serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=180,
    )
    lines = {
        line.split(":", 1)[0]: line.split()[-1]
        for line in seeded.stdout.splitlines()
        if ":" in line
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "portal.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, server)
        yield {
            "base": base,
            "partner": lines["Partner page"],
            "manager": lines["Manager page"],
            "admin": lines["Admin token"],
            "admin_page": lines["Partner page"].split("#")[0] + "#token=" + lines["Admin token"],
        }
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser(demo):  # type: ignore[no-untyped-def]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("playwright is not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


# The claim pages come first: the partner's report test below replaces last month's POS,
# which claws back the units of the demo's claim awaiting review.


def _months_ago(count: int) -> str:
    """The period ``count`` months before the current one (the demo's clock: UTC today)."""
    from datetime import UTC, datetime

    today = datetime.now(UTC).date()
    months = today.year * 12 + today.month - 1 - count
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def _draft_for(page, period: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#claim-period", period)
    page.dispatch_event("#claim-period", "change")
    page.wait_for_selector(f"#claim-draft[data-period='{period}'] tbody tr", timeout=30000)
    # fill and the change event may both load the draft: let the later load render too, so
    # that it does not replace what the test types next (seen on a loaded machine).
    page.wait_for_load_state("networkidle")


def _inside(page, locator, width: int) -> None:  # type: ignore[no-untyped-def]
    """Every match is rendered and lies within the viewport's width."""
    assert locator.count() > 0
    for element in locator.all():
        element.scroll_into_view_if_needed()
        box = element.bounding_box()
        assert box is not None and box["width"] > 0
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (element.inner_text(), box)


# The contract pages read the demo's SCS consumption as seeded: they run before the tests
# that replace DIST-NA's reports (a replaced POS reverses the consumption it made).
def test_partner_sees_its_contracts_and_their_consumption(browser, demo) -> None:  # type: ignore[no-untyped-def]
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(demo["partner"])
        # The demo's SCS contract: 120 of SKU-0001 received, 14 sold through POS.
        scs = page.locator("#contracts tbody tr[data-sku='SKU-0001']")
        _count(scs, 1)
        cells = scs.locator("td").all_inner_texts()
        assert (cells[1], cells[2], cells[3]) == ("SCS", "ACTIVE", "DIST-NA-CONS")
        assert (cells[6], cells[7], cells[8]) == ("120", "14", "106")
        # ... supplied by a sell-in shipment into the consignment warehouse, received.
        assert cells[10].startswith("SCS-") and cells[10].endswith("-1 (RECEIVED)"), cells
        _count(page.locator("#contracts tbody tr"), 5)  # 3 SCS lines, the CBS and WBS lines
        history = page.locator("#call-off-history tbody tr")
        _count(history, 3)
        assert sorted(history.locator("td:nth-child(4)").all_inner_texts()) == ["14", "5", "9"]
        if width == 390:
            _inside(page, scs.locator("td"), width)
            _inside(page, history.first.locator("td"), width)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(ARTIFACTS / f"partner-contracts-{width}.png"), full_page=True)
        page.close()


def test_manager_sees_call_offs_and_charges(browser, demo) -> None:  # type: ignore[no-untyped-def]
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(demo["manager"])
        calls = page.locator("#call-offs tbody tr")
        _count(calls, 3)
        assert all("DIST-NA" in text and "POS" in text for text in calls.all_inner_texts())
        charges = page.locator("#charges tbody tr")
        _count(charges, 3)
        amounts = sorted(charges.locator("td:nth-child(7)").all_inner_texts())
        assert amounts == [
            "206.25 USD",
            "216.00 USD",
            "259.00 USD",
        ]  # 5 x 41.25, 9 x 24, 14 x 18.50
        if width == 390:
            _inside(page, page.locator("#charge-period, #charges-csv"), width)
            _inside(page, charges.first.locator("td"), width)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        else:
            with page.expect_download() as download:
                page.click("#charges-csv")
            text = Path(download.value.path()).read_text()
            assert text.splitlines()[0].startswith("charge_id,charged_on,period,partner")
            assert len(text.strip().splitlines()) == 4
        page.screenshot(path=str(ARTIFACTS / f"manager-contracts-{width}.png"), full_page=True)
        page.close()


def test_claim_pages_fit_a_phone(browser, demo) -> None:  # type: ignore[no-untyped-def]
    width = 390
    page = browser.new_page(viewport={"width": width, "height": 844})
    page.goto(demo["partner"])
    page.wait_for_selector("#claims article.claim tbody tr")
    _inside(page, page.locator("#submit-claim, #claim-period"), width)
    # (an empty cell, such as a price-protection line's end customer, is hidden on a phone)
    _inside(page, page.locator("#claims article.claim").first.locator("td:visible"), width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / "partner-claims-phone.png"), full_page=True)
    page.close()

    page = browser.new_page(viewport={"width": width, "height": 844})
    page.goto(demo["manager"])
    page.wait_for_selector("#claim-reviews article.claim button")
    page.wait_for_selector("#memos tbody tr")
    reviews = page.locator("#claim-reviews article.claim")
    _inside(page, reviews.locator("button"), width)
    _inside(page, reviews.locator("input[name=note]"), width)
    _inside(page, reviews.first.locator("td:visible"), width)  # the line codes and evidence
    _inside(page, page.locator("#memo-csv, #memo-period"), width)
    _inside(page, page.locator("#memos tbody tr").first.locator("td"), width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / "manager-claims-phone.png"), full_page=True)
    page.close()


def test_manager_approves_a_claim_and_sees_its_credit_memo(browser, demo) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(demo["manager"])
    # The demo's newest ship & debit claim (last month) awaits review, with its codes and
    # POS evidence (a price-protection claim of that month may wait beside it).
    waiting = page.locator(
        f"#claim-reviews article.claim[data-period='{_months_ago(1)}'][data-kind='SHIP_AND_DEBIT']"
    )
    _count(waiting, 1)
    assert "CLAIMED (submission" in waiting.inner_text()
    number = waiting.get_attribute("data-id")

    # A rejection needs a note: the error shows next to the buttons, the claim stays.
    waiting.locator("button", has_text="Reject").click()
    assert "REQUIRED" in _status(
        page, f"#claim-reviews article.claim[data-id='{number}'] .result", "REQUIRED"
    )

    waiting.locator("button", has_text="Approve").click()
    # Approved in full (the mutation's status), then CREDITED once the job issued its memo.
    approved = _status(page, "#claim-review-status", f"Claim {number}: APPROVED, then CREDITED")
    memo = approved.split("credit memo ")[1].split()[0]
    _count(page.locator(f"#claim-reviews article.claim[data-id='{number}']"), 0)
    listed = page.locator(f"#memos tbody tr[data-number='{memo}']")
    _count(listed, 1)
    # The newest memo is listed first (above the demo's memos).
    assert page.locator("#memos tbody tr").first.get_attribute("data-number") == memo
    cells = listed.locator("td").all_inner_texts()
    assert cells[1:5] == ["CREDIT", "DIST-NA", _months_ago(1), number]

    # Finance's CSV of the period (fetched with the bearer token) holds the memo's lines.
    assert page.input_value("#memo-period") == _months_ago(1)
    with page.expect_download() as download:
        page.click("#memo-csv")
    text = Path(download.value.path()).read_text()
    assert text.splitlines()[0].startswith("number,kind,")
    assert sum(line.startswith(f"{memo},CREDIT,") for line in text.splitlines()) >= 1
    page.screenshot(path=str(ARTIFACTS / "manager-claims.png"), full_page=True)
    page.close()


def test_partner_reports_and_sees_row_errors(browser, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 420, "height": 900})
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(str(frame))))
    page.on("dialog", lambda dialog: dialog.accept())  # replacing a report: yes
    page.goto(demo["partner"])
    page.wait_for_selector("#stock-grid tbody tr input")
    first = page.locator("#stock-grid tbody tr input").first
    first.fill(str(int(first.input_value()) - 7))
    page.click("#submit-stock")
    page.wait_for_function(
        "document.querySelector('#stock-status').textContent.includes('ACCEPTED')",
        timeout=30000,
    )
    page.screenshot(path=str(ARTIFACTS / "partner-stock-accepted.png"), full_page=True)
    # The progress came over the subscription, the token sent in connection_init.
    assert any("connection_ack" in f for f in frames)
    assert any("submissionProgress" in f and "ACCEPTED" in f for f in frames)

    page.wait_for_selector("#pos-grid tbody tr input")  # prefilled from last period's customers
    page.locator("#pos-grid tbody tr input").first.fill("2")
    page.click("#submit-pos")
    _status(page, "#pos-status", "ACCEPTED")
    period = page.input_value("#period")  # the page's default: the period due next
    bad = tmp_path / "pos.csv"
    bad.write_text(
        "warehouse_code,sku,quantity,sold_on,end_customer_name,end_customer_country\n"
        f"DIST-NA-MAIN,SKU-0001,1,{period}-10,Acme,US\n"
        f"DIST-NA-MAIN,NO-SUCH-SKU,1,{period}-11,Acme,US\n"
    )
    page.set_input_files("#upload-file", str(bad))
    page.click("#upload button")
    page.wait_for_selector("#row-errors:not([hidden]) tbody tr", timeout=30000)
    cells = page.locator("#row-errors tbody tr").first.locator("td").all_inner_texts()
    assert cells[0] == "3" and cells[2] == "UNKNOWN_SKU"
    _count(page.locator("#row-errors tbody tr"), 1)
    assert "REJECTED" in page.inner_text("#submission-status")
    page.screenshot(path=str(ARTIFACTS / "partner-upload-row-error.png"), full_page=True)
    page.close()


def _count(locator, expected: int) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    expect(locator).to_have_count(expected, timeout=30000)


def _status(page, selector: str, text: str) -> str:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "([s, t]) => document.querySelector(s).textContent.includes(t)",
        arg=[selector, text],
        timeout=30000,
    )
    return page.inner_text(selector)


def test_partner_moves_stock_and_registers_a_design(browser, demo) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 420, "height": 900})
    page.goto(demo["partner"])
    inbound = page.locator("#transfers tbody tr").filter(has_text="DIST-EU-MAIN")
    inbound.locator("button", has_text="Receive").click()
    _status(page, "#transfer-status", "RECEIVED")
    _count(page.locator("#transfers tbody tr").filter(has_text="DIST-EU-MAIN"), 0)

    form = page.locator("#transfer-form")
    form.locator("select[name=from]").select_option("DIST-NA-MAIN")
    form.locator("input[name=toWarehouse]").fill("DIST-NA-CONS")
    form.locator("input[name=sku]").fill("NO-SUCH-SKU")
    form.locator("input[name=quantity]").fill("5")
    form.locator("button").click()
    assert "NO-SUCH-SKU" in _status(page, "#transfer-status", "NOT_FOUND")
    form.locator("input[name=toWarehouse]").fill("DIST-NA-CONS")
    form.locator("input[name=sku]").fill("SKU-0001")
    form.locator("input[name=quantity]").fill("5")
    form.locator("button").click()
    raised = _status(page, "#transfer-status", "APPROVED")  # within the partner: no approval
    number = raised.split()[1].rstrip(":")
    mine = page.locator("#transfers tbody tr").filter(
        has=page.locator("td:first-child", has_text=number)
    )
    mine.locator("button", has_text="Ship").click()
    _status(page, "#transfer-status", "SHIPPED")
    mine.locator("button", has_text="Receive").click()
    _status(page, "#transfer-status", "RECEIVED")
    page.screenshot(path=str(ARTIFACTS / "partner-transfers.png"), full_page=True)

    design = page.locator("#design-form")
    for name, value in {
        "customer": "ACME ROBOTICS INC",
        "country": "us",
        "project": "Gripper upgrade",
        "closeOn": "2027-03-31",
        "sku": "SKU-0005",
        "quantity": "120",
    }.items():
        design.locator(f"[name={name}]").fill(value)
    design.locator("button").click()
    registered = _status(page, "#design-status", "SUBMITTED")
    assert "conflicts with 1" in registered  # DIST-EU's "ACME Robotics, Inc." (never named)
    row = page.locator("#designs tbody tr").filter(has_text="Gripper upgrade")
    assert "DIST-EU" not in row.inner_text() and "SKU-0005" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "partner-designs.png"), full_page=True)
    page.close()


def test_manager_works_exceptions_transfers_and_designs(browser, demo) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    page.goto(demo["manager"])
    page.wait_for_selector("#exceptions tbody tr button")
    _count(page.locator("#chart polyline"), 4)
    page.screenshot(path=str(ARTIFACTS / "manager-exceptions.png"), full_page=True)

    # The workflow: take one into investigation with an owner, a reason and a comment.
    rows = page.locator("#exceptions tbody tr")
    rows.last.locator("button", has_text="Details").click()
    detail = page.locator("#exception-form")
    detail.locator("[name=status]").select_option("INVESTIGATING")
    detail.locator("[name=owner]").fill("planner@example.com")
    detail.locator("[name=reason]").select_option("DELAYED_POS")
    detail.locator("[name=note]").fill("Asked the partner for the missing POS.")
    detail.locator("button").click()
    _status(page, "#x-status", "INVESTIGATING")
    page.wait_for_function(
        "document.querySelectorAll('#d-history tbody tr').length >= 1", timeout=30000
    )
    assert "planner@example.com" in page.inner_text("#d-history")
    assert "stock submission" in page.inner_text("#d-sources")
    assert "INVESTIGATING" in rows.last.inner_text()

    # One click resolves another with a correction: it leaves the open exceptions.
    first = rows.filter(has=page.locator("button", has_text="Resolve")).first
    key = first.get_attribute("data-key")
    first.locator("button", has_text="Resolve").click()
    page.wait_for_function(
        """key => ![...document.querySelectorAll('#exceptions tbody tr')].some(tr =>
             tr.dataset.key === key && [...tr.querySelectorAll('button')].some(b => b.textContent.startsWith('Resolve')))""",
        arg=key,
        timeout=30000,
    )
    # All rows for that partner and SKU: its gap is 0 now.
    partner_code, _, sku = key.split()
    filters = page.locator("#x-filters")
    filters.locator("[name=partner]").fill(partner_code)
    filters.locator("[name=sku]").fill(sku)
    filters.locator("[name=all]").check()
    filters.locator("button").click()
    closed = page.locator(f'#exceptions tbody tr[data-key="{key}"]')
    _count(closed, 1)
    page.wait_for_function(
        "key => document.querySelector(`#exceptions tbody tr[data-key='${key}']`).cells[5].textContent === '0'",
        arg=key,
        timeout=30000,
    )
    page.screenshot(path=str(ARTIFACTS / "manager-resolved.png"), full_page=True)

    # The chart for one SKU.
    page.locator("#c-filters [name=sku]").fill("SKU-0001")
    page.locator("#c-filters button").click()
    page.wait_for_function("document.querySelectorAll('#chart polyline').length === 4")

    # The partner's downstream request: approved, it leaves the list.
    request = page.locator("#approvals tbody tr").filter(has_text="RES-AUS-WH")
    request.locator("button", has_text="Approve").click()
    _status(page, "#approval-status", "APPROVED")
    _count(page.locator("#approvals tbody tr").filter(has_text="RES-AUS-WH"), 0)

    # Designs: a rejection needs a note; an approval takes its expiry.
    pending = page.locator("#reviews tbody tr").filter(has_text="Gripper upgrade")
    pending.locator("button", has_text="Reject").click()
    _status(page, "#review-status", "REQUIRED")
    pending.locator("input[placeholder^=note]").fill("Duplicate of DIST-EU's registration.")
    pending.locator("button", has_text="Reject").click()
    _status(page, "#review-status", "REJECTED")
    _count(page.locator("#reviews tbody tr").filter(has_text="Gripper upgrade"), 0)
    page.locator("#reviews tbody tr").first.locator("button", has_text="Approve").click()
    _status(page, "#review-status", "APPROVED")
    page.screenshot(path=str(ARTIFACTS / "manager-reviews.png"), full_page=True)
    page.close()


def test_partner_submits_a_prefilled_claim_and_sees_line_results(browser, demo) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(demo["partner"])
    page.wait_for_selector("#claims article.claim")  # the demo's claims, with their results
    assert "OVER_CLAIM" in page.inner_text("#claims")

    # The oldest POS month is unclaimed: its draft, submitted as is, approves in full.
    period = _months_ago(6)
    _draft_for(page, period)
    drafted = {
        tuple(r.locator("td").all_inner_texts()[:2]): r.locator("input").input_value()
        for r in page.locator("#claim-draft tbody tr").all()
    }
    page.click("#submit-claim")
    done = _status(page, "#claim-status", "VALIDATED")
    number = done.split()[1].rstrip(":")
    card = page.locator(f"#claims article.claim[data-id='{number}']")
    # The newest claim is listed first (above the demo's older claims).
    assert page.locator("#claims article.claim").first.get_attribute("data-id") == number
    lines = card.locator("tbody tr")
    _count(lines, len(drafted))
    for tr in lines.all():
        sku, customer, claimed, approved, credit, amount, result = tr.locator(
            "td"
        ).all_inner_texts()
        assert drafted[(sku, customer)] == claimed == approved
        assert result == "APPROVED"
        assert float(amount) == float(claimed) * float(credit)
    assert "VALIDATED" in card.locator("h4").inner_text()
    assert "awaiting review" in card.inner_text()
    # Claimed: the period's draft is empty now.
    _count(page.locator("#claim-draft tbody tr"), 0)
    assert page.is_visible("#claim-draft-empty")

    # The month after, one quantity raised above what POS proves: that line is cut back.
    _draft_for(page, _months_ago(5))
    first = page.locator("#claim-draft tbody tr input").first
    proved = int(first.input_value())
    first.fill(str(proved + 3))
    before = page.inner_text("#claim-status")
    page.click("#submit-claim")
    page.wait_for_function(
        """before => { const text = document.querySelector('#claim-status').textContent;
                       return text !== before && text.includes('VALIDATED'); }""",
        arg=before,
        timeout=30000,
    )
    done = page.inner_text("#claim-status")
    number = done.split()[1].rstrip(":")
    over = page.locator(f"#claims article.claim[data-id='{number}'] tbody tr").filter(
        has_text="OVER_CLAIM"
    )
    _count(over, 1)
    cells = over.locator("td").all_inner_texts()
    assert (cells[2], cells[3], cells[6]) == (str(proved + 3), str(proved), "PARTIAL OVER_CLAIM")
    page.screenshot(path=str(ARTIFACTS / "partner-claims.png"), full_page=True)
    page.close()


def test_token_stays_in_the_tab_and_a_413_reads_as_words(browser, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())  # replacing a report: yes
    page.goto(demo["partner"])
    page.wait_for_selector("#stock-grid tbody tr input")
    # The demo link's token is read, kept for the tab only and taken out of the address bar.
    token = demo["partner"].split("#token=")[1]
    assert "token" not in page.url
    assert page.evaluate("sessionStorage.getItem('portalToken')") == token
    assert page.evaluate("localStorage.getItem('portalToken')") is None

    # The design list is the newest first.
    ids = [
        int(i)
        for i in page.eval_on_selector_all(
            "#designs tbody tr", "rows => rows.map(r => r.dataset.id)"
        )
    ]
    assert len(ids) >= 2 and ids == sorted(ids, reverse=True)

    # A file over the body limit: the portal answers 413 without `errors`; the page says why.
    big = tmp_path / "big.csv"
    big.write_text(
        "warehouse_code,sku,quantity\n" + "DIST-NA-MAIN,SKU-0001,1\n" * (MAX_BODY_BYTES // 20)
    )
    page.select_option("#upload-kind", "STOCK")
    page.set_input_files("#upload-file", str(big))
    page.click("#upload button")
    message = _status(page, "#submission-status", "too large")
    assert "413" in message and "undefined" not in message
    assert "error" in (page.get_attribute("#submission-status", "class") or "")
    page.screenshot(path=str(ARTIFACTS / "partner-413.png"), full_page=True)

    # Signing out forgets the token: a reload shows the sign-in form, no data.
    page.click("#sign-out")
    page.wait_for_selector("#login:not([hidden])")
    assert page.evaluate("sessionStorage.getItem('portalToken')") is None
    page.reload()
    page.wait_for_selector("#login:not([hidden])")
    assert page.is_hidden("#partner") and page.is_hidden("#sign-out")
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_both_pages_at_desk_and_phone_width(browser, demo, width: int) -> None:  # type: ignore[no-untyped-def]
    """Every action of both pages in view without scrolling sideways; below the breakpoint
    each row is a card with its actions first. Screenshots of both pages at both widths."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(demo["partner"])
    page.wait_for_selector("#pos-grid tbody tr input")
    page.wait_for_selector("#transfers tbody tr button")
    _inside(page, page.locator("#partner button:visible"), width)
    _inside(page, page.locator("#pos-grid tbody input, #stock-grid tbody input"), width)
    _inside(page, page.locator("#transfers tbody button"), width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width < 600:  # the transfer's actions head its card
        card = page.locator("#transfers tbody tr").first
        action = card.locator("button").first.bounding_box()
        number = card.locator("td").first.bounding_box()
        assert action is not None and number is not None and action["y"] < number["y"]
    page.screenshot(path=str(ARTIFACTS / f"partner-{width}.png"), full_page=True)
    page.close()

    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(demo["manager"])
    page.wait_for_selector("#exceptions tbody tr button")
    page.wait_for_selector("#approvals tbody tr button, #approvals-empty:not([hidden])")
    _inside(page, page.locator("#manager button:visible"), width)
    _inside(page, page.locator("#exceptions tbody tr").first.locator("td"), width)
    # Sorted by value, largest first, and every gap has one (the demo prices its history).
    values = page.eval_on_selector_all(
        "#exceptions tbody tr td:nth-child(7)", "tds => tds.map(td => td.textContent)"
    )
    money = [float(v.replace(",", "")) for v in values]
    assert money and all(v > 0 for v in money) and money == sorted(money, reverse=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width < 600:
        card = page.locator("#exceptions tbody tr").first
        action = card.locator("button", has_text="Details").bounding_box()
        partner = card.locator("td").first.bounding_box()
        assert action is not None and partner is not None and action["y"] < partner["y"]
    _chart_reads(page, width)
    page.screenshot(path=str(ARTIFACTS / f"manager-{width}.png"), full_page=True)
    page.close()


def _partner_page_of(demo, code: str) -> str:  # type: ignore[no-untyped-def]
    """The page link of a fresh PARTNER_ADMIN token of ``code`` (issued by the demo admin)."""
    import httpx

    issued = httpx.post(
        f"{demo['base']}/graphql",
        headers={"Authorization": f"Bearer {demo['admin']}"},
        json={
            "query": """mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) {
              token errors { code } } }""",
            "variables": {"input": {"partnerCode": code, "role": "PARTNER_ADMIN", "label": "test"}},
        },
        timeout=30,
    ).json()["data"]["issueApiToken"]
    assert issued["errors"] == []
    return f"{demo['base']}/#token={issued['token']}"


def test_partner_page_opens_on_the_due_period_and_asks_before_replacing(browser, demo) -> None:  # type: ignore[no-untyped-def]
    # The late partner has not reported last month: the page opens there and says so.
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(_partner_page_of(demo, "DIST-AP"))
    page.wait_for_selector("#periods tbody tr")
    page.wait_for_selector("#stock-grid tbody tr input")
    assert page.input_value("#period") == _months_ago(1)
    due = page.locator(f"#periods tbody tr[data-period='{_months_ago(1)}']")
    assert due.get_attribute("aria-current") == "true"
    assert "missing" in due.inner_text() or "not reported" in due.inner_text()
    earlier = page.locator(f"#periods tbody tr[data-period='{_months_ago(2)}']").inner_text()
    assert "reported" in earlier and "missing" not in earlier
    assert page.is_hidden("#stock-report") and page.is_hidden("#pos-report")
    page.close()

    # DIST-NA has reported every month: the page opens on the current one, due next.
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    asked: list[str] = []
    page.goto(demo["partner"])
    page.wait_for_selector("#periods tbody tr")
    page.wait_for_selector("#stock-grid tbody tr input")
    assert page.input_value("#period") == _months_ago(0)
    last = page.locator(f"#periods tbody tr[data-period='{_months_ago(1)}']")
    assert "reported" in last.inner_text()

    # Last month holds an accepted stock report: it is shown, its figures in the grid.
    last.locator("button", has_text="Open").click()
    # Wait for this period's report: the current one may show a report of its own.
    _status(page, "#stock-report", f"for {_months_ago(1)} is accepted")
    page.wait_for_selector(f"#stock-grid[data-period='{_months_ago(1)}'] tbody tr input")
    assert page.input_value("#period") == _months_ago(1)
    # The reported figures come from the reconciliation rows, which the served demo's job
    # computes in the background: load the page and open the period again until they are
    # there (an open period has no Open button of its own). Inputs and figures are read
    # together, from one rendering of the grid; rows the report did not hold (stock that
    # arrived since, e.g. by an earlier test's transfer) show no figure.
    read = (
        "() => [...document.querySelectorAll('#stock-grid tbody tr')].map((r) =>"
        " [r.querySelector('input').value, r.querySelectorAll('td')[3].textContent])"
    )
    shown = [pair for pair in page.evaluate(read) if pair[1] != "—"]
    for _ in range(30):
        if shown:
            break
        page.wait_for_timeout(1000)
        page.reload()
        page.wait_for_selector("#stock-grid tbody tr input")
        last.locator("button", has_text="Open").click()
        _status(page, "#stock-report", f"for {_months_ago(1)} is accepted")
        page.wait_for_selector(f"#stock-grid[data-period='{_months_ago(1)}'] tbody tr input")
        shown = [pair for pair in page.evaluate(read) if pair[1] != "—"]
    assert shown
    assert all(entered == reported for entered, reported in shown), shown
    version = page.inner_text("#stock-report")

    # Replacing it asks first; "no" leaves it as it is.
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#submit-stock")
    _status(page, "#stock-status", "Not submitted")
    assert len(asked) == 1 and "Replace your accepted stock report" in asked[0]
    assert page.inner_text("#stock-report") == version

    # "Yes" replaces it: accepted, the result next to the button, the new version shown.
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("#submit-stock")
    _status(page, "#stock-status", "ACCEPTED")
    assert len(asked) == 2
    page.wait_for_function(
        "before => document.querySelector('#stock-report').textContent !== before", arg=version
    )
    assert "accepted" in page.inner_text("#stock-report")

    # A POS report exists too: the grid's lines would replace all of it, so it asks.
    page.locator("#pos-grid tbody tr input").first.fill("1")
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#submit-pos")
    _status(page, "#pos-status", "Not submitted")
    assert "The whole report is replaced" in asked[-1]
    page.close()


def _chart_reads(page, width: int) -> None:  # type: ignore[no-untyped-def]
    """The channel chart: period labels on the x-axis, round ticks, a legend in words, the
    gap as a band, values on focus, the figures as a table; drawn at its own width."""
    periods = [_months_ago(n) for n in range(6, 0, -1)]
    page.wait_for_selector("#chart text.period")
    labels = page.eval_on_selector_all("#chart text.period", "ts => ts.map(t => t.dataset.period)")
    assert labels == periods
    texts = "ts => ts.map(t => t.textContent)"  # SVG text has no innerText
    months = page.eval_on_selector_all("#chart text.period", texts)
    names = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    assert [f"{names[int(p[5:]) - 1]}{p[:4]}" for p in periods] == months
    ticks = [int(t.replace(",", "")) for t in page.eval_on_selector_all("#chart text.tick", texts)]
    assert ticks[0] == 0 and len(ticks) >= 3
    assert len({b - a for a, b in itertools.pairwise(ticks)}) == 1  # even steps
    assert str(ticks[1]).rstrip("0") in ("1", "2", "25", "5")  # round ones
    assert page.eval_on_selector_all("#chart .axis-title", texts) == ["Units", "Period"]
    legend = page.inner_text("#chart-legend")
    for words in ("Sell-in", "Sell-through", "Calculated inventory", "Reported inventory", "Gap"):
        assert words in legend
    assert "sellIn" not in legend and "calculatedInventory" not in legend
    assert page.locator("#chart polygon.gap-band").count() == 1
    # Drawn at the width it has: its 12-unit text is 12 px on a phone too.
    box = page.eval_on_selector("#chart", "s => [s.viewBox.baseVal.width, s.clientWidth]")
    assert abs(box[0] - box[1]) <= 2 or box[1] < 300, box
    _inside(page, page.locator("#chart, #chart-legend"), width)
    # Keyboard focus on a period shows its values in words.
    page.focus(f"#chart rect.hit[data-period='{periods[-1]}']")
    tip = page.inner_text("#chart-tip")
    assert tip.startswith(periods[-1]) and "sell-in" in tip and "gap" in tip
    # The same figures as a table (for screen readers, and for exact numbers).
    rows = page.locator("#chart-table tbody tr")
    assert rows.count() == 6
    assert rows.last.locator("td").first.text_content() == periods[-1]
