"""The Typer application, the options every command shares, and how errors are shown.

Every command takes ``--store PATH`` before or after its name; an entrepot error prints as
one line on stderr and exits 1 (2 when a load rejected rows); an unexpected error prints
one line too, with the way to see its traceback (``ENTREPOT_DEBUG=1``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from .. import __version__
from ..backends import SPARK_MASTER_ENV
from ..errors import EntrepotError, InputError, NotInStoreError, RejectedRowsError
from ..store import STORE_ENV, Store, default_store_path
from .render import err

if TYPE_CHECKING:
    from ..backends import Backend

DEBUG_ENV = "ENTREPOT_DEBUG"

app = typer.Typer(
    help="entrepot: external merchandise trade statistics from the records up.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
classifications_app = typer.Typer(
    help="Load and inspect classifications (HS → SITC, partners).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(classifications_app, name="classifications")

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    store: Path | None = None
    dataset: str | None = None
    backend: str | None = None
    spark_master: str | None = None
    spark_conf: tuple[str, ...] = ()


state = _State()

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="The store file (before or after the command name).",
        show_default=f"${STORE_ENV} or ./entrepot.duckdb",
    ),
]
TopOption = Annotated[int, typer.Option(min=1, help="Rows to show in each table.")]
JsonOption = Annotated[
    bool,
    typer.Option(
        "--json", help="Print JSON instead of tables (values in the store's currency, unrounded %)."
    ),
]


def friendly(func: F) -> F:
    """Print errors as one line and exit 1 (2 for rejected rows), never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RejectedRowsError as exc:
            err.print(f"[yellow]{exc}[/]", soft_wrap=True, highlight=False)
            raise typer.Exit(2) from None
        except EntrepotError as exc:
            err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True, markup=True)
            raise typer.Exit(1) from None
        except BrokenPipeError:
            # The reader went away (``entrepot series --format csv | head``): stop quietly,
            # with stdout pointed nowhere so that the interpreter's final flush is silent.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(141) from None
        except KeyboardInterrupt:
            err.print("interrupted: nothing more was written.", highlight=False)
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            err.print(
                f"[red]error:[/] unexpected {type(exc).__name__}: {_one_line(exc)} "
                f"(set {DEBUG_ENV}=1 to see the traceback, and please report it)",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _one_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else "(no message)"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"entrepot {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    store: StoreOption = None,
    dataset: Annotated[
        str | None,
        typer.Option(
            "--dataset",
            help="Read the cells from a Parquet dataset ('entrepot export cells'): a folder, "
            "or a file://, hdfs:// or s3a:// URI for Spark.",
            show_default="the store's cells",
        ),
    ] = None,
    backend: Annotated[
        str | None,
        typer.Option(
            "--backend", help="Engine for every command: duckdb or spark.", show_default="duckdb"
        ),
    ] = None,
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master",
            help="Spark master: local[*], spark://host:7077, yarn.",
            show_default=f"${SPARK_MASTER_ENV} or local[2]",
        ),
    ] = None,
    spark_conf: Annotated[
        list[str] | None,
        typer.Option("--spark-conf", help="KEY=VALUE for the Spark session (repeatable)."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    state.store = store
    state.dataset = dataset
    state.backend = backend
    state.spark_master = spark_master
    state.spark_conf = tuple(spark_conf or ())


def engine_name(command_backend: str | None) -> str:
    """The command's ``--backend``, else the one given before the command, else DuckDB."""
    return command_backend or state.backend or "duckdb"


def dataset_engine(name: str | None) -> Backend:
    """The engine over ``--dataset``'s cells (Spark with ``--spark-master``/``--spark-conf``)."""
    from ..backends import dataset_backend, spark_session

    assert state.dataset is not None
    chosen = engine_name(name)
    session = None
    if chosen.lower() == "spark":
        session = spark_session(master=state.spark_master, conf=parse_conf(state.spark_conf))
    return dataset_backend(chosen, state.dataset, session)


def parse_conf(items: Iterable[str]) -> dict[str, str]:
    """``KEY=VALUE`` options as a dict; an error naming a malformed one."""
    conf = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--spark-conf {item!r} is not KEY=VALUE.")
        conf[key.strip()] = value.strip()
    return conf


def store_path(store: Path | None = None) -> Path:
    """The store named after the command, else before it, else (over ``--dataset``) the
    dataset's results store, else the default."""
    from ..store.datasets import results_store

    if store or state.store:
        return store or state.store  # type: ignore[return-value]
    return results_store(state.dataset) if state.dataset else default_store_path()


def open_store(
    store: Path | None = None, *, read_only: bool = False, create: bool = False
) -> Store:
    """The store the user named; only the commands that load data (``create``) make one.
    Over ``--dataset``, the dataset's results store, made by the first compile."""
    path = store_path(store)
    if state.dataset and not (store or state.store) and not path.exists():
        if not create:
            raise NotInStoreError(
                f"{state.dataset} has no results yet: compile it first with "
                f"'entrepot --dataset {state.dataset} compile'."
            )
        path.parent.mkdir(exist_ok=True)
    return Store(path, read_only=read_only, create=create)


def connect_engine(name: str, store: Store, as_of: int | None = None) -> Backend:
    """The backend ``name`` over ``store`` (with ``as_of``, a load id or date: its cells as
    they stood after that load), or over ``--dataset``'s cells when one is named. On Spark, PySpark's own logging of each failed query (a JSON record
    with the JVM stack trace, on stderr) is turned off: the error is shown once, as one
    line."""
    from ..backends import connect

    if state.dataset:  # the cells are the dataset's; the store keeps only results
        if as_of:
            raise InputError("--as-of reads a store's history of loads: a dataset has none.")
        return dataset_engine(name)
    backend = connect(name, store, as_of)
    if backend.name == "spark":
        try:
            from pyspark.logger import PySparkLogger
        except ImportError:  # pragma: no cover - PySpark before 4 logs no query context
            return backend
        for logger in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
            PySparkLogger.getLogger(logger).disabled = True
    return backend


EngineOption = Annotated[
    str | None,
    typer.Option(
        help="Engine. One of: duckdb, spark (any case).",
        show_default="--backend before the command, else duckdb",
    ),
]
"""A query command's engine: it falls back on the one named before the command."""

AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="The store as it stood after a load: a load id, or a date (YYYY-MM-DD) for the "
        "last load finished by then (see 'entrepot history').",
        show_default="now",
    ),
]


