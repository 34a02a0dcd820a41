"""The synthetic sample: Hong Kong-like monthly trade records, drawn month by month.

Each month, every cell that trades gets its base weight times its own drift and noise; the
values are then raked to the month's targets (flow totals and partner, segment and mode
shares from :mod:`.margins`, each with a little noise of its own). Unit values follow the
price paths with noise per elementary cell; quantity = value / unit value. Months draw from
their own random streams, so a month's records do not depend on the range asked for.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..errors import PeriodError, SampleError
from ..periods import Period, month_range
from ..schema import FLOWS, MODES
from . import partners as P
from .calibration import BASE_YEAR, CALIBRATION, Calibration
from .cells import DOMESTIC, IMPORTS, NONE, RE_EXPORTS, Cells, build_cells
from .classifications import write_classifications
from .commodities import SEGMENTS
from .margins import attainable, partner_factors, rake, segment_prices, targets
from .writers import FORMATS, RECORD_SCHEMA, open_writer


@dataclass(frozen=True)
class SampleResult:
    records: list[Path]
    classifications: Path
    rows: int
    periods: int


def generate(
    out: Path,
    *,
    seed: int = 2025,
    start: Period | str = Period(2023, 1),
    end: Period | str = Period(2025, 12),
    scale: float = 1.0,
    format: str = "parquet",
    progress: Callable[[int, int], None] | None = None,
    calibration: Calibration = CALIBRATION,
) -> SampleResult:
    """Write a synthetic sample of monthly trade records and its classifications to ``out``.

    Deterministic: the same options give byte-identical files.
    """
    start, end = _period(start, "start"), _period(end, "end")
    _check(out, seed, start, end, scale, format)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _clear(out)
    cells = build_cells(seed, scale, calibration.shape)
    codes = _Codes(cells, office=format == "csd")
    months = list(month_range(start, end))
    writer = open_writer(format, out)
    rows = 0
    try:
        for done, period in enumerate(months, start=1):
            table = _month(cells, calibration, seed, period, codes)
            writer.write(period, table)
            rows += table.num_rows
            if progress is not None:
                progress(done, len(months))
    finally:
        records = writer.close()
    folder = write_classifications(out, cells.items, office_codes=format == "csd")
    return SampleResult(records=records, classifications=folder, rows=rows, periods=len(months))


def _period(value: Period | str, name: str) -> Period:
    if isinstance(value, Period):
        return value
    try:
        return Period.parse(value)
    except PeriodError as e:
        raise SampleError(f"The sample's {name}: {e}") from None


def _check(out: Path, seed: int, start: Period, end: Period, scale: float, format: str) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SampleError(f"Sample seed {seed!r} is not a whole number of 0 or more.")
    if format not in FORMATS:
        raise SampleError(
            f"Sample format {format!r} is not known (expected one of: {', '.join(FORMATS)})."
        )
    if end < start:
        raise SampleError(
            f"The sample ends ({end}) before it starts ({start}); give --end on or after --start."
        )
    if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
        raise SampleError(
            f"Sample scale {scale!r} is not a positive number "
            "(1 gives about a million records over three years)."
        )
    if Path(out).exists() and not Path(out).is_dir():
        raise SampleError(f"The sample's output {out} is a file; give a directory.")


def _clear(out: Path) -> None:
    """Remove the records an earlier sample wrote there, so that no stale month survives."""
    for name in ("records.parquet", "records.csv"):
        (out / name).unlink(missing_ok=True)
    for month_dir in out.glob("[0-9]" * 6):
        if month_dir.is_dir():
            for old in month_dir.glob("HSC*.DAT"):
                old.unlink()
            if not any(month_dir.iterdir()):
                month_dir.rmdir()


class _Codes:
    """Arrow dictionaries that turn the cells' integer codes into text columns."""

    def __init__(self, cells: Cells, office: bool) -> None:
        partner = [p.office_code if office else p.iso3 for p in P.PARTNERS]
        self.partner = pa.array(partner, pa.string())
        self.flow = pa.array(FLOWS, pa.string())
        self.mode = pa.array(MODES, pa.string())
        self.commodity = pa.array(cells.items.code.tolist(), pa.string())
        self.unit = pa.array(cells.items.unit.tolist(), pa.string())
        self.has_unit = np.array([u is not None for u in cells.items.unit])


