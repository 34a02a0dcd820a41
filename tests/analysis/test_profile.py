"""The partner profile on a hand-made store: values, ranks, shares and changes you can
check with a calculator, and the top SITC groups."""

from __future__ import annotations

import pandas as pd
import pytest

from entrepot import Store, duckdb_backend
from entrepot.analysis.profile import Profile, parse_years, profile, profile_years
from entrepot.errors import InputError, NotInStoreError

A, B, C, D = "85423190", "61091000", "08051000", "99999999"
"""Items of SITC groups 776, 844 and 057; D has no SITC code (unclassified)."""

MONTHLY = {
    # (flow, partner, item): value a month in 2023 and 2024, and in 2025
    ("re_exports", "CHN", A): (50.0, 60.0),
    ("re_exports", "CHN", B): (10.0, 10.0),
    ("re_exports", "CHN", C): (0.0, 5.0),
    ("re_exports", "USA", A): (20.0, 25.0),
    ("re_exports", "USA", B): (5.0, 0.0),
    ("re_exports", "JPN", A): (10.0, 15.0),
    ("domestic_exports", "CHN", C): (2.0, 3.0),
    ("domestic_exports", "USA", C): (3.0, 3.0),
    ("imports", "CHN", A): (40.0, 50.0),
    ("imports", "CHN", D): (5.0, 10.0),
    ("imports", "USA", C): (10.0, 12.0),
    ("imports", "JPN", B): (30.0, 20.0),
}
"""Monthly values: every year is twelve equal months (annual values are 12 times these),
2023 repeats 2024, and the store also holds 2026-01 (a partial year)."""


def fill(store: Store) -> None:
    rows = []
    for period in [y * 100 + m for y in (2023, 2024, 2025) for m in range(1, 13)] + [202601]:
        for (flow, partner, item), (before, in_2025) in MONTHLY.items():
            value = in_2025 if period // 100 >= 2025 else before
            if value:
                rows.append((period, flow, item, partner, "NO.", value, 1.0))
    frame = pd.DataFrame(
        rows, columns=["period", "flow", "commodity", "partner", "unit", "value", "quantity"]
    )
    con = store.con
    con.register("_f", frame)
    con.execute(
        "INSERT INTO cells (period, flow, commodity, partner, unit, value, quantity, records, "
        "load_id) SELECT *, 1, 1 FROM _f"
    )
    con.unregister("_f")
    con.execute("INSERT INTO loads (load_id, rows_read) VALUES (1, ?)", [len(rows)])
    con.executemany(
        "INSERT INTO commodity_sitc (commodity, sitc, source) VALUES (?, ?, 'test')",
        [(A, "77642"), (B, "84420"), (C, "05710")],
    )
    con.executemany(
        "INSERT INTO sitc VALUES (?, ?, ?)",
        [
            ("776", 3, "Thermionic valves; diodes, transistors; integrated circuits"),
            ("844", 3, "Women's coats and jackets, knitted"),
            ("057", 3, "Fruit and nuts, fresh or dried"),
        ],
    )
    con.executemany(
        "INSERT INTO partners (code, name, region, source) VALUES (?, ?, ?, 'test')",
        [
            ("CHN", "Chinese Mainland", "Asia"),
            ("USA", "United States of America", "North America"),
            ("JPN", "Japan", "Asia"),
            ("GBR", "United Kingdom", "Western Europe"),
        ],
    )


@pytest.fixture
def filled(store: Store) -> Store:
    fill(store)
    return store


def run(store: Store, partner: str, years: list[int], top: int = 10) -> Profile:
    return profile(duckdb_backend(store), partner, years, top=top)


