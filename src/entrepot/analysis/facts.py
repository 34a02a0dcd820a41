"""Every fact a month's release needs, each with an id, its value, its inputs and how it
was computed: what ``entrepot analyse`` prints, and what the release renders.

The facts come from the value tables (cells summed by breakdown) and the compiled index
series (or, for filtered cells, a compilation of those cells with the stored method); no
fact does arithmetic the library functions below it do not test. Ids are stable and
dotted: ``total_exports.value.yoy``, ``sa.imports.value.three_on_three``,
``contribution.total_exports.division.77.year``, ``split.total_exports.partner.USA``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from ..backends import Backend
from ..compute.values import keyed, value_and_weight
from ..errors import EntrepotError, InputError, NotInStoreError
from ..periods import Period
from ..schema import EXPORT_FLOWS, FLOW_LABELS, INDEX_FLOWS, MEASURES
from ..store import Store
from ..store import compilations as stored
from . import drivers, splits, streaks
from .comparisons import compare
from .compilations import compile_series, method_of
from .contributions import index_contributions, value_contributions
from .movers import movers, shares
from .numbers import money, optional_float, plain
from .series import monthly_series, yoy_pct
from .summary import check_period, values_by

VALUE_KINDS: tuple[str, ...] = ("yoy", "mom", "ytd", "jan_feb", "three_month")
"""The comparisons of every flow's value (and, on average levels, of its indices)."""

SA_KINDS: tuple[str, ...] = ("three_on_three", "quarter")
"""The office's comparisons of seasonally adjusted series."""

CONTRIBUTION_BREAKDOWNS: tuple[str, ...] = (
    "division", "section", "group", "partner", "region", "mode",
)  # fmt: skip
"""What contributions to total exports' growth are broken down by (re-exports: origin)."""

TOPICS: tuple[str, ...] = (
    "level", "comparison", "region", "seasonal", "streak", "contribution", "split", "mover",
    "share", "surge", "mix", "transport",
)  # fmt: skip


@dataclass(frozen=True)
class Fact:
    """One figure of the analysis and where it came from."""

    id: str
    topic: str
    measure: str
    """What the value is: ``value``, ``change_pct``, ``streak_months``, ``verdict``…"""
    value: float | int | str | bool | None
    unit: str
    """The store's currency, ``%``, ``pp`` (percentage points), ``months``, ``index``
    or empty (a word)."""
    inputs: dict[str, Any]
    """period, flow, breakdown, key, window and filters."""
    method: str
    """How it was computed, in a sentence."""
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = plain(asdict(self))
        return out


@dataclass(frozen=True)
class Analysis:
    period: Period
    currency: str
    filters: dict[str, list[str]]
    facts: list[Fact]
    notes: list[str] = field(default_factory=list)
    """What could not be computed, and why."""
    scope: str = ""
    """The filters as the user wrote them ("partner Asia"), empty for all cells."""

    def __getitem__(self, fact_id: str) -> Fact:
        for fact in self.facts:
            if fact.id == fact_id:
                return fact
        raise KeyError(fact_id)

    def topic(self, topic: str) -> list[Fact]:
        return [f for f in self.facts if f.topic == topic]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": str(self.period),
            "currency": self.currency,
            "filters": self.filters,
            "facts": [f.as_dict() for f in self.facts],
            "notes": self.notes,
        }

    def table(self) -> pd.DataFrame:
        """One row per fact with its inputs spread into columns (for CSV and Excel)."""
        rows = []
        for f in self.facts:
            inputs = {k: v for k, v in f.inputs.items() if k != "filters"}
            rows.append(
                {
                    "id": f.id,
                    "topic": f.topic,
                    "measure": f.measure,
                    "value": f.value,
                    "unit": f.unit,
                    **inputs,
                    "method": f.method,
                }
            )
        return pd.DataFrame(rows)


