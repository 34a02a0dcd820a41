"""What the month's release says, built from the analysis: the office's two releases
(values; volume and price) in one document.

Nothing here computes a statistic. Every number comes from :mod:`entrepot.analysis` (the
facts of ``analyse``, the summary's breakdowns, the compiled indices, the value
contributions) and is registered as a :class:`~.document.Figure` with the function that
made it; this module only chooses, orders and words them (:mod:`.wording`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from ..analysis.compilations import IndexRow, index_rows
from ..analysis.contributions import value_contributions
from ..analysis.facts import Analysis, Fact, analyse
from ..analysis.series import monthly_series
from ..analysis.summary import SummaryRow, breakdown, values_by
from ..backends import Backend
from ..errors import EntrepotError
from ..periods import Period
from ..schema import FLOW_LABELS, MODE_LABELS
from ..store import Store
from ..store import compilations as stored
from . import charts, wording
from .document import Chart, Column, Figure, Paragraph, Part, Ref, Release, Section, Table

TOP = 10
"""Rows of the tables by destination, supplier, commodity and origin."""

ASIA = "Asia"

VOLUME_NOTE = (
    "Volume changes are the changes in value with the effect of price changes discounted: "
    "the value index divided by the unit value index."
)
PRICE_NOTE = (
    "Price changes are measured by unit value indices, compiled from the average unit "
    "values of the goods traded (value over quantity, item by item and partner by "
    "partner), chain-linked each year."
)


class Builder:
    """Registers figures and words sentences for one release."""

    def __init__(self, store: Store, backend: Backend, period: Period, analysis: Analysis) -> None:
        self.store, self.backend, self.period, self.analysis = store, backend, period, analysis
        self.currency = analysis.currency
        self.figures: dict[str, Figure] = {}
        self.expressions: dict[str, str] = {}
        self.filters = backend.filters.as_dict()
        self.last_load: int | None = None
        self.compile_id = 0
        self._regions: dict[str, str] | None = None

    # -- figures -----------------------------------------------------------------------
    def add(
        self,
        fid: str,
        value: float | int | str | None,
        text: str,
        measure: str,
        inputs: dict[str, Any],
        expression: str,
        sql: str | None = None,
    ) -> Ref:
        inputs = {"period": str(self.period), **inputs}
        if self.filters:
            inputs["filters"] = self.filters
        figure = Figure(fid, text, value, measure, inputs, expression, sql)
        if self.figures.get(fid, figure) != figure:  # one id, one printed text
            raise EntrepotError(f"Figure {fid!r} is printed two ways: {text!r} and "
                                f"{self.figures[fid].text!r}.")  # fmt: skip
        self.figures[fid] = figure
        return Ref(fid)

    def fact(self, fact_id: str, text: Callable[[Fact], str], suffix: str = "") -> Ref:
        """A fact of the analysis, printed by ``text``."""
        fact = self.analysis[fact_id]
        return self.add(
            fact_id + suffix,
            fact.value,
            text(fact),
            fact.measure,
            fact.inputs,
            f"entrepot.analysis.facts.analyse(period={self.period}) ▸ {fact_id}: {fact.method}",
        )

    def has(self, fact_id: str) -> bool:
        try:
            self.analysis[fact_id]
        except KeyError:
            return False
        return True

    def sql(self, key: str, expr: Any) -> str:
        """Keep the SQL an expression compiles to, once, under ``key``."""
        if key not in self.expressions:
            try:
                self.expressions[key] = str(self.backend.con.compile(expr))
            except Exception as exc:  # an engine that cannot show its SQL still releases
                self.expressions[key] = f"(not available: {type(exc).__name__})"
        return key

    # -- wording helpers ---------------------------------------------------------------
    def change(self, fact_id: str, *, noun: bool = False) -> Ref:
        return self.fact(fact_id, lambda f: wording.change(_num(f.value), noun=noun), ".words")

    def regions(self) -> dict[str, str]:
        """Each partner's region, from the classification (read once)."""
        if self._regions is None:
            table = self.backend.table("partners").select("code", "region")
            partners = self.backend.execute(table)
            self._regions = dict(zip(partners.code, partners.region.astype(str), strict=True))
        return self._regions

    def money(self, fact_id: str, *, absolute: bool = False) -> Ref:
        def text(f: Fact) -> str:
            value = _num(f.value) or 0.0
            return wording.billion(abs(value) if absolute else value, self.currency)

        return self.fact(fact_id, text)


def _num(value: Any) -> float | None:
    return None if value is None or isinstance(value, str) else float(value)


def _pct_text(value: Any, signed: bool = False) -> str:
    number = _num(value)
    return "–" if number is None else wording.pct(number, signed=signed)


