"""Classifications: HS/HKHS items to SITC Rev.4, SITC names, partners to regions and areas.

:func:`load_classifications` reads files the user names and writes the store's dimension
tables (``commodity_sitc``, ``sitc``, ``partners``, ``classification_overrides``) inside one
transaction: every file loads, or none does. Each file's kind is detected from its headers
(CSV), sheets and header rows (XLSX) or structure (JSON); ``kind=`` forces one. A directory
loads every recognised file in it, in name order.

Kinds
-----
``un_hs_sitc``
    UNSD "HS20xx to SITC4" conversion: the published workbook (a sheet named "Conversion …"
    whose header row, on any of its first rows, has "From HS …" and "To SITC …") or a
    two-column CSV such as ``hs2022,sitc4``. 6-digit HS → SITC code as published.
``csd_hkhs_sitc``
    The statistics office's HKHS → SITC list, ``HS Code,SITC Code,Count`` (CSV or XLSX):
    8-digit HKHS → 5-digit SITC. The office pads 4-digit subgroups with a trailing 0
    ("00150" is subgroup 0015); codes are kept as published, which is harmless because
    section, division and group are the leading 1, 2 and 3 digits.
``sitc_names``
    SITC code → name, into ``sitc`` (level = significant digits: 1 section … 5 item; no
    Rev.4 item ends in 0, so a 5-digit code ending in 0 is a padded subgroup, level 4).
    UN Comtrade ``classificationS4.json`` (the leading "code - " of each text is removed;
    aggregate ids such as ``TOTAL``, ``AG3`` and ``771X`` are skipped), ``code,digits,
    parent,description``, ``division,section,section_name,division_name`` and the office's
    ``SITC_Code,SITC_Code_Level,SITC_English_Description,…``.
``csd_countries``
    The office's 3-digit country codes (``Country Code,Region,Country Short Description,…``).
    The ``Region`` column is a level, not a region: 1 marks an area header row (codes 1 to
    9), 2 a country. A country belongs to the header whose code is its first digit (every
    country in the published list also follows that header). Headers are not partners;
    their names become the countries' ``region``. Partner name = short description.
``csd_areas``
    The office's areas: ``area.csv`` (``AREACODE,DESC,…``; A100 North America …) and
    ``areacnty.csv`` (``ACODE,CCODE,…``), or the ``area`` and ``areacnty`` sheets of
    ``geography.xlsx``. Sets ``partners.area`` of the countries already in the store (load
    them with, or after, ``csd_countries``). Without the area names in the same load the
    area code is stored, and a later load of the names replaces it. Rows whose
    ``ADMIN_CODE`` is N (placeholder rows) are skipped. The areas differ from the code
    list's headers: Central Asia is in Asia, the Baltic and Balkan states in Eastern Europe,
    Cyprus in Western Europe, Iran in the Middle East.
``iso_countries``
    ``country-codes.csv`` (datahub): ISO 3166-1 alpha-3 code, CLDR display name (else the
    official name), region from the UN M49 sub-region, see :data:`ISO_SUBREGIONS` and
    :data:`ISO_EXCEPTIONS`. Also the ``name,alpha-2,alpha-3,…,region,sub-region`` layout.
``entrepot``
    entrepot's own CSVs, detected by their exact columns: ``commodities.csv``
    (``commodity,sitc`` and optionally ``name``, which is read but not stored),
    ``sitc.csv`` (``code,level,name``) and ``partners.csv`` (``code,name,region,area``).

Regions share one vocabulary, :data:`REGIONS`, whatever the source: the office's area
names map onto it (``CIS & EASTERN EUROPE`` and ``CENTRAL & EASTERN EUROPE`` → Eastern
Europe, ``CEN & SOUTH AMERICA`` → Latin America, ``AUSTRALASIA & OCEANIA`` → Oceania).

Replacement: loading a file first deletes the rows an earlier load of a file with the same
name wrote (``source`` = file name), then upserts; so across files the last loaded wins per
code. ``sitc`` has no source column: its rows are upserted.

Overrides
---------
Integrated circuits (HS 8542) belong in SITC 776 (division 77). UNSD's HS2022 → SITC4
conversion sheet sends 854232 and 854233 to 764 (telecommunications equipment) and 854231
and 854239 only to group 776. :data:`OVERRIDES` maps them to the 7764x items on which
UNSD's HS2017 conversion sheet (the 1:n rows of its correlation sheet too) and the office's
HKHS table (85423111 … 85423990) agree, and which the HS2022 correlation sheet lists among
each subheading's candidates: 854231 → 77642 processors and controllers, 854232 → 77644
memories, 854233 → 77646 amplifiers, 854239 → 77649 other. They apply to every commodity
starting with the prefix, in every HS → SITC table loaded. ``classification_overrides``
holds one row per stored commodity whose code differs from the one published (a later
file that maps the commodity again removes the row).

Lookups for the compute layer are Ibis expressions and never execute:
:func:`commodity_classes`, :func:`classify_commodities`, :func:`classify_partners`.
"""

