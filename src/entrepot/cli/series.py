"""``entrepot series``: monthly series of any flow, measure, breakdown and filter."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.text import Text

from ..analysis.numbers import money
from ..periods import Period
from ..schema import BREAKDOWNS, INDEX_FLOWS
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
    friendly,
    one_of,
    open_store,
    output_format,
    query_engine,
)
from .render import console, emit, name_cell, pct, table


@app.command()
@friendly
def series(
    flow: Annotated[str, typer.Option(help=one_of(INDEX_FLOWS))] = "total_exports",
    measure: Annotated[str, typer.Option(help="value, price or volume (indices).")] = "value",
    by: Annotated[str, typer.Option(help="Break down by " + one_of(BREAKDOWNS))] = "total",
    key: Annotated[
        list[str] | None,
        typer.Option(help="Only these keys of the breakdown (e.g. USA, 77).", show_default="all"),
    ] = None,
    adjusted: Annotated[
        bool,
        typer.Option(
            "--adjusted", help="Add the seasonally adjusted series (X-13ARIMA-SEATS; stored)."
        ),
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Adjust again instead of reading the stored one.")
    ] = False,
    start: Annotated[
        str | None, typer.Option(help="First month, YYYY-MM.", show_default="the first held")
    ] = None,
    end: Annotated[
        str | None, typer.Option(help="Last month, YYYY-MM.", show_default="the last held")
    ] = None,
    partner: PartnerOption = None,
    commodity: CommodityOption = None,
    origin: OriginOption = None,
    mode: ModeOption = None,
    top: TopOption = 5,
    fmt: FormatOption = "table",
    out: OutOption = None,
    as_json: JsonOption = False,
    backend: EngineOption = None,
    as_of: AsOfOption = None,
    store: StoreOption = None,
) -> None:
    """Monthly series: value, or price and volume indices, with year-on-year changes."""
    from ..analysis.series import monthly_series

    first = Period.parse(start) if start else None
    last = Period.parse(end) if end else None
    fmt = output_format(fmt, as_json)
    # Adjusting stores the result: the store opens for writing only then.
    with open_store(store, read_only=not adjusted) as opened:
        load = as_of_load(opened, as_of)
        engine = query_engine(
            backend, opened, load, partner=partner, commodity=commodity, origin=origin, mode=mode
        )
        result = monthly_series(
            opened,
            engine,
            flow=flow,
            measure=measure,
            by=by,
            keys=key or (),
            start=first,
            end=last,
            adjusted=adjusted,
            as_of=load,
            refresh=refresh,
        )
        currency = opened.currency
    emit(
        fmt,
        out,
        show=lambda: _show(result, top, currency),
        data=result.as_dict,
        frame=result.table,
        sheet=f"{result.flow} {result.measure}",
    )


def _show(result: object, top: int, currency: str) -> None:
    from ..analysis.series import MonthlySeries

    assert isinstance(result, MonthlySeries)
    frame = result.frame
    latest = frame[frame.period == frame.period.max()].sort_values("level", ascending=False)
    keys = list(latest.key)[:top] or result.keys()[:top]
    unit = currency if result.measure == "value" else "index"
    columns = ["level", "YoY"] + (["adjusted", "SA YoY"] if "adjusted" in frame else [])
    what = f"{result.flow.replace('_', ' ')}, {result.measure} ({unit})"
    if result.filters:
        what += "; " + "; ".join(f"{k} {', '.join(v)}" for k, v in result.filters.items())
    many = result.breakdown != "total"
    shown = table(
        f"{what[0].upper()}{what[1:]}" + (f" by {result.breakdown}" if many else ""),
        ("month", result.breakdown, "name") if many else ("month",),
        columns,
        names="name" if many else None,
    )
    fmt_level = money if result.measure == "value" else (lambda v: f"{v:,.1f}")
    for k in keys:
        rows = frame[frame.key == k]
        for r in rows.itertuples(index=False):
            cells: list[str | Text] = [str(Period.from_key(int(r.period)))]
            if many:
                cells += [str(r.key), name_cell(str(r.label))]
            cells += [fmt_level(r.level), pct(_number(r.yoy_pct))]
            if "adjusted" in frame:
                cells += [fmt_level(r.adjusted), pct(_number(r.adjusted_yoy_pct))]
            shown.add_row(*cells)
    console.print(shown)
    if len(result.keys()) > len(keys):
        console.print(
            f"{len(keys)} of {len(result.keys())} keys shown (largest in the last month); "
            "--format csv, parquet or xlsx --out FILE writes them all."
        )
    for k, info in result.adjustments.items():
        if k in keys:
            console.print(_adjustment(k, info))


def _adjustment(key: str, info: dict[str, Any]) -> str:
    """How one key was adjusted, in a line: method, model, calendar effects, residual test."""
    method = "X-13ARIMA-SEATS" if info.get("method") == "x13" else str(info.get("method"))
    parts = [f"{method} {info.get('model')}"]
    parts += [f"{name.replace('_', ' ')} t = {t:.1f}" for name, t in info["regressors"].items()]
    qs = info.get("residual_qs")
    if qs:
        parts.append(f"residual seasonality QS p = {qs[1]:.2f}")
    if info.get("cached"):
        parts.append(f"stored adjustment {info.get('adjustment_id')}")
    return f"Adjusted ({key}): " + "; ".join(parts) + "."


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else number
