"""The frontend stub in a real browser (Debian's Chromium, driven by Playwright).

A partner opens the prefilled stock grid, changes one quantity and submits: ACCEPTED.
It uploads a CSV with a bad row and sees that row's error. A manager sees the resulting
exception, resolves it with a correction and sees it closed. Screenshots go to
``test-artifacts/``. Skipped when Chromium or Playwright is missing, unless
``PORTAL_TEST_REQUIRE_BROWSER=1`` (as in ``.ci/run``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
REQUIRE = os.environ.get("PORTAL_TEST_REQUIRE_BROWSER") == "1"


def _skip_or_fail(reason: str) -> None:
    if REQUIRE:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    if not Path(CHROMIUM).exists():
        _skip_or_fail("Chromium is not installed")
    db = Path(tmp_path_factory.mktemp("browser")) / "demo.sqlite3"
    env = {**os.environ, "PORTAL_DATABASE_URL": f"sqlite://{db}", "PORTAL_ENV": "development"}
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
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield {"base": base, "partner": lines["Partner page"], "manager": lines["Manager page"]}
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


def test_partner_reports_and_sees_row_errors(browser, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 420, "height": 900})
    page.goto(demo["partner"])
    page.wait_for_selector("#stock-grid tbody tr input")
    first = page.locator("#stock-grid tbody tr input").first
    first.fill(str(int(first.input_value()) - 7))
    page.click("#submit-stock")
    page.wait_for_function(
        "document.querySelector('#submission-status').textContent.includes('ACCEPTED')",
        timeout=30000,
    )
    page.screenshot(path=str(ARTIFACTS / "partner-stock-accepted.png"), full_page=True)

    stock_status = page.inner_text("#submission-status")
    page.wait_for_selector("#pos-grid tbody tr input")  # prefilled from last period's customers
    page.locator("#pos-grid tbody tr input").first.fill("2")
    page.click("#submit-pos")
    page.wait_for_function(
        """before => { const text = document.querySelector('#submission-status').textContent;
                       return text !== before && text.includes('ACCEPTED'); }""",
        arg=stock_status,
        timeout=30000,
    )
    period = page.input_value("#period")  # the page's default: last month
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
    assert page.locator("#row-errors tbody tr").count() == 1
    assert "REJECTED" in page.inner_text("#submission-status")
    page.screenshot(path=str(ARTIFACTS / "partner-upload-row-error.png"), full_page=True)
    page.close()


def test_manager_resolves_an_exception(browser, demo) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    page.goto(demo["manager"])
    page.wait_for_selector("#exceptions tbody tr button")
    assert page.locator("#chart polyline").count() == 4
    page.screenshot(path=str(ARTIFACTS / "manager-exceptions.png"), full_page=True)
    first = page.locator("#exceptions tbody tr").filter(has=page.locator("button")).first
    key = " ".join(first.locator("td").all_inner_texts()[:3])
    first.locator("button").click()
    # The corrected row leaves the open exceptions (its gap is 0 now).
    page.wait_for_function(
        """key => ![...document.querySelectorAll('#exceptions tbody tr')].some(tr =>
             [...tr.cells].slice(0, 3).map(c => c.textContent).join(' ') === key && tr.querySelector('button'))""",
        arg=key,
        timeout=30000,
    )
    page.screenshot(path=str(ARTIFACTS / "manager-resolved.png"), full_page=True)
    page.close()
