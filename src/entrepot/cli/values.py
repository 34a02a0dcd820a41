"""``entrepot summary``: values for the month and the year to date, with YoY changes."""

from __future__ import annotations

from typing import Annotated

import typer

from ..analysis.summary import Summary, SummaryRow
from ..backends import BACKENDS
from ..periods import Period
from ..schema import BREAKDOWNS, FLOW_LABELS, MEASURES
from .app import (
    AsOfOption,
    JsonOption,
    StoreOption,
    TopOption,
    app,
    as_of_load,
    connect_engine,
    friendly,
    one_of,
    open_store,
)
from .render import console, key_cells, keyed_table, money, pct, print_json, table

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
    top: TopOption = 15,
    as_json: JsonOption = False,
    backend: Annotated[str, typer.Option(help="Engine. " + one_of(BACKENDS))] = "duckdb",
    as_of: AsOfOption = None,
    store: StoreOption = None,
) -> None:
    """Values for the month and the year to date, with year-on-year changes."""
    from ..analysis.summary import breakdown
    from ..analysis.summary import summary as run_summary

    month = Period.parse(period)
    with open_store(store, read_only=True) as opened:
        engine = connect_engine(backend, opened, as_of_load(opened, as_of))
        if by:
            rows = breakdown(engine, month, by)
        else:
            result = run_summary(engine, month)
    if by:
        if as_json:
            print_json([r.as_dict() for r in rows])
        else:
            _print_breakdown(month, by.lower(), rows[:top], len(rows))
        return
    if as_json:
        print_json(result.as_dict())
    else:
        _print_summary(result)


def _print_summary(result: Summary) -> None:
    month = _MONTHS[result.period.month - 1]
    ytd = f"{'Jan–' if result.period.month > 1 else ''}{month} {result.period.year}"
    shown = table(
        f"External merchandise trade, {result.period} (HK$)", ("",), ("month", "YoY", ytd, "YoY")
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


def _print_breakdown(period: Period, by: str, rows: list[SummaryRow], total: int) -> None:
    shown = keyed_table(
        f"Trade by {by}, {period} (HK$; {len(rows)} of {total} shown)",
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
