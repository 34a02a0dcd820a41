"""The store's figure for a claim's subject, from the analysis library, with its id and
the expression that produced it (as in the release)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..analysis.comparisons import compare
from ..analysis.contributions import value_contributions
from ..analysis.movers import shares
from ..analysis.series import monthly_series
from ..analysis.streaks import published, streak
from ..analysis.summary import summary, values_by
from ..backends import Backend
from ..errors import EntrepotError, NotInStoreError
from ..periods import Period
from ..store import Store
from .reading import Subject

KINDS = {
    "yoy": "yoy", "ytd_yoy": "ytd", "janfeb_yoy": "jan_feb", "mom": "mom", "qoq_sa": "quarter",
    "q_yoy": "three_month", "three_yoy": "three_month", "three_sa": "three_on_three",
}  # fmt: skip
"""The library's comparison (:func:`~entrepot.analysis.comparisons.compare`) for each of
a claim's."""
SEASONALLY_ADJUSTED = ("qoq_sa", "three_sa")


class Unsupported(EntrepotError):
    """A claim understood but not computable from the store."""


@dataclass(frozen=True)
class StoreFigure:
    value: float | bool
    id: str
    expression: str
    detail: dict[str, float | None]


def _breakdown(subject: Subject) -> tuple[str, str]:
    if subject.partner:
        kind = subject.partner_kind if subject.partner_kind in ("region", "origin") else "partner"
        return kind, subject.partner
    if subject.commodity:
        level = {1: "section", 2: "division", 3: "group"}.get(len(subject.commodity), "division")
        return level, subject.commodity
    if subject.mode:
        return "mode", subject.mode
    return "total", "total"


def _window(subject: Subject) -> tuple[Period, str]:
    """The month a comparison ends at and the library's kind of comparison."""
    period = str(subject.period)
    if ".." in period:
        return Period.parse(period.split("..")[1]), KINDS.get(subject.comparison, "ytd")
    if len(period) == 4:  # a year: January to December against the year before
        return Period(int(period), 12), "ytd"
    return Period.parse(period), KINDS.get(subject.comparison, "yoy")