class _Context:
    """What the sections share: the store, the engine, the month, and each table read
    once."""

    def __init__(self, store: Store, backend: Backend, period: Period, as_of: int | None):
        self.store, self.backend, self.period, self.as_of = store, backend, period, as_of
        self.currency = store.currency
        self.filters = backend.filters.as_dict()
        self._values: dict[str, pd.DataFrame] = {}
        self._indices: dict[str, pd.DataFrame] = {}
        self._compile_id: int | None = None
        self.keep = True

    def inputs(self, **extra: Any) -> dict[str, Any]:
        out = {"period": str(self.period), **extra}
        if self.filters:
            out["filters"] = self.filters
        return out

    def values(self, by: str) -> pd.DataFrame:
        """key, label, period and each measure's value (and the balance) by ``by``."""
        if by not in self._values:
            frame = self.backend.execute(values_by(self.backend, by))
            frame["period"] = frame.period.astype(int)
            self._values[by] = frame
        return self._values[by]

    def value_frame(self, by: str, flow: str) -> pd.DataFrame:
        frame = self.values(by)
        return frame[["key", "label", "period"]].assign(value=frame[flow].astype(float))

    @property
    def compile_id(self) -> int:
        if self._compile_id is None:
            self._compile_id = stored.latest_compilation(self.store, self.as_of)
        return self._compile_id

    def indices(self, by: str) -> pd.DataFrame:
        """The compiled series of every flow by ``by`` (filtered cells: compiled now)."""
        if by not in self._indices:
            if self.backend.filters:
                method = method_of(self.store, self.compile_id)
                frame = compile_series(self.backend, method, [by]).frames[0]
            else:
                frame = pd.concat(
                    [stored.series_of(self.store, self.compile_id, f, by) for f in INDEX_FLOWS],
                    keys=INDEX_FLOWS,
                    names=["measure", None],
                ).reset_index(level=0)
            frame["period"] = frame.period.astype(int)
            self._indices[by] = frame
        return self._indices[by]

    def index_frame(self, by: str, flow: str) -> pd.DataFrame:
        frame = self.indices(by)
        return frame[frame.measure == flow].sort_values(["key", "period"])


Section = Callable[[_Context], list[Fact]]


def analyse(
    store: Store,
    backend: Backend,
    period: Period,
    *,
    as_of: int | None = None,
    adjusted: bool = True,
    keep: bool = True,
    top: int = 5,
    topics: Iterable[str] = TOPICS,
    progress: Callable[[str], None] | None = None,
) -> Analysis:
    """Every fact of ``period``'s release over ``backend``'s cells (filtered, if it is).

    ``adjusted`` runs the seasonal adjustment (X-13, stored in the store when it is
    writable, unless ``keep`` is False); ``top`` limits the contributions, movers and splits listed per breakdown.
    A section that cannot be computed (no compilation, too short a series) leaves a note
    instead of failing the whole analysis.
    """
    if top < 1:
        raise InputError(f"top must be a positive number of rows, not {top}.")
    check_period(backend, period)  # the backend's cells: the store's, or a dataset's
    ctx = _Context(store, backend, period, as_of)
    ctx.keep = keep
    step = progress or (lambda _: None)
    wanted = set(topics)
    unknown = wanted - set(TOPICS)
    if unknown:
        raise InputError(f"Unknown topic {sorted(unknown)[0]!r}; choose from {', '.join(TOPICS)}.")
    sections: list[tuple[str, tuple[str, ...], Section]] = [
        ("comparisons", ("level", "comparison", "region"), _comparisons),
        ("seasonal adjustment", ("seasonal",), _seasonal if adjusted else _none),
        ("streaks", ("streak",), _streaks),
        ("contributions", ("contribution",), lambda c: _contributions(c, top)),
        ("splits", ("split",), lambda c: _splits(c, top)),
        ("movers", ("mover", "share"), lambda c: _movers(c, top)),
        ("drivers", ("surge", "mix", "transport"), _drivers),
    ]
    facts: list[Fact] = []
    notes: list[str] = []
    for name, covers, section in sections:
        if not wanted & set(covers):
            continue
        step(name)
        try:
            facts += [f for f in section(ctx) if f.topic in wanted]
        except (EntrepotError, ValueError) as exc:
            notes.append(f"{name}: {exc}")
    return Analysis(period, ctx.currency, ctx.filters, facts, notes, backend.filters.describe())


