"""UN Comtrade files, in the published layouts, loaded with `entrepot ingest`: flows, areas,
leaves, customs procedures, modes, units and months by the stated rules; US$ and the
reporter recorded; every row left out rejected with its reason."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from entrepot.ingest.comtrade import areas

from .conftest import error_of, run

FILES = Path(__file__).resolve().parents[1] / "ingest" / "comtrade"


def cells(store: Path) -> list[tuple]:
    with duckdb.connect(str(store), read_only=True) as con:
        return con.execute(
            "SELECT period, flow::VARCHAR, commodity::VARCHAR, partner::VARCHAR, "
            "consignment::VARCHAR, mode::VARCHAR, unit::VARCHAR, value, quantity "
            "FROM cells ORDER BY ALL"
        ).fetchall()


def meta(store: Path) -> dict[str, str]:
    with duckdb.connect(str(store), read_only=True) as con:
        return dict(con.execute("SELECT key, value FROM meta").fetchall())


def rejects(store: Path) -> dict[int, set[str]]:
    """Each rejected line's reasons."""
    with duckdb.connect(str(store), read_only=True) as con:
        found = con.execute("SELECT line, reason FROM rejects ORDER BY line").fetchall()
    out: dict[int, set[str]] = {}
    for line, reason in found:
        out.setdefault(line, set()).add(reason)
    return out


def partial(*args: object) -> str:
    """A load that stores some rows and rejects others (exit 2), its output on one line."""
    result = run(*args)
    assert result.exit_code == 2, result.output
    return " ".join(result.output.split())


def test_plus_layout_csv(tmp_path: Path) -> None:
    store = tmp_path / "usa.duckdb"
    printed = partial("--store", store, "ingest", FILES / "plus-monthly.csv")
    assert "read plus-monthly.csv as UN Comtrade, plus layout" in printed
    assert "Load 1: 7 rows read, 4 stored, 3 rejected; 4 cells worth US$1.0 mn." in printed
    assert cells(store) == [
        (202501, "domestic_exports", "851713", "HKG", None, None, "NO.", 120000.0, 200.0),
        (202501, "imports", "847130", "TWN", None, None, "NO.", 300000.0, 300.0),  # 490
        (202501, "imports", "851713", "CHN", None, None, "NO.", 500000.0, 1000.0),
        (202502, "imports", "220421", "FRA", None, None, "L", 80000.0, 5000.0),  # 251
    ]
    assert meta(store)["currency"] == "US$" and meta(store)["reporter"] == "USA"
    reasons = rejects(store)
    assert "aggregate commodity row (not a leaf)" in reasons[3]
    assert reasons[6] == {"partner 0 (World) is an aggregate"}
    assert reasons[7] == {"unknown Comtrade partner code 999"}


def test_classic_layout_csv(tmp_path: Path) -> None:
    store = tmp_path / "ind.duckdb"
    partial("--store", store, "ingest", FILES / "classic-monthly.csv")
    # Export (2) stands for all exports; the re-export row beside it is a part of it.
    assert cells(store) == [
        (202503, "domestic_exports", "300490", "USA", None, None, "KG", 90000.0, 1200.0),
        (202503, "imports", "851713", "CHN", None, None, "NO.", 200000.0, 400.0),
    ]
    assert meta(store)["reporter"] == "IND"  # 699
    assert rejects(store) == {
        4: {"DX/RX: part of X, which the file has"},
        5: {"annual figure: entrepot stores months; load the monthly file"},
    }


def test_plus_layout_api_json(tmp_path: Path) -> None:
    store = tmp_path / "hkg.duckdb"
    partial("--store", store, "ingest", FILES / "plus-api.json")
    # DX and RX are both there: X, their sum, is left out; each mode is kept.
    assert cells(store) == [
        (202512, "domestic_exports", "851713", "USA", None, "air", "NO.", 90000.0, 100.0),
        (202512, "re_exports", "851713", "USA", None, "sea", "NO.", 810000.0, 900.0),
    ]
    assert rejects(store) == {
        3: {"X: the file has DX and RX, whose sum X is"},
        4: {"customs procedure not C00"},
    }