class Figures:
    """Looks up claims' figures in one store, reading each series once."""

    def __init__(self, store: Store, backend: Backend):
        self.store, self.backend = store, backend
        self._series: dict[tuple, pd.DataFrame] = {}

    def series(self, flow: str, measure: str, by: str, adjusted: bool = False) -> pd.DataFrame:
        key = (flow, measure, by, adjusted)
        if key not in self._series:
            self._series[key] = monthly_series(
                self.store, self.backend, flow=flow, measure=measure, by=by, adjusted=adjusted,
                keep=False,
            ).frame  # fmt: skip
        return self._series[key]

    def levels(self, subject: Subject, measure: str, column: str = "level") -> pd.Series:
        by, key = _breakdown(subject)
        frame = self.series(subject.flow, measure, by, column == "adjusted")
        rows = frame[frame.key == key]
        if rows.empty:
            raise NotInStoreError(f"No {by} {key} in the {measure} series of {subject.flow}.")
        return rows.set_index("period")[column].astype(float)

    def figure(self, subject: Subject, unit: str) -> StoreFigure:
        """The store's figure for ``subject`` in the claim's ``unit``."""
        by, key = _breakdown(subject)
        node = f"{by}.{key}." if by != "total" else ""
        if subject.flow == "balance":
            return self._balance(subject, unit)
        if subject.commodity and "+" in subject.commodity:
            raise Unsupported("several SITC divisions together: each is checked on its own")
        if subject.measure == "share_change":
            raise Unsupported("a change in a share: shares are checked, their changes not yet")
        if subject.measure == "surge":
            raise Unsupported("a value above or below its forecast: surges are not checked yet")
        if subject.measure == "streak":
            return self._streak(subject, node)
        if subject.measure == "share":
            return self._share(subject)
        if subject.measure == "contribution":
            return self._contribution(subject, unit)
        measure = "price" if subject.measure == "terms_of_trade" else subject.measure
        flow = "terms_of_trade" if subject.measure == "terms_of_trade" else subject.flow
        subject_ = Subject(**{**subject.__dict__, "flow": flow})
        adjusted = subject.comparison in SEASONALLY_ADJUSTED
        series = self.levels(subject_, measure, "adjusted" if adjusted else "level")
        end, kind = _window(subject)
        how = "sum" if measure == "value" else "mean"
        c = compare(series, end, kind, how=how)
        fid = f"{node}{flow}.{measure}.{'sa.' if adjusted else ''}{kind}"
        expression = (
            f"compare(monthly_series(flow={flow!r}, measure={measure!r}, by={by!r}"
            f"{', adjusted=True' if adjusted else ''})[{key!r}], {end}, {kind!r}, how={how!r})"
        )
        if unit in ("hkd", "usd"):
            value = c.current
            if value is None:
                raise NotInStoreError(c.note or f"No value for {subject.period}.")
            return StoreFigure(value, fid.rsplit(".", 1)[0] + ".level", expression + ".current", {})
        if c.change_pct is None:
            raise NotInStoreError(c.note or f"No comparison for {subject.period}.")
        # Volume and price beside a value change, for "driven by volume" and the like.
        detail = self._split(subject_, end, kind) if subject.measure == "value" else {}
        return StoreFigure(c.change_pct, fid, expression + ".change_pct", detail)

    def _split(self, subject: Subject, end: Period, kind: str) -> dict[str, float | None]:
        """Volume and price changes beside a value change (for "driven by volume")."""
        out: dict[str, float | None] = {}
        for measure in ("volume", "price"):
            try:
                out[measure] = compare(
                    self.levels(subject, measure), end, kind, how="mean"
                ).change_pct
            except EntrepotError:
                out[measure] = None
        return out

    def _balance(self, subject: Subject, unit: str) -> StoreFigure:
        """The visible trade balance of a month or of the year to date, as ``summary``
        gives it (in value, or in % of imports)."""
        end, kind = _window(subject)
        if kind not in ("yoy", "ytd"):
            raise Unsupported(f"a trade balance over {subject.comparison}: only a month or a year")
        window = "year_to_date" if kind == "ytd" else "month"
        figures = getattr(summary(self.backend, end), window)
        if subject.measure == "share":
            share = figures.balance_pct_of_imports
            if share is None:
                raise NotInStoreError(f"No imports in {subject.period}.")
            return StoreFigure(
                share, f"balance.pct_of_imports.{window}",
                f"summary({end}).{window}.balance_pct_of_imports", {},
            )  # fmt: skip
        return StoreFigure(
            figures.balance, f"balance.value.{window}", f"summary({end}).{window}.balance", {}
        )

    def _streak(self, subject: Subject, node: str) -> StoreFigure:
        end, _ = _window(subject)
        measure = "volume" if subject.basis == "volume" else "value"
        by, key = _breakdown(subject)
        frame = self.series(subject.flow, measure, by)
        rows = frame[frame.key == key]
        growth = {
            int(p): (published(r) if pd.notna(r) else None)
            for p, r in zip(rows.period, rows.yoy_pct, strict=True)
        }
        found = streak({p: g for p, g in growth.items() if g is not None}, end, "growth")
        return StoreFigure(
            float(found.months), f"{node}{subject.flow}.{measure}.streak",
            f"streak(published yoy_pct of monthly_series({subject.flow!r}, {measure!r}), {end}, 'growth')",
            {"at_least": float(found.at_least)},
        )  # fmt: skip

    def _values(self, subject: Subject, by: str) -> pd.DataFrame:
        table = values_by(self.backend, by)
        return self.backend.execute(
            table.select("key", "label", "period", value=table[subject.flow])
        )

    def _share(self, subject: Subject) -> StoreFigure:
        by, key = _breakdown(subject)
        end, _ = _window(subject)
        window = "year" if len(str(subject.period)) == 4 else "month"
        table = shares(self._values(subject, by), end, window=window)
        row = table[table.key == key]
        if row.empty:
            raise NotInStoreError(f"No {by} {key} in the values of {subject.flow}.")
        return StoreFigure(
            float(row.share_pct.iloc[0]), f"share.{subject.flow}.{by}.{key}.{window}",
            f"shares(values by {by}, {end}, window={window!r})[{key!r}].share_pct", {},
        )  # fmt: skip

    def _contribution(self, subject: Subject, unit: str) -> StoreFigure:
        by, key = _breakdown(subject)
        end, _ = _window(subject)
        window = "year" if len(str(subject.period)) == 4 else "month"
        table = value_contributions(self._values(subject, by), end, window)
        row = table[table.key == key]
        if row.empty:
            raise NotInStoreError(f"No {by} {key} in the values of {subject.flow}.")
        column = "change" if unit in ("hkd", "usd") else "contribution_pp"
        return StoreFigure(
            float(row[column].iloc[0]), f"contribution.{subject.flow}.{by}.{key}.{window}",
            f"value_contributions(values by {by}, {end}, {window!r})[{key!r}].{column}", {},
        )  # fmt: skip