from __future__ import annotations

import csv
import json
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from .errors import ClassificationError
from .store import Store

__all__ = [
    "ISO_EXCEPTIONS",
    "ISO_SUBREGIONS",
    "KINDS",
    "KIND_HEADERS",
    "OVERRIDES",
    "REGIONS",
    "ClassificationLoad",
    "Override",
    "classify_commodities",
    "classify_partners",
    "commodity_classes",
    "load_classifications",
    "sitc_overrides",
]

KINDS: tuple[str, ...] = (
    "un_hs_sitc",
    "csd_hkhs_sitc",
    "sitc_names",
    "csd_countries",
    "csd_areas",
    "iso_countries",
    "entrepot",
)

KIND_HEADERS: dict[str, str] = {
    "un_hs_sitc": "'From HS …','To SITC …' (sheet 'Conversion …') or 'hs2022,sitc4'",
    "csd_hkhs_sitc": "'HS Code,SITC Code,Count'",
    "sitc_names": "classificationS4.json, 'code,digits,parent,description', "
    "'division,section,section_name,division_name' or 'SITC_Code,SITC_Code_Level,"
    "SITC_English_Description'",
    "csd_countries": "'Country Code,Region,Country Short Description'",
    "csd_areas": "'AREACODE,DESC' or 'ACODE,CCODE'",
    "iso_countries": "'ISO3166-1-Alpha-3,CLDR display name,Region Name,Sub-region Name' "
    "or 'name,alpha-3,region,sub-region'",
    "entrepot": "'commodity,sitc[,name]', 'code,level,name' or 'code,name,region,area'",
}


@dataclass(frozen=True)
class Override:
    """A commodity prefix whose published SITC code entrepot replaces, and why."""

    commodity_prefix: str
    sitc: str
    reason: str


_IC_EVIDENCE = "as in UNSD's HS2017 table and the office's HKHS table"
OVERRIDES: tuple[Override, ...] = (
    Override(
        "854231",
        "77642",
        f"integrated circuits, processors and controllers: SITC 77642 {_IC_EVIDENCE}; "
        "UNSD's HS2022 conversion gives only group 776",
    ),
    Override(
        "854232",
        "77644",
        f"integrated circuits, memories: SITC 77644 {_IC_EVIDENCE}; "
        "UNSD's HS2022 conversion gives 764 (telecommunications equipment)",
    ),
    Override(
        "854233",
        "77646",
        f"integrated circuits, amplifiers: SITC 77646 {_IC_EVIDENCE}; "
        "UNSD's HS2022 conversion gives 764 (telecommunications equipment)",
    ),
    Override(
        "854239",
        "77649",
        f"integrated circuits, other: SITC 77649 {_IC_EVIDENCE}; "
        "UNSD's HS2022 conversion gives only group 776",
    ),
)


def sitc_overrides() -> tuple[Override, ...]:
    """The overrides applied to every HS → SITC table loaded."""
    return OVERRIDES


REGIONS: tuple[str, ...] = (
    "North America",
    "Western Europe",
    "Eastern Europe",
    "Latin America",
    "Middle East",
    "Asia",
    "Africa",
    "Oceania",
    "Unknown",
)
"""Trade regions, in the order of the office's areas A100 to A800."""

# The office's area and header names (upper-cased, "Area - " removed) → REGIONS.
_OFFICE_REGIONS: dict[str, str] = {
    "NORTH AMERICA": "North America",
    "WESTERN EUROPE": "Western Europe",
    "CIS & EASTERN EUROPE": "Eastern Europe",
    "CENTRAL & EASTERN EUROPE": "Eastern Europe",
    "CEN & SOUTH AMERICA": "Latin America",
    "LATIN AMERICA": "Latin America",
    "MIDDLE EAST": "Middle East",
    "ASIA": "Asia",
    "AFRICA": "Africa",
    "AUSTRALASIA & OCEANIA": "Oceania",
    "AUSTRALASIA/OCEANIA": "Oceania",
    "COUNTRY UNKNOWN": "Unknown",
    "WORLD": "World",
}

ISO_SUBREGIONS: dict[str, str] = {
    "Northern America": "North America",
    "Latin America and the Caribbean": "Latin America",
    "Western Europe": "Western Europe",
    "Northern Europe": "Western Europe",
    "Southern Europe": "Western Europe",
    "Eastern Europe": "Eastern Europe",
    "Western Asia": "Middle East",
    "Central Asia": "Asia",
    "Eastern Asia": "Asia",
    "South-eastern Asia": "Asia",
    "Southern Asia": "Asia",
    "Northern Africa": "Africa",
    "Sub-Saharan Africa": "Africa",
    "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania",
    "Micronesia": "Oceania",
    "Polynesia": "Oceania",
}
"""UN M49 sub-region → trade region, for ISO country lists."""

