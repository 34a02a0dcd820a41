"""The partner profile: "Hong Kong's top 10 trade with …", as the statistics office
publishes it for each main partner.

For each year asked: the partner's total exports, domestic exports, re-exports, imports,
total trade (total exports + imports) and visible trade balance (total exports − imports),
each flow with the partner's rank among all partners (1 = the largest), its share of Hong
Kong's whole flow and the change on the previous year. Then the top SITC groups (3 digits)
of each flow in the last year, with their share of the partner's flow and their change.

Only whole calendar years are compared: a year the store holds fewer than twelve months of
is refused with an error naming what the store holds (a partial year's rank would stand,
but its change on a whole year would mislead). The change of a year whose previous year is
not wholly in the store is None, and the profile's ``note`` says so.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..backends import Backend
from ..compute.profiles import GROUP_MEASURES, PROFILE_MEASURES, partner_groups, partner_ranks
from ..errors import InputError, NotInStoreError
from ..periods import MAX_YEAR, MIN_YEAR, describe_span
from .compilations import complete_years
from .numbers import optional_float, optional_int

PROFILE_FLOWS: tuple[str, ...] = (*PROFILE_MEASURES, "balance")
"""The rows of a profile's annual table, in the published order."""

DEFAULT_YEARS = 3
"""Years a profile shows when none are asked for: the last complete ones in the store."""


@dataclass(frozen=True)
class FlowFigures:
    """One flow in one year: the partner's value, rank among all partners, share of Hong
    Kong's whole flow (%) and change on the previous year (%). The balance has a value
    only."""

    value: float
    rank: int | None = None
    share_pct: float | None = None
    change_pct: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "rank": self.rank,
            "share_pct": self.share_pct,
            "change_pct": self.change_pct,
        }


@dataclass(frozen=True)
class YearFigures:
    """Every flow of one year (keys :data:`PROFILE_FLOWS`)."""

    year: int
    flows: dict[str, FlowFigures]

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, **{f: self.flows[f].as_dict() for f in PROFILE_FLOWS}}


@dataclass(frozen=True)
class GroupFigures:
    """One SITC group of a flow: value, share of the partner's flow (%), change (%)."""

    code: str
    name: str
    value: float
    share_pct: float | None
    change_pct: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "value": self.value,
            "share_pct": self.share_pct,
            "change_pct": self.change_pct,
        }


@dataclass(frozen=True)
class TopGroups:
    """The largest SITC groups of one flow with the partner in ``year``, and the rest."""

    flow: str
    year: int
    total: float
    groups: tuple[GroupFigures, ...]
    others: GroupFigures | None
    """All the other groups together (None when the top groups are all there are)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow,
            "year": self.year,
            "total": self.total,
            "groups": [g.as_dict() for g in self.groups],
            "others": self.others.as_dict() if self.others else None,
        }


@dataclass(frozen=True)
class Profile:
    """Hong Kong's trade with one partner: annual figures, then the top SITC groups."""

    partner: str
    name: str
    region: str | None
    years: tuple[int, ...]
    annual: tuple[YearFigures, ...]
    top: tuple[TopGroups, ...]
    note: str | None = None

    def year(self, year: int) -> YearFigures:
        return next(y for y in self.annual if y.year == year)

    def groups(self, flow: str) -> TopGroups:
        return next(t for t in self.top if t.flow == flow)

    def as_dict(self) -> dict[str, Any]:
        return {
            "partner": self.partner,
            "name": self.name,
            "region": self.region,
            "years": list(self.years),
            "annual": [y.as_dict() for y in self.annual],
            "top_groups": {t.flow: t.as_dict() for t in self.top},
            "note": self.note,
        }

    def table(self) -> pd.DataFrame:
        """Both tables in one for CSV and Excel: ``part`` is ``annual`` (a row per year and
        flow) or ``groups`` (a row per flow and SITC group of the last year)."""
        rows: list[dict[str, Any]] = []
        for y in self.annual:
            for flow in PROFILE_FLOWS:
                rows.append(
                    {"part": "annual", "year": y.year, "flow": flow, **y.flows[flow].as_dict()}
                )
        for t in self.top:
            others = [t.others] if t.others else []
            for g in (*t.groups, *others):
                rows.append({"part": "groups", "year": t.year, "flow": t.flow, **g.as_dict()})
        out = pd.DataFrame(rows).astype({"rank": "Int64"})
        out.insert(0, "partner", self.partner)
        return out


