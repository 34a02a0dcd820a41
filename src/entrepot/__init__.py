"""entrepot: external merchandise trade statistics from the records up.

The public surface is small and pinned (``__all__`` is checked by a test)::

    from entrepot import Period, Store, compile_store, duckdb_backend, index_rows, ...

    with Store("entrepot.duckdb") as store:
        ingest_files(store, ["records.csv"])
        print(summary(duckdb_backend(store), Period.parse("2025-12")).as_dict())
        compile_store(store, duckdb_backend(store))
        for row in index_rows(store, Period.parse("2025-12"), by="partner"):
            print(row.key, row.price_yoy_pct, row.volume_yoy_pct)

The index-number library works on any panel of prices and quantities:
``price_index(frame, "fisher")``, ``quantity_index(...)``, ``contributions(...)``.
"""

from .analysis.compilations import (
    CompileReport,
    Diagnostics,
    IndexRow,
    compile_store,
    diagnostics,
    index_rows,
)
from .analysis.summary import Summary, breakdown, summary
from .backends import Backend, connect, duckdb_backend, spark_backend
from .classifications import load_classifications
from .compute.unit_values import Outliers
from .errors import EntrepotError
from .indices import contributions, price_index, quantity_index
from .ingest import LoadReport
from .ingest import ingest as ingest_files
from .periods import Period
from .sample import generate as generate_sample
from .store import Store

__version__ = "0.1.0"

__all__ = [
    "Backend",
    "CompileReport",
    "Diagnostics",
    "EntrepotError",
    "IndexRow",
    "LoadReport",
    "Outliers",
    "Period",
    "Store",
    "Summary",
    "__version__",
    "breakdown",
    "compile_store",
    "connect",
    "contributions",
    "diagnostics",
    "duckdb_backend",
    "generate_sample",
    "index_rows",
    "ingest_files",
    "load_classifications",
    "price_index",
    "quantity_index",
    "spark_backend",
    "summary",
]
