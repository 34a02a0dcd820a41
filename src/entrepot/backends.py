"""The one place that knows engines: connect, execute, and translate driver errors.

Compute functions build Ibis expressions and never execute them; callers at the edge (CLI,
release, API) hand them to a :class:`Backend`. DuckDB (the store file) is the default;
Spark runs the same expressions when the ``[spark]`` extra is installed.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import pandas as pd
import pyarrow as pa
from ibis.formats.pandas import PandasData

from .compute.filters import Filters, apply
from .errors import BackendError, EntrepotError, MissingExtraError
from .schema import choice

if TYPE_CHECKING:
    from ibis.backends import BaseBackend
    from ibis.backends.duckdb import Backend as DuckDBBackend
    from pyspark.sql import SparkSession

    from .store import Store

BACKENDS = ("duckdb", "spark")
STORE_TABLES = ("cells", "commodity_sitc", "sitc", "partners", "modes", "commodities")
"""Tables the compute layer reads."""


@contextmanager
def engine_errors(doing: str, error: type[EntrepotError] = BackendError) -> Iterator[None]:
    """Turn a DuckDB or Spark error raised inside the block into ``error``, one line long.

    ``doing`` names the work, as in "Load into demo.duckdb": the message reads "Load into
    demo.duckdb failed: <the engine's first line>". Every call into an engine or the store
    goes through here, so driver exceptions never reach a user.
    """
    try:
        yield
    except duckdb.Error as exc:
        raise error(f"{doing} failed (DuckDB): {first_line(exc)}") from exc
    except EntrepotError:
        raise
    except Exception as exc:
        if _is_spark_error(exc):
            raise error(f"{doing} failed (Spark): {first_line(exc)}") from exc
        raise


def first_line(exc: BaseException) -> str:
    """The first non-empty line of an engine's message (the rest is query context or a
    JVM stack trace)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


@dataclass
class Backend:
    """An engine that runs entrepot's expressions."""

    name: str
    con: BaseBackend
    """The Ibis connection: DuckDB's over the store file, or PySpark's."""
    views: dict[str, str] = field(default_factory=dict)
    """Tables read from another relation: ``cells`` from the cells as they stood after a
    load (``--as-of``)."""
    filters: Filters = field(default_factory=Filters)
    """The cells every query reads (``--partner``, ``--commodity``…): the rest is unseen."""
    session: Any = None
    """Spark's SparkSession (None on DuckDB): temporary views and caching go through it."""

    def filtered(self, filters: Filters) -> Backend:
        """This engine with its cells limited to ``filters``."""
        return replace(self, filters=filters)

    def table(self, name: str) -> ibis.Table:
        if name == "cells" and self.filters:
            needs_sitc = self.filters.items is None and any(
                c.system == "sitc" for c in self.filters.commodity
            )
            sitc = self.table("commodity_sitc") if needs_sitc else None
            items = None if self.filters.items is None else self._items(self.filters.items)
            return apply(replace(self, filters=Filters()).table("cells"), self.filters, sitc, items)
        name = self.views.get(name, name)
        with engine_errors(f"Reading table {name!r} from {self.name}"):
            existing = self.con.list_tables()
            if name not in existing:
                raise BackendError(
                    f"Table {name!r} is not in the {self.name} backend. "
                    f"Existing tables: {', '.join(sorted(existing)) or 'none'}."
                )
            if self.name == "duckdb":
                return _duckdb_table(self.con, name)
            return self.con.table(name)

    def _items(self, codes: tuple[str, ...]) -> ibis.Table:
        """The resolved commodity codes of a filter as a table of the engine's own, so that
        the SQL a compilation materializes can read it."""
        name = f"_entrepot_items_{hashlib.sha1(' '.join(codes).encode()).hexdigest()[:12]}"
        data = pa.table({"commodity": pa.array(list(codes), pa.string())})
        if self.name == "spark":
            return self.load(name, data)
        with engine_errors(f"Registering the filter's commodities on {self.name}"):
            self.con.con.register(name, data)
            return self.con.table(name)

    def has(self, name: str) -> bool:
        """Whether the backend holds a table called ``name``."""
        with engine_errors(f"Listing the tables of {self.name}"):
            return name in self.con.list_tables()

    def execute(self, expr: ibis.Expr) -> pd.DataFrame:
        """Run ``expr`` and return a pandas DataFrame, translating engine errors."""
        with engine_errors(f"Running a query on {self.name}"):
            if self.name == "duckdb" and isinstance(expr, ibis.Table):
                return _duckdb_frame(self.con, expr)
            return self.con.execute(expr)

    def arrow(self, expr: ibis.Table) -> pa.Table:
        """Run ``expr`` and return an Arrow table (key columns decoded to text): large
        results stay compact, where pandas would hold a Python string per cell."""
        with engine_errors(f"Running a query on {self.name}"):
            return _decoded(self.con.to_pyarrow(expr))

    def materialize(self, name: str, expr: ibis.Table) -> ibis.Table:
        """Run ``expr`` once into a temporary table ``name`` (replacing one of that name)
        and return it, for results several expressions read (a compilation's relatives)."""
        with engine_errors(f"Computing {name} on {self.name}"):
            sql = self.con.compile(expr)
            if self.name == "spark":
                # Cached now, not at the first query that reads it: a later step may
                # release a table this one is computed from (Spark then computed it again
                # from the cells, and again for every query that read it).
                frame = self.session.sql(sql).cache()
                frame.count()
                frame.createOrReplaceTempView(name)
                return self.con.table(name)
            self.con.con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {sql}')
            return _duckdb_table(self.con, name)

    def drop(self, name: str) -> None:
        """Drop a table :meth:`materialize` made."""
        with engine_errors(f"Dropping {name} on {self.name}"):
            if self.name == "spark":
                session = self.session
                session.catalog.uncacheTable(name)
                session.catalog.dropTempView(name)
            else:
                self.con.con.execute(f'DROP TABLE IF EXISTS "{name}"')

    def finisher(self) -> Backend:
        """Where a computation's small last steps run (a compilation's chaining of a few
        thousand node sums): this backend on DuckDB; on Spark, an in-memory DuckDB in the
        driver, fed with :meth:`gather`. Spark plans those deep queries for minutes, and
        then runs them on less data than one of its tasks would read."""
        if self.name != "spark":
            return self
        return Backend("duckdb", ibis.duckdb.connect(memory_limit="1GB"))

    def gather(self, into: Backend, name: str, expr: ibis.Table) -> ibis.Table:
        """``expr``, a small result, computed here and held by ``into`` as ``name``."""
        if into is self:
            return expr
        return into.load(name, self.arrow(expr))

    def write_parquet(self, uri: str, data: pa.Table) -> str:
        """Write ``data``, a small result, as Parquet at ``uri`` where Spark's executors
        write (a cluster's storage), replacing what is there: a folder of one part file,
        which Spark, DuckDB (``uri/*.parquet``), Polars and pandas read as one table.
        DuckDB writes through the store (:func:`entrepot.store.datasets.export_compilation`)."""
        if self.name != "spark":
            raise BackendError(f"{self.name} writes results through the store, not to {uri}.")
        with engine_errors(f"Writing {uri} on Spark"):
            self.session.createDataFrame(data).coalesce(1).write.mode("overwrite").parquet(uri)
        return uri

    def load(self, name: str, data: pa.Table) -> ibis.Table:
        """Create (or replace) a table from an Arrow table (Spark: a temporary view)."""
        if self.name == "spark":
            # Arrow keeps the column types (an all-null column stays text), and a view
            # keeps tests and one-off runs from writing a warehouse to disk.
            self.session.createDataFrame(data).createOrReplaceTempView(name)
            return self.con.table(name)
        return self.con.create_table(name, data, overwrite=True)


