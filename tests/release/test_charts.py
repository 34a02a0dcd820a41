from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import pytest

from entrepot.errors import InputError
from entrepot.release import charts

HEADLINE = pd.DataFrame(
    {
        "period": ["2025-11", "2025-12", "2025-11", "2025-12", "2025-11", "2025-12"],
        "series": ["Total exports"] * 2
        + ["Total exports, seasonally adjusted"] * 2
        + ["Imports"] * 2,
        "value": [456.4, 512.8, 470.0, 481.2, 498.0, 560.3],
    }
)
BARS = pd.DataFrame(
    {
        "label": ["Chinese Mainland", "United States", "Electrical machinery, apparatus and parts"],
        "value": [260.1, 35.2, 12.0],
        "change_pct": [12.3, -4.5, float("nan")],
    }
)
SCATTER = pd.DataFrame(
    {
        "label": ["Chinese Mainland", "United States", "Taiwan"],
        "volume_pct": [18.2, 44.6, -3.0],
        "price_pct": [2.1, 1.3, 4.0],
        "value": [260.1, 35.2, 30.3],
    }
)


def values(spec: dict[str, Any], data: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The rows a (layer's) spec draws, whether inline or in the top-level datasets."""
    data = data if data is not None else spec["data"]
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def test_headline_draws_a_line_per_series_with_the_adjusted_one_dashed() -> None:
    spec = charts.headline(HEADLINE, title="Total exports", unit="HK$ billion").to_dict()
    assert spec["mark"]["type"] == "line"
    assert spec["title"]["text"] == "Total exports"
    encoding = spec["encoding"]
    assert (encoding["x"]["field"], encoding["x"]["type"]) == ("period", "temporal")
    assert encoding["x"]["timeUnit"] == "utcyearmonth"
    assert (encoding["y"]["field"], encoding["y"]["title"]) == ("value", "HK$ billion")
    names = ["Total exports", "Total exports, seasonally adjusted", "Imports"]
    assert encoding["color"]["scale"]["domain"] == names
    # The adjusted series shares its twin's colour and is the only dashed one.
    blue, orange = charts.BLUE, charts.VERMILLION
    assert encoding["color"]["scale"]["range"] == [blue, blue, orange]
    assert encoding["strokeDash"]["scale"]["range"] == [[1, 0], [6, 3], [1, 0]]
    value_tip = next(t for t in encoding["tooltip"] if t["field"] == "value")
    assert value_tip["format"] == ",.1f"
    assert values(spec) == HEADLINE.to_dict("records")


def test_bars_keep_the_frame_order_and_colour_by_the_sign_of_the_change() -> None:
    chart = charts.bars(BARS, title="By destination", value="Total exports", unit="HK$ billion")
    spec = chart.to_dict()
    assert spec["mark"]["type"] == "bar"
    encoding = spec["encoding"]
    assert encoding["y"]["field"] == "label"
    assert encoding["y"]["sort"] is None
    assert encoding["y"]["axis"]["labelLimit"] == charts.LABEL_LIMIT
    assert (encoding["x"]["field"], encoding["x"]["title"]) == (
        "value",
        "Total exports (HK$ billion)",
    )
    assert encoding["color"]["field"] == "direction"
    assert [t["field"] for t in encoding["tooltip"]] == ["label", "value", "change_pct"]
    rows = values(spec)
    assert [row["label"] for row in rows] == list(BARS["label"])
    assert [row["value"] for row in rows] == [260.1, 35.2, 12.0]
    assert [row["change_pct"] for row in rows] == [12.3, -4.5, None]


def test_bars_without_a_change_are_one_colour() -> None:
    spec = charts.bars(BARS[["label", "value"]], title="T", value="V", unit="U").to_dict()
    assert "color" not in spec["encoding"]
    assert "transform" not in spec
    assert [t["field"] for t in spec["encoding"]["tooltip"]] == ["label", "value"]


def test_a_missing_column_is_named_with_the_existing_ones() -> None:
    with pytest.raises(InputError, match=r"needs column\(s\) value\. Existing columns: label"):
        charts.bars(BARS[["label"]], title="T", value="V", unit="U")


def test_volume_price_layers_zero_rules_dots_and_labels() -> None:
    spec = charts.volume_price(SCATTER, title="Volume and price").to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "rule", "circle", "text"]
    x_rule, y_rule, dots, labels = spec["layer"]
    assert x_rule["encoding"]["x"]["field"] == "zero"
    assert y_rule["encoding"]["y"]["field"] == "zero"
    assert values(spec, x_rule["data"]) == [{"zero": 0.0}]
    assert dots["encoding"]["x"]["field"] == "volume_pct"
    assert dots["encoding"]["y"]["field"] == "price_pct"
    assert dots["encoding"]["size"]["field"] == "value"
    assert labels["encoding"]["text"]["field"] == "label"
    assert values(spec, dots["data"]) == SCATTER.to_dict("records")


def test_every_chart_wears_the_house_style() -> None:
    for chart in (
        charts.headline(HEADLINE, title="T", unit="U"),
        charts.bars(BARS, title="T", value="V", unit="U"),
        charts.volume_price(SCATTER, title="T"),
    ):
        config = chart.to_dict()["config"]
        assert config["font"] == "sans-serif"
        assert config["title"]["anchor"] == "start"
        assert config["view"]["stroke"] is None


def test_svg_is_rendered_with_the_title() -> None:
    svg = charts.to_svg(charts.bars(BARS, title="Exports by destination", value="V", unit="U"))
    assert svg.lstrip().startswith("<svg")
    assert "Exports by destination" in svg
    assert "Chinese Mainland" in svg


def test_png_is_a_sharp_image_at_the_given_scale() -> None:
    chart = charts.headline(HEADLINE, title="Total exports", unit="HK$ billion")
    png = charts.to_png(chart, scale=2)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert 2 * charts.WIDTH <= width <= 2 * (charts.WIDTH + 200)
    assert int.from_bytes(charts.to_png(chart, scale=1)[16:20], "big") == pytest.approx(
        width / 2, abs=1
    )


def test_the_vegalite_version_is_one_vl_convert_renders() -> None:
    import vl_convert

    assert charts.vegalite_version() in vl_convert.get_vegalite_versions()
    assert alt.SCHEMA_VERSION.lstrip("v").startswith(charts.vegalite_version().split(".")[0])


def test_the_script_bundle_defines_vega_embed_and_fetches_nothing() -> None:
    bundle = charts.script_bundle()
    assert len(bundle) > 100_000
    assert "window.vegaEmbed" in bundle
    assert "<script" not in bundle.lower()
    assert "</script" not in bundle.lower()
    assert "cdn." not in bundle
    # No static or dynamic import of a module from anywhere, let alone a URL.
    assert not re.search(r"\bimport\s*(\(|['\"{*]|[\w$]+\s+from\b)", bundle)
    assert not re.search(r"""from\s*['"]https?://""", bundle)


STUB_DOM = """
const stub = () => new Proxy(function () {}, {
  get: (target, key) => (key === "then" ? undefined : key === Symbol.toPrimitive ? () => "" : stub()),
  apply: () => stub(),
  construct: () => stub(),
  set: () => true,
});
globalThis.window = globalThis;
globalThis.document = stub();
globalThis.ShadowRoot = class {};
globalThis.fetch = () => { throw new Error("the bundle tried the network"); };
"""
"""Just enough of a browser for vegaEmbed: every DOM call succeeds and does nothing."""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the bundle")
def test_vega_embed_from_the_bundle_renders_a_spec_offline(tmp_path: Path) -> None:
    spec = charts.bars(BARS, title="Offline", value="V", unit="U").to_dict()
    script = tmp_path / "page.js"
    script.write_text(
        STUB_DOM
        + charts.script_bundle()
        + f"\nconst spec = {json.dumps(spec)};\n"
        + "vegaEmbed(stub(), spec, {actions: false, renderer: 'none', tooltip: false})"
        + ".then((result) => result.view.toSVG()).then((svg) => console.log(svg))"
        + ".catch((error) => { console.error(error); process.exit(1); });\n"
    )
    result = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<svg")
    assert "Offline" in result.stdout
    assert "Chinese Mainland" in result.stdout


def test_embed_places_the_spec_after_its_element() -> None:
    chart = charts.bars(BARS, title="By destination", value="V", unit="U")
    html = charts.embed(chart, "exports-by-destination")
    assert html.startswith('<div id="exports-by-destination" class="chart"></div>\n<script>')
    prefix = "vegaEmbed('#exports-by-destination', "
    body = html.split("<script>", 1)[1].removesuffix("</script>")
    assert body.startswith(prefix)
    assert body.endswith(', {"actions": false});')
    spec = json.loads(body.removeprefix(prefix).removesuffix(', {"actions": false});'))
    assert spec == chart.to_dict()


def test_embed_escapes_markup_in_the_data() -> None:
    frame = pd.DataFrame(
        {"label": ["</script><script>alert(1)</script>", "A & B"], "value": [1.0, 2.0]}
    )
    chart = charts.bars(frame, title="<b>Title</b>", value="V", unit="U")
    html = charts.embed(chart, "x")
    script = html.split("<script>", 1)[1].removesuffix("</script>")
    assert "<" not in script and ">" not in script.replace("=>", "") and "&" not in script
    spec = json.loads(
        script.removeprefix("vegaEmbed('#x', ").removesuffix(', {"actions": false});')
    )
    assert [row["label"] for row in values(spec)] == list(frame["label"])


@pytest.mark.parametrize("bad", ["", "1chart", "a b", "x'); alert(1); ('", 'x"><script>'])
def test_embed_refuses_an_id_that_would_break_the_html(bad: str) -> None:
    with pytest.raises(InputError, match="is not usable"):
        charts.embed(charts.volume_price(SCATTER, title="T"), bad)
