"""The Spark session entrepot starts: settings a user relies on."""

from __future__ import annotations

from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from entrepot.backends import Backend, spark_backend


@pytest.mark.spark
def test_spark_session_leaves_the_terminal_to_entrepots_progress(_spark: object) -> None:
    # Spark's console bar would write over entrepot's own; the UI is off too.
    conf = _spark.conf  # type: ignore[attr-defined]
    assert conf.get("spark.ui.showConsoleProgress") == "false"
    assert conf.get("spark.ui.enabled") == "false"


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_a_materialized_table_is_computed_when_made_not_when_first_read(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # A compilation releases tables that later ones were computed from: a table computed
    # only when first read would then be computed again from the cells, for every query.
    source = tmp_path / "cells.parquet"
    pq.write_table(pa.table({"k": ["a", "a", "b"], "v": [1.0, 2.0, 4.0]}), source)
    if engine == "spark":
        session = request.getfixturevalue("_spark")
        backend = spark_backend(session)
        session.read.parquet(str(source)).createOrReplaceTempView("_source")
    else:
        backend = Backend("duckdb", ibis.duckdb.connect())
        backend.con.con.execute(f"CREATE VIEW _source AS SELECT * FROM read_parquet('{source}')")
    t = backend.con.table("_source")
    made = backend.materialize("_sums", t.group_by("k").aggregate(v=t.v.sum()))
    source.unlink()  # what it was computed from is gone
    rows = backend.execute(made.order_by("k"))
    assert list(rows.itertuples(index=False, name=None)) == [("a", 3.0), ("b", 4.0)]
    backend.drop("_sums")
    assert not backend.has("_sums")
