"""``entrepot export cells`` and ``--dataset``: the cells as Parquet, read back by other
engines and by entrepot itself."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from .conftest import HK, ITEM_A, error_of, ok, write_classifications


def test_export_writes_a_partitioned_dataset(compiled_store: Path, tmp_path: Path) -> None:
    to = tmp_path / "ds"
    printed = ok("--store", compiled_store, "export", "cells", "--to", to).stdout
    assert " ".join(printed.split()) == (
        f"Wrote 36 months (2023-01 to 2025-12) of cells and 6 classification tables to {to}/ "
        "(layout 1, values in HK$)."
    )
    assert len(list((to / "cells").glob("period=*/*.parquet"))) == 36
    manifest = json.loads((to / "entrepot-dataset.json").read_text())
    assert manifest["layout"] == 1 and manifest["periods"] == [202301, 202512]
    # Other engines read it as it is.
    frame = pd.read_parquet(to / "cells")
    assert len(frame) == 36 * 4 and frame.value.sum() == pytest.approx(
        duckdb.connect(str(compiled_store), read_only=True)
        .execute("SELECT sum(value) FROM cells")
        .fetchone()[0]
    )
    december = duckdb.sql(
        f"SELECT sum(value) FROM read_parquet('{to}/cells/*/*.parquet', hive_partitioning=true) "
        "WHERE period = 202512 AND flow = 're_exports'"
    ).fetchone()[0]
    assert december == 22 * HK
    # Nothing is overwritten unless asked.
    assert error_of("--store", compiled_store, "export", "cells", "--to", to) == (
        f"error: {to} is not empty: name a new folder, or add --replace to replace the dataset."
    )
    ok("--store", compiled_store, "export", "cells", "--to", to, "--replace")
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    assert (
        error_of("--store", compiled_store, "export", "cells", "--to", other, "--replace")
        == f"error: {other} holds files that are not an entrepot dataset: name another folder."
    )
    assert (other / "notes.txt").read_text() == "mine"


def test_summary_of_a_dataset_is_the_store_s(compiled_store: Path, tmp_path: Path) -> None:
    to = tmp_path / "ds"
    ok("--store", compiled_store, "export", "cells", "--to", to)
    args = ("summary", "--period", "2025-12", "--json")
    from_store = ok("--store", compiled_store, *args).stdout
    assert ok("--dataset", to, *args).stdout == from_store
    by = ("summary", "--period", "2025-12", "--by", "division", "--partner", "USA", "--json")
    assert ok("--dataset", to, *by).stdout == ok("--store", compiled_store, *by).stdout
    assert error_of("--dataset", tmp_path, *args) == (
        f"error: {tmp_path} is not an entrepot dataset (it has no entrepot-dataset.json)."
    )


@pytest.mark.spark
def test_summary_of_a_dataset_on_spark(compiled_store: Path, tmp_path: Path) -> None:
    to = tmp_path / "ds"
    ok("--store", compiled_store, "export", "cells", "--to", to)
    args = ("summary", "--period", "2025-12", "--json")
    spark = ok("--backend", "spark", "--spark-conf", "spark.sql.shuffle.partitions=2",
               "--dataset", to, *args).stdout  # fmt: skip
    assert json.loads(spark) == json.loads(ok("--store", compiled_store, *args).stdout)
    assert error_of("--spark-conf", "nonsense", "--backend", "spark", "--dataset", to, *args) == (
        "error: --spark-conf 'nonsense' is not KEY=VALUE."
    )


def series_of(path: Path) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT measure, breakdown, key, period, value, price_index, volume_index, "
            "value_yoy_pct, price_yoy_pct, volume_yoy_pct FROM index_series "
            "ORDER BY measure, breakdown, key, period"
        ).df()


def same_series(left: pd.DataFrame, right: pd.DataFrame) -> None:
    assert len(left) == len(right) > 0
    keys = ["measure", "breakdown", "key", "period"]
    assert left[keys].equals(right[keys])
    for column in left.columns.difference(keys):
        pd.testing.assert_series_equal(left[column], right[column], rtol=1e-9, check_names=False)


@pytest.mark.spark
def test_compile_a_dataset_on_spark_with_annual_links(compiled_store: Path, tmp_path: Path) -> None:
    # Spark sums the cells' relatives by node, annual links included; the driver chains them.
    to = tmp_path / "ds"
    ok("--store", compiled_store, "export", "cells", "--to", to)
    options = ("compile", "--linking", "annual", "--breakdowns", "total,division,partner")
    ok("--backend", "spark", "--dataset", to, "--store", tmp_path / "spark.duckdb", *options)
    ok("--dataset", to, "--store", tmp_path / "duckdb.duckdb", *options)
    expected = series_of(tmp_path / "duckdb.duckdb")
    assert set(expected.breakdown) == {"total", "division", "partner"}
    same_series(series_of(tmp_path / "spark.duckdb"), expected)


def test_compile_a_dataset_into_its_results(compiled_store: Path, tmp_path: Path) -> None:
    to = tmp_path / "ds"
    ok("--store", compiled_store, "export", "cells", "--to", to)
    args = ("indices", "--period", "2025-12", "--by", "division", "--json")
    assert error_of("--dataset", to, *args) == (
        f"error: {to} has no results yet: compile it first with 'entrepot --dataset {to} compile'."
    )
    printed = " ".join(ok("--dataset", to, "compile").stdout.split())
    assert f"Kept in {to}/results/entrepot.duckdb; series and trims also in {to}/results/." in (
        printed
    )
    same_series(series_of(to / "results" / "entrepot.duckdb"), series_of(compiled_store))
    assert json.loads(ok("--dataset", to, *args).stdout) == json.loads(
        ok("--store", compiled_store, *args).stdout
    )
    # The series as Parquet, for the tools that read the dataset.
    parquet = pd.read_parquet(to / "results" / "series.parquet")
    stored = series_of(compiled_store)
    same_series(
        parquet[stored.columns].sort_values(["measure", "breakdown", "key", "period"])
        .reset_index(drop=True),
        stored,
    )  # fmt: skip
    assert len(pd.read_parquet(to / "results" / "trims.parquet")) == 1  # B's 2025-06 import
    # Diagnostics read the compilation, not cells the results store does not hold.
    diag = ("diagnostics", "--period", "2025-06", "--json")
    assert json.loads(ok("--dataset", to, *diag).stdout) == json.loads(
        ok("--store", compiled_store, *diag).stdout
    )
    assert error_of("--dataset", to, "ingest", tmp_path / "x.csv") == (
        "error: ingest writes into a store (--store), or into a dataset named with --to DIR, "
        "not into --dataset."
    )


def test_compile_a_dataset_into_a_store(compiled_store: Path, tmp_path: Path) -> None:
    to, out = tmp_path / "ds", tmp_path / "series.duckdb"
    ok("--store", compiled_store, "export", "cells", "--to", to)
    ok("--dataset", to, "--store", out, "compile")
    assert not (to / "results" / "entrepot.duckdb").exists()
    same_series(series_of(out), series_of(compiled_store))
    # The store holding the series answers 'indices' as the original does.
    args = ("indices", "--period", "2025-12", "--by", "division", "--json")
    assert json.loads(ok("--store", out, *args).stdout) == json.loads(
        ok("--store", compiled_store, *args).stdout
    )


@pytest.mark.spark
def test_spark_submit_runs_the_command_line(compiled_store: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    pyspark = pytest.importorskip("pyspark")
    to = tmp_path / "ds"
    ok("--store", compiled_store, "export", "cells", "--to", to)
    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    entry = subprocess.run(
        [sys.executable, "-m", "entrepot.submit", "--path"], capture_output=True, text=True
    ).stdout.strip()
    result = subprocess.run(
        [str(submit), "--master", "local[2]", "--conf", "spark.ui.enabled=false", entry,
         "--backend", "spark", "--dataset", str(to), "summary", "--period", "2025-12", "--json"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYSPARK_PYTHON": sys.executable},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    args = ("summary", "--period", "2025-12", "--json")
    assert json.loads(result.stdout) == json.loads(ok("--store", compiled_store, *args).stdout)


def records_csv(store: Path, path: Path, periods: list[int]) -> Path:
    """The records of ``store``'s cells (one record per cell) in ``periods``, as CSV."""
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{store}' AS s (READ_ONLY)")
        con.execute(
            "COPY (SELECT substr(period::VARCHAR, 1, 4) || '-' || substr(period::VARCHAR, 5) "
            "AS period, flow, commodity, partner, value, quantity, unit FROM s.cells "
            f"WHERE period IN ({', '.join(str(p) for p in periods)}) ORDER BY ALL) "
            f"TO '{path}' (HEADER)"
        )
    return path