def _none(ctx: _Context) -> list[Fact]:
    return []


def _pct_fact(
    ctx: _Context, fact_id: str, topic: str, comparison: Any, inputs: dict[str, Any], how: str
) -> Fact:
    return Fact(
        fact_id,
        topic,
        "change_pct",
        comparison.change_pct,
        "%",
        ctx.inputs(**inputs, window=comparison.kind),
        how,
        {
            "current": comparison.current,
            "previous": comparison.previous,
            "change": comparison.change,
            "current_months": list(comparison.current_months),
            "previous_months": list(comparison.previous_months),
            **({"note": comparison.note} if comparison.note else {}),
        },
    )


def _comparisons(ctx: _Context) -> list[Fact]:
    facts: list[Fact] = []
    totals = ctx.values("total").set_index("period")
    for flow in (*MEASURES, "balance"):
        series = totals[flow].astype(float)
        inputs = {"flow": flow, "breakdown": "total", "key": "total"}
        facts.append(
            Fact(
                f"{flow}.value",
                "level",
                "value",
                optional_float(series.get(ctx.period.key)),
                ctx.currency,
                ctx.inputs(**inputs, window="month"),
                "sum of the month's cells" + (" (exports − imports)" if flow == "balance" else ""),
            )
        )
        ytd = compare(series, ctx.period, "ytd")
        facts.append(
            Fact(
                f"{flow}.value.year_to_date",
                "level",
                "value",
                ytd.current,
                ctx.currency,
                ctx.inputs(**inputs, window="ytd"),
                "sum of the cells of January to the month",
                {"months": list(ytd.current_months)},
            )
        )
        if flow == "balance":
            facts += _balance_shares(ctx, totals)
            continue
        for kind in VALUE_KINDS:
            c = compare(series, ctx.period, kind)
            facts.append(
                _pct_fact(
                    ctx,
                    f"{flow}.value.{kind}",
                    "comparison",
                    c,
                    inputs,
                    "sums of the windows' cells",
                )
            )
        # The previous month's change: "after a year-on-year increase of 18.8% in November".
        before = compare(series, ctx.period.shift(-1), "yoy")
        facts.append(
            _pct_fact(
                ctx,
                f"{flow}.value.yoy.previous_month",
                "comparison",
                before,
                {**inputs, "period": str(ctx.period.shift(-1))},
                "the previous month against the same month a year earlier",
            )
        )
    try:
        ctx.index_frame("total", "total_exports")  # no compilation: values only
    except NotInStoreError:
        return facts + _regions(ctx)
    for flow in INDEX_FLOWS:
        frame = ctx.index_frame("total", flow).set_index("period")
        for measure, column in (("price", "price_index"), ("volume", "volume_index")):
            if flow == "terms_of_trade" and measure == "volume":
                continue
            levels = frame[column].astype(float)
            inputs = {"flow": flow, "breakdown": "total", "key": "total", "measure": measure}
            facts.append(
                Fact(
                    f"{flow}.{measure}.index",
                    "level",
                    "index",
                    optional_float(levels.get(ctx.period.key)),
                    "index",
                    ctx.inputs(**inputs, window="month"),
                    f"chain-linked {measure} index, compilation {ctx.compile_id}",
                )
            )
            for kind in ("yoy", "mom", "ytd", "three_month"):
                c = compare(levels, ctx.period, kind, how="mean")
                facts.append(
                    _pct_fact(
                        ctx,
                        f"{flow}.{measure}.{kind}",
                        "comparison",
                        c,
                        inputs,
                        "change in the published index levels (windows averaged)",
                    )
                )
    return facts + _regions(ctx)


