"""entrepot: external merchandise trade statistics from the records up.

The public surface is small and pinned (``__all__`` is checked by a test)::

    from entrepot import Period, Store, duckdb_backend, ingest_files, summary

    with Store("entrepot.duckdb") as store:
        ingest_files(store, ["records.csv"])
        print(summary(duckdb_backend(store), Period.parse("2025-12")).as_dict())
"""

from .analysis.summary import Summary, breakdown, summary
from .backends import Backend, connect, duckdb_backend, spark_backend
from .classifications import load_classifications
from .errors import EntrepotError
from .ingest import LoadReport
from .ingest import ingest as ingest_files
from .periods import Period
from .sample import generate as generate_sample
from .store import Store

__version__ = "0.1.0"

__all__ = [
    "Backend",
    "EntrepotError",
    "LoadReport",
    "Period",
    "Store",
    "Summary",
    "__version__",
    "breakdown",
    "connect",
    "duckdb_backend",
    "generate_sample",
    "ingest_files",
    "load_classifications",
    "spark_backend",
    "summary",
]
