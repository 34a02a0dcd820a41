"""The published layouts and their detection: which kind and parser a header row names,
which HS edition a table is, and a file's tables parsed into rows to store.

A layout is recognised by its header alone (CSV), by a header row on one of a sheet's
first rows (XLSX) or by the list's class (JSON); the first layout in :data:`LAYOUTS`
whose test accepts the header wins.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import ClassificationError
from . import commodity_layouts as c
from . import partner_layouts as pl
from .codes import KIND_HEADERS, KINDS, hs_edition
from .parsed import Parsed
from .readers import Table, read

Parser = Callable[[Table, Parsed], None]
Found = list[tuple[Table, str, Parser]]


def _lower(header: Iterable[str]) -> list[str]:
    return [h.lower() for h in header]


def _has(*columns: str) -> Callable[[list[str]], bool]:
    return lambda header: set(columns) <= set(_lower(header))


def _exactly(*columns: str) -> Callable[[list[str]], bool]:
    return lambda header: set(_lower(h for h in header if h)) == set(columns)


def _un_header(header: list[str]) -> bool:
    named = [h for h in header if h]
    return len(named) == 2 and c.is_hs(named[0]) and c.is_sitc(named[1])


def _hs_correlation_header(header: list[str]) -> bool:
    named = [h.strip().lower() for h in header if h]
    return (
        len(named) == 3
        and named[2] == "relationship"
        and all(re.fullmatch(r"hs\s*\d{4}", h) for h in named[:2])
    )


def _iso_header(header: list[str]) -> bool:
    return _has("iso3166-1-alpha-3", "region name", "sub-region name")(header) and bool(
        {"cldr display name", "official_name_en"} & set(_lower(header))
    )


# (kind, test on the header, parser); the first match wins.
LAYOUTS: tuple[tuple[str, Callable[[list[str]], bool], Parser], ...] = (
    ("un_hs_sitc", _un_header, c.parse_un_hs_sitc),
    ("csd_hkhs_sitc", _has("hs code", "sitc code"), c.parse_csd_hkhs_sitc),
    ("hs_names", _exactly("json:hs"), c.parse_hs_json),
    ("hs_names", _has("hscode", "description", "parent", "level"), c.parse_hs_csv),
    (
        "csd_hkhs_items",
        _has("hs_code", "hs_code_level", "hs_english_description"),
        c.parse_csd_hkhs_items,
    ),
    ("sitc_names", _exactly("json:sitc"), c.parse_sitc_json),
    ("sitc_names", _has("code", "digits", "parent", "description"), c.parse_sitc_codes),
    (
        "sitc_names",
        _has("division", "section", "section_name", "division_name"),
        c.parse_sitc_divisions,
    ),
    (
        "sitc_names",
        _has("sitc_code", "sitc_code_level", "sitc_english_description"),
        c.parse_csd_sitc,
    ),
    (
        "csd_countries",
        _has("country code", "region", "country short description"),
        pl.parse_csd_countries,
    ),
    ("csd_areas", _has("areacode", "desc"), pl.parse_area_names),
    ("csd_areas", _has("acode", "ccode"), pl.parse_area_members),
    ("csd_areas", _has("regcode", "desc"), pl.parse_group_names),
    ("csd_areas", _has("rcode", "ccode"), pl.parse_group_members),
    ("iso_countries", _iso_header, pl.parse_iso),
    ("hs_correlation", _hs_correlation_header, c.parse_hs_correlation),
    ("iso_countries", _has("name", "alpha-3", "region", "sub-region"), pl.parse_iso),
    ("entrepot", _exactly("commodity", "sitc"), c.parse_entrepot_commodities),
    ("entrepot", _exactly("commodity", "sitc", "name"), c.parse_entrepot_commodities),
    ("entrepot", _exactly("code", "level", "name"), c.parse_entrepot_sitc),
    ("entrepot", _exactly("code", "name", "region", "area"), pl.parse_entrepot_partners),
)

# entrepot's own files and their columns, for missing-column messages.
_ENTREPOT_FILES: dict[str, tuple[str, ...]] = {
    "commodities.csv": ("commodity", "sitc"),
    "sitc.csv": ("code", "level", "name"),
    "partners.csv": ("code", "name", "region", "area"),
}


def detect(header: list[str], kind: str | None = None) -> tuple[str, Parser] | None:
    """The kind and parser of the first layout ``header`` matches (of ``kind`` if given)."""
    for layout_kind, test, parser in LAYOUTS:
        if (kind is None or kind == layout_kind) and test(header):
            return layout_kind, parser
    return None


def recognise(path: Path, kind: str | None) -> tuple[list[Table], Found]:
    """The file's tables, and those whose header names a known layout."""
    tables = read(path, lambda header: detect(header) is not None)
    found = [(t, *m) for t in tables if (m := detect(t.header, kind))]
    return tables, found


