"""The monthly summary: values for the month and the year to date with year-on-year changes.

This is where the value-table expressions meet an engine: it builds them from
:mod:`entrepot.compute.values`, runs them on a :class:`~entrepot.backends.Backend` and
returns plain data that the CLI, the release and the API render.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from ..backends import Backend
from ..compute.values import by_flow, keyed, with_yoy, year_to_date
from ..errors import NotInStoreError
from ..periods import Period, describe_span
from ..schema import BREAKDOWNS, MEASURES, choice
from .numbers import optional_float


@dataclass(frozen=True)
class Figures:
    """One column of the summary: each measure's value and year-on-year change."""

    values: dict[str, float]
    yoy_pct: dict[str, float | None]

    @property
    def balance(self) -> float:
        return self.values["total_exports"] - self.values["imports"]

    @property
    def balance_pct_of_imports(self) -> float | None:
        imports = self.values["imports"]
        return self.balance / imports * 100 if imports else None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            m: {"value": self.values[m], "yoy_pct": self.yoy_pct[m]} for m in MEASURES
        }
        out["balance"] = {"value": self.balance, "pct_of_imports": self.balance_pct_of_imports}
        return out


@dataclass(frozen=True)
class SummaryRow:
    key: str
    label: str
    month: Figures
    year_to_date: Figures

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.label,
            "month": self.month.as_dict(),
            "year_to_date": self.year_to_date.as_dict(),
        }


@dataclass(frozen=True)
class Summary:
    period: Period
    month: Figures
    year_to_date: Figures
    ytd_months: int
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": str(self.period),
            "month": self.month.as_dict(),
            "year_to_date": self.year_to_date.as_dict(),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per measure and the balance: the month and the year to date."""
        rows = []
        for m in (*MEASURES, "balance"):
            month, ytd = self.month, self.year_to_date
            rows.append(
                {
                    "period": str(self.period),
                    "measure": m,
                    "month": month.balance if m == "balance" else month.values[m],
                    "month_yoy_pct": None if m == "balance" else month.yoy_pct[m],
                    "year_to_date": ytd.balance if m == "balance" else ytd.values[m],
                    "year_to_date_yoy_pct": None if m == "balance" else ytd.yoy_pct[m],
                    "ytd_months": self.ytd_months,
                }
            )
        return pd.DataFrame(rows)


def _stored_periods(backend: Backend) -> list[int]:
    cells = backend.table("cells")
    frame = backend.execute(cells.select("period").distinct())
    return sorted(int(p) for p in frame["period"])


def check_period(backend: Backend, period: Period) -> list[int]:
    """The months of ``backend``'s cells; an error unless ``period`` is one of them."""
    periods = _stored_periods(backend)
    if not periods and backend.filters:
        raise NotInStoreError(f"No cells match the filters ({backend.filters.describe()}).")
    if period.key not in periods:
        raise NotInStoreError(
            f"Period {period} is not in the store (it holds {describe_span(periods)})."
        )
    return periods


def _figures(row: pd.Series, *, comparable: bool = True) -> Figures:
    values = {m: optional_float(row.get(m)) or 0.0 for m in MEASURES}
    yoy = {m: optional_float(row.get(f"{m}_yoy_pct")) if comparable else None for m in MEASURES}
    return Figures(values, yoy)


def summary(backend: Backend, period: Period) -> Summary:
    """Totals for ``period`` and the year to date, each with its YoY change."""
    periods = check_period(backend, period)
    monthly = by_flow(backend.table("cells"))
    month = backend.execute(with_yoy(monthly).filter(lambda t: t.period == period.key))
    ytd = backend.execute(year_to_date(monthly, period.key))
    missing = _missing_prior_months(periods, period)
    note = (
        f"Year-to-date change not shown: the store lacks {', '.join(map(str, missing))}."
        if missing
        else None
    )
    return Summary(
        period,
        _figures(month.iloc[0]),
        _figures(ytd.iloc[0], comparable=not missing),
        int(ytd.iloc[0]["months"]),
        note,
    )


def _missing_prior_months(periods: list[int], period: Period) -> list[Period]:
    """Months of this or last year's year-to-date window that the store lacks."""
    wanted = [Period(period.year, m) for m in range(1, period.month + 1)]
    wanted += [p.year_ago() for p in wanted]
    held = set(periods)
    return sorted(p for p in wanted if p.key not in held)


def values_by(backend: Backend, by: str) -> ir.Table:
    """Each measure's value (and the balance) by period and key (with its label) of the
    breakdown ``by``, from the backend's cells (as filtered)."""
    cells = keyed(
        backend.table("cells"),
        by,
        commodity_sitc=backend.table("commodity_sitc"),
        sitc=backend.table("sitc"),
        partners=backend.table("partners"),
    )
    return by_flow(cells, ["key", "label"])


def breakdown(backend: Backend, period: Period, by: str) -> list[SummaryRow]:
    """``summary`` for every key of a breakdown, largest total exports first."""
    by = choice(by, BREAKDOWNS, "breakdown")
    periods = check_period(backend, period)
    monthly = values_by(backend, by)
    month = backend.execute(
        with_yoy(monthly, ["key", "label"]).filter(lambda t: t.period == period.key)
    )
    ytd = backend.execute(year_to_date(monthly, period.key, ["key", "label"]))
    comparable = not _missing_prior_months(periods, period)
    empty = pd.Series(dtype=float)
    month_rows = {(r["key"], r["label"]): pd.Series(r) for r in month.to_dict("records")}
    ytd_rows = {(r["key"], r["label"]): pd.Series(r) for r in ytd.to_dict("records")}
    # A key with trade earlier in the year but none this month still has a row.
    rows = [
        SummaryRow(
            str(key),
            str(label),
            _figures(month_rows.get((key, label), empty)),
            _figures(ytd_rows.get((key, label), empty), comparable=comparable),
        )
        for key, label in month_rows.keys() | ytd_rows.keys()
    ]
    rows.sort(
        key=lambda row: (-row.month.values["total_exports"], -row.month.values["imports"], row.key)
    )
    return rows


def rows_frame(rows: list[SummaryRow]) -> pd.DataFrame:
    """Breakdown rows as a flat table: key, name, then each measure's month and year to
    date with their changes."""
    out = []
    for r in rows:
        row: dict[str, Any] = {"key": r.key, "name": r.label}
        for m in MEASURES:
            row[m] = r.month.values[m]
            row[f"{m}_yoy_pct"] = r.month.yoy_pct[m]
            row[f"{m}_ytd"] = r.year_to_date.values[m]
            row[f"{m}_ytd_yoy_pct"] = r.year_to_date.yoy_pct[m]
        out.append(row)
    return pd.DataFrame(out)
