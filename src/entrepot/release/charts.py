"""The release's charts: Vega-Lite specs built with Altair from small frames.

One spec serves both outputs: the HTML release and the dashboard render it in the browser
(:func:`embed`, with :func:`script_bundle` in the page's head, so no network is needed), and
the PDF gets the same chart as SVG or PNG rendered here by vl-convert (:func:`to_svg`,
:func:`to_png`). Every builder applies :func:`look`, the one place the house style lives:
sans-serif, 600 pixels wide, titles on the left, colour-blind-safe colours (Okabe-Ito), no
frame, light grid, type legible when a chart is printed at A4 width.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import TypeVar

import altair as alt
import pandas as pd
import vl_convert

from ..errors import InputError

WIDTH = 600
"""Pixels; at 72 ppi a chart printed across A4's text width keeps 9-point type."""
FONT = "sans-serif"
BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, GREY = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#767676",
)
PALETTE = (BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY)
"""Okabe-Ito: distinguishable with the common colour-vision deficiencies."""
ADJUSTED = ", seasonally adjusted"
"""Suffix naming an adjusted series; it is drawn dashed, in its unadjusted twin's colour."""
DASHED = [6, 3]
SOLID = [1, 0]
INCREASE, DECREASE, NO_RATE = "Increase", "Decrease", "No comparison"
PADDING = 20
"""Pixels between the outermost dots and the scatter's axes."""
LABEL_LIMIT = 190
"""Pixels: about 30 characters of axis label; the tooltip shows the whole label."""

Built = TypeVar("Built", alt.Chart, alt.LayerChart)


def look(chart: Built) -> Built:
    """The house style, applied once to a finished chart (configured charts cannot be
    layered, so builders call it last)."""
    return (
        chart.configure(font=FONT, background="white", padding=8)
        .configure_view(stroke=None)
        .configure_title(
            anchor="start", fontSize=15, fontWeight="bold", offset=10, subtitleFontSize=12
        )
        .configure_axis(
            labelFontSize=12,
            titleFontSize=12,
            titleFontWeight="normal",
            titleColor="#333333",
            labelColor="#333333",
            domainColor="#888888",
            tickColor="#888888",
            gridColor="#e6e6e6",
        )
        .configure_legend(
            labelFontSize=12, titleFontSize=12, orient="bottom", direction="horizontal"
        )
        .configure_range(category=list(PALETTE))
    )


def headline(frame: pd.DataFrame, *, title: str, unit: str) -> alt.Chart:
    """Monthly lines, one per series; ``frame`` has ``period`` (YYYY-MM), ``series`` and
    ``value``. An adjusted series ("…, seasonally adjusted") is dashed and shares its
    unadjusted twin's colour, so the pair reads as one figure measured two ways."""
    data = _columns(frame, ("period", "series", "value"), "headline")
    names = list(dict.fromkeys(data["series"]))
    colours, dashes = _series_style(names)
    return look(
        alt.Chart(data, title=alt.Title(title))
        .mark_line(strokeWidth=2, point=alt.OverlayMarkDef(filled=True, size=20))
        .encode(
            # UTC months: "2025-01" is parsed as UTC midnight, so local time could show it
            # as December in the Americas.
            x=alt.X(
                "utcyearmonth(period):T",
                title=None,
                axis=alt.Axis(format="%b %Y", labelAngle=0, grid=False, labelOverlap=True),
            ),
            y=alt.Y("value:Q", title=unit, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=names, range=colours),
                legend=alt.Legend(
                    symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=500, labelLimit=320
                ),
            ),
            strokeDash=alt.StrokeDash(
                "series:N", title=None, scale=alt.Scale(domain=names, range=dashes)
            ),
            tooltip=[
                alt.Tooltip("period:N", title="Month"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("value:Q", title=unit, format=",.1f"),
            ],
        )
        .properties(width=WIDTH, height=300)
    )


def bars(frame: pd.DataFrame, *, title: str, value: str, unit: str) -> alt.Chart:
    """Horizontal bars by destination, SITC division or mode, in the frame's order (the
    caller sorts, usually by value descending, and may keep "Others" last); ``frame`` has
    ``label``, ``value`` and optionally ``change_pct``, which colours the bar by sign."""
    data = _columns(frame, ("label", "value"), "bars", optional=("change_pct",))
    tooltip = [
        alt.Tooltip("label:N", title="Item"),
        alt.Tooltip("value:Q", title=f"{value} ({unit})", format=",.1f"),
    ]
    chart = alt.Chart(data, title=alt.Title(title)).mark_bar(color=BLUE, height={"band": 0.75})
    if "change_pct" in data:
        chart = chart.transform_calculate(
            direction=(
                f"!isValid(datum.change_pct) ? '{NO_RATE}'"
                f" : datum.change_pct < 0 ? '{DECREASE}' : '{INCREASE}'"
            )
        ).encode(
            color=alt.Color(
                "direction:N",
                title="Year-on-year",
                scale=alt.Scale(
                    domain=[INCREASE, DECREASE, NO_RATE], range=[BLUE, VERMILLION, GREY]
                ),
            )
        )
        tooltip.append(alt.Tooltip("change_pct:Q", title="Change (%)", format="+.1f"))
    return look(
        chart.encode(
            y=alt.Y(
                "label:N",
                sort=None,
                title=None,
                axis=alt.Axis(labelLimit=LABEL_LIMIT, ticks=False, domain=False),
            ),
            x=alt.X("value:Q", title=f"{value} ({unit})", axis=alt.Axis(grid=True)),
            tooltip=tooltip,
        ).properties(width=WIDTH - LABEL_LIMIT, height=alt.Step(22))
    )


