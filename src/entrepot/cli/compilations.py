"""``entrepot compile``, ``indices`` and ``diagnostics``: the trade unit value and volume
indices, compiled into the store and read back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer

from ..analysis.compilations import VOLUME_REF_RANGE, Diagnostics, IndexRow, thin
from ..analysis.numbers import money
from ..compute.levels import LINKINGS
from ..compute.relatives import IMPUTATIONS
from ..compute.trade_indices import FORMULAS
from ..compute.unit_values import EXTRA_CELL_KEYS
from ..errors import InputError
from ..periods import Period
from ..schema import BREAKDOWNS, FLOW_LABELS, INDEX_FLOWS, choice
from ..store import Store
from ..store.datasets import (
    RESULTS,
    compilation_tables,
    export_compilation,
    import_classifications,
    local_path,
)
from .app import (
    AsOfOption,
    CommodityOption,
    EngineOption,
    FormatOption,
    JsonOption,
    ModeOption,
    OriginOption,
    OutOption,
    PartnerOption,
    StoreOption,
    TopOption,
    app,
    as_of_load,
    connect_engine,
    dataset_currency,
    dataset_engine,
    engine_name,
    friendly,
    one_of,
    open_store,
    output_format,
    query_engine,
    state,
)
from .render import console, emit, key_cells, keyed_table, name_cell, pct, print_json, steps, table

if TYPE_CHECKING:
    from ..backends import Backend


@app.command("compile")
@friendly
def compile_(
    formula: Annotated[str, typer.Option(help=one_of(FORMULAS))] = "fisher",
    reference_year: Annotated[
        int | None,
        typer.Option(
            help="Year whose monthly average is 100.",
            show_default="the last complete year before the latest",
        ),
    ] = None,
    linking: Annotated[
        str,
        typer.Option(
            help="overlap: each year's links times the previous year's average level; "
            "annual: times the chained index of annual unit values. " + one_of(LINKINGS)
        ),
    ] = "overlap",
    low: Annotated[float, typer.Option(help="Trim unit value relatives below this.")] = 0.1,
    high: Annotated[float, typer.Option(help="Trim unit value relatives above this.")] = 10.0,
    fence: Annotated[
        float, typer.Option(help="Tukey fence k on log relatives within SITC groups (0: off).")
    ] = 3.0,
    imputation: Annotated[
        str,
        typer.Option(
            help="Unmatched cells: class_mean (the SITC group's mean relative) or exclude. "
            + one_of(IMPUTATIONS)
        ),
    ] = "class_mean",
    breakdowns: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated breakdowns to compile: " + ", ".join(BREAKDOWNS) + ".",
            show_default="all (origin when it is a cell key)",
        ),
    ] = None,
    cell_keys: Annotated[
        str,
        typer.Option(
            help="Keys added to flow × item × partner × unit, comma-separated: any of "
            + ", ".join(EXTRA_CELL_KEYS)
            + ".",
            show_default="none",
        ),
    ] = "",
    min_coverage: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Flag node-months with less of their value in matched cells."
        ),
    ] = 0.5,
    backend: EngineOption = None,
    as_of: AsOfOption = None,
    store: StoreOption = None,
) -> None:
    """Compile unit value (price) and volume indices for every flow and breakdown (of a
    dataset's cells with --dataset before the command: the series go into --store, else
    into the dataset's results/ folder)."""
    from ..analysis.compilations import compile_store
    from ..compute.unit_values import Outliers

    rule = Outliers(low=low, high=high, fence=fence or None)
    keys = [k.strip() for k in cell_keys.split(",") if k.strip()]
    from_dataset = state.dataset is not None
    with open_store(store, create=from_dataset) as opened, steps("compiling") as step:
        if from_dataset:
            if as_of:
                raise InputError("--as-of reads a store's history of loads: a dataset has none.")
            if not opened.periods():  # a store of results takes the dataset's currency
                opened.set_currency(dataset_currency())
            if (folder := local_path(state.dataset or "")) is not None:  # and its names
                import_classifications(opened, folder)
            load, engine = None, dataset_engine(backend)
        else:
            load = as_of_load(opened, as_of)
            engine = connect_engine(engine_name(backend), opened, load)
        report = compile_store(
            opened,
            engine,
            as_of=load,
            formula=formula,
            reference_year=reference_year,
            linking=linking,
            outliers=rule,
            imputation=imputation,
            cell_keys=keys,
            min_coverage=min_coverage,
            breakdowns=[b.strip() for b in breakdowns.split(",") if b.strip()]
            if breakdowns
            else None,
            progress=step,
        )
        written = written_back(opened, report.compile_id, engine) if from_dataset else None
    first, last = (str(Period.from_key(p)) for p in report.periods)
    method = report.method
    chosen = "" if reference_year else " (the last complete year before the latest)"
    console.print(
        f"Compilation {report.compile_id}: {method.formula}, {method.linking} linking, "
        f"reference year {method.reference_year} = 100{chosen}, {first} to {last}; "
        f"{report.series_rows:,} series rows for {', '.join(report.breakdowns)}; "
        f"{report.trimmed:,} relatives trimmed as outliers "
        f"({report.trimmed_value_share:.2%} of trade value)."
    )
    for reason, (cells, value) in sorted(report.unpriced.items()):
        console.print(
            f"  {cells:,} cells ({money(value)}) have {reason}: counted in values, not prices."
        )
    if report.bridged:
        cells = sum(c for c, _ in report.bridged.values())
        value = sum(v for _, v in report.bridged.values())
        months = sorted(report.bridged)
        console.print(
            f"  {cells:,} cells ({money(value)}) in {Period.from_key(months[0])} to "
            f"{Period.from_key(months[-1])} are unmatched: a new HS edition changed their "
            "subheading (see diagnostics)."
        )
    if written:
        console.print(f"  Kept in {opened.path}; series and trims also in {written}/.")
    if report.thin_nodes:
        low_ref, high_ref = VOLUME_REF_RANGE
        console.print(
            f"  {report.thin_nodes:,} nodes have a volume index averaging outside "
            f"{low_ref:g}–{high_ref:g} over {method.reference_year}: too thin to publish "
            "(see volume_ref_mean)."
        )


def written_back(opened: Store, compile_id: int, engine: Backend) -> str | None:
    """A compilation of a dataset's cells, also written as Parquet under the dataset
    (``results/``), for the tools that read it there: the folder written, if any. Under a
    URI this process cannot write to (``hdfs://``, ``s3a://``), Spark writes it; DuckDB
    leaves the series in the store alone."""
    assert state.dataset is not None
    if (folder := local_path(state.dataset)) is not None:
        return str(export_compilation(opened, compile_id, folder / RESULTS)[0].parent)
    if engine.name != "spark":
        return None
    results = f"{state.dataset.rstrip('/')}/{RESULTS}"
    for name, data in compilation_tables(opened, compile_id).items():
        engine.write_parquet(f"{results}/{name}.parquet", data)
    return results


CHANGES = {"yoy": "year-on-year", "mom": "month-on-month", "ytd": "year-to-date"}


@app.command()
@friendly
def indices(
    period: Annotated[str, typer.Option(help="The month, YYYY-MM.")],
    flow: Annotated[str, typer.Option(help=one_of(INDEX_FLOWS))] = "total_exports",
    by: Annotated[str, typer.Option(help=one_of(BREAKDOWNS))] = "total",
    change: Annotated[
        str,
        typer.Option(help="Which rates: yoy, mom or ytd (the annual rate in December)."),
    ] = "yoy",
    direct_yoy: Annotated[
        bool,
        typer.Option(
            "--direct-yoy/--no-direct-yoy",
            help="Add the direct comparison with the same month a year earlier (a diagnostic).",
        ),
    ] = False,
    partner: PartnerOption = None,
    commodity: CommodityOption = None,
    origin: OriginOption = None,
    mode: ModeOption = None,
    top: TopOption = 15,
    fmt: FormatOption = "table",
    out: OutOption = None,
    as_json: JsonOption = False,
    backend: EngineOption = None,
    as_of: AsOfOption = None,
    store: StoreOption = None,
) -> None:
    """Value, price and volume changes of a compiled month, with the volume growth streak.

    Every rate is the change in the published level. value, price, volume: changes of the
    value, the unit value (price) index and the volume (quantum) index. streak: consecutive
    months, up to this one, whose published year-on-year volume change is positive ("≥"
    when the data starts before it could end). coverage: share of the month's value in
    cells with a price relative of their own; "!" marks coverage below the compilation's
    minimum; "*" a volume index averaging outside 95–105 over the reference year (too thin
    to publish). imputed: cells given their SITC group's mean relative. direct: the direct
    comparison with the same month a year earlier (--direct-yoy). --json gives every rate.
    With filters (--partner, --commodity…), the filtered cells are compiled with the
    stored compilation's method (not stored).
    """
    from ..analysis.compilations import index_rows

    month = Period.parse(period)
    change = choice(change, tuple(CHANGES), "change")
    with open_store(store, read_only=True) as opened:
        load = as_of_load(opened, as_of)
        engine = query_engine(
            backend, opened, load, partner=partner, commodity=commodity, origin=origin, mode=mode
        )
        rows = index_rows(opened, month, flow=flow, by=by, as_of=load, backend=engine)
        currency = opened.currency

    def show() -> None:
        if not rows:
            console.print(f"No {flow} series by {by} in {month}.")
            return
        what = FLOW_LABELS[rows[0].flow] + ("" if by == "total" else f" by {rows[0].breakdown}")
        if engine.filters:
            what += f" ({engine.filters.describe()})"
        _print_index_rows(
            f"{what}, {month}: {CHANGES[change]} changes",
            rows[0].breakdown,
            rows[:top],
            change,
            direct_yoy,
            currency,
        )

    emit(
        output_format(fmt, as_json),
        out,
        show=show,
        data=lambda: [r.as_dict() for r in rows],
        frame=lambda: pd.DataFrame([r.as_dict() for r in rows]),
        sheet=f"indices {month}",
    )


def _print_index_rows(
    title: str, by: str, rows: list[IndexRow], change: str, direct: bool, currency: str
) -> None:
    # Imputed cells have a column only when a compilation imputed some.
    imputed = any(r.cells_imputed for r in rows)
    measures: tuple[str, ...] = (currency, "value", "price", "volume", "streak", "coverage")
    measures += ("imputed",) if imputed else ()
    measures += ("direct",) if direct else ()
    shown = keyed_table(title, by if by != "total" else "flow", rows, measures)
    for r in rows:
        keys = key_cells(r, rows) if by != "total" else [FLOW_LABELS[r.flow]]
        coverage = "–" if r.price_coverage is None else f"{r.price_coverage:.0%}"
        cells = [
            money(r.value),
            pct(getattr(r, f"value_{change}_pct")),
            pct(getattr(r, f"price_{change}_pct")),
            pct(getattr(r, f"volume_{change}_pct")) + ("*" if thin(r.volume_ref_mean) else ""),
            f"{'≥' if r.streak_at_least else ''}{r.volume_growth_streak}",
            coverage + ("!" if r.low_coverage else ""),
        ]
        if imputed:
            cells.append(f"{r.cells_imputed or 0:,}")
        if direct:
            cells.append(pct(r.direct_yoy_pct))
        shown.add_row(*keys, *cells)
    console.print(shown)
    if any(r.low_coverage for r in rows):
        console.print("! less of the month's value has prices than the compilation's minimum.")
    if any(thin(r.volume_ref_mean) for r in rows):
        low, high = VOLUME_REF_RANGE
        console.print(
            f"* the volume index averages outside {low:g}–{high:g} over the reference year: "
            "too few or too mixed cells to publish it."
        )


@app.command("diagnostics")
@friendly
def diagnostics_(
    period: Annotated[str, typer.Option(help="The month, YYYY-MM.")],
    top: TopOption = 15,
    as_json: JsonOption = False,
    store: StoreOption = None,
) -> None:
    """What the latest compilation trimmed as outliers, and its least homogeneous cells."""
    from ..analysis.compilations import diagnostics

    with open_store(store, read_only=True) as opened:
        report = diagnostics(opened, Period.parse(period), top=top)
        currency = opened.currency
    if as_json:
        print_json(report.as_dict())
        return
    _print_diagnostics(report, currency)


CELL_COLUMNS = ("flow", "commodity", "name", "partner", "unit")
"""How a cell is shown: its key, with the commodity's name."""


def _print_diagnostics(report: Diagnostics, currency: str) -> None:
    cells, value = report.bridged
    if cells:
        console.print(
            f"{cells:,} cells ({currency}{money(value)}) of {report.period} are unmatched: a new "
            "HS edition changed their subheading, so they are not priced against the year before."
        )
    _print_cells(
        f"Relatives trimmed in {report.period} "
        f"({report.trimmed_value_share:.3%} of the month's trade value)",
        report.trimmed,
        {
            "relative": lambda r: f"{r.relative:.3g}",
            "rule": lambda r: str(r.rule),
            currency: lambda r: money(r.v1),
            "share of flow": lambda r: f"{r.share:.3%}",
        },
    )
    _print_cells(
        f"Least homogeneous cells of {report.period.year} (monthly unit values)",
        report.heterogeneous,
        {
            "months": lambda r: str(r.months),
            "mean unit value": lambda r: f"{r.mean_unit_value:,.2f}",
            "CV": lambda r: f"{r.cv:.2f}",
        },
    )


def _print_cells(title: str, frame: pd.DataFrame, numbers: dict[str, Callable[[Any], str]]) -> None:
    """One row per cell of ``frame``: :data:`CELL_COLUMNS`, then each of ``numbers``."""
    shown = table(title, CELL_COLUMNS, tuple(numbers), names="name")
    for r in frame.itertuples(index=False):
        keys = (str(r.flow), str(r.commodity), name_cell(r.name, 24), str(r.partner), str(r.unit))
        shown.add_row(*keys, *(show(r) for show in numbers.values()))
    console.print(shown)
