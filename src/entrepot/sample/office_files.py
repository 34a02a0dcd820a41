"""The statistics office's fixed-width files, written from the sample's records.

The layouts are the ones the reader uses (:mod:`entrepot.ingest.fixedwidth.layouts`), so
what the sample writes is what ingest reads.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..ingest.fixedwidth.layouts import (
    AMOUNT_WIDTH,
    CONSIGNMENT,
    DESTINATION,
    FLOW_FIELDS,
    ITEM,
    LAYOUTS,
    ORIGIN,
    FlowFields,
    Layout,
)
from ..periods import Period
from ..schema import FLOWS


def write_fixed_width(records: pd.DataFrame, out_dir: Path, period: Period) -> list[Path]:
    """Write one period's canonical records as the office's three files; return their paths.

    ``records`` has columns flow, commodity (8 digits), partner (3-digit office code),
    consignment, origin, value and quantity (NaN for none). Files are named
    ``<LAYOUT>_YYYYMM.DAT``. Values and quantities are summed per line and rounded to whole
    units. The year-to-date fields repeat the month figures: they are not true year-to-date
    totals. Raises ValueError for codes of the wrong width or amounts the layout cannot hold.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    df = _writable(records)
    measures = ["value", "quantity"]

    # HSCCIT: a line per item × country with the three flows side by side; imports are
    # placed by consignment country where the records know it.
    consigned = (df["flow"] == "imports") & df["consignment"].notna()
    wide = (
        df.assign(country=df["consignment"].where(consigned, df["partner"]))
        .groupby(["commodity", "country", "flow"])[measures]
        .sum()
        .unstack("flow", fill_value=0)
        .reindex(columns=pd.MultiIndex.from_product([measures, FLOWS]), fill_value=0)
    )
    keys = wide.index.to_frame(index=False)
    hsccit = {ITEM: keys["commodity"], CONSIGNMENT: keys["country"]}
    for flow in FLOW_FIELDS["HSCCIT"]:
        hsccit |= _amount_columns(flow, wide[("value", flow.flow)], wide[("quantity", flow.flow)])

    imports = df[df["flow"] == "imports"]
    co = imports.groupby(["commodity", "partner"])[measures].sum().reset_index()
    rx = df[df["flow"] == "re_exports"]
    occ = (
        rx.assign(origin=rx["origin"].fillna(_UNKNOWN_COUNTRY))
        .groupby(["commodity", "origin", "partner"])[measures]
        .sum()
        .reset_index()
    )
    (co_flow,) = FLOW_FIELDS["HSCOIT"]
    (occ_flow,) = FLOW_FIELDS["HSCOCCIT"]
    files = {
        "HSCCIT": hsccit,
        "HSCOIT": {
            ITEM: co["commodity"],
            ORIGIN: co["partner"],
            **_amount_columns(co_flow, co["value"], co["quantity"]),
        },
        "HSCOCCIT": {
            ITEM: occ["commodity"],
            ORIGIN: occ["origin"],
            DESTINATION: occ["partner"],
            **_amount_columns(occ_flow, occ["value"], occ["quantity"]),
        },
    }
    written = []
    for name, columns in files.items():
        path = out_dir / f"{name}_{period.key}.DAT"
        n = len(columns[ITEM])
        with path.open("wb") as out:
            for start in range(0, n, _WRITE_LINES):  # bounded memory for large samples
                part = {k: v.iloc[start : start + _WRITE_LINES] for k, v in columns.items()}
                out.write(_format(LAYOUTS[name], part))
        written.append(path)
    return written


_UNKNOWN_COUNTRY = "900"
_WRITE_LINES = 100_000


def _amount_columns(
    flow: FlowFields, value: pd.Series, quantity: pd.Series
) -> dict[str, pd.Series]:
    def ytd(name: str) -> str:
        return name.replace("(current month)", "(current year-to-date)")

    return {
        flow.value: value,
        flow.quantity: quantity,
        ytd(flow.value): value,
        ytd(flow.quantity): quantity,
    }


def _writable(records: pd.DataFrame) -> pd.DataFrame:
    """The columns the files need, checked: known flows, codes of the right width."""
    codes = {"commodity": 8, "partner": 3, "consignment": 3, "origin": 3}
    records = records.reset_index(drop=True)  # a concatenation may repeat index labels
    df = pd.DataFrame({name: records.get(name) for name in ("flow", *codes)}, index=records.index)
    for name in ("value", "quantity"):
        amounts = records[name] if name in records else pd.Series(0.0, index=records.index)
        df[name] = pd.to_numeric(amounts).fillna(0)
    unknown = set(df["flow"].dropna().unique()) - set(FLOWS)
    if unknown or df["flow"].isna().any():
        found = sorted(map(str, unknown)) or ["(none)"]
        raise ValueError(f"records hold flows {found}; expected one of {', '.join(FLOWS)}")
    for name, width in codes.items():
        column = df[name].astype("object")
        present = column.notna() & (column != "")
        if name in ("commodity", "partner") and not present.all():
            raise ValueError(f"column {name!r} has missing codes; every record needs one")
        text = column[present].astype(str)
        bad = text[~text.str.fullmatch(rf"\d{{{width}}}")]
        if len(bad):
            raise ValueError(
                f"column {name!r} must hold {width}-digit codes for the fixed-width files; "
                f"found {bad.iloc[0]!r}"
            )
        df[name] = text.reindex(df.index)  # missing optional codes become NaN
    return df


def _format(layout: Layout, columns: dict[str, pd.Series]) -> bytes:
    """Lines of ``layout`` built as one byte matrix: no per-line Python."""
    n = len(columns[ITEM])
    lines = np.full((n, layout.line_length + 1), ord("0"), np.uint8)
    lines[:, 0] = ord("1")
    lines[:, -1] = ord("\n")
    for column in layout.fields[1:]:
        values = columns[column.name].to_numpy()
        block = lines[:, column.start : column.start + column.length]
        if column.length == AMOUNT_WIDTH:
            block[:] = _digits(column.name, values)
        else:  # codes, checked by _writable to be digits of this width
            text = values.astype(f"S{column.length}")
            block[:] = text.view(np.uint8).reshape(n, column.length)
    return lines.tobytes()


_POWERS = 10 ** np.arange(AMOUNT_WIDTH - 1, -1, -1, dtype=np.int64)


def _digits(name: str, amounts: np.ndarray) -> np.ndarray:
    whole = np.rint(amounts.astype(np.float64)) if amounts.dtype.kind == "f" else amounts
    if len(whole) and (whole.min() < 0 or whole.max() >= 10**AMOUNT_WIDTH):
        raise ValueError(f"{name}: amounts must be between 0 and 10^18 - 1 to be written")
    return (whole.astype(np.int64)[:, None] // _POWERS % 10 + ord("0")).astype(np.uint8)