def volume_price(frame: pd.DataFrame, *, title: str) -> alt.LayerChart:
    """Year-on-year volume change against price change by destination, as a scatter;
    ``frame`` has ``label``, ``volume_pct``, ``price_pct`` and ``value`` (the dot's area).
    The zero rules split growth by quantity from growth by price."""
    data = _columns(frame, ("label", "volume_pct", "price_pct", "value"), "volume_price")
    base = alt.Chart(data).encode(
        x=alt.X(
            "volume_pct:Q",
            title="Volume change, year-on-year (%)",
            scale=alt.Scale(padding=PADDING),
        ),
        y=alt.Y(
            "price_pct:Q",
            title="Price change, year-on-year (%)",
            scale=alt.Scale(padding=PADDING),
        ),
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#888888", strokeWidth=1)
    dots = base.mark_circle(color=BLUE, opacity=0.6, stroke="white", strokeWidth=0.5).encode(
        size=alt.Size("value:Q", legend=None, scale=alt.Scale(range=[40, 1000])),
        tooltip=[
            alt.Tooltip("label:N", title="Destination"),
            alt.Tooltip("volume_pct:Q", title="Volume (%)", format="+.1f"),
            alt.Tooltip("price_pct:Q", title="Price (%)", format="+.1f"),
            alt.Tooltip("value:Q", title="Value", format=",.1f"),
        ],
    )
    labels = base.mark_text(align="left", baseline="middle", dx=9, fontSize=11).encode(
        text="label:N"
    )
    return look(
        alt.LayerChart(
            layer=[zero.encode(x="zero:Q"), zero.encode(y="zero:Q"), dots, labels],
            title=alt.Title(title, subtitle="Circle size shows the value of trade."),
            width=WIDTH,
            height=380,
        )
    )


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG document, rendered offline."""
    return vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=vegalite_version())


def to_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    """The chart as PNG; ``scale`` 2 gives 1,200 pixels across, sharp at A4 width."""
    return vl_convert.vegalite_to_png(chart.to_dict(), vl_version=vegalite_version(), scale=scale)


@cache
def vegalite_version() -> str:
    """The Vega-Lite version vl-convert should compile with: Altair's schema (major.minor)
    when vl-convert has it, else vl-convert's newest release of the same major."""
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    supported = vl_convert.get_vegalite_versions()
    if f"{major}.{minor}" in supported:
        return f"{major}.{minor}"
    same = [v for v in supported if v.split(".")[0] == major]
    if not same:
        raise InputError(
            f"Altair writes Vega-Lite {alt.SCHEMA_VERSION} but vl-convert renders only "
            f"{', '.join(supported)}; install matching altair and vl-convert-python versions."
        )
    return max(same, key=lambda v: tuple(int(p) for p in v.split(".")))


EMBED_SNIPPET = "window.vegaEmbed = vegaEmbed;"
"""What the bundle exports to the page (vl-convert's default also sets ``window.vega`` and
``window.vegaLite``, but to null: only vegaEmbed is usable)."""


@cache
def script_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed in one classic script, for a page's head: no imports,
    nothing fetched, and it defines ``window.vegaEmbed``. Wrapped in a function so its
    hundreds of minified top-level names do not collide with the page's own scripts."""
    bundle = vl_convert.javascript_bundle(EMBED_SNIPPET, vl_version=vegalite_version())
    bundle = re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE)
    return f"(function () {{\n{bundle}\n}})();\n"


ELEMENT_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def embed(chart: alt.TopLevelMixin, element_id: str) -> str:
    """The HTML for one interactive chart; the page's head holds :func:`script_bundle`.

    The spec goes into a script as JSON with ``<``, ``>`` and ``&`` escaped, so a label
    such as "</script>" cannot end the script early:

    >>> html = embed(bars(pd.DataFrame({"label": ["</script>"], "value": [1.0]}),
    ...     title="T", value="V", unit="U"), "exports")
    >>> "</script>" in html.removesuffix("</script>")
    False
    """
    if not ELEMENT_ID.fullmatch(element_id):
        raise InputError(
            f"Chart element id {element_id!r} is not usable; use a letter followed by "
            "letters, digits, '-' or '_' (e.g. 'exports-by-destination')."
        )
    spec = json.dumps(chart.to_dict(), ensure_ascii=False, separators=(",", ":"))
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        spec = spec.replace(character, escaped)
    # U+2028 and U+2029 are legal in JSON but end a line in older JavaScript engines.
    spec = spec.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return (
        f'<div id="{element_id}" class="chart"></div>\n'
        f"<script>vegaEmbed('#{element_id}', {spec}, {{\"actions\": false}});</script>"
    )


def _series_style(names: list[str]) -> tuple[list[str], list[list[int]]]:
    """Colours and dashes by series: an adjusted series takes its twin's colour, dashed."""
    bases = [name.removesuffix(ADJUSTED) for name in names]
    distinct = list(dict.fromkeys(bases))
    colours = [PALETTE[distinct.index(base) % len(PALETTE)] for base in bases]
    dashes = [DASHED if name.endswith(ADJUSTED) else SOLID for name in names]
    return colours, dashes


def _columns(
    frame: pd.DataFrame, needed: tuple[str, ...], chart: str, optional: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The columns a chart draws, checked, so the spec embeds nothing else."""
    missing = [column for column in needed if column not in frame.columns]
    if missing:
        raise InputError(
            f"The {chart} chart needs column(s) {', '.join(missing)}. "
            f"Existing columns: {', '.join(map(str, frame.columns))}."
        )
    keep = [*needed, *(column for column in optional if column in frame.columns)]
    return frame.loc[:, keep].reset_index(drop=True)
