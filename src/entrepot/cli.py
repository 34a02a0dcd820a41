"""The command line: each command parses its options, calls one library function and
renders the result (or the error, without a traceback, exiting non-zero)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .errors import EntrepotError, RejectedRowsError
from .periods import Period
from .store import STORE_ENV, Store, default_store_path

app = typer.Typer(
    help="entrepot: external merchandise trade statistics from the records up.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
classifications_app = typer.Typer(help="Load and inspect classifications (HS → SITC, partners).")
app.add_typer(classifications_app, name="classifications")

# Piped output (files, CI logs) gets room for the widest table rather than 80 columns.
console = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


class _State:
    store: Path | None = None


state = _State()


def friendly(func: F) -> F:
    """Print entrepot errors as one message and exit 1 (2 for rejected rows)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RejectedRowsError as exc:
            err.print(f"[yellow]{exc}[/]", soft_wrap=True)
            raise typer.Exit(2) from None
        except EntrepotError as exc:
            err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@app.callback()
def main(
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help=f"The store file [default: ${STORE_ENV} or ./entrepot.duckdb].",
            show_default=False,
        ),
    ] = None,
) -> None:
    state.store = store


def store_path() -> Path:
    return state.store or default_store_path()


def open_store(read_only: bool = False) -> Store:
    return Store(store_path(), read_only=read_only)


def parse_period(text: str) -> Period:
    return Period.parse(text)


@contextmanager
def progress_bar(transient: bool = True) -> Iterator[Progress]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err,
        transient=transient,
        disable=not err.is_terminal,
    ) as bar:
        yield bar


def pct(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:+.1f}%"


def money(value: float) -> str:
    """HK$ in billions or millions, as a release writes them."""
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.1f} bn"
    return f"{value / 1e6:,.1f} mn"


def keyed_table(
    title: str, by: str, rows: list[Any], measures: tuple[str, ...]
) -> tuple[Table, Callable[[Any], list[str]]]:
    """A table of breakdown rows: the key, its name when it has one, then the measures."""
    with_names = any(r.label != r.key for r in rows)
    table = Table(title=title)
    table.add_column(by, no_wrap=True)
    if with_names:
        table.add_column("name", overflow="ellipsis", max_width=24)
    for col in measures:
        table.add_column(col, justify="right", no_wrap=True, min_width=len(col))

    def named(row: Any) -> list[str]:
        if not with_names:
            return [row.key]
        return [row.key, row.label if row.label != row.key else ""]

    return table, named


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# -- ingest ------------------------------------------------------------------------------


def _parse_map(entries: list[str]) -> dict[str, str]:
    from .errors import MappingError

    mapping = {}
    for entry in entries:
        column, sep, field = entry.partition("=")
        if not sep or not column.strip() or not field.strip():
            raise MappingError(
                f"--map {entry!r} is not COLUMN=FIELD (e.g. --map hs_code=commodity)."
            )
        mapping[column.strip()] = field.strip()
    return mapping


@app.command()
@friendly
def ingest(
    files: Annotated[
        list[Path], typer.Argument(help="CSV, Parquet, Excel or HSCCIT/HSCOIT/HSCOCCIT.DAT files.")
    ],
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map", help="COLUMN=FIELD: read a source column as a record field (repeatable)."
        ),
    ] = None,
    period: Annotated[
        str | None, typer.Option(help="Month of fixed-width files whose name lacks YYYYMM.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Store nothing if any row is rejected.")] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the reject report [default: rejects-<load>.csv beside the store]."
        ),
    ] = None,
) -> None:
    """Load trade records into the store: one transaction, bad rows reported and kept."""
    from .ingest import ingest as run_ingest
    from .ingest import write_reject_report

    mapping = _parse_map(map_ or [])
    month = parse_period(period) if period else None
    with open_store() as store, progress_bar() as bar:
        tasks: dict[Path, Any] = {}

        def on_progress(source: Any, fraction: float) -> None:
            if source.path not in tasks:
                tasks[source.path] = bar.add_task(f"reading {source.path.name}", total=1.0)
            bar.update(tasks[source.path], completed=fraction)

        report = run_ingest(
            store, files, mapping=mapping, period=month, strict=strict, progress=on_progress
        )
        if report.rows_rejected:
            target = rejects or store_path().parent / f"rejects-{report.load_id}.csv"
            write_reject_report(store, report, target)
    _print_load(report)
    if report.rows_rejected:
        raise RejectedRowsError(
            f"{report.rows_rejected:,} row(s) rejected; see {report.reject_report}.", report
        )