ISO_EXCEPTIONS: dict[str, str] = {
    # The office's areas put the Baltic, Balkan and Caucasus states in Central & Eastern
    # Europe, Turkey and Cyprus in Western Europe and Iran in the Middle East.
    **dict.fromkeys(
        ("EST", "LVA", "LTU", "ALB", "BIH", "HRV", "MKD", "MNE", "SRB", "SVN"),
        "Eastern Europe",
    ),
    **dict.fromkeys(("ARM", "AZE", "GEO"), "Eastern Europe"),
    "TUR": "Western Europe",
    "CYP": "Western Europe",
    "IRN": "Middle East",
    "TWN": "Asia",  # the ISO-3166-Countries-with-Regional-Codes list leaves Taiwan blank
}
"""ISO alpha-3 codes whose trade region differs from their M49 sub-region's."""


@dataclass(frozen=True)
class ClassificationLoad:
    """What one file added: rows written (for ``csd_areas``: partners updated, or area
    names read) and how many published SITC codes an override replaced."""

    path: Path
    kind: str
    rows: int
    overrides_applied: int = 0


# -- reading ---------------------------------------------------------------------------

_SITC = re.compile(r"\d{1,5}")
_XLSX = {".xlsx", ".xlsm"}
_HEADER_ROWS = 30  # how far down a sheet to look for its header row


@dataclass
class _Table:
    """One header row and the rows under it, from a CSV file, a sheet or a JSON list."""

    path: Path
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (line or sheet row, cells)
    sheet: str | None = None
    unit: str = "line"

    def error(self, row: int | None, message: str) -> ClassificationError:
        return ClassificationError(f"classifications: {self.place(row)}: {message}")

    def place(self, row: int | None) -> str:
        where = self.path.name + (f" sheet '{self.sheet}'" if self.sheet else "")
        return where if row is None else f"{where} {self.unit} {row}"

    def column(self, name: str) -> int:
        return [h.lower() for h in self.header].index(name.lower())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _norm(header: Iterable[Any]) -> list[str]:
    return [_cell(h).lstrip("\ufeff").strip() for h in header]


