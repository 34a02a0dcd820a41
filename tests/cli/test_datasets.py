"""``entrepot export cells`` and ``--dataset``: the cells as Parquet, read back by other
engines and by entrepot itself."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from .conftest import HK, error_of, ok


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


def test_compile_a_dataset_into_a_store(compiled_store: Path, tmp_path: Path) -> None:
    to, out = tmp_path / "ds", tmp_path / "series.duckdb"
    ok("--store", compiled_store, "export", "cells", "--to", to)
    assert error_of("--dataset", to, "compile") == (
        "error: Name the store that keeps the compiled series: --store PATH."
    )
    ok("--dataset", to, "--store", out, "compile")
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
