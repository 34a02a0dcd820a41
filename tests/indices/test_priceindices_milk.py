"""Fixture E: PriceIndices on its ``milk`` scanner data (several outlets per product-month).

PriceIndices first forms monthly unit values per product, Σ p·q / Σ q over outlets, then
matches products pair by pair; our panel does the same. Each expected value comes with the
PriceIndices call that produced it; ``ours`` translates every call into entrepot's API:

- a PriceIndices window that starts at ``wstart`` is the panel cut to that window;
- ``start`` is our ``base`` (the period set to 1);
- ``geks_fbew``/``*_fbew`` grow their window from the first December, our
  ``splice="fbew_expanding"``; ``ccdi_fbmw`` is CCDI with ``splice="fbmw"``; both with
  window 13 from a December, so December is the link month every year;
- ``tpd_splice`` is our weighted TPD (``wtpd``): PriceIndices' TPD weights each product by
  its expenditure share in its month.

Values are compared to the digits PriceIndices printed: 4 decimals in its tests, 7
significant digits in the README (half a unit of the last printed digit). The Bialek
"hybrid" index (13 values) is not implemented.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from entrepot.indices import build_panel, price_index

from .conftest import assert_close, read_reference, reference

# PriceIndices counts every row: 105 rows of the milk data repeat another in every column
# (same month, product, outlet, price and quantity), and they count twice there too.
COLUMNS = dict(
    period="month", item="prodID", price="prices", quantity_col="quantities", duplicates="sum"
)
SKIPPED = {"hybrid"}


def milk() -> pd.DataFrame:
    data = read_reference("E_priceindices_milk_data.csv")
    data["month"] = data["time"].str[:7]
    return data.sort_values("month", kind="stable")


def add_months(month: str, k: int) -> str:
    year, mon = map(int, month.split("-"))
    index = year * 12 + mon - 1 + k
    return f"{index // 12}-{index % 12 + 1:02d}"


def cut(data: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    return data[(data.month >= first) & (data.month <= last)]


def ours(data: pd.DataFrame, function: str, call: str) -> pd.Series:
    """Our index for one PriceIndices call, indexed by month."""
    args = dict(re.findall(r'(\w+)\s*=\s*"?([\w.\-]+)"?', call))
    start, end = args["start"], args["end"]
    if function in ("geks", "ccdi", "geksl", "geksl_fbew"):
        # price_indices(..., window = c(13, 13)); geksl's window is its default 13.
        window = 13 if "price_indices" in call else int(args.get("window", 13))
        first = args.get("wstart", start)
        options: dict[str, object] = {}
        if function == "geksl_fbew":
            options = {"window": 13, "splice": "fbew_expanding"}
        formula = {"geksl_fbew": "geksl"}.get(function, function)
        result = price_index(
            cut(data, first, add_months(first, window - 1)), formula, base=start,
            **options, **COLUMNS,
        )  # fmt: skip
    elif function in ("jevons", "fisher"):
        result = price_index(data, function, base=start, **COLUMNS)
    elif function == "chfisher":
        result = price_index(data, "fisher", chain="chained", base=start, **COLUMNS)
    elif function == "lloyd_moulton":
        result = price_index(
            data, "lloyd_moulton", sigma=float(args["sigma"]), base=start, **COLUMNS
        )
    elif function == "lowe":
        result = price_index(data, "lowe", basket=args["base"], base=start, **COLUMNS)
    elif function == "young":  # price_indices(..., base=c("2019-03", ...))
        result = price_index(data, "young", basket="2019-03", base=start, **COLUMNS)
    elif function == "QMp":  # price_indices(..., r=c(3))
        result = price_index(data, "quadratic_mean", r=3.0, base=start, **COLUMNS)
    elif function == "geks_fbew":
        result = price_index(cut(data, start, end), "geks_fisher", window=13,
                             splice="fbew_expanding", **COLUMNS)  # fmt: skip
    elif function == "ccdi_fbmw":
        result = price_index(cut(data, start, end), "ccdi", window=13, splice="fbmw", **COLUMNS)
    elif function == "tpd_splice":
        result = price_index(cut(data, start, end), "wtpd", window=int(args["window"]),
                             splice=args["splice"], **COLUMNS)  # fmt: skip
    else:
        raise AssertionError(f"no translation for {function}")
    return result.set_index("month")["index"]


def _calls() -> list[object]:
    expected = read_reference("E_priceindices_milk_expected.csv")
    calls = expected[~expected.function.isin(SKIPPED)][["function", "call"]].drop_duplicates()
    return [
        pytest.param(row.function, row.call, id=f"{row.function}-{i}")
        for i, row in enumerate(calls.itertuples())
    ]


@pytest.mark.parametrize(("function", "call"), _calls())
def test_matches_priceindices(function: str, call: str) -> None:
    expected = pd.read_csv(reference("E_priceindices_milk_expected.csv"), dtype={"value": str})
    rows = expected[(expected.function == function) & (expected.call == call)]
    got = ours(milk(), function, call).loc[rows.period].to_numpy()
    printed = rows.value.to_numpy()
    decimals = np.array([len(v.split(".")[1]) if "." in v else 0 for v in printed])
    want = printed.astype(float)
    assert_close(got, want, 0.5 * 10.0 ** (-decimals) + 1e-12)


def test_every_priceindices_function_but_hybrid_is_covered() -> None:
    functions = set(read_reference("E_priceindices_milk_expected.csv").function)
    assert functions - SKIPPED == {
        "jevons", "fisher", "chfisher", "geks", "lloyd_moulton", "geksl", "geks_fbew",
        "ccdi_fbmw", "lowe", "tpd_splice", "ccdi", "QMp", "young", "geksl_fbew",
    }  # fmt: skip


LOCAL_RUN = {
    "geks": ("geks_fisher", {}),
    "ccdi": ("geks_tornqvist", {}),
    "fisher": ("fisher", {}),
    "QMp": ("quadratic_mean", {"r": 3.0}),
    "young": ("young", {"basket": "2019-03"}),
    "geksl_fbew": ("geks_laspeyres", {"window": 13, "splice": "fbew_expanding"}),
    "gk": ("geary_khamis", {}),
    "tpd": ("wtpd", {}),
    "chlaspeyres": ("laspeyres", {"chain": "chained"}),
    "chpaasche": ("paasche", {"chain": "chained"}),
    "chtornqvist": ("tornqvist", {"chain": "chained"}),
    "laspeyres": ("laspeyres", {}),
    "paasche": ("paasche", {}),
    "tornqvist": ("tornqvist", {}),
    "walsh": ("walsh", {}),
    "chjevons": ("jevons", {"chain": "chained"}),
}


@pytest.mark.parametrize("column", LOCAL_RUN)
def test_matches_priceindices_local_run(column: str) -> None:
    # A secondary check: one price_indices() run over 2018-12..2019-12 at full precision.
    expected = read_reference("E_priceindices_milk_computed_localrun.csv")[column].to_numpy()
    formula, options = LOCAL_RUN[column]
    got = price_index(cut(milk(), "2018-12", "2019-12"), formula, **options, **COLUMNS)
    # PriceIndices' gk iterates only until successive index vectors differ by less than
    # 0.005 (Euclidean norm), so its values are approximate; we solve the GK system exactly.
    rel = 1e-7 if column == "gk" else 1e-12
    assert_close(got["index"], expected, rel * expected)


def test_unit_values_are_formed_per_product_month() -> None:
    data = milk()
    several = data.groupby(["month", "prodID"]).size()
    assert several.max() > 1  # several outlets report the same product in a month
    month, product = several.idxmax()
    records = data[(data.month == month) & (data.prodID == product)]
    unit_value = (records.prices * records.quantities).sum() / records.quantities.sum()
    panel = build_panel(
        data, period="month", item="prodID", price="prices", quantity="quantities",
        duplicates="sum",
    )  # fmt: skip
    t, n = panel.periods.get_loc(month), panel.items.get_loc(product)
    assert panel.prices[t, n] == pytest.approx(unit_value, rel=1e-15)
    assert panel.quantities[t, n] == pytest.approx(records.quantities.sum(), rel=1e-15)