def _balance_shares(ctx: _Context, totals: pd.DataFrame) -> list[Fact]:
    """The balance as a percentage of the value of imports, for the month and the year
    to date ("a visible trade deficit … equivalent to 11.0% of the value of imports")."""
    facts = []
    months = {
        "month": [ctx.period.key],
        "ytd": [Period(ctx.period.year, m).key for m in range(1, ctx.period.month + 1)],
    }
    for window, keys in months.items():
        held = totals.reindex(keys)
        complete = not held[["balance", "imports"]].isna().any().any()
        imports = float(held.imports.sum()) if complete else 0.0
        share = float(held.balance.sum()) / imports * 100 if imports else None
        suffix = "" if window == "month" else ".year_to_date"
        facts.append(
            Fact(
                f"balance.pct_of_imports{suffix}",
                "level",
                "share_pct",
                share,
                "%",
                ctx.inputs(flow="balance", breakdown="total", key="total", window=window),
                "the balance (exports − imports) over the value of imports",
            )
        )
    return facts


def _regions(ctx: _Context) -> list[Fact]:
    """Each region's value and change: "Asia as a whole"."""
    facts = []
    frame = ctx.values("region")
    for flow in ("total_exports", "imports"):
        for key, rows in frame.groupby("key"):
            series = rows.set_index("period")[flow].astype(float)
            c = compare(series, ctx.period, "yoy")
            if c.current is None or not c.current:
                continue
            facts.append(
                _pct_fact(
                    ctx,
                    f"region.{key}.{flow}.value.yoy",
                    "region",
                    c,
                    {"flow": flow, "breakdown": "region", "key": str(key)},
                    "sums of the region's partners' cells",
                )
            )
    return facts


def _seasonal(ctx: _Context) -> list[Fact]:
    facts = []
    for flow, measure in (
        ("total_exports", "value"),
        ("imports", "value"),
        ("total_exports", "volume"),
    ):
        result = monthly_series(
            ctx.store,
            ctx.backend,
            flow=flow,
            measure=measure,
            adjusted=True,
            as_of=ctx.as_of,
            keep=ctx.keep,
        )
        adjusted = result.frame.set_index("period")["adjusted"].astype(float)
        info = result.adjustments.get("total", {})
        how = "sum" if measure == "value" else "mean"
        for kind in SA_KINDS:
            c = compare(adjusted, ctx.period, kind, how=how)
            if c.note and kind == "quarter":
                continue  # quarter on quarter only at quarter ends
            method = (
                f"seasonally adjusted with {info.get('method', '?')} "
                f"{info.get('model', '')}".strip()
            )
            fact = _pct_fact(
                ctx,
                f"sa.{flow}.{measure}.{kind}",
                "seasonal",
                c,
                {"flow": flow, "breakdown": "total", "key": "total", "measure": measure},
                method,
            )
            facts.append(Fact(**{**asdict(fact), "detail": {**fact.detail, "adjustment": info}}))
    return facts


def _streaks(ctx: _Context) -> list[Fact]:
    facts = []
    for flow in ("total_exports", "imports", "re_exports", "domestic_exports"):
        values = ctx.value_frame("total", flow)
        rates = {"value": values.set_index("period").value.pipe(_yoy)}
        try:
            frame = ctx.index_frame("total", flow).set_index("period")
            rates["volume"] = frame.volume_yoy_pct.astype(float)
        except NotInStoreError:
            pass
        for measure, series in rates.items():
            s = streaks.streak(series, ctx.period)
            facts.append(
                Fact(
                    f"streak.{flow}.{measure}",
                    "streak",
                    "streak_months",
                    s.months,
                    "months",
                    ctx.inputs(flow=flow, breakdown="total", key="total", measure=measure),
                    "consecutive months of published (one-decimal) year-on-year growth",
                    s.as_dict(),
                )
            )
    # The longest volume growth streaks among partners.
    try:
        partners = ctx.index_frame("partner", "total_exports")
    except NotInStoreError:
        return facts
    table = partners[["key", "label", "period"]].assign(rate=partners.volume_yoy_pct)
    for rank, row in enumerate(streaks.longest(table, ctx.period, top=5).itertuples(), 1):
        facts.append(
            Fact(
                f"streak.longest.partner.{row.key}",
                "streak",
                "streak_months",
                int(row.months),
                "months",
                ctx.inputs(
                    flow="total_exports", breakdown="partner", key=row.key, measure="volume"
                ),
                "longest current streaks of year-on-year volume growth among partners",
                {
                    "rank": rank,
                    "name": row.label,
                    "at_least": bool(row.at_least),
                    "start": row.start,
                },
            )
        )
    return facts