def _print_load(report: Any) -> None:
    stored = (
        "stored" if report.rows_stored or not report.rows_rejected else "stored (--strict: none)"
    )
    console.print(
        f"Load {report.load_id}: {report.rows_read:,} rows read, {report.rows_stored:,} {stored}, "
        f"{report.rows_rejected:,} rejected; {report.cells:,} cells worth HK${money(report.value)}."
    )
    for path, flows in report.superseded.items():
        console.print(
            f"  {Path(path).name}: {', '.join(flows)} superseded by a richer file in this load."
        )
    for rev in report.revisions:
        console.print(
            f"  revised {rev.period} {rev.flow}: HK${money(rev.old_value)} → HK${money(rev.new_value)}"
        )
    if report.rejects:
        table = Table("file", "line", "field", "value", "reason", title="First rejected rows")
        for r in report.rejects[:10]:
            table.add_row(Path(r.file).name, str(r.line), r.field, r.value or "", r.reason)
        err.print(table)


# -- summary -----------------------------------------------------------------------------


@app.command()
@friendly
def summary(
    period: Annotated[str, typer.Option(help="The month, YYYY-MM.")],
    by: Annotated[
        str | None,
        typer.Option(help="Break down by division, section, partner, region or mode."),
    ] = None,
    top: Annotated[int, typer.Option(help="Rows to show in a breakdown table.")] = 15,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (HK$, unrounded %).")] = False,
    backend: Annotated[str, typer.Option(help="Engine: duckdb or spark.")] = "duckdb",
) -> None:
    """Values for the month and the year to date, with year-on-year changes."""
    from .analysis.summary import breakdown
    from .analysis.summary import summary as run_summary
    from .backends import connect

    month = parse_period(period)
    with open_store(read_only=True) as store:
        engine = connect(backend, store)
        if by:
            rows = breakdown(engine, month, by)
        else:
            result = run_summary(engine, month)
    if by:
        if as_json:
            print_json([r.as_dict() for r in rows])
        else:
            _print_breakdown(month, by, rows[:top], len(rows))
        return
    if as_json:
        print_json(result.as_dict())
    else:
        _print_summary(result)


_LABELS = {
    "total_exports": "Total exports",
    "domestic_exports": "  Domestic exports",
    "re_exports": "  Re-exports",
    "imports": "Imports",
}


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _print_summary(result: Any) -> None:
    month = _MONTHS[result.period.month - 1]
    ytd = f"{'Jan–' if result.period.month > 1 else ''}{month} {result.period.year}"
    table = Table(title=f"External merchandise trade, {result.period} (HK$)")
    for col in ("", "month", "YoY", ytd, "YoY"):
        table.add_column(col, justify="left" if not col else "right")
    for m, label in _LABELS.items():
        table.add_row(
            label,
            money(result.month.values[m]),
            pct(result.month.yoy_pct[m]),
            money(result.year_to_date.values[m]),
            pct(result.year_to_date.yoy_pct[m]),
        )
    table.add_row(
        "Visible trade balance",
        money(result.month.balance),
        "",
        money(result.year_to_date.balance),
        "",
    )
    table.add_row(
        "  as % of imports",
        pct(result.month.balance_pct_of_imports).lstrip("+"),
        "",
        pct(result.year_to_date.balance_pct_of_imports).lstrip("+"),
        "",
    )
    console.print(table)
    if result.note:
        console.print(result.note)


def _print_breakdown(period: Period, by: str, rows: list[Any], total: int) -> None:
    table, named = keyed_table(
        f"Trade by {by}, {period} (HK$; {len(rows)} of {total} shown)",
        by,
        rows,
        ("total exports", "YoY", "imports", "YoY", "exports YTD", "YoY"),
    )
    for r in rows:
        table.add_row(
            *named(r),
            money(r.month.values["total_exports"]),
            pct(r.month.yoy_pct["total_exports"]),
            money(r.month.values["imports"]),
            pct(r.month.yoy_pct["imports"]),
            money(r.year_to_date.values["total_exports"]),
            pct(r.year_to_date.yoy_pct["total_exports"]),
        )
    console.print(table)


