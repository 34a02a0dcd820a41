"""An HS edition change: a subheading whose content changed (UNSD's correlation says n:1)
is never priced across the change, one that kept its content (1:1) is.

Two items exported to the USA every month of 2021 and 2022, each 10 units a month: A
(HS 010121, 1:1) at 10 a unit in 2021 and 11 in 2022 (+10%); B (HS 854231, which HS2022
widened) at 10 and then 30, as new goods under the old number. Priced across the change,
B would make the index jump; with the correlation loaded, B is new in 2022 (no other cell
of its SITC group to lend a class mean, so it is left out) and the 2022 price index is
A's: 110, +10.0% on 2021, month after month.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from entrepot import compile_store, duckdb_backend, ingest_files, load_classifications
from entrepot.store import Store
from entrepot.store import compilations as stored


def write_store(tmp_path: Path, correlation: bool) -> Store:
    (tmp_path / "commodities.csv").write_text("commodity,sitc\n01012100,00151\n85423100,77641\n")
    (tmp_path / "sitc.csv").write_text(
        "code,level,name\n0,1,Food\n00,2,Live animals\n001,3,Live animals\n"
        "7,1,Machinery\n77,2,Electrical machinery\n776,3,Valves and tubes\n"
    )
    (tmp_path / "partners.csv").write_text(
        "code,name,region,area\nUSA,United States,North America,\n"
    )
    files = [tmp_path / n for n in ("commodities.csv", "sitc.csv", "partners.csv")]
    if correlation:
        (tmp_path / "hs2022-hs2017.csv").write_text(
            "HS2022,HS2017,Relationship\n010121,010121,1:1\n854231,854231,n:1\n854231,854232,n:1\n"
        )
        files.append(tmp_path / "hs2022-hs2017.csv")
    lines = ["period,flow,commodity,partner,value,quantity,unit"]
    for year, (a, b) in ((2021, (100, 100)), (2022, (110, 300))):
        for month in range(1, 13):
            lines.append(f"{year}-{month:02d},domestic_exports,01012100,USA,{a},10,NO.")
            lines.append(f"{year}-{month:02d},domestic_exports,85423100,USA,{b},10,NO.")
    (tmp_path / "records.csv").write_text("\n".join(lines) + "\n")
    store = Store(tmp_path / "store.duckdb")
    load_classifications(store, files)
    ingest_files(store, [tmp_path / "records.csv"])
    return store


def price_2022(store: Store) -> tuple[list[float], list[float], object]:
    report = compile_store(store, duckdb_backend(store), reference_year=2021)
    series = stored.series_of(store, report.compile_id, "domestic_exports", "total")
    in_2022 = series[series.period // 100 == 2022]
    return in_2022.price_index.tolist(), in_2022.price_yoy_pct.tolist(), report


def test_a_changed_subheading_is_not_a_price_change(tmp_path: Path) -> None:
    with write_store(tmp_path, correlation=True) as store:
        levels, rates, report = price_2022(store)
    assert levels == pytest.approx([110.0] * 12, rel=1e-12)
    assert rates == pytest.approx([10.0] * 12, rel=1e-12)
    assert report.bridged == {202200 + m: (1, 300.0) for m in range(1, 13)}


def test_without_the_correlation_the_change_reads_as_price(tmp_path: Path) -> None:
    with write_store(tmp_path, correlation=False) as store:
        levels, _, report = price_2022(store)
    # Fisher of +10% and +200% with equal base weights and values 110 and 300.
    assert levels[0] > 150 and report.bridged == {}


def test_diagnostics_report_the_bridged_value(tmp_path: Path) -> None:
    from entrepot.analysis.compilations import diagnostics
    from entrepot.periods import Period

    with write_store(tmp_path, correlation=True) as store:
        price_2022(store)
        assert diagnostics(store, Period(2022, 3)).bridged == (1, 300.0)
        assert diagnostics(store, Period(2021, 3)).bridged == (0, 0.0)


def test_a_series_bridged_across_the_change(tmp_path: Path) -> None:
    from entrepot.analysis.bridge import bridged

    with write_store(tmp_path, correlation=True) as store:
        backend = duckdb_backend(store)
        same = bridged(backend, "010121", "domestic_exports")
        assert (same.status, same.old_codes, same.shared_with) == ("mapped", ("010121",), ())
        assert same.frame.value.tolist() == [100.0] * 12 + [110.0] * 12
        assert same.frame.edition.tolist() == ["HS2017"] * 12 + ["HS2022"] * 12
        # 854231 took in HS2017's 854231 and 854232 whole: mapped, the old codes summed.
        merged = bridged(backend, "854231", "domestic_exports")
        assert (merged.status, merged.old_codes) == ("mapped", ("854231", "854232"))
        assert merged.frame.value.tolist() == [100.0] * 12 + [300.0] * 12
        assert set(merged.frame.status) == {"mapped", "own"}


def test_a_split_subheading_is_flagged(tmp_path: Path) -> None:
    from entrepot.analysis.bridge import bridged

    with write_store(tmp_path, correlation=True) as store:
        # HS2017's 854231 also feeds HS2022's 854239: its goods are shared out.
        store.con.execute(
            "INSERT INTO hs_correlation VALUES "
            "('HS2022', '854239', 'HS2017', '854231', 'n:n', 'test')"
        )
        split = bridged(duckdb_backend(store), "854231", "domestic_exports")
    assert (split.status, split.shared_with) == ("split", ("854239",))
    before = split.frame[split.frame.edition == "HS2017"]
    assert set(before.status) == {"split"} and before.value.tolist() == [100.0] * 12


def test_bridge_on_the_command_line(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from entrepot.cli import app

    write_store(tmp_path, correlation=True).close()
    result = CliRunner().invoke(
        app,
        [
            "--store",
            str(tmp_path / "store.duckdb"),
            "bridge",
            "--commodity",
            "854231",
            "--flow",
            "domestic_exports",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["status"], data["old_codes"], data["first_year"]) == (
        "mapped", ["854231", "854232"], 2022,
    )  # fmt: skip
    assert data["months"][0] == {
        "period": "2021-01", "edition": "HS2017", "codes": "854231", "value": 100.0,
        "status": "mapped",
    }  # fmt: skip
    bad = CliRunner().invoke(
        app, ["--store", str(tmp_path / "store.duckdb"), "bridge", "--commodity", "8542"]
    )
    assert bad.exit_code == 1


def test_records_still_in_the_old_edition_change_nothing(tmp_path: Path) -> None:
    # A reporter that kept HS2017 through 2022: its 2022 records are the old codes' goods,
    # so B's 2022 unit value is a price (the correlation has nothing to bridge).
    with write_store(tmp_path, correlation=True) as store:
        store.con.execute("UPDATE period_editions SET edition = 'HS2017'")
        levels, _, report = price_2022(store)
        editions = dict(store.con.execute("SELECT period, edition FROM period_editions").fetchall())
    assert report.bridged == {} and levels[0] > 150
    assert set(editions.values()) == {"HS2017"} and len(editions) == 24


def test_each_month_keeps_its_edition(tmp_path: Path) -> None:
    with write_store(tmp_path, correlation=True) as store:
        editions = dict(store.con.execute("SELECT period, edition FROM period_editions").fetchall())
    assert {p: e for p, e in editions.items() if p in (202112, 202201)} == {
        202112: "HS2017",
        202201: "HS2022",
    }


def test_a_changed_subheading_weighs_by_mode_as_in_the_total(tmp_path: Path) -> None:
    """With C (HS 854239, unchanged, constant price) in B's SITC group, B is new in 2022
    and imputed with C's class mean, at no base weight: by mode (all goods by sea) too,
    though B traded by sea in 2021. So the one mode's index is the total's."""
    (tmp_path / "sea").mkdir()
    with write_store(tmp_path / "sea", correlation=True) as store:
        store.close()
    records = tmp_path / "sea" / "records.csv"
    lines = records.read_text().splitlines()
    extra = [f"{y}-{m:02d},domestic_exports,85423900,USA,50,10,NO." for y in (2021, 2022)
             for m in range(1, 13)]  # fmt: skip
    records.write_text(
        "\n".join([lines[0] + ",mode"] + [f"{line},sea" for line in lines[1:] + extra]) + "\n"
    )
    commodities = tmp_path / "sea" / "commodities.csv"
    commodities.write_text(commodities.read_text() + "85423900,77641\n")
    (tmp_path / "sea" / "store.duckdb").unlink()
    files = [tmp_path / "sea" / n for n in
             ("commodities.csv", "sitc.csv", "partners.csv", "hs2022-hs2017.csv")]  # fmt: skip
    with Store(tmp_path / "sea" / "store.duckdb") as store:
        load_classifications(store, files)
        ingest_files(store, [records])
        report = compile_store(store, duckdb_backend(store), reference_year=2021)
        total = stored.series_of(store, report.compile_id, "domestic_exports", "total")
        sea = stored.series_of(store, report.compile_id, "domestic_exports", "mode", ["sea"])
    assert report.bridged == {202200 + m: (1, 300.0) for m in range(1, 13)}
    assert sea.price_index.tolist() == pytest.approx(total.price_index.tolist(), rel=1e-12)
    assert sea.cells_imputed.tolist() == total.cells_imputed.tolist()