def test_a_store_in_another_currency_or_of_another_reporter_refuses(tmp_path: Path) -> None:
    store = tmp_path / "hk.duckdb"
    partial("--store", store, "ingest", FILES / "plus-monthly.csv", "--currency", "HK$")
    with duckdb.connect(str(store), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM cells").fetchone()
    assert error_of("--store", store, "ingest", FILES / "plus-api.json") == (
        f"error: Store {store} holds values in HK$: data in US$ belong in a store of their own, or convert them with --rates FILE."
    )
    other = tmp_path / "usa.duckdb"
    partial("--store", other, "ingest", FILES / "plus-monthly.csv")
    assert error_of("--store", other, "ingest", FILES / "plus-api.json") == (
        f"error: Store {other} holds USA's trade: HKG's belongs in a store of its own."
    )
    with duckdb.connect(str(store), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM cells").fetchone() == before


@pytest.mark.parametrize(
    ("code", "iso"),
    [("842", "USA"), ("251", "FRA"), ("757", "CHE"), ("699", "IND"), ("490", "TWN"),
     ("156", "CHN"), ("344", "HKG"), ("276", "DEU"), ("899", "_X")],
)  # fmt: skip
def test_comtrade_area_codes(code: str, iso: str) -> None:
    assert areas()[code] == iso


def test_values_converted_at_monthly_rates(tmp_path: Path) -> None:
    store = tmp_path / "hk.duckdb"  # a new store keeps HK$: the US$ figures are converted
    rates = tmp_path / "rates.csv"
    rates.write_text("period,rate\n2025-01,7.80\n2025-02,7.75\n")
    printed = partial(
        "--store", store, "ingest", FILES / "plus-monthly.csv", "--currency", "US$",
        "--rates", rates,
    )  # fmt: skip
    assert f"values converted from US$ to HK$ at the rates in {rates}" in printed
    other = tmp_path / "usa.duckdb"
    partial("--store", other, "ingest", FILES / "plus-monthly.csv")
    converted = cells(store)
    assert len(converted) == len(cells(other)) == 4
    for ours, theirs in zip(converted, cells(other), strict=True):
        rate = 7.80 if theirs[0] == 202501 else 7.75
        assert ours[:7] == theirs[:7] and ours[7] == pytest.approx(theirs[7] * rate)
    assert meta(store).get("currency", "HK$") == "HK$"  # a new store's default
    with duckdb.connect(str(store), read_only=True) as con:
        assert con.execute("SELECT period, currency, rate FROM load_rates").fetchall() == [
            (202501, "US$", 7.80), (202502, "US$", 7.75),
        ]  # fmt: skip


def test_a_month_without_a_rate_stores_nothing(tmp_path: Path) -> None:
    store = tmp_path / "hk.duckdb"
    rates = tmp_path / "rates.csv"
    rates.write_text("period,rate\n2025-01,7.80\n")
    assert error_of(
        "--store", store, "ingest", FILES / "plus-monthly.csv", "--currency", "US$",
        "--rates", rates,
    ) == f"error: {rates} gives no rate for 2025-02: nothing was stored."  # fmt: skip
    rates.write_text("period,rate\n2025-01,seven\n")
    assert error_of(
        "--store", store, "ingest", FILES / "plus-monthly.csv", "--currency", "US$",
        "--rates", rates,
    ) == f"error: {rates}, line 2, field rate: expected a number."  # fmt: skip


def test_tariff_lines(tmp_path: Path) -> None:
    store = tmp_path / "usa.duckdb"
    partial("--store", store, "ingest", FILES / "tariff-line.csv")
    # National tariff lines (10 digits) are leaves; TOTAL is not.
    assert cells(store) == [
        (202506, "imports", "8471300100", "JPN", None, None, "NO.", 60000.0, 40.0),
        (202506, "imports", "8517130000", "CHN", None, None, "NO.", 500000.0, 1000.0),
    ]
    assert "aggregate commodity row (not a leaf)" in rejects(store)[4]
    assert list(rejects(store)) == [4]


def test_editions_from_the_source_or_the_option(tmp_path: Path) -> None:
    store = tmp_path / "usa.duckdb"
    partial("--store", store, "ingest", FILES / "plus-monthly.csv")  # classificationCode H6
    with duckdb.connect(str(store), read_only=True) as con:
        assert con.execute("SELECT period, edition FROM period_editions ORDER BY 1").fetchall() == [
            (202501, "HS2022"), (202502, "HS2022"),
        ]  # fmt: skip
    other = tmp_path / "ind.duckdb"
    partial("--store", other, "ingest", FILES / "classic-monthly.csv", "--hs-edition", "hs2017")
    with duckdb.connect(str(other), read_only=True) as con:
        assert con.execute("SELECT period, edition FROM period_editions").fetchall() == [
            (202503, "HS2017"),
        ]


def test_another_customs_procedure_when_asked(tmp_path: Path) -> None:
    store = tmp_path / "hkg.duckdb"
    partial("--store", store, "ingest", FILES / "plus-api.json", "--customs", "C01")
    # Only the C01 import row; the C00 rows are left out, naming the procedure kept.
    assert [c[:4] for c in cells(store)] == [(202512, "imports", "851713", "CHN")]
    assert rejects(store)[1] == {"customs procedure not C01"}


def test_classic_layout_api_json(tmp_path: Path) -> None:
    store = tmp_path / "usa.duckdb"
    partial("--store", store, "ingest", FILES / "classic-api.json")
    assert cells(store) == [
        (201901, "domestic_exports", "870323", "CAN", None, None, "NO.", 600000.0, 20.0),
        (201901, "imports", "851712", "CHN", None, None, "NO.", 500000.0, 1000.0),
    ]
    assert "aggregate commodity row (not a leaf)" in rejects(store)[2]
    with duckdb.connect(str(store), read_only=True) as con:
        assert con.execute("SELECT DISTINCT edition FROM period_editions").fetchall() == [
            ("HS2017",),  # pfCode H5
        ]