def _duckdb_table(con: DuckDBBackend, name: str) -> ibis.Table:
    """``con.table(name)`` without Ibis parsing ENUM types: a coded column's type spells
    out every code it holds (tens of thousands of commodities), and parsing that takes Ibis
    a good part of a second. Every ENUM is text to the compute layer."""
    rows = con.con.execute(f'DESCRIBE "{name}"').fetchall()
    mapper = con.compiler.type_mapper
    schema = ibis.schema(
        {
            column: dt.String(nullable=null == "YES")
            if kind.startswith("ENUM(")
            else mapper.from_string(kind, nullable=null == "YES")
            for column, kind, null, *_ in rows
        }
    )
    return ops.DatabaseTable(name, schema=schema, source=con, namespace=ops.Namespace()).to_expr()


def _duckdb_frame(con: BaseBackend, expr: ibis.Table) -> pd.DataFrame:
    """``expr``'s rows as Ibis would give them, through Arrow with the store's ENUM columns
    decoded first: Ibis converts dictionary columns value by value (1 s for 230,000 rows of
    trims against 0.15 s this way)."""
    decoded = _decoded(con.to_pyarrow(expr))
    return PandasData.convert_table(decoded.to_pandas(), expr.schema())


def _decoded(table: pa.Table) -> pa.Table:
    """``table`` with its dictionary (DuckDB ENUM) columns as plain values."""
    columns = [
        c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in table.columns
    ]
    return pa.table(columns, names=table.column_names)


def _is_spark_error(exc: Exception) -> bool:
    return type(exc).__module__.startswith(("pyspark", "py4j"))


def duckdb_backend(store: Store) -> Backend:
    """The store's own connection as a backend (no copy)."""
    return Backend("duckdb", store.ibis())


SPARK_MASTER_ENV = "ENTREPOT_SPARK_MASTER"
"""The Spark master when none is named: local[2] unless this says otherwise."""