def _read_csv(path: Path) -> list[_Table]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            rows = [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError as exc:
        raise ClassificationError(
            f"classifications: {path.name} is not UTF-8 text ({exc.reason} at byte "
            f"{exc.start}); save it as UTF-8 CSV."
        ) from exc
    except OSError as exc:
        raise ClassificationError(f"classifications: cannot read {path}: {exc}") from exc
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    if not rows:
        return [_Table(path, [], [])]
    return [_Table(path, _norm(rows[0][1]), rows[1:])]


def _read_xlsx(path: Path) -> list[_Table]:
    """The recognised sheets of a workbook (header found on one of its first rows), or the
    first row of each sheet when none is recognised (for the error message)."""
    import openpyxl

    with warnings.catch_warnings():
        # openpyxl warns about page headers and footers it cannot parse, lazily.
        warnings.simplefilter("ignore", UserWarning)
        return _read_book(openpyxl, path)


def _read_book(openpyxl: Any, path: Path) -> list[_Table]:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ClassificationError(
            f"classifications: cannot read {path.name} as an Excel workbook: {exc}"
        ) from exc
    try:
        found: list[_Table] = []
        seen: list[_Table] = []
        # Conversion sheets first: UNSD workbooks also hold a correlation sheet.
        sheets = sorted(book.worksheets, key=lambda s: "conversion" not in s.title.lower())
        for sheet in sheets:
            rows = sheet.iter_rows(values_only=True)
            for number, values in enumerate(rows, start=1):
                header = _norm(values)
                if number > _HEADER_ROWS:
                    break
                if not any(header):
                    continue
                if not seen or seen[-1].sheet != sheet.title:
                    seen.append(_Table(path, header, [], sheet.title, "row"))
                if _detect(header) is None:
                    continue
                body = [(n, list(v)) for n, v in enumerate(rows, start=number + 1)]
                body = [(n, v) for n, v in body if any(_cell(c) for c in v)]
                found.append(_Table(path, header, body, sheet.title, "row"))
                break
        return found or seen
    finally:
        book.close()


def _read_json(path: Path) -> list[_Table]:
    """A UN Comtrade classification list as a table of id, text, parent."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ClassificationError(
            f"classifications: cannot read {path.name} as JSON: {exc}"
        ) from exc
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        return [_Table(path, sorted(data) if isinstance(data, dict) else [], [])]
    code = str(data.get("classCode", "")) + " " + str(data.get("className", ""))
    header = ["json:sitc"] if "SITC" in code.upper() or code.startswith("S") else [code]
    rows = [
        (n, [item.get("id"), item.get("text")])
        for n, item in enumerate(results, start=1)
        if isinstance(item, dict)
    ]
    return [_Table(path, header, rows, unit="item")]


def _read(path: Path) -> list[_Table]:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ClassificationError(
            f"classifications: {path.name} is an old .xls workbook; save it as .xlsx or CSV."
        )
    if suffix in _XLSX:
        return _read_xlsx(path)
    if suffix == ".json":
        return _read_json(path)
    return _read_csv(path)


# -- parsed rows -------------------------------------------------------------------------


@dataclass
class _Parsed:
    path: Path
    kind: str
    # Each row ends with its place in the file, for messages about duplicates.
    commodities: list[tuple[str, str, str]] = field(default_factory=list)  # commodity, sitc
    sitc: list[tuple[str, int, str, str]] = field(default_factory=list)  # code, level, name
    partners: list[tuple[str, str, str | None, str | None, str]] = field(
        default_factory=list
    )  # code, name, region, area
    area_names: dict[str, str] = field(default_factory=dict)
    area_members: list[tuple[str, str]] = field(default_factory=list)


def _digits(t: _Table, row: int, raw: Any, what: str, digits: int) -> str:
    """A fixed-length code; numbers from Excel get their lost leading zeros back."""
    text = _cell(raw)
    if isinstance(raw, int | float) and text.isdigit():
        text = text.zfill(digits)
    if not text:
        raise t.error(row, f"{what} is empty; expected {digits} digits")
    if not (text.isdigit() and len(text) == digits):
        raise t.error(row, f"{what} {text!r} is not {digits} digits")
    return text


def _sitc_code(t: _Table, row: int, raw: Any, pad: int | None = None) -> str:
    text = _cell(raw)
    if isinstance(raw, int | float) and text.isdigit():
        if pad is None:
            raise t.error(
                row,
                f"SITC code {text} is stored as a number, which loses leading zeros; "
                "store the column as text",
            )
        text = text.zfill(pad)
    if not text:
        raise t.error(row, "SITC code is empty; expected 1 to 5 digits")
    if not _SITC.fullmatch(text):
        raise t.error(row, f"SITC code {text!r} is not 1 to 5 digits")
    return text


def _text(t: _Table, row: int, raw: Any, what: str) -> str:
    text = _cell(raw)
    if not text:
        raise t.error(row, f"{what} is empty")
    return text


def _level(code: str) -> int:
    """Significant digits; the office writes subgroup 0015 as 00150."""
    return 4 if len(code) == 5 and code.endswith("0") else len(code)


def _cells(cells: list[Any], *columns: int) -> list[Any]:
    return [cells[i] if i < len(cells) else None for i in columns]


def _hs_sitc(t: _Table, p: _Parsed, hs: int, sitc: int, digits: int, pad: int | None) -> None:
    what = "HS code" if digits == 6 else "HKHS code"
    for row, cells in t.rows:
        h, s = _cells(cells, hs, sitc)
        p.commodities.append(
            (_digits(t, row, h, what, digits), _sitc_code(t, row, s, pad), t.place(row))
        )


def _parse_un_hs_sitc(t: _Table, p: _Parsed) -> None:
    hs = next(i for i, h in enumerate(t.header) if _is_hs(h))
    sitc = next(i for i, h in enumerate(t.header) if _is_sitc(h))
    _hs_sitc(t, p, hs, sitc, 6, None)


def _parse_csd_hkhs_sitc(t: _Table, p: _Parsed) -> None:
    _hs_sitc(t, p, t.column("HS Code"), t.column("SITC Code"), 8, 5)


def _add_sitc(t: _Table, p: _Parsed, row: int, code: Any, name: Any, pad: int | None) -> None:
    c = _sitc_code(t, row, code, pad)
    p.sitc.append((c, _level(c), _text(t, row, name, f"name of SITC {c}"), t.place(row)))


def _parse_sitc_json(t: _Table, p: _Parsed) -> None:
    for row, (code, text) in t.rows:
        code = _cell(code)
        if not code.isdigit():  # ALL, TOTAL, AG1 … and "excluding" aggregates like 771X
            continue
        name = re.sub(rf"^{code}\s*[-–:]\s*", "", _cell(text))
        _add_sitc(t, p, row, code, name, None)


def _parse_sitc_codes(t: _Table, p: _Parsed) -> None:
    code, name = t.column("code"), t.column("description")
    for row, cells in t.rows:
        c, n = _cells(cells, code, name)
        _add_sitc(t, p, row, c, n, None)


def _parse_sitc_divisions(t: _Table, p: _Parsed) -> None:
    cols = [t.column(c) for c in ("section", "section_name", "division", "division_name")]
    for row, cells in t.rows:
        section, section_name, division, division_name = _cells(cells, *cols)
        _add_sitc(t, p, row, section, section_name, 1)
        _add_sitc(t, p, row, division, division_name, 2)


def _parse_csd_sitc(t: _Table, p: _Parsed) -> None:
    code, name = t.column("SITC_Code"), t.column("SITC_English_Description")
    levels = t.column("SITC_Code_Level")
    for row, cells in t.rows:
        c, n, level = _cells(cells, code, name, levels)
        # Numbers from Excel: pad to the published level's width (items to 5).
        pad = int(_cell(level)) if _cell(level) in {"1", "2", "3", "4", "5"} else None
        _add_sitc(t, p, row, c, n, pad)


def _region_name(name: str) -> str:
    key = re.sub(r"^AREA\s*-\s*", "", name.strip().upper())
    return _OFFICE_REGIONS.get(key, name.strip())


def _parse_csd_countries(t: _Table, p: _Parsed) -> None:
    code_col, level_col = t.column("Country Code"), t.column("Region")
    name_col = t.column("Country Short Description")
    headers: dict[str, str] = {}
    countries: list[tuple[int, str, str]] = []
    for row, cells in t.rows:
        code, level, name = _cells(cells, code_col, level_col, name_col)
        code = _text(t, row, code, "Country Code")
        name = _text(t, row, name, f"name of country {code}")
        if _cell(level) == "1":
            headers[code] = _region_name(name)
        elif _cell(level) == "2":
            countries.append((row, code, name))
        else:
            raise t.error(row, f"Region {_cell(level)!r} is not 1 (area header) or 2 (country)")
    for row, code, name in countries:
        if code[0] not in headers:
            raise t.error(
                row,
                f"country {code} has no area header row (Region 1) with code {code[0]}; "
                f"headers: {', '.join(sorted(headers)) or 'none'}",
            )
        p.partners.append((code, name, headers[code[0]], None, t.place(row)))


def _admin_rows(t: _Table) -> Iterator[tuple[int, list[Any]]]:
    admin = t.column("ADMIN_CODE") if "admin_code" in _lower(t.header) else None
    for row, cells in t.rows:
        if admin is not None and _cell(_cells(cells, admin)[0]).upper() == "N":
            continue  # the office's placeholder rows (AA23, A23…)
        yield row, cells


def _parse_area_names(t: _Table, p: _Parsed) -> None:
    code_col, name_col = t.column("AREACODE"), t.column("DESC")
    for row, cells in _admin_rows(t):
        code, name = _cells(cells, code_col, name_col)
        code = _text(t, row, code, "AREACODE")
        p.area_names[code] = _region_name(_text(t, row, name, f"DESC of area {code}"))


def _parse_area_members(t: _Table, p: _Parsed) -> None:
    area_col, country_col = t.column("ACODE"), t.column("CCODE")
    for row, cells in _admin_rows(t):
        area, country = _cells(cells, area_col, country_col)
        p.area_members.append((_text(t, row, country, "CCODE"), _text(t, row, area, "ACODE")))


def _iso_region(code: str, region: str, subregion: str) -> str | None:
    if code in ISO_EXCEPTIONS:
        return ISO_EXCEPTIONS[code]
    if subregion in ISO_SUBREGIONS:
        return ISO_SUBREGIONS[subregion]
    return subregion or region or None  # Antarctica has none


def _parse_iso(t: _Table, p: _Parsed) -> None:
    cols = _lower(t.header)
    if "iso3166-1-alpha-3" in cols:
        code_col = t.column("ISO3166-1-Alpha-3")
        names = [t.column(c) for c in ("cldr display name", "official_name_en") if c in cols]
        region_col, sub_col = t.column("Region Name"), t.column("Sub-region Name")
    else:
        code_col, names = t.column("alpha-3"), [t.column("name")]
        region_col, sub_col = t.column("region"), t.column("sub-region")
    for row, cells in t.rows:
        code, region, sub = (_cell(c) for c in _cells(cells, code_col, region_col, sub_col))
        code = _text(t, row, code, "ISO alpha-3 code")
        name = next((_cell(c) for c in _cells(cells, *names) if _cell(c)), "")
        name = _text(t, row, name, f"name of {code}")
        p.partners.append((code, name, _iso_region(code, region, sub), None, t.place(row)))


def _parse_entrepot_commodities(t: _Table, p: _Parsed) -> None:
    commodity, sitc = t.column("commodity"), t.column("sitc")
    for row, cells in t.rows:
        c, s = _cells(cells, commodity, sitc)
        code = _cell(c)
        if not (code.isdigit() and len(code) in (6, 8)):
            raise t.error(row, f"commodity code {code!r} is not 6 or 8 digits")
        p.commodities.append((code, _sitc_code(t, row, s), t.place(row)))


def _parse_entrepot_sitc(t: _Table, p: _Parsed) -> None:
    cols = [t.column(c) for c in ("code", "level", "name")]
    for row, cells in t.rows:
        code, level, name = _cells(cells, *cols)
        code = _sitc_code(t, row, code)
        if _cell(level) not in {"1", "2", "3", "4", "5"}:
            raise t.error(row, f"level {_cell(level)!r} is not 1 to 5")
        p.sitc.append((code, int(_cell(level)), _text(t, row, name, "name"), t.place(row)))


def _parse_entrepot_partners(t: _Table, p: _Parsed) -> None:
    cols = [t.column(c) for c in ("code", "name", "region", "area")]
    for row, cells in t.rows:
        code, name, region, area = (_cell(c) for c in _cells(cells, *cols))
        code = _text(t, row, code, "code")
        name = _text(t, row, name, f"name of partner {code}")
        p.partners.append((code, name, region or None, area or None, t.place(row)))


# -- detection ----------------------------------------------------------------------------


def _lower(header: Iterable[str]) -> list[str]:
    return [h.lower() for h in header]


def _is_hs(h: str) -> bool:
    return bool(re.fullmatch(r"(from\s+)?hs\s*\d{0,4}", h.lower()))


def _is_sitc(h: str) -> bool:
    return bool(re.fullmatch(r"(to\s+)?sitc(\s*rev\.?)?\s*\d?", h.lower()))


def _has(*columns: str) -> Callable[[list[str]], bool]:
    return lambda header: set(columns) <= set(_lower(header))


def _exactly(*columns: str) -> Callable[[list[str]], bool]:
    return lambda header: set(_lower(h for h in header if h)) == set(columns)


def _un_header(header: list[str]) -> bool:
    named = [h for h in header if h]
    return len(named) == 2 and _is_hs(named[0]) and _is_sitc(named[1])


_Parser = Callable[[_Table, _Parsed], None]

# (kind, test on the header, parser); the first match wins.
_LAYOUTS: tuple[tuple[str, Callable[[list[str]], bool], _Parser], ...] = (
    ("un_hs_sitc", _un_header, _parse_un_hs_sitc),
    ("csd_hkhs_sitc", _has("hs code", "sitc code"), _parse_csd_hkhs_sitc),
    ("sitc_names", _exactly("json:sitc"), _parse_sitc_json),
    ("sitc_names", _has("code", "digits", "parent", "description"), _parse_sitc_codes),
    (
        "sitc_names",
        _has("division", "section", "section_name", "division_name"),
        _parse_sitc_divisions,
    ),
    (
        "sitc_names",
        _has("sitc_code", "sitc_code_level", "sitc_english_description"),
        _parse_csd_sitc,
    ),
    (
        "csd_countries",
        _has("country code", "region", "country short description"),
        _parse_csd_countries,
    ),
    ("csd_areas", _has("areacode", "desc"), _parse_area_names),
    ("csd_areas", _has("acode", "ccode"), _parse_area_members),
    (
        "iso_countries",
        lambda h: (
            _has("iso3166-1-alpha-3", "region name", "sub-region name")(h)
            and bool({"cldr display name", "official_name_en"} & set(_lower(h)))
        ),
        _parse_iso,
    ),
    ("iso_countries", _has("name", "alpha-3", "region", "sub-region"), _parse_iso),
    ("entrepot", _exactly("commodity", "sitc"), _parse_entrepot_commodities),
    ("entrepot", _exactly("commodity", "sitc", "name"), _parse_entrepot_commodities),
    ("entrepot", _exactly("code", "level", "name"), _parse_entrepot_sitc),
    ("entrepot", _exactly("code", "name", "region", "area"), _parse_entrepot_partners),
)

# entrepot's own files and their columns, for missing-column messages.
_ENTREPOT_FILES: dict[str, tuple[str, ...]] = {
    "commodities.csv": ("commodity", "sitc"),
    "sitc.csv": ("code", "level", "name"),
    "partners.csv": ("code", "name", "region", "area"),
}


def _detect(header: list[str], kind: str | None = None) -> tuple[str, _Parser] | None:
    for layout_kind, test, parser in _LAYOUTS:
        if (kind is None or kind == layout_kind) and test(header):
            return layout_kind, parser
    return None


def _seen(tables: list[_Table]) -> str:
    parts = [
        (f"sheet '{t.sheet}': " if t.sheet else "") + (", ".join(t.header) or "(none)")
        for t in tables
    ]
    return "; ".join(parts) or "(none)"


def _entrepot_columns(path: Path, tables: list[_Table]) -> ClassificationError | None:
    """A clear message for an entrepot CSV that lacks (or adds) columns."""
    required = _ENTREPOT_FILES.get(path.name.lower())
    if required is None or not tables:
        return None
    header = tables[0].header
    missing = [c for c in required if c not in _lower(header)]
    extra = [h for h in header if h and h.lower() not in (*required, "name")]
    problem = (
        f"missing column {', '.join(repr(c) for c in missing)}"
        if missing
        else f"unexpected column {', '.join(repr(c) for c in extra)}"
    )
    return tables[0].error(
        1,
        f"{problem}; entrepot's {path.name} has columns {','.join(required)} "
        f"(found {','.join(header) or 'none'})",
    )


_Found = list[tuple[_Table, str, _Parser]]


def _recognise(path: Path, kind: str | None) -> tuple[list[_Table], _Found]:
    """The file's tables, and those whose header names a known layout."""
    tables = _read(path)
    found = [(t, *m) for t in tables if (m := _detect(t.header, kind))]
    return tables, found


def _parse(path: Path, kind: str | None) -> _Parsed:
    """Read and check one file named by the user."""
    tables, found = _recognise(path, kind)
    if found:
        return _parse_found(path, found)
    if kind in (None, "entrepot") and (err := _entrepot_columns(path, tables)):
        raise err
    seen = _seen(tables)
    if kind:
        raise ClassificationError(
            f"classifications: {path.name} is not a table of kind {kind} (headers seen: "
            f"{seen}); expected {KIND_HEADERS[kind]}."
        )
    known = "; ".join(f"{k}: {KIND_HEADERS[k]}" for k in KINDS)
    raise ClassificationError(
        f"classifications: {path.name} is not a classification table entrepot recognises "
        f"(headers seen: {seen}). Known kinds and their headers: {known}."
    )


def _parse_found(path: Path, found: _Found) -> _Parsed:
    kinds = {kind for _, kind, _ in found}
    if len(kinds) > 1:
        raise ClassificationError(
            f"classifications: {path.name} holds sheets of several kinds "
            f"({', '.join(sorted(kinds))}); save them as separate files."
        )
    parsed = _Parsed(path, kinds.pop())
    for table, _, parser in found:
        if not table.rows:
            raise table.error(None, "has a header but no rows")
        parser(table, parsed)
    return parsed


def _expand(paths: Sequence[Path], kind: str | None) -> list[_Parsed]:
    parsed: list[_Parsed] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            parsed.append(_parse(path, kind))
        elif path.is_dir():
            files = sorted(
                f
                for f in path.iterdir()
                if f.is_file() and f.suffix.lower() in {".csv", ".json", *_XLSX}
            )
            found = [(f, hits) for f in files if (hits := _recognise(f, kind)[1])]
            if not found:
                looked = ", ".join(f.name for f in files) or "no .csv, .xlsx or .json files"
                raise ClassificationError(
                    f"classifications: directory {path} holds no classification table "
                    f"entrepot recognises (looked at: {looked}). Known kinds: "
                    f"{', '.join(KINDS)}."
                )
            parsed.extend(_parse_found(f, hits) for f, hits in found)
        else:
            raise ClassificationError(f"classifications: {path} does not exist.")
    return parsed


# -- writing ------------------------------------------------------------------------------


def _unique(rows: list[tuple[Any, ...]], what: str) -> list[tuple[Any, ...]]:
    """Rows keyed by their first field; identical repeats are dropped, conflicting ones
    are an error. The last field of each row is its place in the file."""
    kept: dict[Any, tuple[Any, ...]] = {}
    for row in rows:
        old = kept.get(row[0])
        if old is not None and old[:-1] != row[:-1]:
            raise ClassificationError(
                f"classifications: {row[-1]}: {what} {row[0]!r} appears again with "
                f"{row[1]!r} ({old[-1]} has {old[1]!r})"
            )
        kept.setdefault(row[0], row)
    return list(kept.values())


def _apply_overrides(
    rows: list[tuple[Any, ...]],
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str, str]]]:
    """(commodity, sitc) with overrides applied, and (commodity, published, sitc, reason)."""
    mapped: list[tuple[str, str]] = []
    applied: list[tuple[str, str, str, str]] = []
    for commodity, published, _ in rows:
        sitc = published
        for o in OVERRIDES:
            if commodity.startswith(o.commodity_prefix) and published != o.sitc:
                sitc = o.sitc
                applied.append((commodity, published, o.sitc, o.reason))
                break
        mapped.append((commodity, sitc))
    return mapped, applied


