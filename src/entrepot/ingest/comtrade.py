"""UN Comtrade files as a source: the API's and the bulk downloads' layouts, read into
entrepot's fields.

Recognised layouts (by their header, CSV or JSON), final and tariff-line data alike (a
national tariff line is a code of 10 or 12 digits):

* **plus** (the current API and bulk files): ``reporterCode``, ``partnerCode``,
  ``partner2Code``, ``flowCode``, ``cmdCode``, ``customsCode``, ``motCode``,
  ``qtyUnitCode``, ``qty``, ``netWgt``, ``primaryValue`` (else ``cifvalue`` for imports,
  ``fobvalue`` for exports), ``refYear`` and ``refMonth`` (or ``period``), ``isLeaf`` /
  ``aggrLevel``. JSON: the API's ``{"data": [...]}`` or a list of such records.
* **classic_json** (the legacy API's JSON, ``{"dataset": [...]}``): the classic fields
  under short keys: ``rtCode``, ``ptCode``, ``pt2Code``, ``rgCode``, ``cmdCode``,
  ``cstCode``, ``motCode``, ``qtCode``, ``TradeQuantity``, ``NetWeight``, ``TradeValue``,
  ``yr``, ``period``, ``IsLeaf`` / ``aggrLevel``, ``pfCode``.
* **classic** (the legacy API and bulk files): ``Reporter Code``, ``Partner Code``,
  ``2nd Partner Code``, ``Trade Flow Code`` (1 import, 2 export, 3 re-export, 4
  re-import), ``Commodity Code``, ``Customs Proc. Code``, ``Mode of Transport Code``,
  ``Qty Unit Code``, ``Qty``, ``Netweight (kg)``, ``Trade Value (US$)``, ``Year``,
  ``Period`` (YYYYMM, or YYYY for an annual row), ``Is Leaf Code`` / ``Aggregate Level``.

The rules, each stated where a row is left out (a row that is not stored is rejected with
the reason, so the load's counts always add up):

* **Flows**: M → imports; DX → domestic exports; RX → re-exports. X (all exports) is left
  out when the file has both DX and RX (X is their sum: never counted twice); otherwise X
  stands for all exports, stored as domestic exports (total exports are then right,
  re-exports none), and any DX or RX rows beside it are left out as parts of it. RM and FM
  are parts of M, left out when the file has M rows, else imports.
* **Commodities**: only leaf rows (``isLeaf`` 1, or the file's deepest ``aggrLevel``); the
  aggregates (TOTAL, chapters, headings above the leaves) are left out.
* **Customs procedure**: C00 (all procedures) only, unless another is asked for
  (``ingest --customs C01``); other codes are left out.
* **Mode of transport**: 0 (all modes) when the file has no other; otherwise only the
  modes (1000 air; 2000, 2100 sea; 2200 inland waterway: river; 3000–3200 land; others:
  other).
* **Partners**: Comtrade's codes to ISO 3166 alpha-3 through the table shipped in
  ``data/comtrade_areas.csv`` (version :data:`AREAS_VERSION`: ISO 3166 numeric codes and
  Comtrade's own, 842 USA, 251 France, 757 Switzerland, 699 India, 490 Taiwan…); 0 (World)
  is an aggregate; an unknown code is rejected, naming it. ``partner2Code`` is the country
  of consignment.
* **Periods**: monthly rows are records like any other. An annual row (``refMonth`` 52, or
  a ``Period`` of four digits) is kept apart from them, as an annual cell of its year
  (:data:`ANNUAL_COLUMNS`, the store's ``annual_cells``): a year is never summed with its
  months, nor compiled as one. Its value, quantity and weight must be numbers (a value
  positive or nil), else it is rejected, naming the field.
* **Values** are in US$: a store loaded from Comtrade holds US$ (see ``entrepot ingest``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..errors import SourceError
from ..schema import FIELD_NAMES, LINE
from .batch import BATCH_ROWS, BATCH_SCHEMA, PROBLEM

ANNUAL_COLUMNS: tuple[str, ...] = (
    "year", "flow", "commodity", "partner", "consignment", "mode", "unit",
    "value", "quantity", "net_weight",
)  # fmt: skip
"""An annual row as kept apart: its year (int) and entrepot's fields (text; numbers as
floats)."""

YEAR = "_year"
"""The year of an annual row (text), null for a monthly one."""

AREAS_VERSION = 1
"""The version of the shipped table of Comtrade's area codes."""

