"""Columns: which column of a source holds which record field, and the canonical batch.

Every tabular reader (CSV, Parquet, Excel) maps its header here, the same way: --map
first, then the field's own name, ignoring case. Because case is ignored, two columns whose
names differ only by case would be read as one, so they are refused rather than guessed
between. A header that names no fields is often just the wrong line (a title above the
table): when another early line does name them, the error says which, so the user can read
it with --header-row instead of mapping every column.

:func:`one_line` is how every reader quotes a library's error in its own message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa

from ..errors import MappingError, SourceError
from ..schema import FIELD_NAMES, REQUIRED_FIELDS
from .batch import BATCH_SCHEMA

HINT_LINES = 20
"""Lines (or sheet rows) searched for the header when the one read names no fields."""


def resolve_columns(
    name: str,
    columns: list[str],
    mapping: Mapping[str, str],
    elsewhere: Sequence[tuple[int, list[str]]] = (),
    at: str = "",
) -> dict[str, str]:
    """Map source columns to fields: --map first, then exact names (case-insensitive).

    ``elsewhere`` are other early lines of the file (number, cells) and ``at`` is where the
    header was read (``line 1``): when the header does not name the fields and one of those
    lines does, the error says to read that one as the header.
    """
    _distinct(name, columns)
    for target in mapping.values():
        if target not in FIELD_NAMES:
            raise MappingError(
                f"--map names field {target!r}, which does not exist. "
                f"Fields: {', '.join(FIELD_NAMES)}."
            )
    lowered = {c.strip().lower(): c for c in columns}
    resolved: dict[str, str] = {}
    for source_col, target in mapping.items():
        actual = lowered.get(source_col.strip().lower())
        if actual is None:
            _header_elsewhere(name, mapping, elsewhere, at)
            raise MappingError(
                f"{name}: --map names column {source_col!r}, which is not in the file. "
                f"Existing columns: {', '.join(columns)}."
            )
        resolved[target] = actual
    for field_name in FIELD_NAMES:
        if (
            field_name not in resolved
            and field_name in lowered
            and lowered[field_name] not in resolved.values()
        ):
            resolved[field_name] = lowered[field_name]
    missing = [f for f in REQUIRED_FIELDS if f not in resolved]
    if missing:
        _header_elsewhere(name, mapping, elsewhere, at)
        unused = [c for c in columns if c not in resolved.values()]
        raise SourceError(
            f"{name}: required column(s) {', '.join(missing)} not found. "
            f"Existing columns: {', '.join(columns)}. "
            f"Name the matching column with --map COLUMN=FIELD (e.g. --map "
            f"{unused[0] if unused else 'COLUMN'}={missing[0]})."
        )
    return resolved


def _header_elsewhere(
    name: str, mapping: Mapping[str, str], elsewhere: Sequence[tuple[int, list[str]]], at: str
) -> None:
    """Say which line to read as the header, if one of ``elsewhere`` names every field."""
    for number, cells in elsewhere:
        if missing_fields(cells, mapping) == []:
            unit = at.split()[0]
            raise SourceError(
                f"{name}: the header is on {unit} {number}, not {at}: "
                f"read it with --header-row {number}."
            )


def missing_fields(cells: list[str], mapping: Mapping[str, str]) -> list[str] | None:
    """Required fields ``cells`` would not name as a header; None if --map does not fit."""
    lowered = {c.strip().lower() for c in cells}
    named = set()
    for source_col, target in mapping.items():
        if source_col.strip().lower() not in lowered:
            return None
        named.add(target)
    return [f for f in REQUIRED_FIELDS if f not in named and f not in lowered]


def _distinct(name: str, columns: Sequence[str]) -> None:
    """Refuse columns that would be read as the same one (names match ignoring case)."""
    seen: dict[str, int] = {}
    for i, column in enumerate(columns):
        key = column.strip().lower()
        if key in seen:
            j = seen[key]
            if columns[j] == column:
                raise SourceError(
                    f"{name}: columns {j + 1} and {i + 1} are both named {column!r}; "
                    "rename or remove one of them."
                )
            raise SourceError(
                f"{name}: columns {j + 1} ({columns[j]!r}) and {i + 1} ({column!r}) have the "
                "same name but for case, and names are read ignoring case; rename or remove "
                "one of them."
            )
        seen[key] = i


def header_names(cells: Sequence[str | None]) -> list[str]:
    """Header cells as column names; a blank one is ``column_N`` (N from 1)."""
    return [
        c.strip() if c is not None and c.strip() else f"column_{i + 1}" for i, c in enumerate(cells)
    ]


def canonical(
    columns: Mapping[str, pa.Array],
    resolved: Mapping[str, str],
    lines: pa.Array,
    problems: pa.Array | None = None,
) -> pa.RecordBatch:
    """A batch of :data:`BATCH_SCHEMA` from text columns named as in the source."""
    n = len(lines)
    arrays = [
        columns[resolved[name]] if name in resolved else pa.nulls(n, pa.string())
        for name in FIELD_NAMES
    ]
    arrays.append(lines)
    arrays.append(problems if problems is not None else pa.nulls(n, pa.string()))
    return pa.RecordBatch.from_arrays(arrays, schema=BATCH_SCHEMA)


def numbered(first: int, n: int) -> pa.Array:
    """Line (or row) numbers ``first`` to ``first + n - 1``."""
    return pa.array(np.arange(first, first + n, dtype=np.int64))


def one_line(exc: BaseException) -> str:
    """A library's error as one line of a message (its own may span several)."""
    return " ".join(str(exc).split()) or type(exc).__name__
