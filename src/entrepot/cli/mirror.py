"""``entrepot mirror``: the store's exports to a partner against the partner's own imports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..analysis.numbers import money
from ..backends import BACKENDS
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


@app.command()
@friendly
def mirror(
    partner_data: Annotated[
        Path, typer.Option(help="The partner's UN Comtrade file (its imports, CSV or JSON).")
    ],
    origin: Annotated[
        str | None,
        typer.Option(
            help="Compare re-exports of goods from this origin with the partner's imports "
            "from it (an entrepôt's view).",
            show_default="the store's exports with the partner's imports from the reporter",
        ),
    ] = None,
    year: Annotated[
        int | None, typer.Option(help="The year.", show_default="the latest both cover")
    ] = None,
    rate: Annotated[
        float | None,
        typer.Option(
            help="The store's currency per unit of the partner file's (e.g. 7.8 HK$ per US$).",
            show_default="none: needed when the currencies differ",
        ),
    ] = None,
    band: Annotated[float, typer.Option(help="The CIF/FOB band, in % of the exports.")] = 10.0,
    reporter: Annotated[
        str | None,
        typer.Option(
            help="The store's reporter (ISO alpha-3), as the partner's file names it.",
            show_default="the store's, else HKG",
        ),
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="SITC divisions to show.")] = 15,
    fmt: FormatOption = "table",
    out: OutOption = None,
    as_json: JsonOption = False,
    backend: Annotated[str, typer.Option(help="Engine. " + one_of(BACKENDS))] = "duckdb",
    store: StoreOption = None,
) -> None:
    """Mirror statistics: the store's exports to a partner (or its re-exports of one
    origin's goods) against the partner's own imports, by SITC division and year, with the
    gap in value and %, inside or outside the CIF/FOB band."""
    from ..analysis.mirror import mirror as run_mirror
    from ..store.annual import annual_cells

    with open_store(store, read_only=True) as opened:
        engine = connect_engine(backend, opened)
        yearly = annual_cells(opened)
        result = run_mirror(
            engine,
            partner_data,
            reporter=reporter or opened.reporter or "HKG",
            currency=opened.currency,
            rate=rate,
            year=year,
            origin=origin,
            band=band,
            annual=yearly if len(yearly) else None,
        )

    def show() -> None:
        what = f"re-exports of goods from {result.origin}" if result.origin else "exports"
        theirs = f"imports from {result.origin or result.reporter}"
        title = (
            f"{result.reporter}'s {what} to {result.partner} against {result.partner}'s "
            f"{theirs}, {result.year} ({result.currency})"
        )
        shown = table(
            title, ("SITC", "name"), ("reported", "mirrored", "gap", "gap %", "band"), names="name"
        )
        shown.min_width = min(len(title), 100)
        rows = result.divisions.head(top)
        for r in rows.itertuples():
            shown.add_row(
                str(r.division), name_cell(r.name, 40), money(r.reported), money(r.mirrored),
                money(r.gap), pct(r.gap_pct), "inside" if r.inside_band else "outside",
            )  # fmt: skip
        t = result.total
        shown.add_row(
            "", "All divisions", money(t["reported"]), money(t["mirrored"]), money(t["gap"]),
            pct(t["gap_pct"]), "inside" if t["inside_band"] else "outside",
        )  # fmt: skip
        console.print(shown)
        console.print(
            f"Partner's values converted at {result.rate:g} {result.currency} per unit; "
            f"band ±{result.band:g}% of the reported exports (c.i.f. against f.o.b.)."
        )

    emit(
        output_format(fmt, as_json),
        out,
        show=show,
        data=result.as_dict,
        frame=lambda: result.divisions,
        sheet="mirror",
    )