def _yoy(series: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"key": "k", "period": series.index.astype(int), "v": series.to_numpy()})
    return pd.Series(yoy_pct(frame, "v").to_numpy(), index=series.index)


def _windows(period: Period) -> tuple[str, ...]:
    """In December the year to date is the year."""
    return ("month", "year") if period.month == 12 else ("month", "ytd")


def _contributions(ctx: _Context, top: int) -> list[Fact]:
    facts = []
    plan = [("total_exports", by) for by in CONTRIBUTION_BREAKDOWNS] + [("re_exports", "origin")]
    for flow, by in plan:
        frame = ctx.value_frame(by, flow)
        for window in _windows(ctx.period):
            table = value_contributions(frame, ctx.period, window)
            for rank, row in enumerate(table.head(top).itertuples(), 1):
                facts.append(
                    Fact(
                        f"contribution.{flow}.{by}.{row.key}.{window}",
                        "contribution",
                        "change",
                        float(row.change),
                        ctx.currency,
                        ctx.inputs(flow=flow, breakdown=by, key=row.key, window=window),
                        "the key's change; its points are change ÷ the total a year earlier",
                        {
                            "rank": rank,
                            "name": row.label,
                            "contribution_pp": optional_float(row.contribution_pp),
                            "share_of_change": optional_float(row.share_of_change),
                            "growth_pct": optional_float(row.growth_pct),
                            "current": float(row.current),
                            "previous": float(row.previous),
                        },
                    )
                )
    for by in ("partner", "division"):
        try:
            frame = ctx.index_frame(by, "total_exports")
            total = ctx.index_frame("total", "total_exports").set_index("period")
        except NotInStoreError:
            break
        for measure in ("volume", "price"):
            aggregate = optional_float(total[f"{measure}_yoy_pct"].get(ctx.period.key))
            table = index_contributions(frame, ctx.period, measure=measure, aggregate_pct=aggregate)
            for rank, row in enumerate(table.head(top).itertuples(), 1):
                facts.append(
                    Fact(
                        f"contribution.total_exports.{measure}.{by}.{row.key}",
                        "contribution",
                        "contribution_pp",
                        optional_float(row.contribution_pp),
                        "pp",
                        ctx.inputs(
                            flow="total_exports",
                            breakdown=by,
                            key=row.key,
                            measure=measure,
                            window="month",
                        ),
                        "value share a year earlier × the key's year-on-year index change",
                        {
                            "rank": rank,
                            "name": row.label,
                            "weight": optional_float(row.weight),
                            "growth_pct": optional_float(row.growth_pct),
                            "aggregate_pct": aggregate,
                        },
                    )
                )
    return facts