def test_ingest_straight_to_a_dataset(compiled_store: Path, tmp_path: Path) -> None:
    months = [y * 100 + m for y in (2023, 2024, 2025) for m in range(1, 13)]
    early = records_csv(compiled_store, tmp_path / "early.csv", months[:-1])
    december = records_csv(compiled_store, tmp_path / "december.csv", months[-1:])
    classified = tmp_path / "classified.duckdb"
    ok("--store", classified, "classifications", "load", write_classifications(tmp_path / "c"))
    to = tmp_path / "ds"
    printed = " ".join(ok("--store", classified, "ingest", "--to", to, early).stdout.split())
    assert printed.startswith("Checked: 140 rows read, 140 stored, 0 rejected; 140 cells")
    assert printed.endswith(f"Delivery 1 written to new dataset {to}/: 2023-01 to 2025-11.")
    printed = ok("ingest", "--to", to, december).stdout
    assert f"Delivery 2 written to dataset {to}/: 2025-12 to 2025-12." in printed
    args = ("summary", "--period", "2025-12", "--json")
    assert ok("--dataset", to, *args).stdout == ok("--store", compiled_store, *args).stdout
    ok("--dataset", to, "compile")  # classified as the store named when it was made
    same_series(series_of(to / "results" / "entrepot.duckdb"), series_of(compiled_store))

    # A correction cannot wipe a month; appended, it adds; forced, the replaced files stay.
    fix = tmp_path / "fix.csv"
    fix.write_text(
        "period,flow,commodity,partner,value,quantity,unit\n"
        f"2025-12,imports,{ITEM_A},CHN,1000000,1,NO.\n"
    )
    assert error_of("ingest", "--to", to, fix) == (
        "error: Replacing 2025-12 imports of the dataset would shrink it from "
        "HK$1,600,000,000 to HK$1,000,000 (-99.9%), more than --max-shrink 50% allows. "
        "A correction? Load it with --mode append; or replace anyway with --force."
    )
    by_partner = ("summary", "--period", "2025-12", "--by", "partner", "--json")

    def chn_imports() -> float:
        rows = json.loads(ok("--dataset", to, *by_partner).stdout)
        return float(next(r for r in rows if r["key"] == "CHN")["month"]["imports"]["value"])

    assert chn_imports() == pytest.approx(16 * HK)
    ok("ingest", "--to", to, "--mode", "append", fix)
    assert chn_imports() == pytest.approx(16 * HK + 1e6)
    printed = " ".join(ok("ingest", "--to", to, "--force", fix).stdout.split())
    assert printed.endswith(
        f"replaced 2025-12 imports; the files that held them are kept in {to}/replaced/delivery-4/."
    )
    assert chn_imports() == pytest.approx(1e6)
    # Nothing is deleted: December as it stood before (re-exports 22, imports 16 + 1 mn).
    kept = pd.read_parquet(to / "replaced" / "delivery-4" / "period=202512")
    assert sorted(kept.load_id.unique()) == [2, 3]
    assert kept.value.sum() == pytest.approx(38 * HK + 1e6)
    now = pd.read_parquet(to / "cells" / "period=202512")
    assert now.groupby("flow").value.sum().to_dict() == pytest.approx(
        {"imports": 1e6, "re_exports": 22 * HK}
    )
    manifest = json.loads((to / "entrepot-dataset.json").read_text())
    assert [d["mode"] for d in manifest["deliveries"]] == [
        "replace",
        "replace",
        "append",
        "replace",
    ]
    assert manifest["deliveries"][-1]["replaced"] == ["202512 imports"]
    # A flow the month does not hold yet replaces nothing: it is added beside the others.
    domestic = tmp_path / "domestic.csv"
    domestic.write_text(
        "period,flow,commodity,partner,value,quantity,unit\n"
        f"2025-12,domestic_exports,{ITEM_A},USA,2000000,1,NO.\n"
    )
    assert "replaced" not in ok("ingest", "--to", to, domestic).stdout
    assert (
        json.loads((to / "entrepot-dataset.json").read_text())["deliveries"][-1]["replaced"] == []
    )
    assert not (to / "replaced" / "delivery-5").exists()
    now = pd.read_parquet(to / "cells" / "period=202512")
    assert now.groupby("flow").value.sum().to_dict() == pytest.approx(
        {"domestic_exports": 2e6, "imports": 1e6, "re_exports": 22 * HK}
    )
    assert error_of("ingest", "--to", to, "--mode", "amend", fix) == (
        "error: A dataset keeps cells, not records by id: amend in a store (--store), then "
        "export it with 'entrepot export cells'."
    )


