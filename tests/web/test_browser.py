"""The dashboard in a real browser: Debian's chromium driven by Playwright (no browser
download), against ``entrepot serve`` running as users run it. Screenshots of every page at
laptop and phone widths are kept in ``out/test-artifacts/``."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(__file__).resolve().parents[2] / "out" / "test-artifacts"
WIDTHS = {"laptop": (1280, 800), "phone": (390, 844)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(web_store: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "entrepot.cli", "--store", str(web_store), "serve",
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/periods", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None:
                    raise AssertionError(process.stdout.read() if process.stdout else "") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "the browser tests need Debian's chromium (apt-get install chromium)"
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


def shoot(page: object, name: str) -> None:
    """A full-page screenshot at each width, as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})  # type: ignore[attr-defined]
        page.wait_for_timeout(300)  # type: ignore[attr-defined]
        page.screenshot(path=ARTIFACTS / f"{name}-{label}.png", full_page=True)  # type: ignore[attr-defined]


def new_page(browser: object) -> object:
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.errors = errors
    return page


def test_the_overview_draws_its_charts(server: str, browser: object) -> None:
    page = new_page(browser)
    page.goto(server + "/", timeout=120_000)
    page.wait_for_selector("#chart-value svg", timeout=60_000)
    page.wait_for_selector("#chart-volume svg")
    assert page.locator("#card-total_exports .big").inner_text() == "HK$513.6 bn"
    assert "+26.1%" in page.locator("#card-total_exports").inner_text()
    # 24 months drawn as points for each of the two flows, on both charts.
    for chart in ("#chart-value", "#chart-volume"):
        assert page.locator(f"{chart} svg .mark-symbol.role-mark path").count() == 48
    # The keyboard reaches the page: the first Tab lands on the skip link.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    shoot(page, "overview")
    assert page.errors == []


def test_the_explorer_follows_its_selectors(server: str, browser: object, tmp_path: Path) -> None:
    page = new_page(browser)
    page.goto(server + "/explorer")
    page.wait_for_selector("#table tbody tr")
    first = page.locator("#table tbody tr").first.inner_text()
    assert first.startswith("2025-12\ttotal\ttotal\t513.6")
    before = page.locator("#chart svg").inner_html()
    page.select_option("select[name=by]", "partner")
    page.fill("input[name=key]", "USA")
    page.select_option("select[name=measure]", "volume")
    page.wait_for_function(
        "location.search.includes('key=USA') && location.search.includes('measure=volume')"
    )
    page.wait_for_function(
        "document.querySelector('#table tbody tr td:nth-child(2)')?.textContent === 'USA'"
    )
    row = page.locator("#table tbody tr").first.inner_text().split("\t")
    assert row[:3] == ["2025-12", "USA", "United States of America"]
    assert row[4] == "+44.7%"
    assert page.locator("#chart svg").inner_html() != before
    assert "United States of America" in page.locator("#chart svg").inner_html()
    # The address holds the selection: opening it again shows the same view.
    shared = page.url
    again = new_page(browser)
    again.goto(shared)
    again.wait_for_function(
        "document.querySelector('#table tbody tr td:nth-child(2)')?.textContent === 'USA'"
    )
    assert again.locator("select[name=measure]").input_value() == "volume"
    # The table downloads as CSV.
    with page.expect_download() as download:
        page.click("#download")
    saved = tmp_path / "series.csv"
    download.value.save_as(saved)
    lines = saved.read_text().splitlines()
    assert lines[0] == "period,flow,measure,breakdown,key,name,volume_index,yoy_pct"
    assert len(lines) == 1 + 36 and lines[-1].startswith(
        "2025-12,total_exports,volume,partner,USA,"
    )
    shoot(page, "explorer")
    assert page.errors == []


def test_the_release_page_shows_a_figure_s_provenance(server: str, browser: object) -> None:
    page = new_page(browser)
    page.goto(server + "/release/2025-12", timeout=120_000)
    figure = page.locator(".fig").first
    figure.click()
    panel = page.locator("#provenance")
    assert panel.is_visible()
    assert "inputs:" in panel.inner_text() and "computed by:" in panel.inner_text()
    page.keyboard.press("Escape")
    assert not panel.is_visible()
    # By keyboard too.
    figure.focus()
    page.keyboard.press("Enter")
    assert panel.is_visible()
    shoot(page, "release")
    assert page.errors == []


@pytest.mark.parametrize(
    ("path", "title"), [("/methodology", "Methodology"), ("/api-docs", "JSON API")]
)
def test_the_reference_pages(server: str, browser: object, path: str, title: str) -> None:
    page = new_page(browser)
    page.goto(server + path)
    assert page.locator("h1").inner_text() == title
    shoot(page, path.strip("/"))
    assert page.errors == []