def _with_rows(con: Any, columns: dict[str, Any], *statements: str) -> list[tuple[Any, ...]]:
    """Run ``statements`` with ``columns`` visible as the table ``_rows``; the last
    statement's result."""
    con.register("_rows", pa.table(columns))
    try:
        for statement in statements:
            result = con.execute(statement)
        return result.fetchall()
    finally:
        con.unregister("_rows")


def _strings(values: Iterable[str | None]) -> pa.Array:
    return pa.array(list(values), pa.string())


def _write(con: Any, p: _Parsed, area_names: dict[str, str]) -> ClassificationLoad:
    source = p.path.name
    if p.commodities:
        mapped, applied = _apply_overrides(_unique(list(p.commodities), "commodity"))
        con.execute("DELETE FROM commodity_sitc WHERE source = ?", [source])
        con.execute("DELETE FROM classification_overrides WHERE source = ?", [source])
        _with_rows(
            con,
            {
                "commodity": _strings(m[0] for m in mapped),
                "sitc": _strings(m[1] for m in mapped),
                "source": _strings(source for _ in mapped),
            },
            # Overrides describe the stored mapping: drop those of the rows replaced here.
            "DELETE FROM classification_overrides WHERE commodity IN (SELECT commodity FROM _rows)",
            "INSERT OR REPLACE INTO commodity_sitc SELECT commodity, sitc, source FROM _rows",
        )
        if applied:
            _with_rows(
                con,
                {
                    "commodity": _strings(a[0] for a in applied),
                    "published_sitc": _strings(a[1] for a in applied),
                    "sitc": _strings(a[2] for a in applied),
                    "source": _strings(source for _ in applied),
                    "reason": _strings(a[3] for a in applied),
                },
                "INSERT INTO classification_overrides "
                "SELECT commodity, published_sitc, sitc, source, reason FROM _rows",
            )
        return ClassificationLoad(p.path, p.kind, len(mapped), len(applied))
    if p.sitc:
        codes = _unique(list(p.sitc), "SITC code")
        _with_rows(
            con,
            {
                "code": _strings(r[0] for r in codes),
                "level": pa.array([r[1] for r in codes], pa.int32()),
                "name": _strings(r[2] for r in codes),
            },
            "INSERT OR REPLACE INTO sitc SELECT code, level, name FROM _rows",
        )
        return ClassificationLoad(p.path, p.kind, len(codes))
    if p.partners:
        partners = _unique(list(p.partners), "partner code")
        con.execute("DELETE FROM partners WHERE source = ?", [source])
        _with_rows(
            con,
            {
                "code": _strings(r[0] for r in partners),
                "name": _strings(r[1] for r in partners),
                "region": _strings(r[2] for r in partners),
                "area": _strings(r[3] for r in partners),
                "source": _strings(source for _ in partners),
            },
            "INSERT OR REPLACE INTO partners SELECT code, name, region, area, source FROM _rows",
        )
        return ClassificationLoad(p.path, p.kind, len(partners))
    written = 0
    if p.area_names:
        # Names for the area codes an earlier load of the memberships alone stored.
        _with_rows(
            con,
            {"code": _strings(p.area_names), "name": _strings(p.area_names.values())},
            "UPDATE partners SET area = r.name FROM _rows r WHERE partners.area = r.code",
        )
        written += len(p.area_names)
    if p.area_members:
        members = dict(p.area_members)  # a country listed twice keeps its last area
        (updated,) = _with_rows(
            con,
            {
                "code": _strings(members),
                "area": _strings(area_names.get(a, a) for a in members.values()),
            },
            "UPDATE partners SET area = r.area FROM _rows r WHERE partners.code = r.code",
            "SELECT count(*) FROM partners WHERE code IN (SELECT code FROM _rows)",
        )
        written += int(updated[0])
    return ClassificationLoad(p.path, p.kind, written)


def load_classifications(
    store: Store, paths: Sequence[Path], *, kind: str | None = None
) -> list[ClassificationLoad]:
    """Load classification files (or directories of them) into ``store``, all or nothing.

    Returns one :class:`ClassificationLoad` per file, in the order the files were named.
    Raises :class:`~entrepot.errors.ClassificationError` naming the file, row and field.
    """
    if kind is not None and kind not in KINDS:
        raise ClassificationError(
            f"classifications: unknown kind {kind!r}; kinds are {', '.join(KINDS)}."
        )
    if not paths:
        raise ClassificationError("classifications: no files named.")
    parsed = _expand(paths, kind)
    # Area names known in this load, for memberships loaded with them.
    area_names = {k: v for p in parsed for k, v in p.area_names.items()}
    # Areas update partners, so they go after every partner list.
    order = sorted(range(len(parsed)), key=lambda i: parsed[i].kind == "csd_areas")
    loads: dict[int, ClassificationLoad] = {}
    with store.transaction() as con:
        for i in order:
            loads[i] = _write(con, parsed[i], area_names)
    return [loads[i] for i in range(len(parsed))]
