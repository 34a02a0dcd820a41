"""The example articles: every listed claim found with its subject, no other number
checked, and verdicts that follow from the store's figures."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from entrepot import duckdb_backend
from entrepot.claims import check
from entrepot.claims.verdicts import rounded, rule_holds, verdict
from entrepot.store import Store

HERE = Path(__file__).resolve().parents[2].parent / "shared" / "articles"
ARTICLES = ("wire-november.txt", "note-2025-review.txt", "feature-air-cargo.txt")


def shared(*parts: str) -> Path:
    path = HERE.joinpath(*parts[1:])
    if not path.exists():
        pytest.skip(f"example articles {path} are not available")
    return path


def listed(article: str) -> list[dict[str, str]]:
    with open(shared("articles", "claims.csv"), encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["article"] == article]


@pytest.mark.parametrize("article", ARTICLES)
def test_every_listed_claim_is_found_with_its_subject(sample_store: Store, article: str) -> None:
    text = shared("articles", article).read_text(encoding="utf-8")
    claims = check(sample_store, duckdb_backend(sample_store), text)
    checked = [c for c in claims if c.verdict != "skipped"]
    found = []
    for row in listed(article):
        start = text.index(row["quote"])
        end = start + len(row["quote"])
        hits = [c for c in checked if start <= c.start and c.end <= end]
        assert hits, row["quote"]
        c = hits[0]
        found.append(c)
        s = c.subject
        got = (s.flow, s.measure, s.partner or "", s.commodity or "", s.mode or "", s.period,
               s.comparison, c.unit)  # fmt: skip
        want = (row["flow"], row["measure"], row["partner"], row["commodity"], row["mode"],
                row["period"], row["comparison"], row["unit"])  # fmt: skip
        assert got == want, row["quote"]
        if row["stated"]:
            assert c.stated == pytest.approx(float(row["stated"])), row["quote"]
    # No number that is not a claim is checked.
    assert sorted(id(c) for c in checked) == sorted(id(c) for c in found)


def test_verdicts_follow_from_the_store_figures(sample_store: Store) -> None:
    text = shared("articles", "feature-air-cargo.txt").read_text(encoding="utf-8")
    claims = {c.quote: c for c in check(sample_store, duckdb_backend(sample_store), text)}
    volumes = claims["while volumes jumped 44.6 percent"]
    assert volumes.figure is not None and volumes.store_value is not None
    assert volumes.figure.id == "partner.USA.total_exports.volume.yoy"
    assert volumes.verdict == verdict(44.6, 1, None, volumes.store_value)
    tariff = claims["The US tariff on some Chinese goods was cut to 10 percent in November"]
    assert tariff.verdict == "skipped" and tariff.store_value is None
    doubled = claims["exports to Malaysia more than doubled"]
    assert doubled.verdict == ("matches" if doubled.store_value > 100 else "differs")


def test_qualifier_rules() -> None:
    assert verdict(18.8, 1, None, 18.84) == "matches"
    assert verdict(18.8, 1, None, 18.86) == "close"  # one unit of the last digit
    assert verdict(18.8, 1, None, 19.0) == "differs"
    assert verdict(45, 0, "nearly", 44.6) == "close"
    assert verdict(45, 0, "nearly", 45.2) == "differs"
    assert verdict(45, 0, "nearly", 43.9) == "differs"
    assert verdict(40, 0, "about", 41.9) == "close"
    assert verdict(40, 0, "about", 42.1) == "differs"
    assert verdict(40, 0, "more than", 40.1) == "close"
    assert verdict(40, 0, "more than", 39.9) == "differs"
    assert rounded(-2.25, 1) == -2.3
    assert rule_holds("more_than_doubled", 100.04, None, None) is False  # published +100.0
    assert rule_holds("double_digit", -12.0, None, None) is True
    assert rule_holds("virtually_unchanged", 0.54, None, None) is True  # published +0.5
    assert rule_holds("virtually_unchanged", 0.56, None, None) is False  # published +0.6
    assert rule_holds("volume_driven", 47.0, 44.7, 1.3) is True
    assert rule_holds("volume_driven", 47.0, 1.3, 44.7) is False
