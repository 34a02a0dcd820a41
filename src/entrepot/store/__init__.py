"""The store: one DuckDB file holding monthly cells, classifications and the audit trail.

Open it with :class:`Store`; it migrates an older file on open. Writes happen inside
:meth:`Store.transaction`, so a failure at any point leaves the file as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import pyarrow as pa

from ..backends import engine_errors
from ..errors import InputError, NotInStoreError, StoreError
from ..periods import Period, describe_span
from .migrations import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from ibis.backends.duckdb import Backend as DuckDBBackend

DEFAULT_STORE = "entrepot.duckdb"
STORE_ENV = "ENTREPOT_STORE"
MEMORY_ENV = "ENTREPOT_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "2GB"
"""DuckDB's own default is 80% of RAM; a lower cap makes large loads and compilations
spill to disk (beside the store) instead of crowding out everything else. The process
needs about 1 GB more (Python, results, what DuckDB keeps outside its buffer pool): a full
compile of 20 M rows peaks under 3 GB."""

DEFAULT_CURRENCY = "HK$"
"""The currency of a store that was not told otherwise (the office's files are in HK$)."""

__all__ = ["DEFAULT_STORE", "STORE_ENV", "Store", "default_store_path"]


def _check_kind(path: str) -> None:
    """Refuse an existing file that is not a DuckDB database: DuckDB would take a CSV or
    Parquet file for an in-memory database, and nothing a load stored would be saved."""
    if path == ":memory:":
        return
    file = Path(path)
    if file.is_dir():
        raise StoreError(f"Store {path} is a folder: name a .duckdb file or a new path.")
    if not file.is_file() or file.stat().st_size == 0:
        return
    with file.open("rb") as f:
        head = f.read(12)
    if head[8:12] != b"DUCK":  # DuckDB's magic bytes, after an 8-byte checksum
        raise StoreError(
            f"{path} is not an entrepot store (a DuckDB file){_looks_like(head)}: name a "
            ".duckdb file or a new path with --store."
        )


def _looks_like(head: bytes) -> str:
    if head.startswith(b"PAR1"):
        return "; it is a Parquet file"
    if head.startswith(b"PK"):
        return "; it is a zip file (an Excel workbook?)"
    return ""


def default_store_path() -> Path:
    """``$ENTREPOT_STORE`` if set, else ``./entrepot.duckdb``."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


class Store:
    """A DuckDB file of trade cells.

    >>> store = Store(":memory:")
    >>> store.schema_version == SCHEMA_VERSION
    True
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        create: bool = True,
    ):
        """Open the store at ``path``, creating it unless ``read_only`` or ``create=False``
        (then a missing file is an error saying how to make one)."""
        self.path = str(path if path is not None else default_store_path())
        must_exist = read_only or not create
        if must_exist and self.path != ":memory:" and not Path(self.path).exists():
            raise NotInStoreError(
                f"Store {self.path} does not exist. Create it with 'entrepot ingest FILE' "
                f"or name another with --store PATH (or ${STORE_ENV})."
            )
        _check_kind(self.path)
        limit = os.environ.get(MEMORY_ENV) or DEFAULT_MEMORY_LIMIT
        with engine_errors(f"Opening store {self.path}", StoreError):
            try:
                self.con = duckdb.connect(
                    self.path, read_only=read_only, config={"memory_limit": limit}
                )
            except duckdb.IOException as exc:
                if "Could not set lock" not in str(exc):
                    raise
                # Another process holds the file. Readers share it, so a reader is
                # kept out only by a writer; a writer by anyone.
                doing = "being written" if read_only else "in use"
                raise StoreError(
                    f"Store {self.path} is {doing} by another process (a load or a compile"
                    f"{'' if read_only else ', or a command reading it'}): try again when it "
                    "has finished."
                ) from None
        if not read_only:
            self._migrate()
        elif (version := self.schema_version) != SCHEMA_VERSION:
            self.con.close()  # else this process could not open the file writable to migrate
            raise StoreError(
                f"Store {self.path} has schema version {version}; this entrepot "
                f"needs {SCHEMA_VERSION}. Open it once without read-only access to migrate it."
            )

    # -- lifecycle -------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: commit when the block ends, roll back on any exception."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    # -- schema ----------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        ).fetchone()
        if not exists or not exists[0]:
            return 0
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        current = self.schema_version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"Store {self.path} has schema version {current}, newer than this entrepot "
                f"({SCHEMA_VERSION}). Upgrade entrepot to open it."
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with (
                engine_errors(f"Migrating store {self.path} to version {version}", StoreError),
                self.transaction() as con,
            ):
                for step in MIGRATIONS[version - 1]:
                    if isinstance(step, str):
                        con.execute(step)
                    else:
                        step(con)
                con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)]
                )

    # -- properties ------------------------------------------------------------------
    @property
    def currency(self) -> str:
        """The currency of the store's values, set when the first data arrive (default
        :data:`DEFAULT_CURRENCY`); every figure is shown in it.

        >>> Store(":memory:").currency
        'HK$'
        """
        value = self.scalar("SELECT value FROM meta WHERE key = 'currency'")
        return str(value) if value else DEFAULT_CURRENCY

    def set_currency(self, currency: str) -> None:
        """Record the store's currency. A store holding cells keeps the one it has: values
        in two currencies cannot be added up."""
        currency = currency.strip()
        if not currency:
            raise InputError("A currency needs a name, e.g. HK$ or US$.")
        if currency == self.currency:
            return
        if self.scalar("SELECT count(*) FROM cells"):
            raise InputError(
                f"Store {self.path} holds values in {self.currency}: data in {currency} "
                "belong in a store of their own, or convert them with --rates FILE."
            )
        with self.transaction() as con:
            con.execute("INSERT OR REPLACE INTO meta VALUES ('currency', ?)", [currency])

    @property
    def reporter(self) -> str | None:
        """The reporting economy of the store's data (ISO 3166 alpha-3), when a source
        names it (UN Comtrade files do); None for the office's own files."""
        value = self.scalar("SELECT value FROM meta WHERE key = 'reporter'")
        return str(value) if value else None

    def set_reporter(self, reporter: str) -> None:
        """Record the store's reporter. A store holding cells of one reporter refuses
        another's: two economies' trade does not add up."""
        if reporter == self.reporter:
            return
        if self.reporter is not None and self.scalar("SELECT count(*) FROM cells"):
            raise InputError(
                f"Store {self.path} holds {self.reporter}'s trade: {reporter}'s belongs in a "
                "store of its own."
            )
        with self.transaction() as con:
            con.execute("INSERT OR REPLACE INTO meta VALUES ('reporter', ?)", [reporter])

    # -- queries ---------------------------------------------------------------------
    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with engine_errors(f"Reading store {self.path}", StoreError):
            return self.con.execute(sql, params or []).fetchall()

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        with engine_errors(f"Reading store {self.path}", StoreError):
            row = self.con.execute(sql, params or []).fetchone()
        return row[0] if row else None

    def frame(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """The result of ``sql`` as a pandas DataFrame (coded key columns as categoricals)."""
        with engine_errors(f"Reading store {self.path}", StoreError):
            return self.con.execute(sql, params or []).df()

    def arrow(self, table: str) -> pa.Table:
        """A whole table as Arrow (to copy it into another engine)."""
        with engine_errors(f"Reading table {table} from store {self.path}", StoreError):
            return self.con.execute(f'SELECT * FROM "{table}"').fetch_arrow_table()

    def periods(self) -> list[int]:
        """Stored periods as YYYYMM keys, ascending."""
        return [r[0] for r in self.query("SELECT DISTINCT period FROM cells ORDER BY 1")]

    def require_period(self, period: Period) -> None:
        """Raise a helpful error unless the store holds ``period``."""
        keys = self.periods()
        if period.key not in keys:
            raise NotInStoreError(
                f"Period {period} is not in store {self.path} (it holds {describe_span(keys)})."
            )

    def count(self, table: str) -> int:
        return int(self.scalar(f"SELECT count(*) FROM {table}"))

    def ibis(self) -> DuckDBBackend:
        """An Ibis DuckDB backend over this store's connection."""
        import ibis

        return ibis.duckdb.from_connection(self.con)
