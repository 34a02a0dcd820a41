"""UN Comtrade files, in the published layouts, loaded with `entrepot ingest`: flows, areas,
leaves, customs procedures, modes, units and months by the stated rules; US$ and the
reporter recorded; every row left out rejected with its reason."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from entrepot.ingest.comtrade import areas

from .conftest import error_of, ok, run

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


def annual(store: Path) -> list[tuple]:
    """The annual cells as they stand (the rows no later load replaced)."""
    with duckdb.connect(str(store), read_only=True) as con:
        return con.execute(
            "SELECT year, flow, commodity, partner, consignment, mode, unit, value, quantity, "
            "records FROM annual_cells WHERE removed_by IS NULL ORDER BY ALL"
        ).fetchall()


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
    assert rejects(store) == {4: {"DX/RX: part of X, which the file has"}}
    # Period 2025 (four digits): the year's figure, kept apart from its months.
    assert annual(store) == [
        (2025, "imports", "851713", "CHN", None, None, "NO.", 2000000.0, 4000.0, 1),
    ]


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


def test_annual_rows_kept_apart_from_the_months(tmp_path: Path) -> None:
    store = tmp_path / "usa.duckdb"
    printed = partial("--store", store, "ingest", FILES / "plus-annual.csv")
    assert (
        "Load 1: 7 rows read, 1 stored, 3 annual kept apart, 3 rejected; "
        "1 cells worth US$0.5 mn." in printed
    )
    assert "3 annual cells, apart from the months: 'entrepot export annual' writes them." in printed
    # December 2024 is a month like any other; the year 2024 is not summed with it.
    assert cells(store) == [
        (202412, "imports", "851713", "CHN", None, None, "NO.", 450000.0, 900.0),
    ]
    assert annual(store) == [
        (2023, "imports", "851713", "CHN", None, None, "NO.", 4000000.0, 9000.0, 1),
        (2024, "domestic_exports", "851713", "HKG", None, None, "NO.", 1200000.0, 2000.0, 1),
        (2024, "imports", "851713", "CHN", None, None, "NO.", 5000000.0, 10000.0, 1),
    ]
    # Annual rows break the same rules as monthly ones, and one of their own.
    reasons = rejects(store)
    assert "aggregate commodity row (not a leaf)" in reasons[5]
    assert reasons[6] == {"partner 0 (World) is an aggregate"}
    assert reasons[7] == {
        "value: not a number of zero or more",
        "is not a number: expected the value in US$",
    }
    # The load's history balances: the annual cells are stored too.
    with duckdb.connect(str(store), read_only=True) as con:
        assert con.execute(
            "SELECT rows_read, rows_stored, rows_rejected FROM loads"
        ).fetchall() == [(7, 4, 3)]

    out = tmp_path / "annual.csv"
    assert f"Wrote 3 annual cells (values in US$) to {out}." in " ".join(
        ok("--store", store, "export", "annual", "--out", out).output.split()
    )
    assert out.read_text().splitlines() == [
        "year,flow,commodity,partner,consignment,mode,unit,value,quantity,net_weight,records",
        "2023,imports,851713,CHN,,,NO.,4000000.0,9000.0,1350.0,1",
        "2024,domestic_exports,851713,HKG,,,NO.,1200000.0,2000.0,300.0,1",
        "2024,imports,851713,CHN,,,NO.,5000000.0,10000.0,1500.0,1",
    ]


def test_annual_cells_replaced_by_year_and_flow_and_reverted(tmp_path: Path) -> None:
    store = tmp_path / "usa.duckdb"
    partial("--store", store, "ingest", FILES / "plus-annual.csv")
    revised = tmp_path / "revised.csv"
    lines = (FILES / "plus-annual.csv").read_text().splitlines()
    # A revised 2024 imports figure, alone: it replaces 2024 imports, nothing else.
    revised.write_text("\n".join([lines[0], lines[1].replace("5000000", "5100000")]) + "\n")
    ok("--store", store, "ingest", revised, "--mode", "replace")
    assert [(y, f, v) for y, f, *_, v, _q, _r in annual(store)] == [
        (2023, "imports", 4000000.0),
        (2024, "domestic_exports", 1200000.0),
        (2024, "imports", 5100000.0),
    ]
    ok("--store", store, "ingest", revised, "--mode", "append", "--force")
    assert [v for *_, v, _q, _r in annual(store)][-2:] == [5100000.0, 5100000.0]
    ok("--store", store, "revert", "3")
    ok("--store", store, "revert", "2")
    assert [(y, f, v) for y, f, *_, v, _q, _r in annual(store)] == [
        (2023, "imports", 4000000.0),
        (2024, "domestic_exports", 1200000.0),
        (2024, "imports", 5000000.0),
    ]


def test_annual_rows_withheld_by_strict_and_refused_by_a_dataset(tmp_path: Path) -> None:
    store = tmp_path / "usa.duckdb"
    result = run("--store", store, "ingest", FILES / "plus-annual.csv", "--strict")
    assert result.exit_code == 2
    assert annual(store) == [] and cells(store) == []
    with duckdb.connect(str(store), read_only=True) as con:
        assert con.execute(
            "SELECT rows_read, rows_stored, rows_rejected FROM loads"
        ).fetchall() == [(7, 0, 7)]
    assert error_of("ingest", FILES / "plus-annual.csv", "--to", tmp_path / "ds") == (
        "error: The files hold 3 annual rows, which a dataset does not keep: load them "
        "into a store (--store)."
    )
    assert not (tmp_path / "ds").exists()


def test_annual_values_converted_at_the_years_mean_rate(tmp_path: Path) -> None:
    store = tmp_path / "hk.duckdb"
    rates = tmp_path / "rates.csv"
    months = [f"2024-{m:02d},{7.7 + m / 100:.2f}" for m in range(1, 13)]
    rates.write_text("period,rate\n" + "\n".join(months) + "\n")
    annual_only = tmp_path / "annual-2024.csv"
    lines = (FILES / "plus-annual.csv").read_text().splitlines()
    annual_only.write_text("\n".join([lines[0], lines[1], lines[7]]) + "\n")
    ok("--store", store, "ingest", annual_only, "--currency", "US$", "--rates", rates)
    mean = sum(7.7 + m / 100 for m in range(1, 13)) / 12  # 7.765
    [year] = annual(store)
    assert year[7] == pytest.approx(5000000.0 * mean)
    assert cells(store)[0][7] == pytest.approx(450000.0 * 7.82)  # December's own rate
    rates.write_text("period,rate\n2024-12,7.82\n")
    assert error_of(
        "--store", tmp_path / "other.duckdb", "ingest", annual_only, "--currency", "US$",
        "--rates", rates,
    ) == (
        f"error: {rates}: the annual rows of 2024 are converted at the mean of their year's "
        "monthly rates, and the file lacks months of it."
    )  # fmt: skip


def test_mirror_from_annual_cells(tmp_path: Path) -> None:
    """A store that holds a year only as annual figures compares it with the partner's."""
    header = (FILES / "plus-annual.csv").read_text().splitlines()[0]
    row = (
        "C,A,20240101,2024,52,2024,{rep},R,R,{flow},F,{par},P,P,0,W00,World,H6,HS,true,"
        "851713,Smartphones,6,true,C00,TOTAL CPC,0,0,TOTAL MOT,5,u,1000,false,-1,N/A,0,"
        "false,150,false,0,false,{value},{value},{value},0,true,false"
    )
    ours, theirs = tmp_path / "hkg-annual.csv", tmp_path / "usa-annual.csv"
    ours.write_text(f"{header}\n{row.format(rep=344, flow='X', par=842, value=1000000)}\n")
    theirs.write_text(f"{header}\n{row.format(rep=842, flow='M', par=344, value=1080000)}\n")
    store = tmp_path / "hkg.duckdb"
    ok("--store", store, "ingest", ours)
    cls = tmp_path / "cls"
    cls.mkdir()
    (cls / "commodities.csv").write_text("commodity,sitc,name\n851713,76432,Smartphones\n")
    (cls / "sitc.csv").write_text(
        "code,level,name\n7,1,Machinery and transport equipment\n"
        "76,2,Telecommunications and sound-recording apparatus\n"
    )
    (cls / "partners.csv").write_text("code,name,region,area\nUSA,United States,North America,\n")
    ok("--store", store, "classifications", "load", cls)
    found = json.loads(ok("--store", store, "mirror", "--partner-data", theirs, "--json").stdout)
    assert (found["reporter"], found["partner"], found["year"]) == ("HKG", "USA", 2024)
    [division] = found["divisions"]
    assert division["division"] == "76"
    assert division["name"] == "Telecommunications and sound-recording apparatus"
    assert (division["reported"], division["mirrored"]) == (1000000.0, 1080000.0)
    assert division["gap_pct"] == pytest.approx(8.0) and division["inside_band"]
