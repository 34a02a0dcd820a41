from __future__ import annotations

import pandas as pd
import pytest

from entrepot.analysis.summary import breakdown, summary
from entrepot.compute.values import by_flow, with_yoy
from entrepot.errors import NotInStoreError
from entrepot.periods import Period

from .conftest import cells_frame

# Dec 2024 and Dec 2025 for a hand check; November 2024 is missing on purpose.
ROWS = [
    (202311, "re_exports", "85423190", "USA", "air", 50.0),
    (202312, "re_exports", "85423190", "USA", "air", 60.0),
    (202412, "re_exports", "85423190", "USA", "air", 1500.0),
    (202412, "domestic_exports", "61091000", "USA", "sea", 200.0),
    (202412, "imports", "85423190", "CHN", "land", 1500.0),
    (202501, "re_exports", "85423190", "USA", "air", 700.0),
    (202511, "re_exports", "85423190", "USA", "air", 900.0),
    (202512, "re_exports", "85423190", "USA", "air", 1800.0),
    (202512, "domestic_exports", "61091000", "USA", "sea", 220.0),
    (202512, "imports", "85423190", "CHN", "land", 2100.0),
    (202512, "imports", "84713000", "TWN", "air", 900.0),
]


def test_month_figures_and_yoy(backend) -> None:
    be = backend({"cells": cells_frame(ROWS)})
    result = summary(be, Period(2025, 12))
    m = result.month
    assert m.values == {
        "total_exports": 2020.0,
        "domestic_exports": 220.0,
        "re_exports": 1800.0,
        "imports": 3000.0,
    }
    assert m.yoy_pct["total_exports"] == pytest.approx((2020 / 1700 - 1) * 100, rel=1e-12)
    assert m.yoy_pct["domestic_exports"] == pytest.approx(10.0, rel=1e-12)
    assert m.yoy_pct["re_exports"] == pytest.approx(20.0, rel=1e-12)
    assert m.yoy_pct["imports"] == pytest.approx(100.0, rel=1e-12)
    assert m.balance == -980.0
    assert m.balance_pct_of_imports == pytest.approx(-980 / 3000 * 100, rel=1e-12)


def test_yoy_joins_on_the_same_month_a_year_earlier_not_a_row_offset(backend) -> None:
    be = backend({"cells": cells_frame(ROWS)})
    frame = be.execute(with_yoy(by_flow(be.table("cells"))).order_by("period"))
    yoy = dict(zip(frame.period, frame.total_exports_yoy_pct, strict=True))
    # 2025-11 has no 2024-11 to compare with (the row 12 rows back would be 2023-11).
    assert pd.isna(yoy[202511])
    # 2024-12 compares with 2023-12: 1700 / 60.
    assert yoy[202412] == pytest.approx((1700 / 60 - 1) * 100, rel=1e-12)


def test_year_to_date_and_missing_prior_month(backend) -> None:
    be = backend({"cells": cells_frame(ROWS)})
    result = summary(be, Period(2025, 12))
    ytd = result.year_to_date
    assert ytd.values["total_exports"] == 700 + 900 + 1800 + 220
    assert ytd.values["imports"] == 3000.0
    # Jan–Nov 2024 are missing from the store, so no year-to-date change is claimed.
    assert ytd.yoy_pct["total_exports"] is None
    assert result.note is not None and "2024-01" in result.note


def test_unknown_period_names_what_the_store_holds(backend) -> None:
    be = backend({"cells": cells_frame(ROWS)})
    with pytest.raises(
        NotInStoreError, match=r"Period 2026-01 is not in the store \(it holds 2023-11 to 2025-12\)"
    ):
        summary(be, Period(2026, 1))


def test_breakdown_by_mode(backend) -> None:
    be = backend({"cells": cells_frame(ROWS)})
    rows = {r.key: r for r in breakdown(be, Period(2025, 12), "mode")}
    assert rows["air"].month.values["total_exports"] == 1800.0
    assert rows["air"].month.values["imports"] == 900.0
    assert rows["air"].month.yoy_pct["total_exports"] == pytest.approx(20.0, rel=1e-12)
    assert rows["sea"].month.values["domestic_exports"] == 220.0
    assert rows["land"].month.yoy_pct["imports"] == pytest.approx(40.0, rel=1e-12)
