"""``entrepot profile``: trade with one partner, its ranks, shares and top SITC groups."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import WIDTH, error_of, ok, run, usage_error


def cells_of(output: str, label: str) -> list[list[str]]:
    """The cells of the table rows whose first cell is ``label`` (and of the rows that
    follow it with an empty first cell)."""
    rows: list[list[str]] = []
    inside = False
    for line in output.splitlines():
        if "│" not in line:
            inside = False
            continue
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells[0] == label:
            inside = True
        elif cells[0]:
            inside = False
        if inside:
            rows.append(cells)
    return rows


def test_profile_tables(filled_store: Path, narrow: int) -> None:
    out = ok("--store", filled_store, "profile", "--partner", "usa", "--years", "2024..2025").stdout
    assert "Hong Kong's trade with United States of America (USA), 2024–2025 (HK$)" in out
    # Re-exports to the USA: 2.0 bn a month in 2024, 2.2 bn in 2025; the only exporting
    # partner, so rank 1 with 100% of the flow. No imports from the USA.
    assert cells_of(out, "Total exports") == [
        ["Total exports", "2024", "24.0 bn", "1", "100.0%", "+0.0%"],
        ["", "2025", "26.4 bn", "1", "100.0%", "+10.0%"],
    ]
    assert cells_of(out, "Imports") == [
        ["Imports", "2024", "0.0 mn", "", "0.0%", "–"],
        ["", "2025", "0.0 mn", "", "0.0%", "–"],
    ]
    assert cells_of(out, "Trade balance")[1] == ["", "2025", "26.4 bn", "", "", ""]
    assert "Re-exports to United States of America, 2025: top SITC groups (HK$)" in out
    # Group 776 (item A): 14.4 bn, up 20%; group 844 (item B): 12.0 bn, unchanged.
    assert re.search(
        r"│ 776\s+│ Thermionic valves and tubes;.*│\s+14\.4 bn │\s+54\.5% │\s+\+20\.0% │", out
    )
    assert re.search(r"│ 844\s+│ Women's coats.*│\s+12\.0 bn │\s+45\.5% │\s+\+0\.0% │", out)
    assert "No imports from United States of America in 2025." in out
    assert "No domestic exports to United States of America in 2025." in out
    assert max(len(line) for line in out.splitlines()) <= WIDTH


def test_profile_json(filled_store: Path) -> None:
    out = ok("--store", filled_store, "profile", "--partner", "CHN", "--years", "2025", "--json")
    data = json.loads(out.stdout)
    assert (data["partner"], data["name"], data["years"]) == ("CHN", "Chinese Mainland", [2025])
    # Imports from China: 1.6 bn a month, and 8.0 bn more in 2025-06 (item B at 20 times
    # its price): 26.8 bn against 19.2 bn in 2024.
    assert data["annual"][0]["imports"] == {
        "value": pytest.approx(26.8e9, rel=1e-12),
        "rank": 1,
        "share_pct": 100.0,
        "change_pct": pytest.approx((26.8 / 19.2 - 1) * 100, rel=1e-12),
    }
    groups = data["top_groups"]["imports"]["groups"]
    assert [(g["code"], g["value"]) for g in groups] == [
        ("776", pytest.approx(14.4e9, rel=1e-12)),
        ("844", pytest.approx(12.4e9, rel=1e-12)),
    ]
    assert groups[1]["share_pct"] == pytest.approx(12.4 / 26.8 * 100, rel=1e-12)
    assert groups[1]["change_pct"] == pytest.approx((12.4 / 4.8 - 1) * 100, rel=1e-12)
    assert data["top_groups"]["imports"]["others"] is None
    assert data["note"] is None


def test_profile_defaults_to_the_last_complete_years(filled_store: Path) -> None:
    out = ok("--store", filled_store, "profile", "--partner", "USA", "--top", "1").stdout
    assert "2023–2025" in out
    assert "No change is shown on 2022: it is not wholly in the store" in out
    assert re.search(r"│\s+│ Others\s+│\s+12\.0 bn │", out)  # group 844 beyond the top 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--partner", "USB"),
            "error: Unknown partner 'USB'. Did you mean USA (United States of America)?",
        ),
        (
            ("--partner", "USA", "--years", "2026"),
            "error: Year 2026 is not wholly in the store (the store holds 2023-01 to 2025-12; "
            "complete years: 2023, 2024, 2025).",
        ),
        (
            ("--partner", "USA", "--years", "2025..2023"),
            "error: Years '2025..2023' run backwards; write the first year first, e.g. 2023..2025.",
        ),
        (
            ("--partner", "USA", "--years", "last"),
            "error: Years 'last' are not understood (expected a year such as 2025, a range "
            "such as 2023..2025, or a list such as 2023,2025).",
        ),
    ],
)
def test_profile_errors(filled_store: Path, args: tuple[str, ...], message: str) -> None:
    assert error_of("--store", filled_store, "profile", *args) == message


def test_profile_needs_a_partner(filled_store: Path) -> None:
    assert "Missing option '--partner'" in usage_error(run("--store", filled_store, "profile"))
