"""Filters on the cells, on DuckDB and Spark: partners, HS and SITC prefixes, modes,
origins, and the value tables and breakdowns they feed."""

from __future__ import annotations

import pandas as pd
import pytest

from entrepot.analysis.filters import resolve
from entrepot.analysis.summary import breakdown, summary
from entrepot.compute.filters import Commodity, Filters
from entrepot.errors import NotInStoreError
from entrepot.periods import Period

from .conftest import cells_frame

ROWS = [
    (202412, "re_exports", "85423190", "USA", "air", 100.0),
    (202512, "re_exports", "85423190", "USA", "air", 150.0),
    (202512, "re_exports", "84713000", "USA", None, 40.0),
    (202512, "re_exports", "61091000", "JPN", "sea", 20.0),
    (202512, "imports", "85423190", "CHN", "land", 300.0),
]
SITC = pd.DataFrame(
    {"commodity": ["85423190", "847130", "61091000"], "sitc": ["77642", "75220", "84541"]}
)
PARTNERS = pd.DataFrame(
    {
        "code": ["USA", "JPN", "CHN"],
        "name": ["United States", "Japan", "China"],
        "region": ["North America", "Asia", "Asia"],
        "area": [None, "Eastern Asia", "Eastern Asia"],
    }
)


def tables() -> dict[str, pd.DataFrame]:
    cells = cells_frame(ROWS)
    cells["origin"] = ["CHN", "CHN", None, "VNM", None]
    return {"cells": cells, "commodity_sitc": SITC, "partners": PARTNERS}


def exports(backend: object, filters: Filters) -> float:
    result = summary(backend.filtered(filters), Period(2025, 12))  # type: ignore[attr-defined]
    return result.month.values["total_exports"]


@pytest.mark.parametrize(
    ("filters", "value"),
    [
        (Filters(partner=("USA",)), 190.0),
        (Filters(commodity=(Commodity("hs", "8542"),)), 150.0),
        # 84713000 is classed by its HS subheading 847130: SITC 752.
        (Filters(commodity=(Commodity("sitc", "75"),)), 40.0),
        (Filters(commodity=(Commodity("sitc", "7"), Commodity("hs", "61"))), 210.0),
        (Filters(mode=("air", "sea")), 170.0),
        (Filters(mode=("not stated",)), 40.0),
        (Filters(origin=("CHN",)), 150.0),
        (Filters(partner=("USA",), mode=("air",)), 150.0),
    ],
)
def test_filters(backend, filters: Filters, value: float) -> None:
    assert exports(backend(tables()), filters) == value


def test_resolved_commodities_are_the_codes_held(backend) -> None:
    be = backend(tables())
    chips = resolve(be, commodity=["sitc:75", "hs:8542"])
    assert chips.items == ("84713000", "85423190")
    assert exports(be, chips) == 190.0
    nothing = resolve(be, commodity=["sitc:0"])
    assert nothing.items == ()
    with pytest.raises(NotInStoreError, match=r"No cells match the filters \(commodity sitc:0\)"):
        exports(be, nothing)


def test_groups_of_partners_and_a_filtered_breakdown(backend) -> None:
    be = backend(tables())
    asia = resolve(be, partner=["asia"])
    assert sorted(asia.partner) == ["CHN", "JPN"]
    rows = {r.key: r for r in breakdown(be.filtered(asia), Period(2025, 12), "origin")}
    assert rows["VNM"].month.values["re_exports"] == 20.0
    assert rows["not stated"].month.values["imports"] == 300.0
    assert set(rows) == {"VNM", "not stated"}


def test_a_filtered_value_series(backend) -> None:
    from entrepot.analysis.series import monthly_series

    be = backend(tables()).filtered(Filters(partner=("USA",)))
    # Values need no compilation: the store is not read.
    result = monthly_series(None, be, by="mode")
    frame = result.frame.set_index(["key", "period"])
    assert frame.loc[("air", 202512), "level"] == 150.0
    assert frame.loc[("air", 202512), "yoy_pct"] == pytest.approx(50.0)
    assert frame.loc[("not stated", 202512), "level"] == 40.0
    assert result.filters == {"partner": ["USA"]}
