"""The monthly release: one call from a compiled store to the published document.

:func:`write_release` builds the release from the analysis (:mod:`.content`), compares it
with the previous release of the same month kept in the store, renders it as HTML, PDF,
Markdown and Excel with its charts and ``provenance.json``, and records it in the store.
The files are written into a fresh folder first and moved into place at the end; a
previous release in the output folder is kept in ``previous/N/``, never overwritten.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..backends import Backend
from ..errors import InputError, StoreError
from ..periods import Period
from ..schema import choice
from ..store import Store
from ..store import releases as stored
from . import charts
from .content import build
from .document import Release
from .wording import billion

FORMATS: tuple[str, ...] = ("html", "pdf", "md", "xlsx")
OUTPUTS = ("release.html", "release.pdf", "release.md", "release.xlsx", "provenance.json")


@dataclass(frozen=True)
class ReleaseReport:
    release: Release
    release_id: int
    out_dir: Path
    files: tuple[Path, ...]
    seconds: dict[str, float]
    """How long each step took: analysing, writing, each format."""

    @property
    def lead(self) -> str:
        return self.release.text(self.release.lead)


def default_out(period: Period) -> Path:
    return Path("out") / f"release-{period}"


def parse_formats(text: str | Sequence[str]) -> tuple[str, ...]:
    """``html,pdf`` → ("html", "pdf"), in the order of :data:`FORMATS`."""
    items = text.split(",") if isinstance(text, str) else list(text)
    chosen = {choice(item.strip(), FORMATS, "format") for item in items if item.strip()}
    if not chosen:
        raise InputError(f"Name at least one format: {', '.join(FORMATS)}.")
    return tuple(f for f in FORMATS if f in chosen)


def write_release(
    store: Store,
    backend: Backend,
    period: Period,
    *,
    out_dir: Path | None = None,
    formats: Sequence[str] = FORMATS,
    as_of: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReleaseReport:
    """Build ``period``'s release, write its files to ``out_dir`` and keep it in the store."""
    formats = parse_formats(formats)
    out_dir = out_dir or default_out(period)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {out_dir} is a file: name a folder.")
    if not stored.writable(store):
        raise StoreError(f"Store {store.path} is read-only: a release is recorded in it.")
    step = progress or (lambda _: None)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    release = build(store, backend, period, as_of=as_of, progress=step)
    seconds["build"] = time.perf_counter() - clock
    _attach_revisions(store, release, period)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        files = _render(release, work, formats, seconds, step)
        release_id = stored.save_release(
            store,
            period=period.key,
            last_load=release.revision.get("last_load"),
            compile_id=release.revision.get("compilation"),
            formats=formats,
            out_dir=str(out_dir),
            figures=release.provenance()["figures"],
        )
        _move_into_place(work, out_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ReleaseReport(
        release, release_id, out_dir, tuple(out_dir / f.name for f in files), seconds
    )


def _attach_revisions(store: Store, release: Release, period: Period) -> None:
    """What changed since the previous release of ``period``: the stored months later loads
    revised, and the figures that moved."""
    previous = stored.previous_release(store, period.key)
    if previous is None:
        return
    months = [Period(period.year, m) for m in range(1, period.month + 1)]
    keys = [m.key for m in months] + [m.year_ago().key for m in months]
    lines: list[dict[str, object]] = []
    for r in stored.revised_since(store, previous.last_load, keys).itertuples():
        lines.append(
            {
                "kind": "period",
                "period": str(Period.from_key(int(r.period))),
                "flow": str(r.flow),
                "load_id": int(r.load_id),
                "old_value": float(r.old_value),
                "new_value": float(r.new_value),
                "old_text": billion(float(r.old_value), release.currency),
                "new_text": billion(float(r.new_value), release.currency),
            }
        )
    current = release.provenance()["figures"]
    for change in stored.changed_figures(previous.figures, current):
        # Moved numbers only: a figure reworded or added by a newer entrepot is no revision.
        if change.status == "revised" and change.change:
            lines.append({"kind": "figure", **change.as_dict()})
    release.revisions = lines


def _render(
    release: Release,
    work: Path,
    formats: Sequence[str],
    seconds: dict[str, float],
    step: Callable[[str], None],
) -> list[Path]:
    from .html import html, pdf
    from .markdown import markdown
    from .workbook import workbook

    files: list[Path] = []
    (work / "charts").mkdir()
    clock = time.perf_counter()
    step("charts")
    for chart in release.charts():
        (work / "charts" / f"{chart.id}.svg").write_text(charts.to_svg(chart.spec), "utf-8")
    seconds["charts"] = time.perf_counter() - clock
    writers: dict[str, Callable[[Path], object]] = {
        "md": lambda p: p.write_text(markdown(release), "utf-8"),
        "html": lambda p: p.write_text(html(release), "utf-8"),
        "pdf": lambda p: pdf(release, p),
        "xlsx": lambda p: workbook(release, p),
    }
    for fmt in formats:
        clock = time.perf_counter()
        step(fmt)
        path = work / f"release.{fmt}"
        writers[fmt](path)
        files.append(path)
        seconds[fmt] = time.perf_counter() - clock
    provenance = work / "provenance.json"
    provenance.write_text(
        json.dumps(release.provenance(), indent=2, ensure_ascii=False, allow_nan=False) + "\n",
        "utf-8",
    )
    files.append(provenance)
    return files


def _move_into_place(work: Path, out_dir: Path) -> None:
    """Move the new files into ``out_dir``; a release already there moves to
    ``previous/N/`` first (N one more than the last kept)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    old = [out_dir / name for name in (*OUTPUTS, "charts") if (out_dir / name).exists()]
    if old:
        kept = out_dir / "previous"
        n = 1 + max((int(p.name) for p in kept.glob("*") if p.name.isdigit()), default=0)
        target = kept / str(n)
        target.mkdir(parents=True)
        for path in old:
            path.rename(target / path.name)
    for path in work.iterdir():
        path.rename(out_dir / path.name)


__all__ = ["FORMATS", "ReleaseReport", "default_out", "parse_formats", "write_release"]
