"""The headline series as SDMX: SDMX-CSV 1.0 data with its data structure (SDMX-ML 2.1).

The data structure ``ENTREPOT:DSD_TRADE_HEADLINE(1.0)`` has the dimensions FREQ (M),
REF_AREA (the reporter, ISO 3166 alpha-3), FLOW (TX total exports, DX domestic exports, RX
re-exports, M imports), INDICATOR (VAL value, UVI unit value index, QTI volume index),
BREAKDOWN (_T, SITC_S section, REGION, MODE), COUNTERPART (the breakdown's key: _T, an
SITC section, a region, a mode) and TIME_PERIOD (YYYY-MM); the measure OBS_VALUE; the
attributes UNIT_MEASURE (the currency's ISO 4217 code, or IX for an index) and BASE_PER
(an index's reference year). Each coded component has its code list, built from the data
with the store's names. :func:`check` reads both files back with ``pysdmx`` and checks
every code against its list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .errors import InputError
from .schema import FLOW_LABELS

AGENCY, VERSION = "ENTREPOT", "1.0"
DATAFLOW = f"{AGENCY}:DF_TRADE_HEADLINE({VERSION})"

FLOWS = {"total_exports": "TX", "domestic_exports": "DX", "re_exports": "RX", "imports": "M"}
INDICATORS = {"value": "VAL", "price_index": "UVI", "volume_index": "QTI"}
INDICATOR_NAMES = {"VAL": "Value", "UVI": "Unit value index", "QTI": "Volume index"}
BREAKDOWNS = {"total": "_T", "section": "SITC_S", "region": "REGION", "mode": "MODE"}
BREAKDOWN_NAMES = {"_T": "Total", "SITC_S": "SITC section", "REGION": "Region", "MODE": "Mode"}
CURRENCIES = {"HK$": "HKD", "US$": "USD", "€": "EUR", "£": "GBP", "RMB": "CNY"}

DIMENSIONS = ("FREQ", "REF_AREA", "FLOW", "INDICATOR", "BREAKDOWN", "COUNTERPART", "TIME_PERIOD")
COLUMNS = ("DATAFLOW", *DIMENSIONS, "OBS_VALUE", "UNIT_MEASURE", "BASE_PER")
"""The columns of the SDMX-CSV file, in order."""


def currency_code(currency: str) -> str:
    """The ISO 4217 code of a store's currency (HK$ → HKD)."""
    code = CURRENCIES.get(currency.strip(), currency.strip().upper())
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise InputError(f"No ISO 4217 code known for the currency {currency!r}.")
    return code


def _code(key: str) -> str:
    """An SDMX id for a key (Eastern Europe → EASTERN_EUROPE; a total → _T)."""
    return "_T" if key == "total" else re.sub(r"[^A-Za-z0-9_@$-]+", "_", key).strip("_").upper()


def observations(headline: pd.DataFrame, reporter: str, currency: str) -> pd.DataFrame:
    """The headline series (:func:`entrepot.analysis.headline.headline`) as SDMX-CSV rows."""
    unit = currency_code(currency)
    value = headline.indicator == "value"
    return pd.DataFrame(
        {
            "DATAFLOW": DATAFLOW,
            "FREQ": "M",
            "REF_AREA": reporter,
            "FLOW": headline.flow.map(FLOWS),
            "INDICATOR": headline.indicator.map(INDICATORS),
            "BREAKDOWN": headline.breakdown.map(BREAKDOWNS),
            "COUNTERPART": [_code(str(k)) for k in headline.key],
            "TIME_PERIOD": headline.period,
            "OBS_VALUE": headline.value.astype(float),
            "UNIT_MEASURE": value.map({True: unit, False: "IX"}),
            "BASE_PER": [
                "" if v else str(y) for v, y in zip(value, headline.reference_year, strict=True)
            ],
        }
    )[list(COLUMNS)]