def build(
    store: Store,
    backend: Backend,
    period: Period,
    *,
    as_of: int | None = None,
    keep: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Release:
    """The release of ``period`` from the store's cells and latest compilation."""
    step = progress or (lambda _: None)
    step("analysing")
    analysis = analyse(store, backend, period, as_of=as_of, keep=keep, progress=step)
    if analysis.notes:
        raise EntrepotError(
            "The release needs every part of the analysis: "
            + "; ".join(note.rstrip(".") for note in analysis.notes)
            + "."
        )
    b = Builder(store, backend, period, analysis)
    b.compile_id = stored.latest_compilation(store, as_of)
    b.last_load = as_of if as_of is not None else store.scalar("SELECT max(load_id) FROM loads")
    step("writing")
    lead = _lead(b)
    sections = [
        _the_month(b),
        _year_to_date(b),
        _seasonally_adjusted(b),
        _by_country(b),
        _by_commodity(b),
        _by_mode(b),
        _volume_and_price(b),
        _terms_of_trade(b),
        _by_origin(b),
        _drivers(b),
        _methodology(b),
    ]
    month = wording.month(period)
    scope = f" ({backend.filters.describe()})" if backend.filters else ""
    return Release(
        period=str(period),
        title=f"External merchandise trade statistics for {month}{scope}",
        subtitle="Values, volume and price",
        currency=b.currency,
        lead=lead,
        sections=sections,
        figures=b.figures,
        expressions=b.expressions,
        revision={"last_load": b.last_load, "compilation": b.compile_id},
    )


def _balance_words(b: Builder, fact_id: str) -> str:
    value = _num(b.analysis[fact_id].value) or 0.0
    return "deficit" if value < 0 else "surplus"


def _lead(b: Builder) -> Paragraph:
    p = b.period
    previous = wording.month_name(p.shift(-1))
    parts: list[Part] = [
        "The value of Hong Kong's total merchandise exports ",
        b.change("total_exports.value.yoy"),
        " over a year earlier to ",
        b.money("total_exports.value"),
        f" in {wording.month(p)}, ",
        b.fact(
            "total_exports.value.yoy.previous_month",
            lambda f: wording.after(_num(f.value), previous),
        ),
        ". The value of imports of goods ",
        b.change("imports.value.yoy"),
        " to ",
        b.money("imports.value"),
        ", ",
        b.fact(
            "imports.value.yoy.previous_month", lambda f: wording.after(_num(f.value), previous)
        ),
        f". A visible trade {_balance_words(b, 'balance.value')} of ",
        b.money("balance.value", absolute=True),
        f" was recorded in {wording.month(p)}, equivalent to ",
        b.fact("balance.pct_of_imports", lambda f: _pct_text(abs(_num(f.value) or 0.0))),
        " of the value of imports.",
    ]
    return Paragraph(tuple(parts))


def _money_cell(
    b: Builder, fid: str, value: float | None, inputs: dict[str, Any], expr: str, sql: str | None
) -> Ref:
    text = "–" if value is None else f"{value / 1e9:,.1f}"
    return b.add(fid, value, text, "value", inputs, expr, sql)


def _pct_cell(
    b: Builder,
    fid: str,
    value: float | None,
    inputs: dict[str, Any],
    expr: str,
    sql: str | None,
    measure: str = "change_pct",
) -> Ref:
    return b.add(fid, value, _pct_text(value, signed=True), measure, inputs, expr, sql)


def _the_month(b: Builder) -> Section:
    p = b.period
    text = Paragraph(
        (
            "Within total exports, re-exports ",
            b.change("re_exports.value.yoy"),
            " to ",
            b.money("re_exports.value"),
            " and domestic exports ",
            b.change("domestic_exports.value.yoy"),
            " to ",
            b.money("domestic_exports.value"),
            f" in {wording.month(p)}.",
        )
    )
    rows: list[tuple[Part, ...]] = []
    for flow in ("total_exports", "domestic_exports", "re_exports", "imports"):
        rows.append(
            (
                FLOW_LABELS[flow],
                b.fact(f"{flow}.value", lambda f: _bn(f.value), ".table"),
                b.fact(f"{flow}.value.yoy", lambda f: _pct_text(f.value, True), ".table"),
                b.fact(f"{flow}.value.year_to_date", lambda f: _bn(f.value), ".table"),
                b.fact(f"{flow}.value.ytd", lambda f: _pct_text(f.value, True), ".table"),
            )
        )
    rows.append(
        (
            "Visible trade balance",
            b.fact("balance.value", lambda f: _bn(f.value), ".table"),
            "",
            b.fact("balance.value.year_to_date", lambda f: _bn(f.value), ".table"),
            "",
        )
    )
    ytd = "Jan–" + wording.month_name(p)[:3] if p.month > 1 else wording.month_name(p)[:3]
    table = Table(
        "table-month",
        f"Table 1. External merchandise trade, {wording.month(p)} ({b.currency} billion)",
        (
            Column(""),
            Column(wording.month(p), "money"),
            Column("YoY %", "pct"),
            Column(f"{ytd} {p.year}", "money"),
            Column("YoY %", "pct"),
        ),
        tuple(rows),
    )
    return Section("the-month", "The month", (text, table))


def _bn(value: Any) -> str:
    number = _num(value)
    return "–" if number is None else f"{number / 1e9:,.1f}"


def _year_to_date(b: Builder) -> Section:
    p = b.period
    before = str(p.year - 1) if p.month == 12 else f"the same period in {p.year - 1}"
    text = Paragraph(
        (
            f"{wording.year_to_date(p)}, the value of total exports ",
            b.change("total_exports.value.ytd"),
            f" over {before}",
            " and the value of imports ",
            b.change("imports.value.ytd"),
            f". A visible trade {_balance_words(b, 'balance.value.year_to_date')} of ",
            b.money("balance.value.year_to_date", absolute=True),
            " was recorded, equivalent to ",
            b.fact(
                "balance.pct_of_imports.year_to_date",
                lambda f: _pct_text(abs(_num(f.value) or 0.0)),
            ),
            " of the value of imports.",
        )
    )
    return Section("year-to-date", "The year to date", (text,))


def _seasonally_adjusted(b: Builder) -> Section:
    p = b.period
    quarter_end = p.month % 3 == 0
    kind = "quarter" if quarter_end else "three_on_three"
    if quarter_end:
        intro = (
            f"Comparing the {wording.quarter(p)} quarter of {p.year} with the preceding "
            "quarter on a seasonally adjusted basis, "
        )
    else:
        intro = (
            f"For the three months ending {wording.month(p)}, compared with the preceding "
            "three months on a seasonally adjusted basis, "
        )
    fact = b.analysis[f"sa.total_exports.value.{kind}"]
    model = fact.detail.get("adjustment", {})
    text = Paragraph(
        (
            intro,
            "the value of total exports ",
            b.change(f"sa.total_exports.value.{kind}"),
            " and that of imports ",
            b.change(f"sa.imports.value.{kind}"),
            ". Total exports by volume ",
            b.change(f"sa.total_exports.volume.{kind}"),
            ".",
        )
    )
    frame = _headline_frame(b, "value")
    chart = Chart(
        "chart-headline-value",
        "Total exports and imports, monthly",
        charts.headline(frame, title="Total exports and imports", unit=f"{b.currency} billion"),
        f"Seasonally adjusted by {'X-13ARIMA-SEATS' if model.get('method') == 'x13' else model.get('method')} "
        f"{model.get('model', '')}, with a Lunar New Year regressor.",
    )
    return Section("seasonally-adjusted", "Seasonally adjusted comparison", (text, chart))


def _headline_frame(b: Builder, measure: str) -> pd.DataFrame:
    parts = []
    flows = ("total_exports", "imports") if measure == "value" else ("total_exports",)
    for flow in flows:
        series = monthly_series(
            b.store, b.backend, flow=flow, measure=measure, adjusted=True,
            keep=True,
        )  # fmt: skip
        frame = series.frame
        label = FLOW_LABELS[flow]
        scale = 1e9 if measure == "value" else 1.0
        for column, name in (("level", label), ("adjusted", f"{label}, seasonally adjusted")):
            parts.append(
                pd.DataFrame(
                    {
                        "period": [str(Period.from_key(int(k))) for k in frame.period],
                        "series": name,
                        "value": frame[column].to_numpy() / scale,
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def _breakdown(b: Builder, by: str) -> list[SummaryRow]:
    b.sql(f"values_by.{by}", values_by(b.backend, by))
    return breakdown(b.backend, b.period, by)


def _row_cells(b: Builder, table: str, row: SummaryRow, flow: str, by: str) -> tuple[Ref, Ref]:
    expr = f"entrepot.analysis.summary.breakdown(period={b.period}, by={by!r})"
    inputs = {"flow": flow, "breakdown": by, "key": row.key, "window": "month"}
    sql = f"values_by.{by}"
    value = _money_cell(
        b, f"{table}.{row.key}.{flow}.value", row.month.values[flow], inputs, expr, sql
    )
    change = _pct_cell(
        b, f"{table}.{row.key}.{flow}.yoy", row.month.yoy_pct[flow], inputs, expr, sql
    )
    return value, change


def _name(row: SummaryRow | IndexRow) -> str:
    return row.label if row.label and row.label != row.key else row.key


def _listing(b: Builder, table: str, rows: Sequence[SummaryRow], flow: str, by: str) -> list[Part]:
    """ "Malaysia (+138.6%), Thailand (+76.6%) and …", increases largest first, then
    decreases."""
    parts: list[Part] = []
    ordered = sorted(rows, key=lambda r: -(r.month.yoy_pct[flow] or 0.0))
    for i, row in enumerate(ordered):
        _, change = _row_cells(b, table, row, flow, by)
        sep = "" if i == 0 else (" and " if i == len(ordered) - 1 else ", ")
        parts += [f"{sep}{_name(row)} (", change, ")"]
    return parts


def _by_country(b: Builder) -> Section:
    regions = {r.key: r for r in _breakdown(b, "region")}
    partners = _breakdown(b, "partner")
    destinations = [r for r in partners if r.month.values["total_exports"] > 0][:TOP]
    suppliers = sorted(partners, key=lambda r: -r.month.values["imports"])[:TOP]
    blocks: list[Any] = []
    parts: list[Part] = ["Analysed by country/territory, "]
    if ASIA in regions:
        pct = regions[ASIA].month.yoy_pct["total_exports"]
        words = b.add(
            "region.Asia.total_exports.yoy.words",
            pct,
            wording.change(pct),
            "change_pct",
            {"flow": "total_exports", "breakdown": "region", "key": ASIA, "window": "month"},
            f"entrepot.analysis.summary.breakdown(period={b.period}, by='region')",
            "values_by.region",
        )
        parts += ["the value of total exports to Asia as a whole ", words, ". "]
    region = b.regions()
    asian = [r for r in destinations if region.get(r.key) == ASIA][:7]
    others = [r for r in destinations if region.get(r.key) != ASIA][:3]
    if asian:
        parts += ["Among the main Asian destinations, the changes were: "]
        parts += _listing(b, "destinations", asian, "total_exports", "partner")
        parts += [". "]
    if others:
        parts += ["Elsewhere: "]
        parts += _listing(b, "destinations", others, "total_exports", "partner")
        parts += ["."]
    blocks.append(Paragraph(tuple(parts)))
    supply: list[Part] = ["Imports from the main suppliers changed as follows: "]
    supply += _listing(b, "suppliers", suppliers[:6], "imports", "partner")
    supply += ["."]
    blocks.append(Paragraph(tuple(supply)))
    blocks.append(
        _value_table(
            b,
            "destinations",
            "Table 2. Total exports by main destination",
            destinations,
            "total_exports",
            "partner",
        )
    )
    blocks.append(
        _value_table(
            b, "suppliers", "Table 3. Imports by main supplier", suppliers, "imports", "partner"
        )
    )
    blocks.append(
        _bars(
            b,
            "chart-destinations",
            "Total exports by main destination",
            destinations,
            "total_exports",
        )
    )
    return Section("by-country", "By country/territory", tuple(blocks))


def _value_table(
    b: Builder, tid: str, title: str, rows: Sequence[SummaryRow], flow: str, by: str
) -> Table:
    out = []
    for row in rows:
        value, change = _row_cells(b, tid, row, flow, by)
        out.append((row.key, _name(row), value, change))
    return Table(
        f"table-{tid}",
        f"{title}, {wording.month(b.period)}",
        (
            Column("code"),
            Column("name"),
            Column(f"{b.currency} billion", "money"),
            Column("YoY %", "pct"),
        ),
        tuple(out),
    )


def _bars(b: Builder, cid: str, title: str, rows: Sequence[SummaryRow], flow: str) -> Chart:
    frame = pd.DataFrame(
        {
            "label": [_name(r) for r in rows],
            "value": [r.month.values[flow] / 1e9 for r in rows],
            "change_pct": [r.month.yoy_pct[flow] for r in rows],
        }
    )
    return Chart(
        cid,
        title,
        charts.bars(
            frame,
            title=f"{title}, {wording.month(b.period)}",
            value="value",
            unit=f"{b.currency} billion",
        ),
    )


def _by_commodity(b: Builder) -> Section:
    divisions = [r for r in _breakdown(b, "division") if r.month.values["total_exports"] > 0]
    exports = divisions[:TOP]
    imports = sorted(divisions, key=lambda r: -r.month.values["imports"])[:TOP]
    parts: list[Part] = ["Analysed by major commodity, the value of total exports of "]
    top = exports[:4]
    for i, row in enumerate(top):
        sep = "" if i == 0 else ("; and of " if i == len(top) - 1 else "; of ")
        pct = row.month.yoy_pct["total_exports"]
        parts += [
            f"{sep}{_division_name(row)} ",
            b.add(
                f"divisions.{row.key}.total_exports.yoy.words",
                pct,
                wording.change(pct),
                "change_pct",
                {"flow": "total_exports", "breakdown": "division", "key": row.key},
                f"entrepot.analysis.summary.breakdown(period={b.period}, by='division')",
                "values_by.division",
            ),
            " to ",
            b.add(
                f"divisions.{row.key}.total_exports.value.words",
                row.month.values["total_exports"],
                wording.billion(row.month.values["total_exports"], b.currency),
                "value",
                {"flow": "total_exports", "breakdown": "division", "key": row.key},
                f"entrepot.analysis.summary.breakdown(period={b.period}, by='division')",
                "values_by.division",
            ),
        ]
    parts += ["."]
    blocks: list[Any] = [
        Paragraph(tuple(parts)),
        _value_table(
            b,
            "divisions",
            "Table 4. Total exports by SITC division",
            exports,
            "total_exports",
            "division",
        ),
        _value_table(
            b,
            "import-divisions",
            "Table 5. Imports by SITC division",
            imports,
            "imports",
            "division",
        ),
        _bars(b, "chart-divisions", "Total exports by SITC division", exports, "total_exports"),
    ]
    return Section("by-commodity", "By major commodity", tuple(blocks))


def _division_name(row: SummaryRow) -> str:
    """The office names a division in words, lower case, without its parenthesised gloss."""
    name = row.label.split(" (")[0]
    return name[0].lower() + name[1:] if name else row.key


def _by_mode(b: Builder) -> Section:
    values = b.backend.execute(values_by(b.backend, "mode"))
    b.sql("values_by.mode", values_by(b.backend, "mode"))
    frame = values[["key", "label", "period"]].assign(value=values.total_exports.astype(float))
    frame["period"] = frame.period.astype(int)
    table = value_contributions(frame, b.period, "month")
    expr = f"entrepot.analysis.contributions.value_contributions(values_by('mode'), period={b.period}, window='month')"
    parts: list[Part] = []
    rows = []
    for i, r in enumerate(table.sort_values("current", ascending=False).itertuples()):
        mode = str(r.key)
        label = MODE_LABELS.get(mode, mode).lower()
        inputs = {"flow": "total_exports", "breakdown": "mode", "key": mode, "window": "month"}
        now = _money_cell(
            b, f"modes.{mode}.current", float(r.current), inputs, expr, "values_by.mode"
        )
        before = _money_cell(
            b,
            f"modes.{mode}.previous",
            float(r.previous),
            {**inputs, "period": str(b.period.year_ago())},
            expr,
            "values_by.mode",
        )
        growth = _pct_cell(
            b, f"modes.{mode}.growth", _num(r.growth_pct), inputs, expr, "values_by.mode"
        )
        rows.append((MODE_LABELS.get(mode, mode), now, before, growth))
        if i < 3:
            sep = "Exports by " if i == 0 else "; by "
            parts += [
                f"{sep}{label} ",
                b.add(
                    f"modes.{mode}.direction",
                    _num(r.growth_pct),
                    wording.direction(_num(r.growth_pct)),
                    "change_pct",
                    inputs,
                    expr,
                    "values_by.mode",
                ),
                " to ",
                b.add(
                    f"modes.{mode}.current.words",
                    float(r.current),
                    wording.billion(float(r.current), b.currency),
                    "value",
                    inputs,
                    expr,
                    "values_by.mode",
                ),
                " from ",
                b.add(
                    f"modes.{mode}.previous.words",
                    float(r.previous),
                    wording.billion(float(r.previous), b.currency),
                    "value",
                    {**inputs, "period": str(b.period.year_ago())},
                    expr,
                    "values_by.mode",
                ),
                " a year earlier",
            ]
    parts += ["."]
    table_block = Table(
        "table-modes",
        f"Table 6. Total exports by mode of transport, {wording.month(b.period)} ({b.currency} billion)",
        (
            Column("mode"),
            Column(wording.month(b.period), "money"),
            Column(wording.month(b.period.year_ago()), "money"),
            Column("YoY %", "pct"),
        ),
        tuple(rows),
    )
    modes = table.sort_values("current", ascending=False)
    chart = Chart(
        "chart-modes",
        "Total exports by mode of transport",
        charts.bars(
            pd.DataFrame(
                {
                    "label": [MODE_LABELS.get(str(k), str(k)) for k in modes.key],
                    "value": modes.current.to_numpy() / 1e9,
                    "change_pct": modes.growth_pct.to_numpy(),
                }
            ),
            title=f"Total exports by mode of transport, {wording.month(b.period)}",
            value="value",
            unit=f"{b.currency} billion",
        ),
    )
    return Section("by-mode", "By mode of transport", (Paragraph(tuple(parts)), table_block, chart))


def _volume_and_price(b: Builder) -> Section:
    p = b.period
    text = Paragraph(
        (
            f"In {wording.month(p)}, the volume of total exports ",
            b.change("total_exports.volume.yoy"),
            " over a year earlier, ",
            b.fact(
                "streak.total_exports.volume",
                lambda f: wording.streak(int(f.value or 0), bool(f.detail.get("at_least"))),
            ),
            ", and the volume of imports ",
            b.change("imports.volume.yoy"),
            f". {wording.year_to_date(p)}, total exports by volume ",
            b.change("total_exports.volume.ytd"),
            " and imports by volume ",
            b.change("imports.volume.ytd"),
            ". " + VOLUME_NOTE,
        )
    )
    prices = Paragraph(
        (
            "The prices of total exports ",
            b.change("total_exports.price.yoy"),
            f" in {wording.month(p)} over a year earlier, and those of imports ",
            b.change("imports.price.yoy"),
            f". {wording.year_to_date(p)}, export prices ",
            b.change("total_exports.price.ytd"),
            " and import prices ",
            b.change("imports.price.ytd"),
            ". " + PRICE_NOTE,
        )
    )
    rows = []
    for flow in ("total_exports", "domestic_exports", "re_exports", "imports"):
        rows.append(
            (
                FLOW_LABELS[flow],
                b.fact(f"{flow}.volume.yoy", lambda f: _pct_text(f.value, True), ".table"),
                b.fact(f"{flow}.price.yoy", lambda f: _pct_text(f.value, True), ".table"),
                b.fact(f"{flow}.volume.ytd", lambda f: _pct_text(f.value, True), ".table"),
                b.fact(f"{flow}.price.ytd", lambda f: _pct_text(f.value, True), ".table"),
            )
        )
    flows = Table(
        "table-volume-price",
        f"Table 7. Volume and price, {wording.month(p)}: changes on a year earlier (%)",
        (
            Column(""),
            Column("volume", "pct"),
            Column("price", "pct"),
            Column("volume, year to date", "pct"),
            Column("price, year to date", "pct"),
        ),
        tuple(rows),
    )
    dest = index_rows(b.store, p, flow="total_exports", by="partner", backend=b.backend)[:TOP]
    supp = index_rows(b.store, p, flow="imports", by="partner", backend=b.backend)[:TOP]
    double = [
        r for r in dest if wording.double_digit(r.volume_yoy_pct) and (r.volume_yoy_pct or 0) > 0
    ]
    narrative: list[Part] = []
    if double:
        narrative = ["Double-digit increases were recorded for the total export volume to "]
        for i, r in enumerate(double):
            sep = "" if i == 0 else (" and " if i == len(double) - 1 else ", ")
            narrative += [
                sep + _name(r) + " (",
                _index_cell(b, "destinations-vp", r, "volume"),
                ")",
            ]
        narrative += ["."]
    volume = Chart(
        "chart-headline-volume",
        "Total exports by volume, monthly",
        charts.headline(
            _headline_frame(b, "volume"),
            title="Total exports by volume",
            unit=f"index, {stored.compilation_reference_year(b.store, b.compile_id)} = 100",
        ),
    )
    blocks: list[Any] = [text, volume, prices, flows]
    if narrative:
        blocks.append(Paragraph(tuple(narrative)))
    blocks += [
        _index_table(
            b,
            "destinations-vp",
            "Table 8. Total exports by main destination: volume and price",
            dest,
        ),
        _index_table(
            b, "suppliers-vp", "Table 9. Imports by main supplier: volume and price", supp
        ),
        Chart(
            "chart-volume-price",
            "Volume against price by destination",
            charts.volume_price(
                pd.DataFrame(
                    {
                        "label": [_name(r) for r in dest],
                        "volume_pct": [r.volume_yoy_pct for r in dest],
                        "price_pct": [r.price_yoy_pct for r in dest],
                        "value": [(r.value or 0.0) / 1e9 for r in dest],
                    }
                ),
                title=f"Total exports by destination, {wording.month(p)}: volume and price",
            ),
        ),
    ]
    return Section("volume-and-price", "Volume and price", tuple(blocks))


def _index_cell(b: Builder, tid: str, row: IndexRow, measure: str) -> Ref:
    value = getattr(row, f"{measure}_yoy_pct")
    return _pct_cell(
        b,
        f"{tid}.{row.key}.{measure}.yoy",
        value,
        {
            "flow": row.flow,
            "breakdown": row.breakdown,
            "key": row.key,
            "measure": measure,
            "window": "month",
        },
        f"entrepot.analysis.compilations.index_rows(period={b.period}, flow={row.flow!r}, by={row.breakdown!r})",
        "index_series",
    )


def _index_table(b: Builder, tid: str, title: str, rows: Sequence[IndexRow]) -> Table:
    b.expressions.setdefault(
        "index_series",
        "SELECT * FROM index_series WHERE compile_id = :compilation AND measure = :flow "
        "AND breakdown = :by AND period <= :period ORDER BY key, period",
    )
    out = []
    for r in rows:
        value = _money_cell(
            b, f"{tid}.{r.key}.value", r.value,
            {"flow": r.flow, "breakdown": r.breakdown, "key": r.key, "window": "month"},
            f"entrepot.analysis.compilations.index_rows(period={b.period}, flow={r.flow!r}, by={r.breakdown!r})",
            "index_series",
        )  # fmt: skip
        out.append(
            (
                r.key,
                _name(r),
                value,
                _index_cell(b, tid, r, "value"),
                _index_cell(b, tid, r, "volume"),
                _index_cell(b, tid, r, "price"),
            )
        )
    return Table(
        f"table-{tid}",
        f"{title}, {wording.month(b.period)}",
        (
            Column("code"),
            Column("name"),
            Column(f"{b.currency} billion", "money"),
            Column("value %", "pct"),
            Column("volume %", "pct"),
            Column("price %", "pct"),
        ),
        tuple(out),
        "Changes on the same month a year earlier.",
    )


def _terms_of_trade(b: Builder) -> Section:
    p = b.period
    text = Paragraph(
        (
            "The terms of trade index (export prices over import prices) ",
            b.change("terms_of_trade.price.yoy"),
            f" in {wording.month(p)} over a year earlier, and ",
            b.change("terms_of_trade.price.ytd"),
            f" {wording.year_to_date(p)[0].lower()}{wording.year_to_date(p)[1:]}.",
        )
    )
    return Section("terms-of-trade", "Terms of trade", (text,))


def _by_origin(b: Builder) -> Section:
    rows = [r for r in _breakdown(b, "origin") if r.month.values["re_exports"] > 0]
    rows = sorted(rows, key=lambda r: -r.month.values["re_exports"])[:TOP]
    parts: list[Part] = ["Re-exports of goods originating from "]
    for i, row in enumerate(rows[:3]):
        _, change = _row_cells(b, "origins", row, "re_exports", "origin")
        sep = "" if i == 0 else (" and those from " if i == 2 else ", those from ")
        words = b.add(
            f"origins.{row.key}.re_exports.value.words",
            row.month.values["re_exports"],
            wording.billion(row.month.values["re_exports"], b.currency),
            "value",
            {"flow": "re_exports", "breakdown": "origin", "key": row.key, "window": "month"},
            f"entrepot.analysis.summary.breakdown(period={b.period}, by='origin')",
            "values_by.origin",
        )
        verb = " amounted to " if i == 0 else " to "
        parts += [f"{sep}{_name(row)}{verb}", words, " (", change, ")"]
    parts += ["."]
    return Section(
        "by-origin",
        "Re-exports by origin",
        (
            Paragraph(tuple(parts)),
            _value_table(
                b, "origins", "Table 10. Re-exports by origin", rows, "re_exports", "origin"
            ),
        ),
    )


def _drivers(b: Builder) -> Section:
    p = b.period
    blocks: list[Any] = []
    streaks: list[Part] = [
        "The value of total exports has grown year on year for ",
        b.fact("streak.total_exports.value", _months, ".duration"),
        " and its volume for ",
        b.fact("streak.total_exports.volume", _months, ".duration"),
        ".",
    ]
    blocks.append(Paragraph(tuple(streaks)))
    window = "year" if p.month == 12 else "ytd"
    contribs = [
        f for f in b.analysis.topic("contribution")
        if f.inputs.get("breakdown") == "division" and f.inputs.get("window") == window
        and f.inputs.get("flow") == "total_exports"
    ][:3]  # fmt: skip
    if contribs:
        parts: list[Part] = [
            f"{'Over the year' if window == 'year' else 'So far this year'}, the largest "
            "contributions to the growth of total exports came from "
        ]
        for i, f in enumerate(contribs):
            sep = "" if i == 0 else ("; and " if i == len(contribs) - 1 else "; ")
            parts += [
                f"{sep}{_fact_name(f)}, which added ",
                b.fact(f.id, lambda x: wording.billion(_num(x.value) or 0.0, b.currency)),
                ", or ",
                b.fact(
                    f.id,
                    lambda x: f"{x.detail.get('contribution_pp', 0):.1f} percentage points",
                    ".pp",
                ),
            ]
        parts += ["."]
        blocks.append(Paragraph(tuple(parts)))
    splits = [f for f in b.analysis.topic("split") if f.inputs.get("breakdown") == "partner"][:4]
    if splits:
        parts = ["By destination, the change in value splits into volume and price: "]
        for i, f in enumerate(splits):
            sep = "" if i == 0 else "; "
            parts += [
                f"{sep}{f.detail.get('name', f.inputs['key'])}, volume ",
                b.fact(f.id, lambda x: _pct_text(x.detail.get("volume_pct"), True), ".volume"),
                " and price ",
                b.fact(f.id, lambda x: _pct_text(x.detail.get("price_pct"), True), ".price"),
                ": ",
                b.fact(f.id, lambda x: str(x.value)),
            ]
        parts += ["."]
        blocks.append(Paragraph(tuple(parts)))
    surges = b.analysis.topic("surge")
    if surges:
        parts = ["Exports ran above what their own history forecast to "]
        for i, f in enumerate(surges[:5]):
            sep = "" if i == 0 else ("; and to " if i == min(len(surges), 5) - 1 else "; to ")
            carried = (
                f" (carried by {f.detail['carried_by']})" if f.detail.get("carried_by") else ""
            )
            parts += [
                f"{sep}{f.detail.get('name', f.inputs['key'])} from ",
                b.fact(f.id, lambda x: wording.month(Period.parse(str(x.value)))),
                ", ",
                b.fact(
                    f.id,
                    lambda x: wording.billion(x.detail.get("excess") or 0.0, b.currency),
                    ".excess",
                ),
                f" above the forecast{carried}",
            ]
        parts += [
            ". A surge that begins in the last months before a tariff change is the mark of front-loading."
        ]
        blocks.append(Paragraph(tuple(parts)))
    mix_id = "mix.total_exports.75_76_77.year" if p.month == 12 else "mix.total_exports.75_76_77"
    blocks.append(
        Paragraph(
            (
                "Office machines, telecommunications equipment and electrical machinery (SITC "
                "75, 76 and 77) made up ",
                b.fact(mix_id, lambda f: _pct_text(f.value)),
                " of total exports, ",
                b.fact(mix_id, lambda f: _pp(f.detail.get("change_pp")), ".change"),
                " on a year earlier; the share of exports carried by air was ",
                b.fact("transport.total_exports.air_share", lambda f: _pct_text(f.value)),
                " (",
                b.fact(
                    "transport.total_exports.air_share",
                    lambda f: _pp(f.detail.get("change_pp")),
                    ".change",
                ),
                ").",
            )
        )
    )
    return Section("drivers", "What drove the figures", tuple(blocks))


def _fact_name(f: Fact) -> str:
    name = str(f.detail.get("name") or f.inputs.get("key"))
    name = name.split(" (")[0]
    return name[0].lower() + name[1:] if name else name


def _months(f: Fact) -> str:
    n = int(f.value or 0)
    return f"{'at least ' if f.detail.get('at_least') else ''}{n} consecutive month{'s' if n != 1 else ''}"


def _pp(value: Any) -> str:
    number = _num(value)
    if number is None:
        return "–"
    return f"{wording.pct(number, signed=True)[:-1]} percentage points"


def _methodology(b: Builder) -> Section:
    compile_id = b.compile_id
    formula = stored.compilation_formula(b.store, compile_id)
    reference = stored.compilation_reference_year(b.store, compile_id)
    options = stored.compilation_options(b.store, compile_id)
    outliers = options.get("outliers", {})
    sa = b.analysis["sa.total_exports.value.three_on_three"].detail.get("adjustment", {})
    notes = [
        "Sources and coverage. The figures are compiled from the trade declarations "
        f"loaded into the store (as of load {b.last_load}, compilation {compile_id}), "
        "summed into monthly cells of flow × commodity × partner × mode. Total exports are "
        "domestic exports plus re-exports; imports are valued c.i.f., exports f.o.b.",
        f"Volume and price. Unit value indices are {formula.title()} indices of the cells' "
        "unit value relatives (value over quantity, item by item and partner by partner), "
        f"chain-linked by annual overlap, with {reference} = 100; volume indices are the "
        "value indices divided by the unit value indices. Every rate is the change in the "
        "published levels.",
        f"Trimming and imputation. Relatives outside {outliers.get('low', 0.1)}–"
        f"{outliers.get('high', 10.0)}, or outside Tukey's fences (k = "
        f"{outliers.get('fence', 3.0)}) within their SITC group and month, are left out; "
        f"unmatched cells take {'their SITC group’s mean relative' if options.get('imputation', 'class_mean') == 'class_mean' else 'no relative'}.",
        "Seasonal adjustment. Value and volume series are adjusted with X-13ARIMA-SEATS "
        f"(model {sa.get('model', '?')}, method {sa.get('method', '?')}), with trading-day "
        "and Easter effects tested and a Lunar New Year regressor; the comparison is the "
        "three months ending this month against the preceding three (quarter on quarter at "
        "March, June, September and December).",
        "Revisions. Figures are revised when late or amended declarations are loaded; a "
        "release lists what changed since the previous release of the same month, and the "
        "previous release stays readable. Seasonally adjusted figures are revised as each "
        "new month is added.",
    ]
    return Section("methodology", "Methodology notes", tuple(Paragraph((n,)) for n in notes))
