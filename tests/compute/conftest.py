"""The ``backend`` fixture: every compute test runs on DuckDB and on a real local Spark."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pandas as pd
import pytest

from entrepot.backends import Backend, spark_backend, spark_session
from entrepot.store import Store
from entrepot.store.domains import widen

Make = Callable[[dict[str, pd.DataFrame]], Backend]


@pytest.fixture(scope="session")
def _spark() -> Iterator[object]:
    pytest.importorskip("pyspark")
    session = spark_session("entrepot-tests", partitions=2)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def backend(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Make]:
    """A factory: give it tables as DataFrames, get a backend holding them."""
    if request.param == "duckdb":
        store = Store(":memory:")

        def make(tables: dict[str, pd.DataFrame]) -> Backend:
            be = Backend("duckdb", store.ibis())
            for name, frame in tables.items():
                store.con.execute(f"DELETE FROM {name}") if name in _STORE_TABLES else None
                store.con.register("_frame", frame)
                if name in _STORE_TABLES:
                    if name == "cells":  # key columns coded as the store codes them
                        widen(store.con, "_frame")
                    cols = ", ".join(frame.columns)
                    store.con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _frame")
                else:
                    store.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _frame")
                store.con.unregister("_frame")
            return be

        yield make
        store.close()
    else:
        session = request.getfixturevalue("_spark")
        be = spark_backend(session)  # type: ignore[arg-type]
        template = Store(":memory:")

        def make(tables: dict[str, pd.DataFrame]) -> Backend:
            for name in _STORE_TABLES:
                # Same column types as the store: fill the store's empty table, copy it over.
                template.con.execute(f"DELETE FROM {name}")
                if name in tables:
                    frame = tables[name]
                    template.con.register("_frame", frame)
                    if name == "cells":
                        widen(template.con, "_frame")
                    cols = ", ".join(frame.columns)
                    template.con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _frame")
                    template.con.unregister("_frame")
                be.load(name, template.con.execute(f"SELECT * FROM {name}").fetch_arrow_table())
            return be

        yield make
        template.close()


_STORE_TABLES = ("cells", "commodity_sitc", "sitc", "partners", "modes")


def cells_frame(rows: list[tuple]) -> pd.DataFrame:
    """Cells from (period, flow, commodity, partner, mode, value) tuples."""
    frame = pd.DataFrame(rows, columns=["period", "flow", "commodity", "partner", "mode", "value"])
    frame["records"] = 1
    return frame