def structure(headline: pd.DataFrame, reporter: str, reporter_name: str, currency: str) -> list:
    """The SDMX artefacts describing :func:`observations` of ``headline``: code lists,
    concept scheme, data structure and dataflow (``pysdmx`` objects)."""
    from pysdmx.model import (
        Code,
        Codelist,
        Component,
        Components,
        Concept,
        ConceptScheme,
        Dataflow,
        DataStructureDefinition,
        DataType,
        Role,
    )

    def codes(id_: str, name: str, items: Iterable[tuple[str, str]]) -> Codelist:
        unique = dict(items)
        listed = [Code(id=k, name=v) for k, v in sorted(unique.items())]
        return Codelist(id=id_, agency=AGENCY, version=VERSION, name=name, items=listed)

    counterparts = {
        _code(str(k)): ("Total" if k == "total" else str(label))
        for k, label in zip(headline.key, headline.label, strict=True)
    }
    unit = currency_code(currency)
    lists = {
        "FREQ": codes("CL_FREQ", "Frequency", [("M", "Monthly")]),
        "REF_AREA": codes("CL_AREA", "Reporting economy", [(reporter, reporter_name)]),
        "FLOW": codes("CL_FLOW", "Trade flow", [(v, FLOW_LABELS[k]) for k, v in FLOWS.items()]),
        "INDICATOR": codes("CL_INDICATOR", "Indicator", INDICATOR_NAMES.items()),
        "BREAKDOWN": codes("CL_BREAKDOWN", "Breakdown", BREAKDOWN_NAMES.items()),
        "COUNTERPART": codes("CL_COUNTERPART", "Counterpart", counterparts.items()),
        "UNIT_MEASURE": codes("CL_UNIT", "Unit", [(unit, currency), ("IX", "Index")]),
    }
    kinds = {"TIME_PERIOD": DataType.PERIOD, "OBS_VALUE": DataType.DOUBLE}
    concepts = {
        c: Concept(
            id=c,
            name=c.replace("_", " ").capitalize(),
            dtype=kinds.get(c, DataType.STRING),
            codes=lists.get(c),
            urn=f"urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept={AGENCY}:CS_TRADE({VERSION}).{c}",
        )
        for c in (*DIMENSIONS, "OBS_VALUE", "UNIT_MEASURE", "BASE_PER")
    }

    def component(c: str, role: Role, required: bool = True) -> Component:
        return Component(
            id=c,
            required=required,
            role=role,
            concept=concepts[c],
            local_codes=lists.get(c),
            local_dtype=kinds.get(c, DataType.STRING),
            attachment_level="O" if role == Role.ATTRIBUTE else None,
        )

    components = Components(
        [component(c, Role.DIMENSION) for c in DIMENSIONS]
        + [component("OBS_VALUE", Role.MEASURE)]
        + [component("UNIT_MEASURE", Role.ATTRIBUTE), component("BASE_PER", Role.ATTRIBUTE, False)]
    )
    scheme = ConceptScheme(
        id="CS_TRADE",
        agency=AGENCY,
        version=VERSION,
        name="Trade concepts",
        items=list(concepts.values()),
    )
    dsd = DataStructureDefinition(
        id="DSD_TRADE_HEADLINE", agency=AGENCY, version=VERSION,
        name="External merchandise trade: headline series", components=components,
    )  # fmt: skip
    flow = Dataflow(
        id="DF_TRADE_HEADLINE", agency=AGENCY, version=VERSION,
        name="External merchandise trade: headline series", structure=dsd,
    )  # fmt: skip
    return [*lists.values(), scheme, dsd, flow]


def structure_path(data: Path) -> Path:
    """Where the data structure of an SDMX-CSV file is written: beside it."""
    return data.with_name(data.stem + ".structure.xml")


def write(
    headline: pd.DataFrame, out: Path, *, reporter: str, reporter_name: str, currency: str
) -> tuple[Path, Path]:
    """Write ``headline`` as SDMX-CSV to ``out`` and its data structure beside it."""
    from pysdmx.io import write_sdmx
    from pysdmx.io.format import Format

    rows = observations(headline, reporter, currency)
    artefacts = structure(headline, reporter, reporter_name, currency)
    described = structure_path(out)
    # Both files are written beside and renamed, so that neither is ever half-written.
    partial = [p.with_name(p.name + ".partial") for p in (out, described)]
    rows.to_csv(partial[0], index=False)  # floats as Python writes them: they read back exactly
    write_sdmx(artefacts, Format.STRUCTURE_SDMX_ML_2_1, output_path=str(partial[1]))
    for written, final in zip(partial, (out, described), strict=True):
        written.replace(final)
    return out, described


def check(data: Path, described: Path | None = None) -> pd.DataFrame:
    """Read an SDMX-CSV file back with ``pysdmx`` against its data structure and check every
    code against its code list; return the observations read. Raises InputError naming the
    first column and code that is not in its list."""
    from pysdmx.io import get_datasets

    described = described or structure_path(data)
    (dataset,) = get_datasets(str(data), str(described))
    frame, schema = dataset.data, dataset.structure
    if isinstance(schema, str):  # only a reference: the structure file did not describe it
        raise InputError(f"{described} does not describe the dataflow of {data} ({schema}).")
    for component in schema.components:
        if component.local_codes is None or component.id not in frame.columns:
            continue
        listed = {c.id for c in component.local_codes}
        values = set(frame[component.id].dropna().astype(str)) - {""}
        unknown = sorted(values - listed)
        if unknown:
            raise InputError(f"{data}: {component.id} {unknown[0]!r} is not in its code list.")
    return frame