def as_of_load(store: Store, as_of: str | None) -> int | None:
    """The load ``--as-of`` names (None: now)."""
    from ..store.history import load_as_of

    return load_as_of(store, as_of) if as_of else None


def one_of(choices: Iterable[str]) -> str:
    """Help text listing an option's choices."""
    return "One of: " + ", ".join(choices) + " (any case)."


PartnerOption = Annotated[
    list[str] | None,
    typer.Option(
        "--partner",
        help="Only these partners: codes or a group of them (a region such as Asia); "
        "repeat or comma-separate.",
        show_default="all",
    ),
]
CommodityOption = Annotated[
    list[str] | None,
    typer.Option(
        "--commodity",
        help="Only these commodities: HS prefixes (8471, hs:84) or SITC ones (sitc:77).",
        show_default="all",
    ),
]
OriginOption = Annotated[
    list[str] | None,
    typer.Option(
        "--origin", help="Only re-exports of these origins: codes or groups.", show_default="all"
    ),
]
ModeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--mode",
        help="Only these modes: air, land, sea, river, other, 'not stated'.",
        show_default="all",
    ),
]
FormatOption = Annotated[
    str,
    typer.Option("--format", help="table, json, csv, parquet or xlsx (the last two need --out)."),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out", help="Write to this file instead of the terminal.", show_default="the terminal"
    ),
]


def query_engine(
    name: str | None,
    store: Store,
    as_of: int | None = None,
    *,
    partner: list[str] | None = None,
    commodity: list[str] | None = None,
    origin: list[str] | None = None,
    mode: list[str] | None = None,
) -> Backend:
    """:func:`connect_engine` with its cells limited to the filter options given."""
    engine = connect_engine(engine_name(name), store, as_of)
    return filtered(engine, partner=partner, commodity=commodity, origin=origin, mode=mode)


def filtered(
    engine: Backend,
    *,
    partner: list[str] | None = None,
    commodity: list[str] | None = None,
    origin: list[str] | None = None,
    mode: list[str] | None = None,
) -> Backend:
    """``engine`` with its cells limited to the filter options given."""
    from ..analysis.filters import narrowed

    return narrowed(
        engine,
        partner=partner or (),
        commodity=commodity or (),
        origin=origin or (),
        mode=mode or (),
    )


def dataset_currency() -> str:
    """The currency of ``--dataset``'s values, from its manifest."""
    from ..store.datasets import local_path, read_manifest

    assert state.dataset is not None
    folder = local_path(state.dataset)
    if folder is None:
        return "HK$"  # a remote dataset's manifest is read by the engine, not here
    return str(read_manifest(folder).get("currency", "HK$"))


def output_format(fmt: str, as_json: bool) -> str:
    """``--json`` is ``--format json``."""
    return "json" if as_json else fmt
