"""Phrasings a reader meets beyond the example articles, each read with the subject a
careful reader gives it, and checked against the default sample where the figure is the
sample's own."""

from __future__ import annotations

import pytest

from entrepot import duckdb_backend
from entrepot.claims import check
from entrepot.store import Store

# text, then (flow, measure, partner, commodity, mode, period, comparison, stated,
# qualifier), then the verdict on the default sample (None: not asserted).
PHRASINGS = [
    ("Outbound shipments rose 26.1% in December.",
     ("total_exports", "value", None, None, None, "2025-12", "yoy", 26.1, None), "matches"),
    ("Inbound shipments fell 3.0% in November.",
     ("imports", "value", None, None, None, "2025-11", "yoy", -3.0, None), "differs"),
    ("In real terms, exports grew 21.5% in December.",
     ("total_exports", "volume", None, None, None, "2025-12", "yoy", 21.5, None), "matches"),
    ("Unit values of imports rose 4.2% in December.",
     ("imports", "price", None, None, None, "2025-12", "yoy", 4.2, None), "matches"),
    ("Exports to America rose 46.5% in December.",
     ("total_exports", "value", "USA", None, None, "2025-12", "yoy", 46.5, None), "matches"),
    ("Shipments to the mainland rose 25.3% in December.",
     ("total_exports", "value", "CHN", None, None, "2025-12", "yoy", 25.3, None), "matches"),
    ("Exports to the Chinese mainland rose 25.3% in December.",
     ("total_exports", "value", "CHN", None, None, "2025-12", "yoy", 25.3, None), "matches"),
    ("Air shipments rose 41.3% in December.",
     ("total_exports", "value", None, None, "air", "2025-12", "yoy", 41.3, None), "matches"),
    ("Sea shipments edged up 0.3% in December.",
     ("total_exports", "value", None, None, "sea", "2025-12", "yoy", 0.3, None), "matches"),
    ("Telecoms equipment exports rose 19.2% in December.",
     ("total_exports", "value", None, "76", None, "2025-12", "yoy", 19.2, None), "matches"),
    ("Exports of electrical machinery rose 31.0% in December.",
     ("total_exports", "value", None, "77", None, "2025-12", "yoy", 31.0, None), "matches"),
    ("Re-exports of goods originating from Taiwan rose 27.5% in December.",
     ("re_exports", "value", "TWN", None, None, "2025-12", "yoy", 27.5, None), "matches"),
    ("Exports rose 1.2% month-on-month in December.",
     ("total_exports", "value", None, None, None, "2025-12", "mom", 1.2, None), None),
    ("For the first eleven months, exports rose 13.6%.",
     ("total_exports", "value", None, None, None, "2025-01..2025-11", "ytd_yoy", 13.6, None),
     None),
    ("Exports for 2025 as a whole rose 14.7%.",
     ("total_exports", "value", None, None, None, "2025", "yoy", 14.7, None), "matches"),
    ("Exports in the fourth quarter rose 20.3%.",
     ("total_exports", "value", None, None, None, "2025-10..2025-12", "q_yoy", 20.3, None),
     None),
    ("Seasonally adjusted, exports in the fourth quarter grew 5.2% over the third quarter.",
     ("total_exports", "value", None, None, None, "2025-10..2025-12", "qoq_sa", 5.2, None),
     "matches"),
    ("Exports to Japan rose nearly 4 percent in December.",
     ("total_exports", "value", "JPN", None, None, "2025-12", "yoy", 4.0, "nearly"), "close"),
    ("Exports to Japan rose about 4 percent in December.",
     ("total_exports", "value", "JPN", None, None, "2025-12", "yoy", 4.0, "about"), "matches"),
    ("The trade gap widened to HK$62.1 billion in December.",
     ("balance", "value", None, None, None, "2025-12", "level", -62.1e9, None), "matches"),
    ("Exports to Japan were broadly flat in December.",
     ("total_exports", "value", "JPN", None, None, "2025-12", "yoy", 0.0, "broadly_flat"),
     "differs"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "subject", "expected"), PHRASINGS)
def test_phrasing(sample_store: Store, text: str, subject: tuple, expected: str | None) -> None:
    (claim,) = check(sample_store, duckdb_backend(sample_store), text)
    s = claim.subject
    got = (s.flow, s.measure, s.partner, s.commodity, s.mode, s.period, s.comparison,
           claim.stated, claim.qualifier)  # fmt: skip
    assert got == subject
    if expected is not None:
        assert claim.verdict == expected, (claim.store_value, claim.note)
    else:
        assert claim.verdict in ("matches", "close", "differs") and claim.figure is not None


def test_a_month_without_a_year_is_before_the_texts_date(sample_store: Store) -> None:
    text = "HONG KONG, 27 January 2025 - Exports rose 26.1% in December."
    (claim,) = check(sample_store, duckdb_backend(sample_store), text)
    assert claim.subject.period == "2024-12"
    undated = check(sample_store, duckdb_backend(sample_store), "Exports rose 26.1% in December.")
    assert undated[0].subject.period == "2025-12"  # the store's latest December