_YEAR = r"\s*(\d{4})\s*"


def parse_years(text: str) -> list[int]:
    """``2023..2025`` (a range), ``2025`` or ``2023,2025`` as ascending years."""
    s = text.strip()
    if m := re.fullmatch(_YEAR + r"\.\." + _YEAR, s):
        first, last = int(m.group(1)), int(m.group(2))
        if first > last:
            raise InputError(
                f"Years {s!r} run backwards; write the first year first, e.g. {last}..{first}."
            )
        years = list(range(first, last + 1))
    elif re.fullmatch(_YEAR + r"(," + _YEAR + r")*", s):
        years = sorted({int(y) for y in s.split(",")})
    else:
        raise InputError(
            f"Years {s!r} are not understood (expected a year such as 2025, a range such as "
            "2023..2025, or a list such as 2023,2025)."
        )
    bad = [y for y in years if not MIN_YEAR <= y <= MAX_YEAR]
    if bad:
        raise InputError(f"Year {bad[0]} is out of range ({MIN_YEAR} to {MAX_YEAR}).")
    return years


def _stored_periods(backend: Backend) -> list[int]:
    cells = backend.table("cells")
    return sorted(int(p) for p in backend.execute(cells.select("period").distinct())["period"])


def profile_years(periods: Sequence[int], years: Sequence[int] | None = None) -> list[int]:
    """``years`` checked to be whole in the store (ascending); by default the last
    :data:`DEFAULT_YEARS` complete years it holds."""
    complete = complete_years(periods)
    held = f"the store holds {describe_span(list(periods))}"
    whole = ", ".join(map(str, complete)) or "none"
    if not years:
        if not complete:
            raise NotInStoreError(f"No complete year to profile: {held}.")
        return complete[-DEFAULT_YEARS:]
    for year in sorted(set(years)):
        if year not in complete:
            raise NotInStoreError(
                f"Year {year} is not wholly in the store ({held}; complete years: {whole})."
            )
    return sorted(set(years))


def _partner(backend: Backend, code: str) -> tuple[str, str, str | None]:
    """The partner's code, name and region; an error naming close codes when unknown."""
    partners = backend.execute(backend.table("partners").select("code", "name", "region"))
    wanted = code.strip().upper()
    for row in partners.itertuples(index=False):
        if str(row.code).upper() == wanted:
            region = row.region if isinstance(row.region, str) else None
            return str(row.code), str(row.name), region
    cells = backend.table("cells")
    traded = backend.execute(cells.filter(cells.partner == wanted).select("partner").limit(1))
    if len(traded):  # traded but not classified: named by its code
        return wanted, wanted, None
    raise InputError(f"Unknown partner {code.strip()!r}.{_suggestion(wanted, partners)}")


def _suggestion(wanted: str, partners: pd.DataFrame) -> str:
    names = {str(r.code): str(r.name) for r in partners.itertuples(index=False)}
    if not names:
        return " The store has no partners: load the classifications first."
    close = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.5)
    by_name = [c for c, n in names.items() if len(wanted) > 2 and wanted in n.upper()]
    close += [c for c in by_name if c not in close]
    close += [
        c
        for n in difflib.get_close_matches(wanted, [n.upper() for n in names.values()], n=3)
        for c, name in names.items()
        if name.upper() == n and c not in close
    ]
    if not close:
        return f" The store's {len(names)} partners are listed by 'entrepot classifications show'."
    return " Did you mean " + " or ".join(f"{c} ({names[c]})" for c in close[:3]) + "?"


