"""``entrepot summary``: values for the month and the year to date, with YoY changes."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Annotated

import typer

from ..analysis.numbers import money
from ..analysis.summary import Summary, SummaryRow
from ..errors import InputError
from ..periods import Period
from ..schema import BREAKDOWNS, FLOW_LABELS, MEASURES
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
    dataset_currency,
    dataset_engine,
    filtered,
    friendly,
    one_of,
    open_store,
    output_format,
    query_engine,
    state,
)
from .render import console, emit, key_cells, keyed_table, pct, table

_INDENT = {"domestic_exports": "  ", "re_exports": "  "}
"""Domestic exports and re-exports are parts of total exports."""
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@app.command()
@friendly
def summary(
    period: Annotated[str, typer.Option(help="The month, YYYY-MM.")],
    by: Annotated[
        str | None,
        typer.Option(help="Break down by " + one_of(BREAKDOWNS), show_default="no breakdown"),
    ] = None,
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
    """Values for the month and the year to date, with year-on-year changes (of the store's
    cells, or of a dataset's with --dataset before the command)."""
    from ..analysis.summary import breakdown, rows_frame
    from ..analysis.summary import summary as run_summary

    month = Period.parse(period)
    fmt = output_format(fmt, as_json)
    with ExitStack() as stack:
        if state.dataset and store is None:
            if as_of:
                raise InputError("--as-of reads a store's history of loads: a dataset has none.")
            engine = filtered(
                dataset_engine(backend),
                partner=partner, commodity=commodity, origin=origin, mode=mode,
            )  # fmt: skip
            currency = dataset_currency()
        else:
            opened = stack.enter_context(open_store(store, read_only=True))
            engine = query_engine(
                backend,
                opened,
                as_of_load(opened, as_of),
                partner=partner,
                commodity=commodity,
                origin=origin,
                mode=mode,
            )
            currency = opened.currency
        if by:
            rows = breakdown(engine, month, by)
        else:
            result = run_summary(engine, month)
    filters = engine.filters.describe()
    if by:
        emit(
            fmt,
            out,
            show=lambda: _print_breakdown(
                month, by.lower(), rows[:top], len(rows), currency, filters
            ),
            data=lambda: [r.as_dict() for r in rows],
            frame=lambda: rows_frame(rows),
            sheet=f"summary {month} by {by.lower()}",
        )
        return
    emit(
        fmt,
        out,
        show=lambda: _print_summary(result, currency, filters),
        data=result.as_dict,
        frame=result.to_frame,
        sheet=f"summary {month}",
    )


def _print_summary(result: Summary, currency: str, filters: str = "") -> None:
    month = _MONTHS[result.period.month - 1]
    ytd = f"{'Jan–' if result.period.month > 1 else ''}{month} {result.period.year}"
    scope = f"; {filters}" if filters else ""
    shown = table(
        f"External merchandise trade, {result.period} ({currency}{scope})",
        ("",),
        ("month", "YoY", ytd, "YoY"),
    )
    for m in MEASURES:
        shown.add_row(
            _INDENT.get(m, "") + FLOW_LABELS[m],
            money(result.month.values[m]),
            pct(result.month.yoy_pct[m]),
            money(result.year_to_date.values[m]),
            pct(result.year_to_date.yoy_pct[m]),
        )
    shown.add_row(
        "Visible trade balance",
        money(result.month.balance),
        "",
        money(result.year_to_date.balance),
        "",
    )
    shown.add_row(
        "  as % of imports",
        pct(result.month.balance_pct_of_imports, signed=False),
        "",
        pct(result.year_to_date.balance_pct_of_imports, signed=False),
        "",
    )
    console.print(shown)
    if result.note:
        console.print(result.note)


def _print_breakdown(
    period: Period, by: str, rows: list[SummaryRow], total: int, currency: str, filters: str
) -> None:
    scope = f"; {filters}" if filters else ""
    shown = keyed_table(
        f"Trade by {by}, {period} ({currency}{scope}; {len(rows)} of {total} shown)",
        by,
        rows,
        ("total exports", "YoY", "imports", "YoY", "exports YTD", "YoY"),
    )
    for r in rows:
        shown.add_row(
            *key_cells(r, rows),
            money(r.month.values["total_exports"]),
            pct(r.month.yoy_pct["total_exports"]),
            money(r.month.values["imports"]),
            pct(r.month.yoy_pct["imports"]),
            money(r.year_to_date.values["total_exports"]),
            pct(r.year_to_date.yoy_pct["total_exports"]),
        )
    console.print(shown)
