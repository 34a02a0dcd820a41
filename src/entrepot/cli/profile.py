"""``entrepot profile``: Hong Kong's trade with one partner, year by year, with its rank,
share and change, and its top SITC groups of each flow."""

from __future__ import annotations

from typing import Annotated

import typer

from ..analysis.numbers import money
from ..analysis.profile import DEFAULT_YEARS, PROFILE_FLOWS, Profile, TopGroups
from ..backends import BACKENDS
from ..schema import FLOW_LABELS
from .app import (
    FormatOption,
    JsonOption,
    OutOption,
    StoreOption,
    app,
    connect_engine,
    friendly,
    one_of,
    open_store,
    output_format,
)
from .render import console, emit, name_cell, pct, table

_LABELS = {
    **FLOW_LABELS,
    "domestic_exports": "  Domestic exports",
    "re_exports": "  Re-exports",
    "total_trade": "Total trade",
    "balance": "Trade balance",
}
"""Domestic exports and re-exports are parts of total exports."""
_NAME_WIDTH = 44
"""SITC group names are long; the groups table has room for more of them than most."""


@app.command()
@friendly
def profile(
    partner: Annotated[str, typer.Option(help="The partner's code, e.g. CHN.")],
    years: Annotated[
        str | None,
        typer.Option(
            help="Whole years: 2025, 2023..2025 or 2023,2025.",
            show_default=f"the last {DEFAULT_YEARS} complete years in the store",
        ),
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="SITC groups to show for each flow.")] = 10,
    fmt: FormatOption = "table",
    out: OutOption = None,
    as_json: JsonOption = False,
    backend: Annotated[str, typer.Option(help="Engine. " + one_of(BACKENDS))] = "duckdb",
    store: StoreOption = None,
) -> None:
    """Trade with one partner: annual totals by flow with its rank among all partners,
    share of Hong Kong's total and change on the year before; its top SITC groups."""
    from ..analysis.profile import parse_years
    from ..analysis.profile import profile as run_profile

    wanted = parse_years(years) if years else []
    with open_store(store, read_only=True) as opened:
        engine = connect_engine(backend, opened)
        result = run_profile(engine, partner, wanted, top=top)
        currency = opened.currency

    def show() -> None:
        _print_annual(result, currency)
        for groups in result.top:
            _print_groups(result, groups, currency)
        if result.note:
            console.print(result.note)

    emit(
        output_format(fmt, as_json),
        out,
        show=show,
        data=result.as_dict,
        frame=result.table,
        sheet=f"profile {result.partner}",
    )


def _print_annual(result: Profile, currency: str) -> None:
    span = f"{result.years[0]}–{result.years[-1]}" if len(result.years) > 1 else result.years[0]
    title = f"Hong Kong's trade with {result.name} ({result.partner}), {span} ({currency})"
    shown = table(title, ("", "year"), ("value", "rank", "% of HK", "change"))
    shown.min_width = len(title)  # the title on one line: the columns take the room
    for flow in PROFILE_FLOWS:
        for i, year in enumerate(result.annual):
            figures = year.flows[flow]
            shown.add_row(
                _LABELS[flow] if i == 0 else "",
                str(year.year),
                money(figures.value),
                str(figures.rank) if figures.rank is not None else "",
                pct(figures.share_pct, signed=False) if flow != "balance" else "",
                pct(figures.change_pct) if flow != "balance" else "",
                end_section=i == len(result.annual) - 1,
            )
    console.print(shown)


def _print_groups(result: Profile, groups: TopGroups, currency: str) -> None:
    way = "from" if groups.flow == "imports" else "to"
    label = FLOW_LABELS[groups.flow]
    if not groups.groups:
        console.print(f"No {label.lower()} {way} {result.name} in {groups.year}.")
        return
    title = f"{label} {way} {result.name}, {groups.year}: top SITC groups ({currency})"
    shown = table(title, ("SITC", "name"), ("value", "% share", "change"), names="name")
    shown.min_width = len(title)
    rows = [*groups.groups, *([groups.others] if groups.others else [])]
    for i, g in enumerate(rows):
        shown.add_row(
            g.code if g.code != "others" else "",
            name_cell(g.name, _NAME_WIDTH),
            money(g.value),
            pct(g.share_pct, signed=False),
            pct(g.change_pct),
            end_section=i == len(rows) - 1,
        )
    whole = result.year(groups.year).flows[groups.flow]
    shown.add_row("", "Total", money(groups.total), "100.0%", pct(whole.change_pct))
    console.print(shown)
