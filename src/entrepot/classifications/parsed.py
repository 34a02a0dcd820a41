"""What one file holds once parsed (rows ready to store), and the checks of its fields:
each failure names the file, sheet, line or row, the field and what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .readers import Table, cell

_SITC = re.compile(r"\d{1,5}")


@dataclass
class Parsed:
    """The rows of one file, by the table they go to. Each row ends with its place in the
    file, for messages about duplicates."""

    path: Path
    kind: str
    edition: str | None = None  # HS edition of commodity codes, when the file says
    commodities: list[tuple[str, str, str]] = field(default_factory=list)  # commodity, sitc
    names: list[tuple[str, str, str | None, str]] = field(
        default_factory=list
    )  # commodity, name, unit
    sitc: list[tuple[str, int, str, str]] = field(default_factory=list)  # code, level, name
    partners: list[tuple[str, str, str | None, str | None, str]] = field(
        default_factory=list
    )  # code, name, region, area
    area_names: dict[str, str] = field(default_factory=dict)
    area_members: list[tuple[str, str]] = field(default_factory=list)  # country, area
    group_names: dict[str, str] = field(default_factory=dict)
    group_members: list[tuple[str, str, str]] = field(default_factory=list)  # country, group
    correlations: list[tuple[str, str, str, str, str]] = field(
        default_factory=list
    )  # new edition, new code, old edition, old code, relationship

    @property
    def hs_rows(self) -> bool:
        """Whether the file holds rows keyed by commodity code (where editions matter)."""
        return bool(self.commodities or self.names)


def cells(row: list[Any], *columns: int) -> list[Any]:
    """The cells of ``row`` in ``columns`` (None past its end)."""
    return [row[i] if i < len(row) else None for i in columns]


def digits(t: Table, row: int, raw: Any, what: str, n: int) -> str:
    """A code of ``n`` digits; numbers from Excel get their lost leading zeros back."""
    text = cell(raw)
    if isinstance(raw, int | float) and text.isdigit():
        text = text.zfill(n)
    if not text:
        raise t.error(row, f"{what} is empty; expected {n} digits")
    if not (text.isdigit() and len(text) == n):
        raise t.error(row, f"{what} {text!r} is not {n} digits")
    return text


def hs_code(t: Table, row: int, raw: Any, what: str = "HS code") -> str:
    """An HS or HKHS code of 2, 4, 6 or 8 digits, as published."""
    text = cell(raw)
    if not text:
        raise t.error(row, f"{what} is empty; expected 2, 4, 6 or 8 digits")
    if not (text.isdigit() and len(text) in (2, 4, 6, 8)):
        raise t.error(row, f"{what} {text!r} is not 2, 4, 6 or 8 digits")
    return text


def sitc_code(t: Table, row: int, raw: Any, pad: int | None = None) -> str:
    """A SITC code of 1 to 5 digits; a number (from Excel) is padded to ``pad`` digits,
    or refused when the width is unknown."""
    text = cell(raw)
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


def text(t: Table, row: int, raw: Any, what: str) -> str:
    """A cell that must not be empty."""
    value = cell(raw)
    if not value:
        raise t.error(row, f"{what} is empty")
    return value


def sitc_level(code: str) -> int:
    """Significant digits; the office writes subgroup 0015 as 00150."""
    return 4 if len(code) == 5 and code.endswith("0") else len(code)


def without_code(code: str, name: str) -> str:
    """A UN Comtrade text without its leading "code - "."""
    return re.sub(rf"^{re.escape(code)}\s*[-–:]\s*", "", name)