def test_annual_values_ranks_shares_and_changes(filled: Store) -> None:
    result = run(filled, "chn", [2024, 2025])
    assert (result.partner, result.name, result.region) == ("CHN", "Chinese Mainland", "Asia")
    assert result.years == (2024, 2025) and result.note is None
    y25 = result.year(2025).flows
    # 2025 a month: re-exports CHN 75, USA 25, JPN 15 (115); domestic exports CHN 3, USA 3;
    # imports CHN 60, USA 12, JPN 20 (92). 2024: re-exports 60, domestic 2, imports 45.
    assert y25["re_exports"].value == 75 * 12
    assert y25["re_exports"].rank == 1
    assert y25["re_exports"].share_pct == pytest.approx(75 / 115 * 100, rel=1e-12)
    assert y25["re_exports"].change_pct == pytest.approx(25.0, rel=1e-12)
    assert y25["domestic_exports"].rank == 1  # a tie with the USA: both rank 1
    assert y25["domestic_exports"].share_pct == pytest.approx(50.0, rel=1e-12)
    assert y25["domestic_exports"].change_pct == pytest.approx(50.0, rel=1e-12)
    assert y25["total_exports"].value == 78 * 12
    assert y25["total_exports"].share_pct == pytest.approx(78 / 121 * 100, rel=1e-12)
    assert y25["total_exports"].change_pct == pytest.approx((78 / 62 - 1) * 100, rel=1e-12)
    assert y25["imports"].value == 60 * 12
    assert y25["imports"].share_pct == pytest.approx(60 / 92 * 100, rel=1e-12)
    assert y25["imports"].change_pct == pytest.approx((60 / 45 - 1) * 100, rel=1e-12)
    assert y25["total_trade"].value == 138 * 12
    assert y25["total_trade"].rank == 1
    assert y25["total_trade"].share_pct == pytest.approx(138 / 213 * 100, rel=1e-12)
    assert y25["total_trade"].change_pct == pytest.approx((138 / 107 - 1) * 100, rel=1e-12)
    assert y25["balance"].value == (78 - 60) * 12
    assert y25["balance"].rank is None and y25["balance"].change_pct is None
    # 2024 is compared with 2023, which repeats it.
    assert result.year(2024).flows["imports"].change_pct == pytest.approx(0.0, abs=1e-12)


def test_ranks_of_a_smaller_partner(filled: Store) -> None:
    flows = run(filled, "USA", [2025]).year(2025).flows
    assert flows["total_exports"].rank == 2  # CHN 78, USA 28, JPN 15
    assert flows["domestic_exports"].rank == 1
    assert flows["imports"].rank == 3  # CHN 60, JPN 20, USA 12
    assert flows["total_trade"].rank == 2  # CHN 138, USA 40, JPN 35
    assert flows["re_exports"].change_pct == pytest.approx((25 / 25 - 1) * 100, abs=1e-12)
    japan = run(filled, "JPN", [2025]).year(2025).flows
    assert japan["domestic_exports"].value == 0
    assert japan["domestic_exports"].rank is None
    assert japan["domestic_exports"].share_pct == 0
    assert japan["imports"].rank == 2


def test_top_groups_with_others(filled: Store) -> None:
    result = run(filled, "CHN", [2024, 2025], top=2)
    exports = result.groups("total_exports")
    assert exports.year == 2025 and exports.total == 78 * 12
    assert [(g.code, g.value) for g in exports.groups] == [("776", 720.0), ("844", 120.0)]
    assert exports.groups[0].name.startswith("Thermionic")
    assert exports.groups[0].share_pct == pytest.approx(60 / 78 * 100, rel=1e-12)
    assert exports.groups[0].change_pct == pytest.approx(20.0, rel=1e-12)
    assert exports.groups[1].change_pct == pytest.approx(0.0, abs=1e-12)
    # The others: group 057, 5 of re-exports and 3 of domestic exports against 2 in 2024.
    assert exports.others is not None
    assert exports.others.value == 8 * 12
    assert exports.others.share_pct == pytest.approx(8 / 78 * 100, rel=1e-12)
    assert exports.others.change_pct == pytest.approx(300.0, rel=1e-12)
    re_exports = result.groups("re_exports")
    assert re_exports.others is not None and re_exports.others.change_pct is None  # 0 before
    domestic = result.groups("domestic_exports")
    assert [(g.code, g.share_pct) for g in domestic.groups] == [("057", 100.0)]
    assert domestic.others is None
    imports = result.groups("imports")
    assert [(g.code, g.name, g.value) for g in imports.groups] == [
        ("776", "Thermionic valves; diodes, transistors; integrated circuits", 600.0),
        ("unclassified", "unclassified", 120.0),
    ]
    assert imports.groups[1].change_pct == pytest.approx(100.0, rel=1e-12)
    assert imports.others is None