def _month(
    cells: Cells, calibration: Calibration, seed: int, period: Period, codes: _Codes
) -> pa.Table:
    """One month's records: which cells trade, their values, quantities and weights."""
    month = period.index
    rng = np.random.default_rng([seed, 2, period.key])
    items = cells.items
    alive = (items.born[cells.item] <= month) & (month < items.ended[cells.item])
    trades = alive & (rng.random(len(cells)) < cells.activity)
    values = _values(cells, calibration, rng, month, trades)

    rows = np.nonzero(trades)[0]
    value = np.maximum(np.rint(values[rows]), 1.0)
    unit_value = _unit_values(cells, calibration, rng, month)[cells.element[rows]]
    kg = cells.element_kg[cells.element[rows]]
    item = cells.item[rows]
    has_unit = codes.has_unit[item]
    amount = value / unit_value  # in the item's unit, or kilograms when it has none
    quantity = np.where(has_unit, np.maximum(np.rint(amount), 1.0), np.nan)
    net_weight = np.round(np.where(has_unit, quantity, amount) * kg, 1)

    def text(dictionary: pa.Array, index: np.ndarray) -> pa.Array:
        return dictionary.take(pa.array(index, mask=index == NONE))

    columns = {
        "period": pa.array([str(period)], pa.string()).take(np.zeros(len(rows), np.int64)),
        "flow": text(codes.flow, cells.flow[rows]),
        "commodity": text(codes.commodity, item),
        "partner": text(codes.partner, cells.partner[rows]),
        "consignment": text(codes.partner, cells.consignment[rows]),
        "origin": text(codes.partner, cells.origin[rows]),
        "mode": text(codes.mode, cells.mode[rows]),
        "value": pa.array(value),
        "quantity": pa.array(quantity, mask=~has_unit),
        "unit": text(codes.unit, item),
        "net_weight": pa.array(net_weight),
    }
    return pa.table(columns, schema=RECORD_SCHEMA)


def _values(
    cells: Cells,
    calibration: Calibration,
    rng: np.random.Generator,
    month: int,
    trades: np.ndarray,
) -> np.ndarray:
    """Values of the trading cells (zero elsewhere): weights, drift and noise, raked to the
    month's targets for each flow group."""
    shape = calibration.shape
    years = (month - Period(BASE_YEAR, 7).index) / 12.0
    values = np.zeros(len(cells))
    for group, flows in (("exports", (DOMESTIC, RE_EXPORTS)), ("imports", (IMPORTS,))):
        sel = np.nonzero(trades & np.isin(cells.flow, flows))[0]
        t = targets(calibration, group, month).perturbed(rng, *shape.margin_noise)
        if len(sel) == 0:
            continue
        pair = cells.partner[sel] * len(SEGMENTS) + cells.segment[sel]
        present = np.bincount(pair, minlength=t.joint.size).reshape(t.joint.shape) > 0
        margins = [
            (pair, attainable(t.joint, present).ravel()),
            (cells.mode[sel], t.modes),
        ]
        if group == "exports":  # last, so that it holds where small samples cannot meet all
            is_re = (cells.flow[sel] == RE_EXPORTS).astype(np.int64)
            margins.append((is_re, np.array([t.domestic, 1.0 - t.domestic])))
        x = cells.weight[sel] * np.exp(cells.drift[sel] * years)
        x *= _noise(rng, x, shape.value_noise)
        values[sel] = rake(x, margins, t.total)
    return values


def _noise(rng: np.random.Generator, x: np.ndarray, spread: tuple[float, float]) -> np.ndarray:
    """Mean-one log-normal noise, wide for small cells and narrow for large ones."""
    sigma = _spread(x, spread)
    return np.exp(sigma * rng.standard_normal(len(x)) - sigma**2 / 2.0)


def _spread(size: np.ndarray, spread: tuple[float, float]) -> np.ndarray:
    """Log noise by size: ``spread[0]`` below the 10th percentile, ``spread[1]`` above the
    99th, log-linear between."""
    if len(size) == 0:
        return size
    logs = np.log(size)
    lo, hi = np.quantile(logs, [0.1, 0.99])
    where = np.clip((logs - lo) / max(hi - lo, 1e-9), 0.0, 1.0)
    return spread[0] + (spread[1] - spread[0]) * where


def _unit_values(
    cells: Cells, calibration: Calibration, rng: np.random.Generator, month: int
) -> np.ndarray:
    """Every elementary cell's unit value this month."""
    prices = calibration.prices
    segment = cells.items.segment[cells.element_item]
    level = segment_prices(calibration, month)[segment]
    exports = cells.element_flow != IMPORTS
    partner = partner_factors(prices.export_partners, month)[cells.element_partner]
    level = level * np.where(exports, partner, 1.0)
    level = level * np.where(cells.element_flow == RE_EXPORTS, prices.re_export_markup, 1.0)
    sigma = _spread(cells.element_weight, prices.noise)
    noise = np.exp(sigma * rng.standard_normal(len(level)))
    return cells.element_unit_value * level * noise
