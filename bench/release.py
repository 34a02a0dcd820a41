"""Monthly release: the time to render one month's release from a compiled store.

What is timed is ``entrepot.release.write_release(store, duckdb_backend(store),
Period(2025, 12), out_dir=DIR, formats=FORMATS)``, the whole ``entrepot release``: the
release built from the analysis and worded (seasonal adjustment included), compared with the
previous release of the month, its charts drawn, each format rendered (HTML, PDF, Markdown,
Excel), ``provenance.json`` written and the release recorded in the store. Its total wall
time is reported with each step's from the returned ``ReleaseReport.seconds`` (build,
charts, html, pdf, md, xlsx; ``other`` is the rest of the total: the revisions, the
provenance, the ``releases`` row and the move into place).

**Target: under 10 s for all four formats on a 2-core machine** (at the 1M-row sample).

``write_release`` writes into the store (a ``releases`` row, and the seasonal adjustments
it keeps), so every round runs on a fresh copy of the cached compiled store (the copy is
not timed), opened writable with ``entrepot.store.Store`` (so DuckDB runs with the settings
entrepot gives it: a memory_limit of 2 GB unless ``ENTREPOT_MEMORY_LIMIT`` says otherwise),
and writes into a fresh temporary folder. Each copy holds no earlier release of the month,
so nothing is moved to ``previous/`` and no revision is listed.

For comparison, a baseline in the same round and process: **pandas, tables only (no text,
charts, PDF or provenance)**: the release's tables (``report.release.tables()``), each
one's rows as a DataFrame of the printed texts (built untimed), written with plain pandas
in the same formats where pandas has a writer: ``DataFrame.to_html`` (html),
``to_markdown`` if tabulate is installed, else ``to_csv`` (md), and ``to_excel``, one
sheet per table in one workbook (xlsx). pandas has no PDF writer, so PDF has no baseline
(``--formats pdf`` alone has none at all). The ratio is entrepot's total ÷ the baseline's:
it carries all the work the baseline does not do (the analysis, the wording, the charts,
the PDF, the provenance, the store record).

Libraries (the renderers, great_tables, WeasyPrint, vl-convert, openpyxl) are imported
before the first round (untimed), so that no round pays for them; the first round still
pays for the caches the renderers warm. ``--repeat N`` runs N rounds, entrepot then pandas
in each (so that a busy spell on a shared machine hits both alike), and reports each round
and the best. Nothing here asserts a timing.

The store is the 1M-row synthetic sample (scale 1) that ``bench/analysis.py`` builds and
compiles, cached as ``bench/out/scale-1/entrepot.duckdb``; it is built, migrated and
compiled here the same way (with bench/analysis.py's code) if need be, untimed.

    python bench/release.py [--repeat N] [--formats html,pdf,md,xlsx]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from analysis import code_version, ensure_compiled, ensure_store
from entrepot.backends import duckdb_backend
from entrepot.errors import InputError
from entrepot.periods import Period
from entrepot.release import FORMATS, ReleaseReport, parse_formats, write_release
from entrepot.release.document import Release
from entrepot.store import Store

ROWS = "1M"
PERIOD = Period(2025, 12)
TARGET_SECONDS = 10.0
"""All four formats, on a 2-core machine."""

STEPS = ("build", "charts", "html", "pdf", "md", "xlsx")
BASELINE_FORMATS = ("html", "md", "xlsx")
"""The formats pandas can write (no PDF)."""
BASELINE = "pandas, tables only (no text, charts, PDF or provenance)"
HAS_TABULATE = importlib.util.find_spec("tabulate") is not None
MD_WRITER = "to_markdown" if HAS_TABULATE else "to_csv (tabulate is not installed)"


# --- the store -----------------------------------------------------------------------------


def fresh_copy(source: Path, folder: Path) -> Path:
    """A copy of the cached store (and its WAL, if any) in ``folder``."""
    target = folder / source.name
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target


def warm_up() -> None:
    """Import every library the renderers import lazily, untimed."""
    for name in (
        "entrepot.release.html",
        "entrepot.release.markdown",
        "entrepot.release.workbook",
        "entrepot.release.charts",
        "great_tables",
        "weasyprint",
        "vl_convert",
        "openpyxl",
    ):
        with contextlib.suppress(ImportError):  # write_release will say what is missing
            importlib.import_module(name)
    if HAS_TABULATE:
        importlib.import_module("tabulate")


# --- the pandas baseline -------------------------------------------------------------------


def printed_tables(release: Release) -> list[tuple[str, pd.DataFrame]]:
    """Each table of the release as (title, its rows as the printed texts)."""
    out: list[tuple[str, pd.DataFrame]] = []
    for table in release.tables():
        rows = [
            [part if isinstance(part, str) else release.figure(part).text for part in row]
            for row in table.rows
        ]
        out.append((table.title, pd.DataFrame(rows, columns=[c.name for c in table.columns])))
    return out


def write_pandas(
    tables: list[tuple[str, pd.DataFrame]], folder: Path, formats: Sequence[str]
) -> None:
    """The tables written with plain pandas, one file per format."""
    folder.mkdir(parents=True, exist_ok=True)
    if "html" in formats:
        parts = [f"<h2>{title}</h2>\n{frame.to_html(index=False)}" for title, frame in tables]
        (folder / "tables.html").write_text("\n".join(parts), "utf-8")
    if "md" in formats:
        if HAS_TABULATE:
            parts = [f"## {title}\n\n{frame.to_markdown(index=False)}" for title, frame in tables]
        else:
            parts = [f"## {title}\n\n{frame.to_csv(index=False)}" for title, frame in tables]
        (folder / "tables.md").write_text("\n\n".join(parts), "utf-8")
    if "xlsx" in formats:
        with pd.ExcelWriter(folder / "tables.xlsx", engine="openpyxl") as writer:
            for i, (_, frame) in enumerate(tables, 1):
                frame.to_excel(writer, sheet_name=f"table {i}", index=False)


# --- running -------------------------------------------------------------------------------


@dataclass
class Round:
    total: float
    steps: dict[str, float]
    pandas: float | None

    @property
    def other(self) -> float:
        return self.total - sum(self.steps.values())


@dataclass
class Shape:
    tables: int = 0
    rows: int = 0
    figures: int = 0
    charts: int = 0
    files: dict[str, int] = field(default_factory=dict)


def one_round(source: Path, formats: Sequence[str], shape: Shape) -> Round:
    """write_release on a fresh copy of the store, then the pandas baseline of its tables."""
    baseline = [f for f in formats if f in BASELINE_FORMATS]
    with tempfile.TemporaryDirectory(prefix="entrepot-release-") as tmp:
        folder = Path(tmp)
        copy = fresh_copy(source, folder)
        with Store(copy) as store:
            backend = duckdb_backend(store)
            start = time.perf_counter()
            report: ReleaseReport = write_release(
                store, backend, PERIOD, out_dir=folder / "release", formats=formats
            )
            total = time.perf_counter() - start
        release = report.release
        tables = printed_tables(release)
        shape.tables, shape.rows = len(tables), sum(len(frame) for _, frame in tables)
        shape.figures, shape.charts = len(release.figures), sum(1 for _ in release.charts())
        shape.files = {p.name: p.stat().st_size for p in report.files}
        seconds = None
        if baseline:
            start = time.perf_counter()
            write_pandas(tables, folder / "pandas", baseline)
            seconds = time.perf_counter() - start
    return Round(total, dict(report.seconds), seconds)


def print_rounds(rounds: Sequence[Round], formats: Sequence[str]) -> None:
    steps = [s for s in STEPS if s == "build" or s == "charts" or s in formats]
    columns = ["total", *steps, "other", "pandas", "ratio"]
    header = f"{'round':<6} " + " ".join(f"{c:>8}" for c in columns)
    print(header)
    print("-" * len(header))

    def line(label: str, r: Round) -> str:
        values = [r.total, *[r.steps.get(s, 0.0) for s in steps], r.other]
        cells = [f"{v:>8.3f}" for v in values]
        if r.pandas is None:
            cells += [f"{'—':>8}", f"{'—':>8}"]
        else:
            cells += [f"{r.pandas:>8.3f}", f"{r.total / r.pandas:>7.0f}×"]
        return f"{label:<6} " + " ".join(cells)

    for i, r in enumerate(rounds, 1):
        print(line(str(i), r))
    best = min(rounds, key=lambda r: r.total)
    best_pandas = min((r.pandas for r in rounds if r.pandas is not None), default=None)
    print(line("best", Round(best.total, best.steps, best_pandas)))
    print(
        "seconds, wall clock; total: write_release; its steps from ReleaseReport.seconds "
        "(other: revisions, provenance, the store record, the move into place); best: the "
        "round with the least total (its steps) and pandas' best round; ratio: total ÷ pandas"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds, best reported (3)")
    parser.add_argument(
        "--formats",
        default=",".join(FORMATS),
        help=f"which to render, comma-separated (default {','.join(FORMATS)})",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    try:
        formats = parse_formats(args.formats)
    except InputError as exc:
        parser.error(str(exc))

    path = ensure_store(ROWS)
    ensure_compiled(path)
    with Store(path, read_only=True) as store:
        con = store.con
        cells = int(con.execute("SELECT count(*) FROM cells").fetchone()[0])
        settings = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() "
                "WHERE name IN ('threads', 'memory_limit')"
            ).fetchall()
        )
    code = code_version()
    warm_up()
    shape = Shape()
    rounds = [one_round(path, formats, shape) for _ in range(args.repeat)]

    print()
    print(
        f"Monthly release {PERIOD} ({', '.join(formats)}) from a fresh copy of {path} "
        f"({cells:,} cells) each round; DuckDB {duckdb.__version__}, "
        f"threads={settings.get('threads')}, memory_limit={settings.get('memory_limit')}; "
        f"{os.cpu_count()} cores; entrepot {code}"
    )
    if code_version() != code:
        print(f"(entrepot changed during the run: now {code_version()})")
    print(
        f"The release: {shape.tables} tables ({shape.rows} rows), {shape.figures} figures, "
        f"{shape.charts} charts; files: "
        + ", ".join(f"{name} {size / 1024:,.0f} KB" for name, size in shape.files.items())
    )
    print_rounds(rounds, formats)
    baseline = [f for f in formats if f in BASELINE_FORMATS]
    if baseline:
        writers = {"html": "to_html", "md": MD_WRITER, "xlsx": "to_excel"}
        print(
            f"pandas: {BASELINE}: the same {shape.tables} tables' printed texts written with "
            + ", ".join(f"{writers[f]} ({f})" for f in baseline)
        )
    else:
        print(f"pandas: no baseline ({BASELINE}; pandas writes no PDF)")
    best = min(r.total for r in rounds)
    verdict = "within" if best < TARGET_SECONDS else "OVER"
    target_note = "" if set(formats) == set(FORMATS) else " (the target is for all four formats)"
    print(
        f"target: under {TARGET_SECONDS:g} s for all four formats on a 2-core machine; "
        f"best {best:.2f} s, {verdict} it on {os.cpu_count()} cores{target_note}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
