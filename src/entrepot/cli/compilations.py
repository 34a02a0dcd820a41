"""``entrepot compile``, ``indices`` and ``diagnostics``: the trade unit value and volume
indices, compiled into the store and read back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import pandas as pd
import typer

from ..analysis.compilations import Diagnostics, IndexRow
from ..backends import BACKENDS
from ..compute.trade_indices import FORMULAS, IMPUTATIONS
from ..periods import Period
from ..schema import BREAKDOWNS, FLOW_LABELS, INDEX_FLOWS
from .app import (
    JsonOption,
    StoreOption,
    TopOption,
    app,
    connect_engine,
    friendly,
    one_of,
    open_store,
)
from .render import (
    console,
    key_cells,
    keyed_table,
    money,
    name_cell,
    pct,
    print_json,
    steps,
    table,
)


@app.command("compile")
@friendly
def compile_(
    formula: Annotated[str, typer.Option(help=one_of(FORMULAS))] = "fisher",
    reference_year: Annotated[
        int | None,
        typer.Option(
            help="Year whose monthly average is 100.",
            show_default="the last complete year before the latest, after a year of data",
        ),
    ] = None,
    low: Annotated[float, typer.Option(help="Trim unit value relatives below this.")] = 0.1,
    high: Annotated[float, typer.Option(help="Trim unit value relatives above this.")] = 10.0,
    fence: Annotated[
        float, typer.Option(help="Tukey fence k on log relatives within SITC groups (0: off).")
    ] = 3.0,
    imputation: Annotated[
        str,
        typer.Option(
            help="Unmatched cells: exclude them, or class_mean (the SITC group's mean). "
            + one_of(IMPUTATIONS)
        ),
    ] = "exclude",
    backend: Annotated[str, typer.Option(help="Engine. " + one_of(BACKENDS))] = "duckdb",
    store: StoreOption = None,
) -> None:
    """Compile unit value (price) and volume indices for every flow and breakdown."""
    from ..analysis.compilations import compile_store
    from ..compute.unit_values import Outliers

    rule = Outliers(low=low, high=high, fence=fence or None)
    with open_store(store) as opened, steps("compiling") as step:
        engine = connect_engine(backend, opened)
        report = compile_store(
            opened,
            engine,
            formula=formula.lower(),
            reference_year=reference_year,
            outliers=rule,
            imputation=imputation.lower(),
            progress=step,
        )
    first, last = (str(Period.from_key(p)) for p in report.periods)
    chosen = (
        ""
        if reference_year
        else " (the last complete year before the latest, after a year of data)"
    )
    console.print(
        f"Compilation {report.compile_id}: {report.formula}, reference year "
        f"{report.reference_year} = 100{chosen}, {first} to {last}; {report.series_rows:,} "
        f"series rows for {', '.join(report.breakdowns)}; {report.trimmed:,} relatives "
        f"trimmed as outliers ({report.trimmed_value_share:.2%} of trade value)."
    )


@app.command()
@friendly
def indices(
    period: Annotated[str, typer.Option(help="The month, YYYY-MM.")],
    flow: Annotated[str, typer.Option(help=one_of(INDEX_FLOWS))] = "total_exports",
    by: Annotated[str, typer.Option(help=one_of(BREAKDOWNS))] = "total",
    top: TopOption = 15,
    as_json: JsonOption = False,
    store: StoreOption = None,
) -> None:
    """Value, price and volume changes of a compiled month, with the volume growth streak.

    value, price, volume: year-on-year changes of the value, the unit value (price) index
    and the volume (quantum) index. streak: consecutive months, up to this one, whose
    volume grew year on year. coverage: share of the month's value in cells with a price
    relative of their own (matched with a year earlier). imputed (after a compile with
    --imputation class_mean): cells given their SITC group's mean relative. --json also
    gives cells_matched and cells_imputed.
    """
    from ..analysis.compilations import index_rows

    month = Period.parse(period)
    with open_store(store, read_only=True) as opened:
        rows = index_rows(opened, month, flow=flow, by=by)
    if as_json:
        print_json([r.as_dict() for r in rows])
        return
    if not rows:
        console.print(f"No {flow} series by {by} in {month}.")
        return
    flow, by = rows[0].flow, rows[0].breakdown
    what = FLOW_LABELS[flow] + ("" if by == "total" else f" by {by}")
    _print_index_rows(f"{what}, {month}: year-on-year changes", by, rows[:top])


def _print_index_rows(title: str, by: str, rows: list[IndexRow]) -> None:
    # Imputed cells have a column only when a compilation imputed some.
    imputed = any(r.cells_imputed for r in rows)
    measures: tuple[str, ...] = ("HK$", "value", "price", "volume", "streak", "coverage")
    measures += ("imputed",) if imputed else ()
    shown = keyed_table(title, by if by != "total" else "flow", rows, measures)
    for r in rows:
        keys = key_cells(r, rows) if by != "total" else [FLOW_LABELS[r.flow]]
        cells = [
            money(r.value),
            pct(r.value_yoy_pct),
            pct(r.price_yoy_pct),
            pct(r.volume_yoy_pct),
            f"{r.volume_growth_streak}",
            f"{r.price_coverage:.0%}" if r.price_coverage is not None else "–",
        ]
        if imputed:
            cells.append(f"{r.cells_imputed or 0:,}")
        shown.add_row(*keys, *cells)
    console.print(shown)


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
    if as_json:
        print_json(report.as_dict())
        return
    _print_diagnostics(report)


CELL_COLUMNS = ("flow", "commodity", "name", "partner", "unit")
"""How a cell is shown: its key, with the commodity's name."""


def _print_diagnostics(report: Diagnostics) -> None:
    _print_cells(
        f"Relatives trimmed in {report.period} "
        f"({report.trimmed_value_share:.3%} of the month's trade value)",
        report.trimmed,
        {
            "relative": lambda r: f"{r.relative:.3g}",
            "HK$": lambda r: money(r.v1),
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
