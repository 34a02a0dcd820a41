"""Parsers of the published commodity layouts: HS/HKHS → SITC conversions, HS and HKHS
names (with the office's quantity units), and SITC names. Each reads one
:class:`~entrepot.classifications.readers.Table` into a
:class:`~entrepot.classifications.parsed.Parsed`; see :mod:`.codes` for the kinds.
"""

from __future__ import annotations

import re
from typing import Any

from .parsed import Parsed, cells, digits, hs_code, sitc_code, sitc_level, text, without_code
from .readers import Table, cell


def is_hs(h: str) -> bool:
    """A header naming an HS column: "hs2022", "From HS 2022"."""
    return bool(re.fullmatch(r"(from\s+)?hs\s*\d{0,4}", h.lower()))


def is_sitc(h: str) -> bool:
    """A header naming a SITC column: "sitc4", "To SITC Rev. 4"."""
    return bool(re.fullmatch(r"(to\s+)?sitc(\s*rev\.?)?\s*\d?", h.lower()))


# -- HS → SITC -----------------------------------------------------------------------------


def _hs_sitc(t: Table, p: Parsed, hs: int, sitc: int, n: int, pad: int | None) -> None:
    what = "HS code" if n == 6 else "HKHS code"
    for row, values in t.rows:
        h, s = cells(values, hs, sitc)
        p.commodities.append((digits(t, row, h, what, n), sitc_code(t, row, s, pad), t.place(row)))


def parse_un_hs_sitc(t: Table, p: Parsed) -> None:
    hs = next(i for i, h in enumerate(t.header) if is_hs(h))
    sitc = next(i for i, h in enumerate(t.header) if is_sitc(h))
    _hs_sitc(t, p, hs, sitc, 6, None)


def parse_csd_hkhs_sitc(t: Table, p: Parsed) -> None:
    _hs_sitc(t, p, t.column("HS Code"), t.column("SITC Code"), 8, 5)


def parse_entrepot_commodities(t: Table, p: Parsed) -> None:
    commodity, sitc = t.column("commodity"), t.column("sitc")
    name = t.column("name") if "name" in [h.lower() for h in t.header] else None
    for row, values in t.rows:
        c, s = cells(values, commodity, sitc)
        code = cell(c)
        if not (code.isdigit() and len(code) in (6, 8)):
            raise t.error(row, f"commodity code {code!r} is not 6 or 8 digits")
        p.commodities.append((code, sitc_code(t, row, s), t.place(row)))
        if name is not None and (n := cell(cells(values, name)[0])):
            p.names.append((code, n, None, t.place(row)))


# -- HS and HKHS names ---------------------------------------------------------------------


def parse_hs_json(t: Table, p: Parsed) -> None:
    for row, (code, name) in t.rows:
        code = cell(code)
        if not code.isdigit():  # ALL, TOTAL, AG2, AG4, AG6
            continue
        code = hs_code(t, row, code)
        name = text(t, row, without_code(code, cell(name)), f"text of HS {code}")
        p.names.append((code, name, None, t.place(row)))


def parse_hs_csv(t: Table, p: Parsed) -> None:
    code_col, name_col = t.column("hscode"), t.column("description")
    for row, values in t.rows:
        code, name = cells(values, code_col, name_col)
        if not cell(code).isdigit():  # TOTAL
            continue
        code = hs_code(t, row, code, "hscode")
        p.names.append((code, text(t, row, name, f"description of HS {code}"), None, t.place(row)))


def parse_csd_hkhs_items(t: Table, p: Parsed) -> None:
    cols = [t.column(c) for c in ("HS_Code", "HS_Code_Level", "HS_English_Description")]
    unit_col = t.column("Unit") if "unit" in [h.lower() for h in t.header] else None
    for row, values in t.rows:
        code, level, name = cells(values, *cols)
        if cell(level) not in {"2", "4", "6", "8"}:
            raise t.error(row, f"HS_Code_Level {cell(level)!r} is not 2, 4, 6 or 8")
        code = digits(t, row, code, "HS_Code", int(cell(level)))
        unit = cell(cells(values, unit_col)[0]) if unit_col is not None else ""
        name = text(t, row, name, f"HS_English_Description of {code}")
        p.names.append((code, name, None if unit in ("", "-") else unit, t.place(row)))


# -- SITC names ----------------------------------------------------------------------------


def _add_sitc(t: Table, p: Parsed, row: int, code: Any, name: Any, pad: int | None) -> None:
    c = sitc_code(t, row, code, pad)
    p.sitc.append((c, sitc_level(c), text(t, row, name, f"name of SITC {c}"), t.place(row)))


def parse_sitc_json(t: Table, p: Parsed) -> None:
    for row, (code, name) in t.rows:
        code = cell(code)
        if not code.isdigit():  # ALL, TOTAL, AG1 … and "excluding" aggregates like 771X
            continue
        _add_sitc(t, p, row, code, without_code(code, cell(name)), None)


def parse_sitc_codes(t: Table, p: Parsed) -> None:
    code, name = t.column("code"), t.column("description")
    for row, values in t.rows:
        c, n = cells(values, code, name)
        _add_sitc(t, p, row, c, n, None)


def parse_sitc_divisions(t: Table, p: Parsed) -> None:
    cols = [t.column(c) for c in ("section", "section_name", "division", "division_name")]
    for row, values in t.rows:
        section, section_name, division, division_name = cells(values, *cols)
        _add_sitc(t, p, row, section, section_name, 1)
        _add_sitc(t, p, row, division, division_name, 2)


def parse_csd_sitc(t: Table, p: Parsed) -> None:
    code, name = t.column("SITC_Code"), t.column("SITC_English_Description")
    levels = t.column("SITC_Code_Level")
    for row, values in t.rows:
        c, n, level = cells(values, code, name, levels)
        # Numbers from Excel: pad to the published level's width (items to 5).
        pad = int(cell(level)) if cell(level) in {"1", "2", "3", "4", "5"} else None
        _add_sitc(t, p, row, c, n, pad)


def parse_entrepot_sitc(t: Table, p: Parsed) -> None:
    cols = [t.column(c) for c in ("code", "level", "name")]
    for row, values in t.rows:
        code, level, name = cells(values, *cols)
        code = sitc_code(t, row, code)
        if cell(level) not in {"1", "2", "3", "4", "5"}:
            raise t.error(row, f"level {cell(level)!r} is not 1 to 5")
        p.sitc.append((code, int(cell(level)), text(t, row, name, "name"), t.place(row)))


RELATIONSHIPS = ("1:1", "1:n", "n:1", "n:n")


def parse_hs_correlation(t: Table, p: Parsed) -> None:
    """UNSD's correlation of two HS editions: the newer edition's code, the older's and
    their relationship (1:1, 1:n, n:1, n:n), the editions named by the header (HS2022,
    HS2017)."""
    editions = ["HS" + re.sub(r"\D", "", h) for h in t.header[:2]]
    for row_number, row in t.rows:
        new, old, relation = cells(row, 0, 1, 2)
        relationship = cell(relation).lower()
        if relationship not in RELATIONSHIPS:
            raise t.error(
                row_number, f"relationship {cell(relation)!r} is not 1:1, 1:n, n:1 or n:n"
            )
        p.correlations.append(
            (editions[0], digits(t, row_number, new, editions[0], 6), editions[1],
             digits(t, row_number, old, editions[1], 6), relationship)
        )  # fmt: skip
