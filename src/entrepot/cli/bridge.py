"""``entrepot bridge``: a subheading's series carried back across an HS edition change."""

from __future__ import annotations

from typing import Annotated

import typer

from ..analysis.numbers import money
from ..backends import BACKENDS
from ..schema import MEASURES
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
from .render import console, emit, table


@app.command()
@friendly
def bridge(
    commodity: Annotated[str, typer.Option(help="A subheading of the new HS edition (6 digits).")],
    flow: Annotated[str, typer.Option(help="The flow. " + one_of(MEASURES))] = "total_exports",
    fmt: FormatOption = "table",
    out: OutOption = None,
    as_json: JsonOption = False,
    backend: Annotated[str, typer.Option(help="Engine. " + one_of(BACKENDS))] = "duckdb",
    store: StoreOption = None,
) -> None:
    """A subheading's monthly values across an HS edition change: before it, the older
    edition's subheadings that correspond to it (mapped when they feed it alone; split,
    and flagged, when they also feed others)."""
    from ..analysis.bridge import bridged

    with open_store(store, read_only=True) as opened:
        engine = connect_engine(backend, opened)
        result = bridged(engine, commodity, flow)
        currency = opened.currency

    def show() -> None:
        before = f"{result.old_edition} {', '.join(result.old_codes)}"
        title = (
            f"{result.flow} under {result.new_edition} {result.code}, carried back through "
            f"{before} ({currency})"
        )
        shown = table(title, ("month", "edition", "codes", "status"), (currency,))
        shown.min_width = min(len(title), 100)
        for r in result.frame.itertuples():
            shown.add_row(r.period, r.edition, r.codes, r.status, money(r.value))
        console.print(shown)
        if result.status == "split":
            console.print(
                f"Split: before {result.first_year}, {before} also fed "
                f"{', '.join(result.shared_with)}; their whole value is shown."
            )

    emit(
        output_format(fmt, as_json),
        out,
        show=show,
        data=result.as_dict,
        frame=lambda: result.frame,
        sheet=f"bridge {result.code}",
    )
