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
    # Malaysia's December exports rose 136.8% on the sample: more than doubled.
    assert doubled.store_value == pytest.approx(136.8, abs=0.05)
    assert doubled.verdict == "matches"


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


def test_our_own_release_checks_out(sample_store: Store) -> None:
    """The release in the office's wording, tables and all, read back: every figure it
    states is found and matches the store, but for what the checker cannot compute yet."""
    from entrepot.periods import Period
    from entrepot.release.content import build
    from entrepot.release.markdown import markdown

    backend = duckdb_backend(sample_store)
    text = markdown(build(sample_store, backend, Period(2025, 12), keep=False))
    claims = check(sample_store, backend, text)
    verdicts = [c.verdict for c in claims]
    assert verdicts.count("matches") > 250
    assert not [c.quote for c in claims if c.verdict in ("differs", "close", "not in store")]
    unsupported = {c.subject.measure for c in claims if c.verdict == "unsupported"}
    assert unsupported <= {"surge", "share_change", "share"}
    # The headline sentence, read as the office words it.
    lead = next(c for c in claims if c.subject.flow == "total_exports" and c.unit == "hkd")
    assert lead.subject.period == "2025-12" and lead.subject.comparison == "level"
    assert lead.figure is not None and lead.figure.id == "total_exports.value.level"


def checked(store: Store, text: str, **options: float) -> list:
    return [
        c for c in check(store, duckdb_backend(store), text, **options) if c.verdict != "skipped"
    ]


def test_a_headline(sample_store: Store) -> None:
    claims = checked(
        sample_store, "HK exports jump 26.1% in December as US-bound shipments surge 46.5%"
    )
    assert [(c.subject.flow, c.subject.partner, c.subject.period, c.stated) for c in claims] == [
        ("total_exports", None, "2025-12", 26.1),
        ("total_exports", "USA", "2025-12", 46.5),
    ]
    assert [c.verdict for c in claims] == ["matches", "matches"]


def test_a_table_caption(sample_store: Store) -> None:
    text = (
        "**Table 2. Total exports by main destination, December 2025**\n\n"
        "| code | name | HK$ billion | YoY % |\n|:---|:---|---:|---:|\n"
        "| USA | United States of America | 37.6 | +46.5% |\n"
    )
    level, change = checked(sample_store, text)
    assert (level.unit, level.subject.partner, level.subject.comparison) == ("hkd", "USA", "level")
    assert level.stated == pytest.approx(37.6e9) and level.verdict == "matches"
    assert (change.unit, change.subject.period, change.stated) == ("pct", "2025-12", 46.5)
    assert change.verdict == "matches"


def test_what_the_store_does_not_hold_or_cannot_compute(sample_store: Store) -> None:
    (later,) = checked(sample_store, "Exports rose 5.0% in March 2031.")
    assert later.subject.period == "2031-03" and later.verdict == "not in store"
    (dollars,) = checked(sample_store, "Exports reached US$65.8 billion in December 2025.")
    assert dollars.verdict == "unsupported" and "--usd-rate" in str(dollars.note)
    (converted,) = checked(
        sample_store, "Exports reached US$65.8 billion in December 2025.", usd_rate=7.8
    )
    assert converted.store_value is not None
    # 65.8 × 7.8 = 513.24 bn against the store's 513.6 bn: stated at one decimal of US$ bn.
    assert converted.verdict == verdict(65.8 * 7.8, 1, None, converted.store_value / 1e9)
