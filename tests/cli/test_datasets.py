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