def _splits(ctx: _Context, top: int) -> list[Fact]:
    facts = []
    for by in ("total", "partner", "division"):
        frame = ctx.index_frame(by, "total_exports")
        month = frame[frame.period == ctx.period.key].sort_values("value", ascending=False)
        rows = month.head(top if by != "total" else 1).rename(
            columns={"value_yoy_pct": "value_pct", "price_yoy_pct": "price_pct",
                     "volume_yoy_pct": "volume_pct"}
        )  # fmt: skip
        judged = splits.splits(rows[["key", "label", "value_pct", "price_pct", "volume_pct"]])
        for row in judged.itertuples():
            facts.append(
                Fact(
                    f"split.total_exports.{by}.{row.key}",
                    "split",
                    "verdict",
                    str(row.verdict),
                    "",
                    ctx.inputs(flow="total_exports", breakdown=by, key=row.key, window="month"),
                    "year-on-year value change split into volume and price (rule in README)",
                    {
                        "name": row.label,
                        "value_pct": optional_float(row.value_pct),
                        "price_pct": optional_float(row.price_pct),
                        "volume_pct": optional_float(row.volume_pct),
                        "volume_share": optional_float(row.volume_share),
                        "reason": str(row.reason),
                    },
                )
            )
    return facts


def _movers(ctx: _Context, top: int) -> list[Fact]:
    facts = []
    for by in ("partner", "division"):
        frame = ctx.value_frame(by, "total_exports")
        up, down = movers(frame, ctx.period, top=top)
        for direction, table in (("increase", up), ("decrease", down)):
            for rank, row in enumerate(table.itertuples(), 1):
                facts.append(
                    Fact(
                        f"mover.{direction}.total_exports.{by}.{row.key}",
                        "mover",
                        "change",
                        float(row.change),
                        ctx.currency,
                        ctx.inputs(flow="total_exports", breakdown=by, key=row.key, window="month"),
                        f"largest {direction}s in value on the same month a year earlier",
                        {
                            "rank": rank,
                            "name": row.label,
                            "growth_pct": optional_float(row.growth_pct),
                        },
                    )
                )
        for row in shares(frame, ctx.period).head(top).itertuples():
            facts.append(
                Fact(
                    f"share.total_exports.{by}.{row.key}",
                    "share",
                    "share_pct",
                    float(row.share_pct),
                    "%",
                    ctx.inputs(flow="total_exports", breakdown=by, key=row.key, window="month"),
                    "the key's value over the total's",
                    {"rank": int(row.rank), "name": row.label, "value": float(row.value)},
                )
            )
    return facts


def _drivers(ctx: _Context) -> list[Fact]:
    facts = _surges(ctx)
    divisions = ctx.value_frame("division", "total_exports")
    year = ctx.period.year if ctx.period.month == 12 else None
    mix = drivers.mix_shift(divisions)
    now = mix[mix.period == ctx.period.key]
    if not now.empty:
        row = now.iloc[0]
        facts.append(
            Fact(
                "mix.total_exports.75_76_77",
                "mix",
                "share_pct",
                float(row.share_pct),
                "%",
                ctx.inputs(
                    flow="total_exports", breakdown="division", key="75+76+77", window="month"
                ),
                "share of SITC 75, 76 and 77 in total exports",
                {"change_pp": optional_float(row.get("change_pp"))},
            )
        )
    if year is not None:
        summary = drivers.mix_summary(divisions, year)
        facts.append(
            Fact(
                "mix.total_exports.75_76_77.year",
                "mix",
                "share_pct",
                summary.share_pct,
                "%",
                ctx.inputs(
                    flow="total_exports", breakdown="division", key="75+76+77", window="year"
                ),
                "share of SITC 75, 76 and 77 in the year's total exports",
                summary.as_dict(),
            )
        )
    weights = ctx.backend.execute(
        value_and_weight(ctx.backend.table("cells"), EXPORT_FLOWS, "mode")
    )
    # Value with a weight and value without one, so value per kg divides like by like.
    rows = pd.concat(
        [
            weights[["period", "mode"]].assign(
                value=weights.value_weighed, net_weight=weights.net_weight
            ),
            weights[["period", "mode"]].assign(
                value=weights.value - weights.value_weighed, net_weight=float("nan")
            ),
        ]
    )
    modes = drivers.transport(rows)
    air = drivers.air_share_change(rows, ctx.period)
    facts.append(
        Fact(
            "transport.total_exports.air_share",
            "transport",
            "share_pct",
            air.share_pct,
            "%",
            ctx.inputs(flow="total_exports", breakdown="mode", key="air", window="month"),
            "exports by air over all exports",
            air.as_dict(),
        )
    )
    for row in modes[modes.period == ctx.period.key].itertuples():
        facts.append(
            Fact(
                f"transport.total_exports.{row.mode}.value_per_kg",
                "transport",
                "value_per_kg",
                optional_float(row.value_per_kg),
                f"{ctx.currency}/kg",
                ctx.inputs(flow="total_exports", breakdown="mode", key=row.mode, window="month"),
                "value of cells with a net weight ÷ that weight",
                {"value": float(row.value), "share_pct": optional_float(row.share_pct)},
            )
        )
    return facts