def spark_session(
    app: str = "entrepot",
    partitions: int = 4,
    *,
    master: str | None = None,
    conf: dict[str, str] | None = None,
) -> SparkSession:
    """A SparkSession: local[2] tuned for small jobs (no UI, few shuffle partitions) unless
    ``master`` (or ``$ENTREPOT_SPARK_MASTER``) names another (``local[*]``,
    ``spark://host:7077``, ``yarn``); ``conf`` adds or overrides settings."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise MissingExtraError(
            "The Spark backend needs PySpark: pip install 'entrepot[spark]' (and Java 17)."
        ) from exc
    settings = {
        "spark.sql.shuffle.partitions": str(partitions),
        "spark.ui.enabled": "false",
        # entrepot shows its own progress; Spark's bar would write over it.
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.memory": "2g",
        # A compilation's plans are deep: their full text (for the SQL listeners, UI or
        # not) would fill the driver's heap.
        "spark.sql.maxPlanStringLength": "65536",
        # Not the working folder: tables a session saves go to a scratch folder.
        "spark.sql.warehouse.dir": str(Path(tempfile.gettempdir()) / "entrepot-spark-warehouse"),
        **(conf or {}),
    }
    builder = SparkSession.builder.appName(app)
    chosen = master or os.environ.get(SPARK_MASTER_ENV)
    # Under spark-submit the master is spark-submit's: it launched this process's JVM.
    if chosen or "PYSPARK_GATEWAY_PORT" not in os.environ:
        builder = builder.master(chosen or "local[2]")
    for key, value in settings.items():
        builder = builder.config(key, value)
    with engine_errors("Starting a Spark session"):
        return builder.getOrCreate()


def spark_backend(session: SparkSession | None = None) -> Backend:
    """Spark through Ibis; creates a local session unless one is given."""
    session = session or spark_session()
    try:
        con = ibis.pyspark.connect(session)
    except ImportError as exc:  # pragma: no cover - the extra pulls both in
        raise MissingExtraError("pip install 'entrepot[spark]'") from exc
    return Backend("spark", con, session=session)


def dataset_backend(name: str, path: str | Path, session: SparkSession | None = None) -> Backend:
    """The backend ``name`` over a Parquet dataset written by ``entrepot export cells``
    (:mod:`entrepot.store.datasets`): DuckDB reads the files where they are; Spark reads
    them on its executors (a local path, or a ``file://``, ``hdfs://`` or ``s3a://`` URI),
    never through the driver."""
    from .store.datasets import CLASSIFICATIONS, local_path, read_manifest

    name = choice(name, BACKENDS, "backend")
    uri = str(path)
    if (folder := local_path(uri)) is not None:
        read_manifest(folder)
    tables = {"cells": f"{uri.rstrip('/')}/cells"}
    tables.update({t: f"{uri.rstrip('/')}/classifications/{t}.parquet" for t in CLASSIFICATIONS})
    if name == "spark":
        backend = spark_backend(session)
        spark = backend.session
        with engine_errors(f"Reading the dataset {uri} on Spark"):
            for table, location in tables.items():
                frame = spark.read.parquet(location)
                if table == "cells":  # the folder names the period: an int, as stored
                    frame = frame.withColumn("period", frame["period"].cast("int"))
                frame.createOrReplaceTempView(table)
        return backend
    from .store import DEFAULT_MEMORY_LIMIT, MEMORY_ENV  # the store imports this module

    # As a store's connection: the same memory limit, and a folder to spill to (an
    # in-memory database has none of its own).
    spill = tempfile.mkdtemp(prefix="entrepot-duckdb-")
    atexit.register(shutil.rmtree, spill, ignore_errors=True)
    con = ibis.duckdb.connect(
        memory_limit=os.environ.get(MEMORY_ENV) or DEFAULT_MEMORY_LIMIT, temp_directory=spill
    )
    with engine_errors(f"Reading the dataset {uri} on DuckDB"):
        for table, location in tables.items():
            where = location.removeprefix("file://").replace("'", "''")
            if table == "cells":
                source = (
                    "SELECT period::INTEGER AS period, * EXCLUDE (period) FROM "
                    f"read_parquet('{where}/*/*.parquet', hive_partitioning = true)"
                )
            else:
                source = f"SELECT * FROM read_parquet('{where}')"
            con.con.execute(f'CREATE VIEW "{table}" AS {source}')
    return Backend("duckdb", con)


def connect(name: str, store: Store, as_of: int | None = None) -> Backend:
    """The backend called ``name`` (one of :data:`BACKENDS`, any case) over ``store``'s data;
    with ``as_of``, its cells as they stood once that load was committed."""
    from .store.datasets import export_dataset
    from .store.loads import view_as_of  # the store imports this module

    name = choice(name, BACKENDS, "backend")
    views = {"cells": view_as_of(store.con, as_of)} if as_of is not None else {}
    if name == "duckdb":
        backend = duckdb_backend(store)
        backend.views.update(views)
        return backend
    # Spark reads a store as it reads any data: a Parquet dataset its executors read, here
    # written to a scratch folder for the life of the process (not through the driver).
    scratch = Path(tempfile.mkdtemp(prefix="entrepot-spark-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    export_dataset(store, scratch / "dataset", cells=views.get("cells", "cells"))
    return dataset_backend("spark", scratch / "dataset")