def test_export_headline(compiled_store: Path, tmp_path: Path) -> None:
    from entrepot import sdmx

    out = tmp_path / "headline.csv"
    printed = " ".join(
        ok("--store", compiled_store, "export", "headline", "--out", out).stdout.split()
    )
    read = sdmx.check(out)
    assert printed == (
        f"Wrote {len(read):,} observations to {out} (SDMX-CSV 1.0, dataflow "
        f"{sdmx.DATAFLOW}) and its data structure to {tmp_path / 'headline.structure.xml'}; "
        "read back and checked."
    )
    assert {"TX", "RX", "M"} <= set(read.FLOW) <= {"TX", "DX", "RX", "M"}
    tidy = tmp_path / "headline.parquet"
    ok("--store", compiled_store, "export", "headline", "--out", tidy, "--format", "parquet")
    frame = pd.read_parquet(tidy)
    assert len(frame) == len(read)
    assert set(frame.indicator) == {"value", "price_index", "volume_index"}
    assert (
        error_of("--store", compiled_store, "export", "headline", "--out", out, "--format", "xml")
        == "error: Unknown format 'xml'; choose one of sdmx-csv, csv, parquet."
    )


def test_export_compiled_tables(compiled_store: Path, tmp_path: Path) -> None:
    from entrepot.store import Store
    from entrepot.store import compilations as stored

    out = tmp_path / "series.parquet"
    printed = ok("--store", compiled_store, "export", "series", "--out", out, "--format", "parquet")
    long = pd.read_parquet(out)
    with Store(compiled_store, read_only=True) as store:
        cid = stored.latest_compilation(store)
        wide = stored.compiled_table(store, cid, "series")
    assert f"rows of compilation {cid}'s series to {out}." in " ".join(printed.stdout.split())
    assert list(long.columns) == [
        "compile_id", "measure", "breakdown", "key", "label", "period", "variable", "value",
    ]  # fmt: skip
    # One number per row, each the compiled one.
    row = wide[(wide.measure == "imports") & (wide.breakdown == "total")].iloc[-1]
    month = f"{int(row.period) // 100}-{int(row.period) % 100:02d}"
    found = long[(long.measure == "imports") & (long.breakdown == "total")
                 & (long.period == month) & (long.variable == "price_index")]  # fmt: skip
    assert found.value.tolist() == [row.price_index]
    assert len(long) == int(
        wide.drop(columns=["measure", "breakdown", "key", "label", "period"]).notna().sum().sum()
    )
    trims = tmp_path / "trims.csv"
    ok("--store", compiled_store, "export", "trims", "--out", trims)
    assert list(pd.read_csv(trims, nrows=0).columns)[:3] == ["compile_id", "period", "flow"]