def _surges(ctx: _Context) -> list[Fact]:
    """Surges in exports by partner (with volume or price as the carrier) and, for the
    partners that surged, the divisions that carry them."""
    values = ctx.value_frame("partner", "total_exports").rename(columns={"key": "partner"})
    try:
        indices = ctx.index_frame("partner", "total_exports")
        values = values.merge(
            indices[["key", "period", "price_index", "volume_index"]].rename(
                columns={"key": "partner"}
            ),
            on=["partner", "period"],
            how="left",
        )
    except NotInStoreError:
        pass
    found = drivers.scan(values.drop(columns="label"), by=["partner"])
    names = dict(zip(values.partner, values.label, strict=False))
    # The divisions of the partners that surged: their series alone are fitted.
    partners = {dict(s.keys)["partner"] for s in found}
    divisions = drivers.scan(
        _partner_divisions(ctx), by=["partner", "division"], within=["division"],
        only={"partner": partners},
    ) if partners else []  # fmt: skip
    facts = []
    for surge in found:
        partner = dict(surge.keys)["partner"]
        carried = [
            {"division": dict(s.keys)["division"], "start": s.start, "excess": s.excess}
            for s in divisions
            if dict(s.keys)["partner"] == partner
        ][:5]
        facts.append(
            Fact(
                f"surge.total_exports.partner.{partner}",
                "surge",
                "start",
                surge.start,
                "",
                ctx.inputs(flow="total_exports", breakdown="partner", key=partner),
                f"months above a forecast band fitted to the series up to {surge.cutoff}",
                {**surge.as_dict(), "name": names.get(partner, partner), "divisions": carried},
            )
        )
    return facts


def _partner_divisions(ctx: _Context) -> pd.DataFrame:
    if "partner×division" not in ctx._values:
        b = ctx.backend
        cells = keyed(
            b.table("cells").filter(lambda t: t.flow.isin(list(EXPORT_FLOWS))),
            "division",
            commodity_sitc=b.table("commodity_sitc"),
            sitc=b.table("sitc"),
        )
        table = cells.group_by(["partner", "period", cells.key.name("division")]).aggregate(
            value=cells.value.sum()
        )
        frame = b.execute(table)
        frame["period"] = frame.period.astype(int)
        ctx._values["partner×division"] = frame
    return ctx._values["partner×division"]


def value_text(fact: Fact, currency: str) -> str:
    """The fact's value as the analysis table prints it."""
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


def about(fact: Fact) -> str:
    """A short phrase: the key's name and what qualifies the value."""
    d = fact.detail
    name = d.get("name") or fact.inputs.get("key", "")
    if fact.topic == "split":
        who = "" if name == "total" else f"{name}: "
        return who + str(d.get("reason", name))
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
        if name == "total":  # a flow's own streak: say which flow and measure
            name = f"{FLOW_LABELS.get(fact.inputs.get('flow', ''), '')} {fact.inputs.get('measure', '')}"
        return f"{name.strip()}" + (
            f", {d.get('direction', 'growth')} since {start}" if start else ""
        )
    if "current_months" in d:
        a, b = d["current_months"]
        c, e = d["previous_months"]
        return f"{a}–{b} on {c}–{e}" if a != b else f"{a} on {c}"
    return str(name if name != "total" else fact.method)