CURRENCY = "US$"
DEFAULT_CUSTOMS = "C00"
"""Comtrade's customs procedure code for all procedures together."""

PLUS: dict[str, str] = {
    "reporter": "reporterCode", "partner": "partnerCode", "partner2": "partner2Code",
    "flow": "flowCode", "commodity": "cmdCode", "customs": "customsCode", "mode": "motCode",
    "unit": "qtyUnitCode", "quantity": "qty", "net_weight": "netWgt", "value": "primaryValue",
    "cif": "cifvalue", "fob": "fobvalue", "year": "refYear", "month": "refMonth",
    "period": "period", "leaf": "isLeaf", "level": "aggrLevel",
    "classification": "classificationCode",
}  # fmt: skip
CLASSIC: dict[str, str] = {
    "reporter": "Reporter Code", "partner": "Partner Code", "partner2": "2nd Partner Code",
    "flow": "Trade Flow Code", "commodity": "Commodity Code", "customs": "Customs Proc. Code",
    "mode": "Mode of Transport Code", "unit": "Qty Unit Code", "quantity": "Qty",
    "net_weight": "Netweight (kg)", "value": "Trade Value (US$)",
    "cif": "CIF Trade Value (US$)", "fob": "FOB Trade Value (US$)", "year": "Year",
    "period": "Period", "leaf": "Is Leaf Code", "level": "Aggregate Level",
    "classification": "Classification",
}  # fmt: skip
CLASSIC_JSON: dict[str, str] = {
    "reporter": "rtCode", "partner": "ptCode", "partner2": "pt2Code", "flow": "rgCode",
    "commodity": "cmdCode", "customs": "cstCode", "mode": "motCode", "unit": "qtCode",
    "quantity": "TradeQuantity", "net_weight": "NetWeight", "value": "TradeValue",
    "cif": "CIFValue", "fob": "FOBValue", "year": "yr", "period": "period", "leaf": "IsLeaf",
    "level": "aggrLevel", "classification": "pfCode",
}  # fmt: skip
"""The legacy API's JSON (``{"dataset": [...]}``): the classic layout under short keys."""
LAYOUTS = {"plus": PLUS, "classic": CLASSIC, "classic_json": CLASSIC_JSON}
_NEEDED = ("reporter", "partner", "flow", "commodity", "value")

FLOWS = {
    "M": "imports", "RM": "imports", "FM": "imports", "DX": "domestic_exports",
    "RX": "re_exports", "X": "domestic_exports",
}  # fmt: skip
"""Comtrade's flow codes as entrepot's flows (see the module's rules for which are kept)."""
CLASSIC_FLOWS = {"1": "M", "2": "X", "3": "RX", "4": "RM"}
MODES = {"1000": "air", "2000": "sea", "2100": "sea", "2200": "river"}
UNITS = {
    "1": None, "-1": None, "2": "M2", "3": "1000KWH", "4": "M", "5": "NO.", "6": "PAIR",
    "7": "L", "8": "KG", "9": "1000NO.", "10": "PACK", "11": "DOZEN", "12": "M3",
    "13": "CARAT",
}  # fmt: skip
"""Comtrade's quantity unit codes as entrepot's units (1 and -1: no quantity)."""


def layout_of(columns: list[str]) -> str | None:
    """``plus`` or ``classic`` when ``columns`` are a Comtrade file's, else None."""
    for name, layout in LAYOUTS.items():
        if all(layout[f] in columns for f in _NEEDED):
            return name
    return None


def sniff(path: Path) -> str | None:
    """The Comtrade layout of a CSV or JSON file, from its header or first record."""
    try:
        if path.suffix.lower() == ".json":
            records = _json_records(path)
            return layout_of(list(records[0])) if records else "plus"
        with open(path, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), [])
    except (OSError, UnicodeDecodeError, ValueError, StopIteration):
        return None
    return layout_of([h.strip() for h in header])


def _json_records(path: Path) -> list[dict[str, object]]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{path}: cannot be read as JSON: {exc}") from exc
    records = loaded
    if isinstance(loaded, dict):  # the current API's "data", the legacy API's "dataset"
        records = loaded.get("data", loaded.get("dataset"))
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SourceError(
            f"{path}: not a UN Comtrade JSON file (no list of records in 'data' or 'dataset')."
        )
    return records