def seen(tables: list[Table], limit: int = 8) -> str:
    """The headers seen in a file's tables (the first ``limit`` cells of each)."""

    def cells(header: list[str]) -> str:
        named = [h for h in header if h]
        return ", ".join(named[:limit]) + (", …" if len(named) > limit else "") or "(none)"

    parts = [(f"sheet '{t.sheet}': " if t.sheet else "") + cells(t.header) for t in tables]
    return "; ".join(parts) or "(none)"


def unrecognised(path: Path, tables: list[Table], kind: str | None) -> ClassificationError:
    """The error for one named file whose tables match no layout (of ``kind``)."""
    if kind in (None, "entrepot") and (err := _entrepot_columns(path, tables)):
        return err
    if kind:
        return ClassificationError(
            f"classifications: {path.name} is not a table of kind {kind} (headers seen: "
            f"{seen(tables)}); expected {KIND_HEADERS[kind]}."
        )
    known = "; ".join(f"{k}: {KIND_HEADERS[k]}" for k in KINDS)
    return ClassificationError(
        f"classifications: {path.name} is not a classification table entrepot recognises "
        f"(headers seen: {seen(tables)}). Known kinds and their headers: {known}."
    )


def _entrepot_columns(path: Path, tables: list[Table]) -> ClassificationError | None:
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


def edition(t: Table) -> str | None:
    """The HS edition ``t`` names in its header, sheet, JSON class or file name, or in the
    ``version`` of a ``datapackage.json`` beside it that lists the file."""
    found = hs_edition(" ".join(t.header), t.sheet, t.label, t.path.name)
    return found or _datapackage_edition(t.path)


def _datapackage_edition(path: Path) -> str | None:
    descriptor = path.parent / "datapackage.json"
    try:
        package = json.loads(descriptor.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(package, dict):
        return None
    resources = package.get("resources")
    listed = isinstance(resources, list) and any(
        isinstance(r, dict) and Path(str(r.get("path", ""))).name == path.name for r in resources
    )
    version = str(package.get("version", ""))
    return hs_edition(f"HS{version[:4]}") if listed and version[:4].isdigit() else None


def parse_found(path: Path, found: Found) -> Parsed:
    """The rows of a file's recognised tables: one kind per file, one HS edition."""
    kinds = {kind for _, kind, _ in found}
    if len(kinds) > 1:
        raise ClassificationError(
            f"classifications: {path.name} holds sheets of several kinds "
            f"({', '.join(sorted(kinds))}); save them as separate files."
        )
    parsed = Parsed(path, kinds.pop())
    for table, _, parser in found:
        if not table.rows:
            raise table.error(None, "has a header but no rows")
        before = len(parsed.commodities) + len(parsed.names)
        parser(table, parsed)
        if len(parsed.commodities) + len(parsed.names) > before:
            _set_edition(parsed, table)
    return parsed


def _set_edition(parsed: Parsed, table: Table) -> None:
    found = edition(table)
    if found and parsed.edition and found != parsed.edition:
        raise table.error(
            None,
            f"is {found} but an earlier sheet of the file is {parsed.edition}; "
            "save each HS edition in its own file",
        )
    parsed.edition = parsed.edition or found