@pytest.mark.spark
def test_spark_writes_the_results_of_a_remote_dataset_under_it(
    compiled_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A dataset at a URI this process cannot write to (hdfs://, s3a://) gets its results
    # from Spark, which wrote them there. A file:// URI taken as remote stands in for one.
    from entrepot.cli import compilations

    to, out = tmp_path / "ds", tmp_path / "series.duckdb"
    ok("--store", compiled_store, "export", "cells", "--to", to)
    monkeypatch.setattr(compilations, "local_path", lambda dataset: None)
    uri = f"file://{to}"
    spark = ("--backend", "spark", "--spark-conf", "spark.sql.shuffle.partitions=2")
    for breakdowns in ("total", "total,division"):  # the second replaces the first
        printed = ok(
            *spark, "--dataset", uri, "--store", out, "compile", "--breakdowns", breakdowns
        )
    assert f"Kept in {out}; series and trims also in {uri}/results/." in " ".join(
        printed.stdout.split()
    )
    assert not (to / "results" / "entrepot.duckdb").exists()
    with duckdb.connect(str(out), read_only=True) as con:  # the Parquet holds the last
        stored = con.execute(
            "SELECT measure, breakdown, key, period, value, price_index, volume_index, "
            "value_yoy_pct, price_yoy_pct, volume_yoy_pct FROM index_series "
            "WHERE compile_id = 2 ORDER BY measure, breakdown, key, period"
        ).df()
        trims = con.sql("SELECT count(*) FROM index_trims WHERE compile_id = 2").fetchone()
    assert set(stored.breakdown) == {"total", "division"}
    keys = ["measure", "breakdown", "key", "period"]
    # A folder of one part file, read as one table by pandas and by DuckDB.
    for parquet in (
        pd.read_parquet(to / "results" / "series.parquet"),
        duckdb.sql(f"SELECT * FROM '{to}/results/series.parquet/*.parquet'").df(),
    ):
        same_series(parquet[stored.columns].sort_values(keys).reset_index(drop=True), stored)
    assert trims == (len(pd.read_parquet(to / "results" / "trims.parquet")),)