@cache
def areas() -> dict[str, str]:
    """Comtrade area code → ISO 3166 alpha-3 (``_X``: an area nes)."""
    text = resources.files("entrepot.ingest").joinpath("data/comtrade_areas.csv").read_text()
    return {row["m49"]: row["iso3"] for row in csv.DictReader(io.StringIO(text))}


def _code(value: object) -> str:
    """A code as Comtrade writes it, without a float's ``.0`` or padding."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    text = text.strip()
    return text[:-2] if text.endswith(".0") else text


def read_frame(path: Path, layout: str) -> pd.DataFrame:
    """The file's records with entrepot's names for Comtrade's columns (text), and
    ``_line``: the line (CSV) or the record's position (JSON, from 1)."""
    names = LAYOUTS[layout]
    if path.suffix.lower() == ".json":
        frame = pd.DataFrame(_json_records(path), dtype=object)
        first = 1
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        frame.columns = [c.strip() for c in frame.columns]
        first = 2  # line 1 is the header
    out = pd.DataFrame({k: frame.get(v) for k, v in names.items()})
    out = out.map(_code)
    out[LINE] = range(first, first + len(out))
    return out


def rows(frame: pd.DataFrame, layout: str, customs: str = DEFAULT_CUSTOMS) -> pd.DataFrame:
    """entrepot's fields of every Comtrade record, with ``_problem`` saying why a record is
    not stored (see the module's rules); ``customs``: the customs procedure kept."""
    flow = frame.flow.str.upper()
    if layout.startswith("classic"):
        flow = flow.map(lambda f: CLASSIC_FLOWS.get(f, f))
    problem = pd.Series([None] * len(frame), index=frame.index, dtype=object)

    def leave_out(mask: pd.Series, why: str) -> None:
        problem.loc[mask & problem.isna()] = why

    split = (flow == "DX").any() and (flow == "RX").any()
    has_x, has_m = (flow == "X").any(), (flow == "M").any()
    leave_out(
        ~flow.isin(["M", "X", "DX", "RX", "RM", "FM"]), "flow code not M, X, DX, RX, RM or FM"
    )
    leave_out((flow == "X") & split, "X: the file has DX and RX, whose sum X is")
    leave_out(flow.isin(["DX", "RX"]) & has_x & ~split, "DX/RX: part of X, which the file has")
    leave_out(flow.isin(["RM", "FM"]) & has_m, "RM/FM: part of M, which the file has")
    leaf = frame.leaf.isin(["1", "True", "true"])
    if (frame.leaf == "").all() or frame.leaf.isna().all():
        levels = pd.to_numeric(frame.level, errors="coerce")
        leaf = levels == levels.max() if levels.notna().any() else frame.commodity.str.isdigit()
    leave_out(
        ~leaf | (frame.commodity.str.upper() == "TOTAL"), "aggregate commodity row (not a leaf)"
    )
    procedure = frame.customs.fillna("")
    wanted = customs.strip().upper()
    leave_out(
        (procedure != "") & (procedure.str.upper() != wanted), f"customs procedure not {wanted}"
    )
    mode = frame["mode"].fillna("")
    if (mode.isin(["", "0"])).all():
        modes = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    else:
        leave_out(mode.isin(["", "0"]), "all modes of transport (0): the file has each mode")
        modes = mode.map(lambda m: MODES.get(m, "land" if m.startswith("3") else "other"))
    known = areas()
    partner = frame.partner.map(known)
    leave_out(frame.partner == "0", "partner 0 (World) is an aggregate")
    for code in frame.partner[partner.isna()]:
        leave_out(frame.partner == code, f"unknown Comtrade partner code {code}")
    period, month = _periods(frame, layout)
    value = frame.value.where(frame.value != "", frame.cif.where(flow == "M", frame.fob))
    yearly = month == "52"
    # The monthly rows' numbers are checked with every record's; an annual row's here.
    for name, text in (("value", value), ("quantity", frame.quantity),
                       ("net_weight", frame.net_weight)):  # fmt: skip
        number = pd.to_numeric(text.fillna(""), errors="coerce")
        bad = (text.fillna("") != "") & (number.isna() | (number < 0))
        leave_out(yearly & bad, f"{name}: not a number of zero or more")
    leave_out(yearly & (value.fillna("") == ""), "value: missing")
    years = frame.year.fillna("").where(
        frame.year.fillna("") != "", frame.period.fillna("").str[:4]
    )
    leave_out(yearly & ~years.str.fullmatch(r"\d{4}"), "year: not four digits")
    flows = flow.map(FLOWS)
    out = pd.DataFrame(
        {
            "period": period,
            "flow": flows,
            "commodity": frame.commodity,
            "partner": partner,
            "consignment": frame.partner2.map(
                lambda c: None if c in ("", "0") else known.get(c, c)
            ),
            "origin": None,
            "mode": modes,
            "value": value,
            "quantity": frame.quantity.where(frame.unit.map(UNITS).notna()),
            "unit": frame.unit.map(UNITS),
            "net_weight": frame.net_weight,
            "record_id": None,
            LINE: frame[LINE],
            PROBLEM: problem,
            YEAR: years.where(yearly, None),
        }
    )
    return out.replace({"": None})