# -- sample ------------------------------------------------------------------------------


@app.command()
@friendly
def sample(
    out: Annotated[
        Path, typer.Option(help="Directory to write the records and classifications to.")
    ],
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same records.")
    ] = 2025,
    start: Annotated[str, typer.Option(help="First month, YYYY-MM.")] = "2023-01",
    end: Annotated[str, typer.Option(help="Last month, YYYY-MM.")] = "2025-12",
    scale: Annotated[float, typer.Option(help="Size factor: 1 gives about a million rows.")] = 1.0,
    format: Annotated[
        str, typer.Option(help="csv, parquet or csd (the office's fixed-width files).")
    ] = "parquet",
) -> None:
    """Write a synthetic, calibrated Hong Kong-like sample of monthly trade records."""
    from .sample import generate

    first, last = parse_period(start), parse_period(end)
    with progress_bar() as bar:
        task = bar.add_task("generating months", total=None)
        result = generate(
            out,
            seed=seed,
            start=first,
            end=last,
            scale=scale,
            format=format,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    console.print(
        f"Wrote {result.rows:,} records for {result.periods} months ({first} to {last}) "
        f"to {', '.join(str(p) for p in result.records[:3])}"
        f"{' …' if len(result.records) > 3 else ''}; classifications in {result.classifications}."
    )


# -- classifications ---------------------------------------------------------------------


@classifications_app.command("load")
@friendly
def classifications_load(
    files: Annotated[list[Path], typer.Argument(help="Classification files or directories.")],
    kind: Annotated[
        str | None,
        typer.Option(
            help="Force the kind instead of recognising it (see 'classifications kinds')."
        ),
    ] = None,
) -> None:
    """Load HS→SITC tables, SITC names and partner lists (all files or none)."""
    from .classifications import load_classifications

    with open_store() as store:
        loads = load_classifications(store, files, kind=kind)
    table = Table("file", "kind", "rows", "overrides applied", title="Classifications loaded")
    for item in loads:
        table.add_row(str(item.path), item.kind, f"{item.rows:,}", f"{item.overrides_applied:,}")
    console.print(table)


@classifications_app.command("kinds")
@friendly
def classifications_kinds() -> None:
    """The kinds of classification file entrepot recognises, and their headers."""
    from .classifications import KIND_HEADERS

    table = Table("kind", "recognised by", title="Classification files")
    for kind, headers in KIND_HEADERS.items():
        table.add_row(kind, headers)
    console.print(table)


@classifications_app.command("show")
@friendly
def classifications_show() -> None:
    """How many codes of each classification the store holds, and the overrides applied."""
    with open_store(read_only=True) as store:
        counts = {
            "commodity → SITC": store.count("commodity_sitc"),
            "SITC codes with names": store.count("sitc"),
            "partners": store.count("partners"),
            "transport modes": store.count("modes"),
        }
        overrides = store.query(
            "SELECT commodity, published_sitc, sitc, reason FROM classification_overrides "
            "ORDER BY commodity LIMIT 20"
        )
    table = Table("classification", "codes", title=f"Classifications in {store_path()}")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    console.print(table)
    if overrides:
        o = Table("commodity", "published SITC", "applied SITC", "why", title="Overrides")
        for row in overrides:
            o.add_row(*[str(v) for v in row])
        console.print(o)


# -- history -----------------------------------------------------------------------------


@app.command()
@friendly
def history(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Loads and revisions: what was loaded when, and which periods were replaced."""
    with open_store(read_only=True) as store:
        loads = store.con.execute(
            "SELECT load_id, finished, files, rows_read, rows_stored, rows_rejected, value "
            "FROM loads ORDER BY load_id"
        ).df()
        revisions = store.con.execute(
            "SELECT revision_id, load_id, period, flow, revised_at, old_value, new_value "
            "FROM revisions ORDER BY revision_id"
        ).df()
    if as_json:
        print_json(
            {
                "loads": json.loads(loads.to_json(orient="records", date_format="iso")),
                "revisions": json.loads(revisions.to_json(orient="records", date_format="iso")),
            }
        )
        return
    table = Table("load", "finished", "files", "read", "stored", "rejected", "HK$", title="Loads")
    for r in loads.itertuples(index=False):
        table.add_row(
            str(r.load_id),
            f"{r.finished:%Y-%m-%d %H:%M}",
            r.files,
            f"{r.rows_read:,}",
            f"{r.rows_stored:,}",
            f"{r.rows_rejected:,}",
            money(r.value),
        )
    console.print(table)
    if len(revisions):
        rev = Table("revision", "load", "period", "flow", "old HK$", "new HK$", title="Revisions")
        for r in revisions.itertuples(index=False):
            rev.add_row(
                str(r.revision_id),
                str(r.load_id),
                str(Period.from_key(int(r.period))),
                r.flow,
                money(r.old_value),
                money(r.new_value),
            )
        console.print(rev)


# -- indices -----------------------------------------------------------------------------


@app.command("compile")
@friendly
def compile_(
    formula: Annotated[
        str, typer.Option(help="fisher, laspeyres, paasche or tornqvist.")
    ] = "fisher",
    reference_year: Annotated[int, typer.Option(help="Year whose monthly average is 100.")] = 2024,
    low: Annotated[float, typer.Option(help="Trim unit value relatives below this.")] = 0.1,
    high: Annotated[float, typer.Option(help="Trim unit value relatives above this.")] = 10.0,
    fence: Annotated[
        float, typer.Option(help="Tukey fence k on log relatives within SITC groups (0: off).")
    ] = 3.0,
    imputation: Annotated[
        str, typer.Option(help="Unmatched cells: exclude, or class_mean (SITC group's mean).")
    ] = "exclude",
    backend: Annotated[str, typer.Option(help="Engine: duckdb or spark.")] = "duckdb",
) -> None:
    """Compile unit value (price) and volume indices for every flow and breakdown."""
    from .analysis.indices import compile_store
    from .backends import connect
    from .compute.unit_values import Outliers

    rule = Outliers(low=low, high=high, fence=fence or None)
    with open_store() as store, progress_bar() as bar:
        engine = connect(backend, store)
        task = bar.add_task("compiling", total=None)
        report = compile_store(
            store,
            engine,
            formula=formula,
            reference_year=reference_year,
            outliers=rule,
            imputation=imputation,
            progress=lambda step: bar.update(task, description=f"compiling {step}"),
        )
    first, last = (str(Period.from_key(p)) for p in report.periods)
    console.print(
        f"Compilation {report.compile_id}: {report.formula}, {report.reference_year} = 100, "
        f"{first} to {last}; {report.series_rows:,} series rows for "
        f"{', '.join(report.breakdowns)}; {report.trimmed:,} relatives trimmed as outliers "
        f"({report.trimmed_value_share:.2%} of trade value)."
    )


@app.command()
@friendly
def indices(
    period: Annotated[str, typer.Option(help="The month, YYYY-MM.")],
    flow: Annotated[
        str,
        typer.Option(
            help="total_exports, domestic_exports, re_exports, imports or terms_of_trade."
        ),
    ] = "total_exports",
    by: Annotated[
        str, typer.Option(help="total, section, division, group, partner, region or mode.")
    ] = "total",
    top: Annotated[int, typer.Option(help="Rows to show in the table.")] = 15,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (unrounded %).")] = False,
) -> None:
    """Value, price and volume changes of a compiled month, with the volume growth streak."""
    from .analysis.indices import index_rows

    month = parse_period(period)
    with open_store(read_only=True) as store:
        rows = index_rows(store, month, measure=flow, by=by)
    if as_json:
        print_json(
            [
                {
                    "key": r.key,
                    "name": r.label,
                    "value": r.value,
                    "value_yoy_pct": r.value_yoy_pct,
                    "price_yoy_pct": r.price_yoy_pct,
                    "volume_yoy_pct": r.volume_yoy_pct,
                    "volume_growth_streak": r.volume_growth_streak,
                    "price_coverage": r.price_coverage,
                    "price_index": r.price_index,
                    "volume_index": r.volume_index,
                }
                for r in rows
            ]
        )
        return
    table, named = keyed_table(
        f"{flow.replace('_', ' ').capitalize()} by {by}, {month} (YoY)",
        by,
        rows[:top],
        ("HK$", "value", "price", "volume", "streak", "coverage"),
    )
    for r in rows[:top]:
        table.add_row(
            *named(r),
            money(r.value) if r.value is not None else "–",
            pct(r.value_yoy_pct),
            pct(r.price_yoy_pct),
            pct(r.volume_yoy_pct),
            f"{r.volume_growth_streak}",
            f"{r.price_coverage:.0%}" if r.price_coverage is not None else "–",
        )
    console.print(table)


@app.command("diagnostics")
@friendly
def diagnostics_(
    period: Annotated[str, typer.Option(help="The month, YYYY-MM.")],
    top: Annotated[int, typer.Option(help="Rows to show in each table.")] = 15,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """What the latest compilation trimmed as outliers, and its least homogeneous cells."""
    from .analysis.indices import diagnostics

    with open_store(read_only=True) as store:
        report = diagnostics(store, parse_period(period), top=top)
    if as_json:
        print_json(report.as_dict())
        return
    trims = Table(
        "flow",
        "commodity",
        "partner",
        "unit",
        "relative",
        "HK$",
        "share of flow",
        title=f"Relatives trimmed in {report.period} "
        f"({report.trimmed_value_share:.3%} of the month's trade value)",
    )
    for r in report.trimmed.itertuples(index=False):
        trims.add_row(
            r.flow,
            r.commodity,
            r.partner,
            str(r.unit),
            f"{r.relative:.3g}",
            money(r.v1),
            f"{r.share:.3%}",
        )
    console.print(trims)
    cells = Table(
        "flow",
        "commodity",
        "partner",
        "unit",
        "months",
        "mean unit value",
        "CV",
        title=f"Least homogeneous cells of {report.period.year} (monthly unit values)",
    )
    for r in report.heterogeneous.itertuples(index=False):
        cells.add_row(
            r.flow,
            r.commodity,
            r.partner,
            str(r.unit),
            str(r.months),
            f"{r.mean_unit_value:,.2f}",
            f"{r.cv:.2f}",
        )
    console.print(cells)


# -- index numbers on any panel -----------------------------------------------------------


@app.command()
@friendly
def index(
    panel: Annotated[
        Path | None,
        typer.Argument(help="CSV with columns period,item,price,quantity (others ignored)."),
    ] = None,
    formula: Annotated[str, typer.Option(help="Formula name; see --list.")] = "fisher",
    chain: Annotated[str, typer.Option(help="fixed (against the base) or chained.")] = "fixed",
    quantity: Annotated[
        bool, typer.Option("--quantity", help="Quantity index instead of price.")
    ] = False,
    base: Annotated[str | None, typer.Option(help="Base period [default: the first].")] = None,
    reference: Annotated[
        float, typer.Option(help="Index value of the base period (1 or 100).")
    ] = 1.0,
    window: Annotated[
        int | None, typer.Option(help="Rolling window length (multilateral).")
    ] = None,
    splice: Annotated[
        str | None, typer.Option(help="Splice for rolling windows; see --list.")
    ] = None,
    contributions: Annotated[
        bool, typer.Option("--contributions", help="Each item's contribution to Fisher's change.")
    ] = False,
    list_: Annotated[
        bool, typer.Option("--list", help="List formulas, aliases and splices.")
    ] = False,
) -> None:
    """Index numbers of any panel of prices and quantities, printed as CSV."""
    from . import indices as lib
    from .errors import InputError, SourceError

    if list_:
        for name in lib.list_formulas():
            sys.stdout.write(f"{name}\t{lib.FORMULAS[name].description}\n")
        for alias, name in lib.ALIASES.items():
            sys.stdout.write(f"{alias}\talias of {name}\n")
        for name, what in lib.SPLICES.items():
            sys.stdout.write(f"splice {name}\t{what}\n")
        return
    if panel is None:
        raise InputError("Name the panel CSV (period,item,price,quantity), or ask for --list.")
    import pandas as pd

    try:
        frame = pd.read_csv(panel, dtype={"period": str, "item": str})
    except (OSError, ValueError) as exc:
        raise SourceError(f"{panel}: cannot read as CSV: {exc}") from exc
    options: dict[str, Any] = {
        "chain": chain,
        "base": base,
        "reference": reference,
        "quantity": quantity,
    }
    if contributions:
        result = lib.contributions(frame, **options)
    else:
        result = lib.price_index(frame, formula, window=window, splice=splice, **options)
    sys.stdout.write(result.to_csv(index=False, float_format="%.17g"))
