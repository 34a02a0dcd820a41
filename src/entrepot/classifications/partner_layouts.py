"""Parsers of the published partner layouts: the office's country codes, areas and
regional groupings, ISO country lists with regions, and entrepot's ``partners.csv``.
See :mod:`.codes` for the kinds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .codes import iso_region, office_region
from .parsed import Parsed, cells, text
from .readers import Table, cell


def _lower(header: list[str]) -> list[str]:
    return [h.lower() for h in header]


def parse_csd_countries(t: Table, p: Parsed) -> None:
    code_col, level_col = t.column("Country Code"), t.column("Region")
    name_col = t.column("Country Short Description")
    headers: dict[str, str] = {}
    countries: list[tuple[int, str, str]] = []
    for row, values in t.rows:
        code, level, name = cells(values, code_col, level_col, name_col)
        code = text(t, row, code, "Country Code")
        name = text(t, row, name, f"name of country {code}")
        if cell(level) == "1":
            headers[code] = office_region(name)
        elif cell(level) == "2":
            countries.append((row, code, name))
        else:
            raise t.error(row, f"Region {cell(level)!r} is not 1 (area header) or 2 (country)")
    for row, code, name in countries:
        if code[0] not in headers:
            raise t.error(
                row,
                f"country {code} has no area header row (Region 1) with code {code[0]}; "
                f"headers: {', '.join(sorted(headers)) or 'none'}",
            )
        p.partners.append((code, name, headers[code[0]], None, t.place(row)))


def _admin_rows(t: Table) -> Iterator[tuple[int, list[Any]]]:
    admin = t.column("ADMIN_CODE") if "admin_code" in _lower(t.header) else None
    for row, values in t.rows:
        if admin is not None and cell(cells(values, admin)[0]).upper() == "N":
            continue  # the office's placeholder rows (AA23, A23…)
        yield row, values


def parse_area_names(t: Table, p: Parsed) -> None:
    code_col, name_col = t.column("AREACODE"), t.column("DESC")
    for row, values in _admin_rows(t):
        code, name = cells(values, code_col, name_col)
        code = text(t, row, code, "AREACODE")
        p.area_names[code] = office_region(text(t, row, name, f"DESC of area {code}"))


def parse_area_members(t: Table, p: Parsed) -> None:
    area_col, country_col = t.column("ACODE"), t.column("CCODE")
    for row, values in _admin_rows(t):
        area, country = cells(values, area_col, country_col)
        p.area_members.append((text(t, row, country, "CCODE"), text(t, row, area, "ACODE")))


def parse_group_names(t: Table, p: Parsed) -> None:
    code_col, name_col = t.column("REGCODE"), t.column("DESC")
    for row, values in _admin_rows(t):
        code, name = cells(values, code_col, name_col)
        code = text(t, row, code, "REGCODE")
        p.group_names[code] = " ".join(text(t, row, name, f"DESC of region {code}").split())


def parse_group_members(t: Table, p: Parsed) -> None:
    group_col, country_col = t.column("RCODE"), t.column("CCODE")
    for row, values in _admin_rows(t):
        group, country = cells(values, group_col, country_col)
        p.group_members.append(
            (text(t, row, country, "CCODE"), text(t, row, group, "RCODE"), t.place(row))
        )


def parse_iso(t: Table, p: Parsed) -> None:
    cols = _lower(t.header)
    if "iso3166-1-alpha-3" in cols:
        code_col = t.column("ISO3166-1-Alpha-3")
        names = [t.column(c) for c in ("cldr display name", "official_name_en") if c in cols]
        region_col, sub_col = t.column("Region Name"), t.column("Sub-region Name")
    else:
        code_col, names = t.column("alpha-3"), [t.column("name")]
        region_col, sub_col = t.column("region"), t.column("sub-region")
    for row, values in t.rows:
        code, region, sub = (cell(c) for c in cells(values, code_col, region_col, sub_col))
        code = text(t, row, code, "ISO alpha-3 code")
        name = next((cell(c) for c in cells(values, *names) if cell(c)), "")
        name = text(t, row, name, f"name of {code}")
        p.partners.append((code, name, iso_region(code, region, sub), None, t.place(row)))


def parse_entrepot_partners(t: Table, p: Parsed) -> None:
    cols = [t.column(c) for c in ("code", "name", "region", "area")]
    for row, values in t.rows:
        code, name, region, area = (cell(c) for c in cells(values, *cols))
        code = text(t, row, code, "code")
        name = text(t, row, name, f"name of partner {code}")
        p.partners.append((code, name, region or None, area or None, t.place(row)))
