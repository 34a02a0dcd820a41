"""Mirror statistics against a partner's Comtrade file made from the store's own trade, so
that every gap is known: US imports from Hong Kong 5% above Hong Kong's exports to the US,
and US imports from the Chinese mainland 30% above Hong Kong's re-exports of mainland goods
to the US but for one division, twice as large."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from entrepot import duckdb_backend
from entrepot.analysis.mirror import mirror
from entrepot.errors import InputError
from entrepot.store import Store

COLUMNS = [
    "typeCode", "freqCode", "refYear", "refMonth", "period", "reporterCode", "flowCode",
    "partnerCode", "partner2Code", "cmdCode", "aggrLevel", "isLeaf", "customsCode", "motCode",
    "qtyUnitCode", "qty", "netWgt", "cifvalue", "fobvalue", "primaryValue",
]  # fmt: skip


def partner_file(store: Store, path: Path, *, partner: int, where: str, factor) -> Path:
    """US imports (reporter 842) from ``partner`` in 2025 by HS subheading: the store's
    trade ``where`` says, in US$ at 7.8, times ``factor(hs6)``."""
    found = store.con.execute(
        "SELECT substr(commodity::VARCHAR, 1, 6) AS hs6, sum(value) FROM cells "
        f"WHERE partner = 'USA' AND period // 100 = 2025 AND {where} GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(COLUMNS)
        for hs6, value in found:
            usd = value / 7.8 * factor(hs6)
            out.writerow(["C", "A", 2025, 52, 2025, 842, "M", partner, 0, hs6, 6, "true", "C00",
                          0, -1, "", "", usd, "", usd])  # fmt: skip
    return path


def test_exports_against_the_partners_imports(sample_store: Store, tmp_path: Path) -> None:
    exports = "flow IN ('domestic_exports', 're_exports')"
    path = partner_file(sample_store, tmp_path / "usa.csv", partner=344, where=exports,
                        factor=lambda hs6: 1.05)  # fmt: skip
    result = mirror(duckdb_backend(sample_store), path, reporter="HKG", currency="HK$", rate=7.8)
    assert (result.partner, result.year, result.origin) == ("USA", 2025, None)
    assert result.total["gap_pct"] == pytest.approx(5.0, abs=1e-9)
    assert result.divisions.gap_pct.tolist() == pytest.approx([5.0] * len(result.divisions))
    assert result.divisions.inside_band.all()
    reported = sample_store.con.execute(
        f"SELECT sum(value) FROM cells WHERE partner = 'USA' AND period // 100 = 2025 AND {exports}"
    ).fetchone()[0]
    assert result.total["reported"] == pytest.approx(reported, rel=1e-12)
    # Largest gaps first.
    gaps = result.divisions.gap.abs().tolist()
    assert gaps == sorted(gaps, reverse=True)


def test_reexports_of_an_origin(sample_store: Store, tmp_path: Path) -> None:
    reexports = "flow = 're_exports' AND origin = 'CHN'"
    top = sample_store.con.execute(
        "SELECT substr(s.sitc, 1, 2) FROM cells c JOIN commodity_sitc s USING (commodity) "
        f"WHERE partner = 'USA' AND period // 100 = 2025 AND {reexports} "
        "GROUP BY ALL ORDER BY sum(value) DESC LIMIT 1"
    ).fetchone()[0]
    hs_in_top = {
        r[0][:6]
        for r in sample_store.con.execute(
            "SELECT commodity FROM commodity_sitc WHERE substr(sitc, 1, 2) = ?", [top]
        ).fetchall()
    }
    path = partner_file(sample_store, tmp_path / "usa-chn.csv", partner=156, where=reexports,
                        factor=lambda hs6: 2.0 if hs6 in hs_in_top else 1.3)  # fmt: skip
    result = mirror(
        duckdb_backend(sample_store), path, reporter="HKG", currency="HK$", rate=7.8,
        origin="CHN", band=10.0,
    )  # fmt: skip
    first = result.divisions.iloc[0]
    assert first.division == top and first.gap_pct == pytest.approx(100.0)
    assert not first.inside_band
    rest = result.divisions.iloc[1:]
    assert rest.gap_pct.tolist() == pytest.approx([30.0] * len(rest))


def test_a_rate_is_needed_across_currencies(sample_store: Store, tmp_path: Path) -> None:
    path = partner_file(sample_store, tmp_path / "usa.csv", partner=344,
                        where="flow = 'imports'", factor=lambda hs6: 1.0)  # fmt: skip
    with pytest.raises(InputError, match=r"give --rate \(HK\$ per US\$\)"):
        mirror(duckdb_backend(sample_store), path, reporter="HKG", currency="HK$")
