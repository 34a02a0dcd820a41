"""The pages through the in-process client: each renders its answer, with no network."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from entrepot.cli import app


def test_the_overview_shows_the_latest_month(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert "External merchandise trade, 2025-12" in html
    twin = client.get("/api/overview/2025-12").json()
    exports = twin["summary"]["month"]["total_exports"]
    assert f"HK${exports['value'] / 1e9:,.1f} bn" in html
    assert f"{exports['yoy_pct']:+.1f}%" in html
    volume = twin["indices"]["total_exports"]
    assert f"volume <strong>{volume['volume_yoy_pct']:+.1f}%</strong>" in html
    assert f"volume up {volume['volume_growth_streak']} months in a row" in html
    # Charts have a text alternative: the figures as a table.
    assert html.count('role="img"') == 2 and "<details><summary>The figures" in html
    # Nothing is fetched from elsewhere.
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_pages_and_their_scripts_are_served_from_the_package(client: TestClient) -> None:
    for path in ("/explorer", "/methodology", "/static/style.css", "/static/explorer.js"):
        assert client.get(path).status_code == 200, path
    vega = client.get("/vendor/vega.js")
    assert vega.headers["content-type"].startswith("text/javascript")
    assert "vegaEmbed" in vega.text and len(vega.text) > 100_000
    docs = client.get("/api-docs").text
    assert "<code>GET /api/series</code>" in docs
    assert "total_exports, domestic_exports, re_exports, imports, terms_of_trade" in docs
    assert not re.search(r'(src|href)="(https?:)?//', docs)
    assert client.get("/docs").status_code == 404  # FastAPI's own would load a CDN's scripts
    explorer = client.get("/explorer").text
    assert '<select name="flow">' in explorer and "2025-12" in explorer


def test_the_release_page_is_the_release_with_provenance(client: TestClient) -> None:
    assert client.get("/release", follow_redirects=False).headers["location"] == "/release/2025-12"
    page = client.get("/release/2025-12").text
    assert '<nav class="site"' in page
    text = re.sub(r"<[^>]+>", "", page)
    assert "increased by 26.1% over a year earlier to $513.6 billion" in text
    assert 'id="figures"' in page  # each figure's provenance, shown on click
    figures = client.get("/api/release/2025-12").json()["figures"]
    assert any(f["text"] == "$513.6 billion" for f in figures)


def test_serve_names_a_missing_store_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--store", str(tmp_path / "none.duckdb"), "serve"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: Store {tmp_path / 'none.duckdb'} does not exist. Create it with 'entrepot "
        "ingest FILE' or name another with --store PATH (or $ENTREPOT_STORE)."
    ]
