"""How the command line shows results: numbers as a release writes them, tables that stay
readable in 100 columns, JSON for machines, progress bars on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from ..errors import InputError
from ..schema import choice
from ..tables import TABLE_FORMATS, encoded

# Piped output (files, CI logs) gets room for the widest table rather than 80 columns.
console = Console(width=None if sys.stdout.isatty() else 120, highlight=False)
err = Console(stderr=True, highlight=False)

NAME_WIDTH = 28
"""Long names (SITC divisions, partners) are cut to this many characters, not wrapped."""


class Keyed(Protocol):
    """A breakdown row: its key (a code) and label (the code's name)."""

    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str: ...


@contextmanager
def progress_bar(transient: bool = True) -> Iterator[Progress]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(text_format="{task.percentage:>3.0f}%"),  # blank for a spinner
        TimeElapsedColumn(),
        console=err,
        transient=transient,
        disable=not err.is_terminal,
    ) as bar:
        yield bar


@contextmanager
def steps(description: str) -> Iterator[Callable[[str], None]]:
    """A spinner whose text follows the steps of a long job: ``step("division")``."""
    with progress_bar() as bar:
        task = bar.add_task(description, total=None)
        yield lambda step: bar.update(task, description=f"{description} {step}")


def pct(value: float | None, signed: bool = True) -> str:
    if value is None:
        return "–"
    return f"{value:+.1f}%" if signed else f"{value:.1f}%"


def short(name: object, width: int = NAME_WIDTH) -> str:
    """``name`` cut to ``width`` characters with an ellipsis ("" when it is not text, as a
    missing name read through pandas is NaN)."""
    if not isinstance(name, str) or not name:
        return ""
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


def table(
    title: str, text: Sequence[str], numbers: Sequence[str] = (), *, names: str | None = None
) -> Table:
    """A table of ``text`` columns, then right-aligned ``numbers`` columns; no cell wraps.

    ``names`` is the text column that gives way when the table is wider than the terminal:
    its cells (made with :func:`name_cell`) are cut further, and no other column is.
    """
    out = Table(title=title)
    for col in text:
        out.add_column(col, no_wrap=col != names, overflow="ellipsis")
    for col in numbers:
        out.add_column(col, justify="right", no_wrap=True, min_width=len(col))
    return out


def name_cell(name: str | None, width: int = NAME_WIDTH) -> Text:
    """A cell of a ``names`` column: ``name`` cut to ``width``, and further to fit, on one line."""
    return Text(short(name, width), no_wrap=True, overflow="ellipsis")


def keyed_table(title: str, by: str, rows: Sequence[Keyed], measures: tuple[str, ...]) -> Table:
    """A table of breakdown rows: the key, its name when any row has one, then the measures."""
    with_names = any(r.label != r.key for r in rows)
    return table(title, (by, "name") if with_names else (by,), measures, names="name")


def key_cells(row: Keyed, rows: Sequence[Keyed]) -> list[str | Text]:
    """The key (and name) cells of ``row`` as :func:`keyed_table` lays them out."""
    if not any(r.label != r.key for r in rows):
        return [row.key]
    return [row.key, name_cell(row.label if row.label != row.key else "")]


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


FORMATS: tuple[str, ...] = ("table", "json", "csv", "parquet", "xlsx")
"""How query commands write results: a table on the terminal, or a file analysts open."""


def write_frame(frame: Any, fmt: str, out: Path | None, *, sheet: str = "entrepot") -> None:
    """``frame`` (a pandas DataFrame) as CSV, Parquet or Excel: to ``out``, or CSV and
    JSON to stdout. Never overwrites a file half-way: it is written beside and renamed."""
    if out is None:
        if fmt in ("parquet", "xlsx"):
            raise InputError(f"--format {fmt} writes a file: name it with --out FILE.")
        if fmt == "csv":
            frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    if out.is_dir():
        raise InputError(f"--out {out} is a directory: name a file.")
    part = out.with_name(out.name + ".part")
    try:
        if fmt in TABLE_FORMATS:
            part.write_bytes(encoded(frame, fmt, sheet=sheet))
        else:
            part.write_text(frame, encoding="utf-8")
        part.replace(out)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise InputError(f"Cannot write {out}: {exc.strerror or exc}.") from exc
    err.print(f"wrote {out}", highlight=False)


def emit(
    fmt: str,
    out: Path | None,
    *,
    show: Callable[[], None],
    data: Callable[[], Any],
    frame: Callable[[], Any],
    sheet: str = "entrepot",
) -> None:
    """Write a command's result in ``fmt``: ``show`` prints the table, ``data`` is the JSON
    object and ``frame`` the flat table for CSV, Parquet and Excel."""
    fmt = choice(fmt, FORMATS, "format")
    if fmt == "table":
        if out is not None:
            raise InputError("--out needs a file format: --format csv, parquet, xlsx or json.")
        show()
    elif fmt == "json":
        text = json.dumps(data(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        if out is None:
            sys.stdout.write(text)
        else:
            write_frame(text, fmt, out)
    else:
        write_frame(frame(), fmt, out, sheet=sheet)
