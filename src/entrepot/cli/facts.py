"""``entrepot analyse``: every fact of a month's release, with its id and how it was made."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..analysis.facts import TOPICS, Analysis, Fact
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
from .render import console, emit, money, name_cell, steps, table

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
            shown.add_row(fact.id, name_cell(_about(fact), 56), _value(fact, result.currency))
        console.print(shown)
    for note in result.notes:
        console.print(f"not computed: {note}")


def _value(fact: Fact, currency: str) -> str:
    value: Any = fact.value
    if value is None:
        return "–"
    if fact.unit == "%":
        return f"{value:+.1f}%" if fact.measure == "change_pct" else f"{value:.1f}%"
    if fact.unit == "pp":
        return f"{value:+.1f} pp"
    if fact.unit == currency:
        return money(value)
    if fact.unit == "months":
        return f"{'≥' if fact.detail.get('at_least') else ''}{value}"
    if fact.unit == "index":
        return f"{value:.1f}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _about(fact: Fact) -> str:
    """A short phrase: the key's name and what qualifies the value."""
    d = fact.detail
    name = d.get("name") or fact.inputs.get("key", "")
    if fact.topic == "split":
        return str(d.get("reason", name))
    if fact.topic == "surge":
        carried = f", {d['carried_by']}" if d.get("carried_by") else ""
        divisions = ", ".join(x["division"] for x in d.get("divisions", [])[:3])
        return f"{name}: {money(d.get('excess'))} over forecast{carried}" + (
            f"; SITC {divisions}" if divisions else ""
        )
    if fact.topic == "mix":
        window = "the year" if fact.inputs.get("window") == "year" else "the month"
        change = d.get("change_pp")
        return f"SITC 75, 76, 77 in {window}" + (
            f": {change:+.1f} pp on a year earlier" if change is not None else ""
        )
    if fact.topic == "transport" and fact.measure == "share_pct":
        return f"by air: {d.get('change_pp', 0):+.1f} pp on a year earlier"
    if fact.topic == "transport":
        return f"{name}: value per kg, {d.get('share_pct', 0):.1f}% of the value"
    if fact.topic in ("contribution", "mover") and d.get("contribution_pp") is not None:
        return f"{name}: {d['contribution_pp']:+.1f} pp"
    if fact.topic in ("contribution", "mover", "share"):
        growth = d.get("growth_pct")
        return f"{name}" + (f": {growth:+.1f}%" if growth is not None else "")
    if fact.topic == "seasonal":
        info = d.get("adjustment", {})
        a, b = d["current_months"]
        c, e = d["previous_months"]
        method = "X-13" if info.get("method") == "x13" else str(info.get("method", ""))
        return f"{a}–{b} on {c}–{e}, {method} {info.get('model', '')}".strip()
    if fact.topic == "streak":
        start = d.get("start")
        return f"{name}" + (f" since {start}" if start else "")
    if "current_months" in d:
        a, b = d["current_months"]
        c, e = d["previous_months"]
        return f"{a}–{b} on {c}–{e}" if a != b else f"{a} on {c}"
    return str(name if name != "total" else fact.method)