def annual_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The annual rows of :func:`rows` that break no rule, as :data:`ANNUAL_COLUMNS`."""
    kept = table[table[YEAR].notna() & table[PROBLEM].isna()]
    out = kept.rename(columns={YEAR: "year"}).loc[:, list(ANNUAL_COLUMNS)]
    out["year"] = out.year.astype(int)
    for name in ("value", "quantity", "net_weight"):
        out[name] = pd.to_numeric(out[name], errors="coerce").astype(float)
    return out.reset_index(drop=True)


def _periods(frame: pd.DataFrame, layout: str) -> tuple[pd.Series, pd.Series]:
    """Each record's month (YYYY-MM) and its month number as written (52: annual)."""
    if layout == "plus" and (frame.month != "").any():
        year, month = frame.year, frame.month
    else:
        text = frame.period.fillna("")
        year, month = text.str[:4], text.str[4:6].where(text.str.len() == 6, "52")
    period = year + "-" + month.str.zfill(2)
    return period.where(month != "52"), month


def reporters(frame: pd.DataFrame) -> list[str]:
    """The reporters (ISO alpha-3) of a Comtrade file's records (:func:`read_frame`)."""
    return sorted({areas().get(str(c), str(c)) for c in frame.reporter.dropna().unique()})


def editions(frame: pd.DataFrame) -> list[str]:
    """The HS editions a Comtrade file's classification codes name (H5: HS2017, H6: HS2022)."""
    from ..classifications.codes import hs_edition

    codes = frame.classification.dropna().unique()
    return sorted({e for c in codes if (e := hs_edition(str(c)))})


@dataclass(frozen=True)
class About:
    """What a Comtrade file says of itself: its layout, reporters and HS editions."""

    layout: str
    reporters: list[str]
    editions: list[str]


def about(path: Path) -> About | None:
    """A Comtrade file's layout, reporters and HS editions, read once; None for any other file."""
    layout = sniff(path)
    if layout is None:
        return None
    frame = read_frame(path, layout)
    return About(layout, reporters(frame), editions(frame))


def comtrade_batches(
    path: Path,
    layout: str,
    customs: str = DEFAULT_CUSTOMS,
    apart: Callable[[pd.DataFrame], None] | None = None,
) -> Iterator[pa.RecordBatch]:
    """The file's records as batches of :data:`BATCH_SCHEMA` (all text, as readers give).

    The annual rows that break no rule go to ``apart`` (:func:`annual_rows`), not into the
    batches; without ``apart`` they are rejected, saying so."""
    table = rows(read_frame(path, layout), layout, customs)
    yearly = table[YEAR].notna() & table[PROBLEM].isna()
    if apart is None:
        table.loc[yearly, PROBLEM] = "annual figure: kept apart only in a store"
    elif yearly.any():
        apart(annual_rows(table))
        table = table[~yearly]
    for start in range(0, len(table), BATCH_ROWS):
        part = table.iloc[start : start + BATCH_ROWS]
        columns = {
            n: pa.array(part[n].astype(object).where(part[n].notna(), None), pa.string())
            for n in FIELD_NAMES
        }
        columns[LINE] = pa.array(part[LINE].astype("int64"))
        columns[PROBLEM] = pa.array(
            part[PROBLEM].astype(object).where(part[PROBLEM].notna(), None), pa.string()
        )
        yield pa.RecordBatch.from_pydict(columns, schema=BATCH_SCHEMA)