def profile(backend: Backend, partner: str, years: Sequence[int], *, top: int = 10) -> Profile:
    """Hong Kong's trade with ``partner`` in ``years`` (whole years; empty: the last three
    complete years in the store), and its ``top`` SITC groups of each flow in the last."""
    if top < 1:
        raise InputError(f"--top must be at least 1 (got {top}).")
    code, name, region = _partner(backend, partner)
    periods = _stored_periods(backend)
    chosen = profile_years(periods, years)
    complete = set(complete_years(periods))
    with_prev = sorted(set(chosen) | {y - 1 for y in chosen if y - 1 in complete})
    cells = backend.table("cells")
    ranks = partner_ranks(cells, with_prev)
    ranks = backend.execute(ranks.filter((ranks.partner == code) & ranks.year.isin(chosen)))
    rows = {int(r["year"]): r for r in ranks.to_dict("records")}
    annual = tuple(_year_figures(y, rows.get(y)) for y in chosen)
    last = chosen[-1]
    groups = partner_groups(
        cells,
        code,
        [y for y in with_prev if y >= last - 1],
        commodity_sitc=backend.table("commodity_sitc"),
        sitc=backend.table("sitc"),
    )
    frame = backend.execute(groups.filter(groups.year == last))
    before = rows.get(last, {})
    tops = tuple(
        _top_groups(frame, m, last, top, optional_float(before.get(f"{m}_prev")))
        for m in GROUP_MEASURES
    )
    missing = [y - 1 for y in chosen if y - 1 not in complete]
    note = (
        f"No change is shown on {', '.join(map(str, missing))}: "
        f"{'it is' if len(missing) == 1 else 'they are'} not wholly in the store "
        f"(it holds {describe_span(periods)})."
        if missing
        else None
    )
    return Profile(code, name, region, tuple(chosen), annual, tops, note)


def _year_figures(year: int, row: dict[str, Any] | None) -> YearFigures:
    """The partner's figures in ``year``; a year without trade has zeros and no rank."""
    if row is None:
        flows = {f: FlowFigures(0.0) for f in PROFILE_FLOWS}
        return YearFigures(year, flows)
    flows = {
        m: FlowFigures(
            optional_float(row[m]) or 0.0,
            optional_int(row[f"{m}_rank"]) if optional_float(row[m]) else None,
            optional_float(row[f"{m}_share_pct"]),
            optional_float(row[f"{m}_change_pct"]),
        )
        for m in PROFILE_MEASURES
    }
    flows["balance"] = FlowFigures(optional_float(row["balance"]) or 0.0)
    return YearFigures(year, flows)


def _top_groups(
    frame: pd.DataFrame, flow: str, year: int, top: int, previous: float | None
) -> TopGroups:
    """The ``top`` largest groups of ``flow`` (ties by code), and the others together;
    ``previous`` is the partner's whole flow the year before (None when not known)."""
    rows = frame[frame[flow] > 0].sort_values([flow, "key"], ascending=[False, True])
    total = float(frame[flow].sum())
    shown, rest = rows.head(top), rows.iloc[top:]
    groups = tuple(
        GroupFigures(
            str(r["key"]),
            str(r["label"]),
            float(r[flow]),
            optional_float(r[f"{flow}_share_pct"]),
            optional_float(r[f"{flow}_change_pct"]),
        )
        for r in shown.to_dict("records")
    )
    others = None
    if len(rest):
        value = float(rest[flow].sum())
        # The others a year before: the whole flow less the top groups (so groups traded
        # only the year before count among the others).
        before = (
            previous - float(shown[f"{flow}_prev"].fillna(0).sum())
            if previous is not None
            else None
        )
        others = GroupFigures(
            "others",
            "Others",
            value,
            value / total * 100 if total else None,
            (value / before - 1) * 100 if before else None,
        )
    return TopGroups(flow, year, total, groups, others)
