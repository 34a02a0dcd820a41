"""``entrepot analyse``: every fact of a month's release, with its id and how it was made."""

from __future__ import annotations

from typing import Annotated

import typer

from ..analysis.facts import TOPICS, Analysis, about, value_text
from ..periods import Period
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
    app,
    as_of_load,
    friendly,
    one_of,
    open_store,
    output_format,
    query_engine,
)
from .render import console, emit, name_cell, steps, table

TOPIC_TITLES = {
    "level": "Levels",
    "comparison": "Comparisons (value: sums of months; indices: averages of levels)",
    "region": "Regions as a whole",
    "seasonal": "Seasonally adjusted",
    "streak": "Streaks of year-on-year growth",
    "contribution": "Contributions to growth",
    "split": "Volume and price",
    "mover": "Largest movers",
    "share": "Shares",
    "surge": "Surges and front-loading",
    "mix": "Mix shift",
    "transport": "Transport",
}


@app.command()
@friendly
def analyse(
    period: Annotated[str, typer.Option(help="The month, YYYY-MM.")],
    topic: Annotated[
        list[str] | None,
        typer.Option(help="Only these topics. " + one_of(TOPICS), show_default="all"),
    ] = None,
    adjusted: Annotated[
        bool,
        typer.Option(
            "--adjusted/--no-adjusted",
            help="Seasonally adjust (X-13ARIMA-SEATS; stored in the store and reused).",
        ),
    ] = True,
    top: Annotated[
        int, typer.Option(min=1, help="Contributions, movers and splits per breakdown.")
    ] = 5,
    partner: PartnerOption = None,
    commodity: CommodityOption = None,
    origin: OriginOption = None,
    mode: ModeOption = None,
    fmt: FormatOption = "table",
    out: OutOption = None,
    as_json: JsonOption = False,
    backend: EngineOption = None,
    as_of: AsOfOption = None,
    store: StoreOption = None,
) -> None:
    """Every fact the month's release needs: comparisons, the seasonally adjusted
    comparison, streaks, contributions, volume/price splits, movers and drivers."""
    from ..analysis.facts import analyse as run

    month = Period.parse(period)
    # Seasonal adjustment stores what it made: the store opens for writing only then.
    with open_store(store, read_only=not adjusted) as opened, steps("analysing") as step:
        load = as_of_load(opened, as_of)
        engine = query_engine(
            backend, opened, load, partner=partner, commodity=commodity, origin=origin, mode=mode
        )
        result = run(
            opened,
            engine,
            month,
            as_of=load,
            adjusted=adjusted,
            top=top,
            topics=[t.lower() for t in topic] if topic else TOPICS,
            progress=step,
        )
    emit(
        output_format(fmt, as_json),
        out,
        show=lambda: _show(result),
        data=result.as_dict,
        frame=result.table,
        sheet=f"analysis {month}",
    )


def _show(result: Analysis) -> None:
    scope = f"; {result.scope}" if result.scope else ""
    for topic, title in TOPIC_TITLES.items():
        facts = result.topic(topic)
        if not facts:
            continue
        shown = table(
            f"{title}, {result.period}{scope}",
            ("id", "about"),
            ("value",),
            names="about",
        )
        for fact in facts:
            shown.add_row(fact.id, name_cell(about(fact), 56), value_text(fact, result.currency))
        console.print(shown)
    for note in result.notes:
        console.print(f"not computed: {note}")