def test_first_year_of_the_store_has_no_change(filled: Store) -> None:
    result = run(filled, "CHN", [])
    assert result.years == (2023, 2024, 2025)
    first = result.year(2023).flows["total_exports"]
    assert first.value == 62 * 12 and first.change_pct is None and first.rank == 1
    assert result.note == (
        "No change is shown on 2022: it is not wholly in the store (it holds 2023-01 to 2026-01)."
    )
    assert result.as_dict()["annual"][0]["total_exports"] == {
        "value": 744.0,
        "rank": 1,
        "share_pct": pytest.approx(62.0, rel=1e-12),
        "change_pct": None,
    }


def test_a_partner_without_trade(filled: Store) -> None:
    result = run(filled, "GBR", [2025])
    flows = result.year(2025).flows
    assert all(f.value == 0 and f.rank is None for f in flows.values())
    assert all(not t.groups and t.others is None for t in result.top)


def test_partial_year_is_refused(filled: Store) -> None:
    with pytest.raises(
        NotInStoreError,
        match=r"^Year 2026 is not wholly in the store \(the store holds 2023-01 to 2026-01; "
        r"complete years: 2023, 2024, 2025\)\.$",
    ):
        run(filled, "CHN", [2025, 2026])


def test_unknown_partner_suggests_close_codes(filled: Store) -> None:
    with pytest.raises(InputError, match=r"Unknown partner 'CHA'\. Did you mean CHN \("):
        run(filled, "CHA", [2025])
    with pytest.raises(InputError, match=r"Did you mean JPN \(Japan\)\?"):
        run(filled, "Japan", [2025])
    with pytest.raises(InputError, match=r"Unknown partner 'QQQ'\. The store's 4 partners"):
        run(filled, "QQQ", [2025])


def test_parse_years() -> None:
    assert parse_years("2023..2025") == [2023, 2024, 2025]
    assert parse_years(" 2025 ") == [2025]
    assert parse_years("2025,2023") == [2023, 2025]
    with pytest.raises(InputError, match="run backwards"):
        parse_years("2025..2023")
    with pytest.raises(InputError, match="not understood"):
        parse_years("2023-2025")
    with pytest.raises(InputError, match="out of range"):
        parse_years("1800")


def test_profile_years() -> None:
    periods = [y * 100 + m for y in (2022, 2023, 2024, 2025) for m in range(1, 13)] + [202601]
    assert profile_years(periods) == [2023, 2024, 2025]
    assert profile_years(periods, [2022]) == [2022]
    with pytest.raises(NotInStoreError, match="No complete year"):
        profile_years([202501, 202502])


@pytest.mark.slow
def test_the_sample_chinese_mainland(sample_store: Store) -> None:
    result = profile(duckdb_backend(sample_store), "CHN", [2024, 2025])
    exports = result.year(2025).flows["total_exports"]
    assert exports.rank == 1
    assert exports.share_pct is not None and 50 < exports.share_pct < 60
    assert exports.change_pct is not None
    top = result.groups("total_exports")
    assert len(top.groups) == 10 and top.others is not None
    shares = sum(g.share_pct or 0 for g in top.groups) + (top.others.share_pct or 0)
    assert shares == pytest.approx(100.0, rel=1e-9)
    assert sum(g.value for g in top.groups) + top.others.value == pytest.approx(top.total)
    assert top.total == pytest.approx(exports.value)
