"""Analysis queries: what users run on a stored month, against pandas and hand-written SQL.

Three things are timed, each on the same store, opened once with
``entrepot.store.Store(path, read_only=True)`` (so DuckDB runs with the settings entrepot
gives it: a memory_limit of 2 GB unless ``ENTREPOT_MEMORY_LIMIT`` says otherwise):

1. **series by partner**: the monthly value of total exports for every partner and month,
   with its year-on-year change (by calendar: the same month a year earlier, so a missing
   month gives no rate).

   * **entrepot**: ``monthly_series(store, duckdb_backend(store), flow="total_exports",
     measure="value", by="partner")``;
   * **pandas**: the ``cells`` table's period, flow, partner and value read with DuckDB's
     ``.df()`` (the read is part of pandas' time), grouped by partner × period summing the
     value of the two export flows, the partners' names merged, the change by a merge on
     period − 100;
   * **hand SQL**: one GROUP BY with a self-join on period − 100, on the store's own
     connection (``store.con.execute(sql).df()``).

   Compared: every partner-month (the same keys, names and months), its level and its
   ``yoy_pct``.

2. **filtered summary**: the month's values and their year-on-year changes for Asian
   partners and SITC division 77 (electrical machinery).

   * **entrepot**: ``summary(backend.filtered(filters), Period(2025, 12))`` with
     ``filters = resolve(backend, partner=["Asia"], commodity=["sitc:77"])``;
   * **pandas**: the cells (period, flow, partner, commodity, value) read with ``.df()``,
     then the cells of the month and the month a year earlier whose partner's region is
     Asia and whose commodity's SITC code starts with 77 (a commodity is classed by its own
     row of ``commodity_sitc``, else by its first six digits' row) summed by flow;
   * **hand SQL**: the same as one statement.

   Compared: each measure (total exports, domestic exports, re-exports, imports) and its
   year-on-year change for the month. entrepot's summary also computes the year to date
   (this year's and last year's) and checks that the month is held, which the baselines
   do not: its ratio carries that extra work.

3. **analyse**: ``analyse(store, backend, Period(2025, 12), keep=False)``, the whole
   ``entrepot analyse`` (seasonal adjustment included: X-13 on three series, about a
   second each, not stored). Nothing else computes it, so there is no baseline: its time
   and each section's (timed from the ``progress`` callback, which is called with each
   section's name as it starts) are reported. It needs a compiled store: a store without
   a compilation is compiled first (``compile_store`` with its defaults, the store opened
   writable), untimed.

Every round runs entrepot, hand SQL and pandas in turn (so that a busy spell on a shared
machine hits each alike); every contender's numbers must agree with entrepot's to 1e-9
relative, nulls in the same places, in every round, or the benchmark stops before any
timing is printed. ``--repeat N`` reports the best of N rounds. All contenders run in this
one process, libraries imported and the columns read once (untimed) before the clock
starts, so that no contender pays for a cold store; ratios are against entrepot's run in
the same process. Nothing here asserts a timing.

The store is the synthetic sample (``entrepot.sample.generate``), cached under
``bench/out/scale-F/entrepot.duckdb`` as ``bench/compile.py`` caches it: ``--rows 1M`` is
the default sample (scale 1), generated, classified and ingested here if absent;
``--rows 20M`` is scale 18.8, built by ``python bench/compile.py --rows 20M`` (this script
says so and stops if it is absent). A cached store made by an older entrepot is migrated to
the current schema first.

    python bench/analysis.py [--rows 1M|20M] [--repeat N] [--tasks series,summary,analyse]
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from entrepot.analysis.compilations import compile_store
from entrepot.analysis.facts import analyse
from entrepot.analysis.filters import resolve
from entrepot.analysis.series import monthly_series
from entrepot.analysis.summary import summary
from entrepot.backends import Backend, duckdb_backend
from entrepot.errors import StoreError
from entrepot.periods import Period
from entrepot.schema import EXPORT_FLOWS, MEASURES
from entrepot.store import Store

OUT = Path(__file__).resolve().parent / "out"
SIZES: dict[str, float] = {"1M": 1.0, "20M": 18.8}
"""Sample scales of the row counts named (as in bench/compile.py)."""

PERIOD = Period(2025, 12)
REGION = "Asia"
SITC_PREFIX = "77"
TOLERANCE = 1e-9
TASKS: dict[str, str] = {
    "series": "series by partner",
    "summary": "filtered summary",
    "analyse": "analyse",
}
CONTENDERS: dict[str, str] = {"entrepot": "entrepot", "sql": "hand SQL", "pandas": "pandas"}
SERIES_COLUMNS = ("level", "yoy_pct")
SUMMARY_NUMBERS: tuple[str, ...] = (*MEASURES, *[f"{m}_yoy_pct" for m in MEASURES])

_EXPORTS = ", ".join(f"'{f}'" for f in EXPORT_FLOWS)


# --- the store -----------------------------------------------------------------------------


def store_dir(scale: float) -> Path:
    return OUT / f"scale-{scale:g}"


def store_path(scale: float) -> Path:
    return store_dir(scale) / "entrepot.duckdb"


def ensure_store(rows: str) -> Path:
    """The cached store for ``rows`` (built here at 1M; at 20M only bench/compile.py builds
    it, so its absence stops the benchmark)."""
    scale = SIZES[rows]
    path = store_path(scale)
    if path.exists():
        migrate(path)
        return path
    if rows != "1M":
        raise SystemExit(
            f"No cached {rows} store at {path}: build it with "
            f"'python bench/compile.py --rows {rows} --build-only' (or run "
            f"'python bench/compile.py --rows {rows}'), then run this again."
        )
    build_default_sample(path)
    return path


def build_default_sample(path: Path) -> None:
    """The default sample generated, classified and ingested into ``path`` (as the tests'
    ``sample_store`` fixture makes it, compiled later if need be)."""
    from entrepot import ingest_files, load_classifications
    from entrepot.sample import generate

    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"building the default sample store {path} …", flush=True)
    result = generate(path.parent / "sample")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    with Store(partial) as store:
        load_classifications(store, [result.classifications])
        report = ingest_files(store, result.records)
        if report.rows_rejected or report.rows_stored != result.rows:
            raise SystemExit(
                f"ingest stored {report.rows_stored:,} of {result.rows:,} rows "
                f"({report.rows_rejected:,} rejected)"
            )
    partial.rename(path)


def migrate(path: Path) -> None:
    """Bring a cached store to this entrepot's schema (opening it writable migrates it)."""
    try:
        Store(path, read_only=True).close()
        return
    except StoreError:
        pass
    # The refused read-only connection is released with the error (DuckDB will not open a
    # file twice in one process with other settings).
    gc.collect()
    print(f"migrating {path} to this entrepot's schema …", flush=True)
    Store(path).close()


def ensure_compiled(path: Path) -> None:
    """Compile the store (every breakdown, entrepot's defaults) unless it holds a
    compilation already: analyse reads the compiled indices."""
    with Store(path, read_only=True) as store:
        held = int(store.con.execute("SELECT count(*) FROM compilations").fetchone()[0])
    if held:
        return
    print(f"compiling {path} (untimed; analyse reads a compilation) …", flush=True)
    start = time.perf_counter()
    with Store(path) as store:
        compile_store(store, duckdb_backend(store))
    print(f"  compiled in {time.perf_counter() - start:.1f} s", flush=True)


def warm_up(con: duckdb.DuckDBPyConnection) -> None:
    """Read every column the contenders read once, untimed, so that none pays for a cold
    file."""
    con.execute(
        "SELECT count(*), sum(value), min(period), min(flow), min(partner), "
        "min(commodity::VARCHAR) FROM cells"
    ).fetchall()
    for table in ("partners", "commodity_sitc", "sitc", "compilations"):
        con.execute(f"SELECT count(*) FROM {table}").fetchall()


# --- 1. the monthly series by partner ------------------------------------------------------


def entrepot_series(store: Store, backend: Backend) -> pd.DataFrame:
    series = monthly_series(store, backend, flow="total_exports", measure="value", by="partner")
    return series.frame


def sql_series(store: Store, backend: Backend) -> pd.DataFrame:
    sql = f"""
WITH m AS (
    SELECT partner::VARCHAR AS key, period,
           sum(CASE WHEN flow IN ({_EXPORTS}) THEN value ELSE 0 END) AS level
    FROM cells
    GROUP BY 1, 2
)
SELECT m.key, coalesce(p.name, m.key) AS label, m.period, m.level,
       CASE WHEN y.level IS NULL OR y.level = 0 THEN NULL
            ELSE (m.level / y.level - 1) * 100 END AS yoy_pct
FROM m
LEFT JOIN m AS y ON y.key = m.key AND y.period = m.period - 100
LEFT JOIN partners AS p ON p.code = m.key
ORDER BY m.key, m.period
"""
    return store.con.execute(sql).df()


def pandas_series(store: Store, backend: Backend) -> pd.DataFrame:
    cells = store.con.execute("SELECT period, flow, partner, value FROM cells").df()
    partners = store.con.execute("SELECT code, name FROM partners").df()
    exports = cells.value.where(cells.flow.isin(EXPORT_FLOWS), 0.0)
    sums = exports.groupby([cells.partner, cells.period], observed=True, sort=False).sum()
    frame = sums.rename("level").reset_index()
    frame["key"] = frame.partner.astype(str)
    names = pd.Series(partners.name.to_numpy(), index=partners.code)
    frame["label"] = frame.key.map(names).fillna(frame.key)
    before = frame[["key", "period", "level"]].rename(columns={"level": "before"})
    before["period"] = before.period + 100
    frame = frame.merge(before, on=["key", "period"], how="left")
    usable = frame.before.notna() & (frame.before != 0)
    frame["yoy_pct"] = ((frame.level / frame.before - 1) * 100).where(usable)
    frame = frame.sort_values(["key", "period"], ignore_index=True)
    return frame[["key", "label", "period", "level", "yoy_pct"]]


def compare_series(ours: pd.DataFrame, theirs: pd.DataFrame) -> float:
    """The largest relative difference of level and yoy_pct; an error if the rows differ."""
    a = ours.sort_values(["key", "period"], ignore_index=True)
    b = theirs.sort_values(["key", "period"], ignore_index=True)
    if len(a) != len(b):
        raise AssertionError(f"{len(b):,} partner-months instead of {len(a):,}")
    for column in ("key", "label"):
        if not (a[column].astype(str).to_numpy() == b[column].astype(str).to_numpy()).all():
            raise AssertionError(f"the {column}s differ")
    if not (a.period.astype(int).to_numpy() == b.period.astype(int).to_numpy()).all():
        raise AssertionError("the months differ")
    return max(relative_difference(a[c], b[c], c) for c in SERIES_COLUMNS)


# --- 2. the filtered summary ---------------------------------------------------------------


def entrepot_summary(store: Store, backend: Backend) -> dict[str, float | None]:
    filters = resolve(backend, partner=[REGION], commodity=[f"sitc:{SITC_PREFIX}"])
    month = summary(backend.filtered(filters), PERIOD).month
    return {**month.values, **{f"{m}_yoy_pct": month.yoy_pct[m] for m in MEASURES}}


def _flow_sums() -> str:
    return ",\n           ".join(
        [
            f"sum(CASE WHEN flow IN ({_EXPORTS}) THEN value ELSE 0 END) AS total_exports",
            *[
                f"sum(CASE WHEN flow = '{f}' THEN value ELSE 0 END) AS {f}"
                for f in (*EXPORT_FLOWS, "imports")
            ],
        ]
    )


def sql_summary(store: Store, backend: Backend) -> dict[str, float | None]:
    rates = ",\n       ".join(
        f"CASE WHEN y.{m} IS NULL OR y.{m} = 0 THEN NULL "
        f"ELSE (n.{m} / y.{m} - 1) * 100 END AS {m}_yoy_pct"
        for m in MEASURES
    )
    sql = f"""
WITH hits AS (
    SELECT commodity FROM commodity_sitc WHERE starts_with(sitc, '{SITC_PREFIX}')
),
m AS (
    SELECT period,
           {_flow_sums()}
    FROM cells
    WHERE period IN ({PERIOD.key}, {PERIOD.key - 100})
      AND partner::VARCHAR IN (SELECT code FROM partners WHERE region = '{REGION}')
      AND (commodity::VARCHAR IN (SELECT commodity FROM hits)
           OR (commodity::VARCHAR NOT IN (SELECT commodity FROM commodity_sitc)
               AND left(commodity::VARCHAR, 6) IN (SELECT commodity FROM hits)))
    GROUP BY period
)
SELECT {", ".join(f"n.{m}" for m in MEASURES)},
       {rates}
FROM m AS n LEFT JOIN m AS y ON y.period = n.period - 100
WHERE n.period = {PERIOD.key}
"""
    row = store.con.execute(sql).df().iloc[0]
    return {k: _number(row[k]) for k in SUMMARY_NUMBERS}


def pandas_summary(store: Store, backend: Backend) -> dict[str, float | None]:
    cells = store.con.execute("SELECT period, flow, partner, commodity, value FROM cells").df()
    partners = store.con.execute("SELECT code, region FROM partners").df()
    classes = store.con.execute("SELECT commodity, sitc FROM commodity_sitc").df()
    asian = partners.code[partners.region == REGION]
    hits = set(classes.commodity[classes.sitc.str.startswith(SITC_PREFIX)])
    own = set(classes.commodity)
    held = pd.Series(cells.commodity.unique()).astype(str)
    wanted = held[held.isin(hits) | (~held.isin(own) & held.str[:6].isin(hits))]
    keep = (
        cells.period.isin([PERIOD.key, PERIOD.key - 100])
        & cells.partner.isin(asian)
        & cells.commodity.isin(wanted)
    )
    rows = cells[keep]
    by_flow = rows.groupby([rows.period, rows.flow.astype(str)]).value.sum().unstack()
    by_flow = by_flow.reindex(columns=[*EXPORT_FLOWS, "imports"])
    by_flow["total_exports"] = by_flow[list(EXPORT_FLOWS)].fillna(0.0).sum(axis=1)
    by_flow = by_flow.fillna(0.0)
    now = by_flow.loc[PERIOD.key]
    before = by_flow.loc[PERIOD.key - 100] if PERIOD.key - 100 in by_flow.index else None
    out: dict[str, float | None] = {m: float(now[m]) for m in MEASURES}
    for m in MEASURES:
        base = None if before is None else float(before[m])
        out[f"{m}_yoy_pct"] = None if not base else (float(now[m]) / base - 1) * 100
    return out


def compare_summary(ours: dict[str, Any], theirs: dict[str, Any]) -> float:
    a = pd.Series([ours[k] for k in SUMMARY_NUMBERS], dtype=float)
    b = pd.Series([theirs[k] for k in SUMMARY_NUMBERS], dtype=float)
    return relative_difference(a, b, ", ".join(SUMMARY_NUMBERS))


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


# --- comparing -----------------------------------------------------------------------------


def relative_difference(ours: pd.Series, theirs: pd.Series, what: str) -> float:
    """The largest |a − b| ÷ max(|a|, |b|); an error if the nulls are not in the same
    places."""
    a = pd.to_numeric(ours, errors="coerce").to_numpy(dtype=float)
    b = pd.to_numeric(theirs, errors="coerce").to_numpy(dtype=float)
    nulls = np.isnan(a)
    if (nulls != np.isnan(b)).any():
        raise AssertionError(f"{what}: nulls in other places")
    a, b = a[~nulls], b[~nulls]
    if not len(a):
        return 0.0
    scale = np.maximum(np.abs(a), np.abs(b))
    return float((np.abs(a - b) / np.where(scale == 0, 1.0, scale)).max())


# --- running -------------------------------------------------------------------------------


@dataclass
class Timing:
    task: str
    contender: str
    seconds: list[float] = field(default_factory=list)
    difference: float | None = None  # the worst over the rounds, vs entrepot's

    @property
    def best(self) -> float:
        return min(self.seconds)


Runner = Callable[[Store, Backend], Any]
COMPARED_TASKS: dict[str, tuple[dict[str, Runner], Callable[[Any, Any], float]]] = {
    "series": (
        {"entrepot": entrepot_series, "sql": sql_series, "pandas": pandas_series},
        compare_series,
    ),
    "summary": (
        {"entrepot": entrepot_summary, "sql": sql_summary, "pandas": pandas_summary},
        compare_summary,
    ),
}


def timed(run: Runner, store: Store, backend: Backend) -> tuple[float, Any]:
    start = time.perf_counter()
    result = run(store, backend)
    return time.perf_counter() - start, result


def contest(task: str, store: Store, backend: Backend, repeat: int) -> list[Timing]:
    """``repeat`` rounds of every contender of ``task``, each checked against entrepot's."""
    runners, compare = COMPARED_TASKS[task]
    timings = {name: Timing(task, name) for name in runners}
    for _ in range(repeat):
        reference = None
        for name, run in runners.items():
            seconds, result = timed(run, store, backend)
            timings[name].seconds.append(seconds)
            if name == "entrepot":
                reference = result
                continue
            try:
                difference = compare(reference, result)
            except AssertionError as exc:
                raise SystemExit(
                    f"{TASKS[task]}: {CONTENDERS[name]} differs from entrepot: {exc}"
                ) from None
            if difference > TOLERANCE:
                raise SystemExit(
                    f"{TASKS[task]}: {CONTENDERS[name]} differs from entrepot by "
                    f"{difference:.3g} (relative), more than {TOLERANCE:g}: no timing is "
                    "reported"
                )
            previous = timings[name].difference or 0.0
            timings[name].difference = max(previous, difference)
    return list(timings.values())


@dataclass
class Analysed:
    timing: Timing
    sections: list[list[tuple[str, float]]] = field(default_factory=list)  # per round
    facts: int = 0
    notes: list[str] = field(default_factory=list)


def time_analyse(store: Store, backend: Backend, repeat: int) -> Analysed:
    """``repeat`` runs of analyse, each section timed from its progress callback."""
    out = Analysed(Timing("analyse", "entrepot"))
    for _ in range(repeat):
        marks: list[tuple[str, float]] = []
        start = time.perf_counter()
        result = analyse(
            store,
            backend,
            PERIOD,
            keep=False,
            progress=lambda name, marks=marks: marks.append((name, time.perf_counter())),
        )
        end = time.perf_counter()
        out.timing.seconds.append(end - start)
        edges = [("setup", start), *marks, ("", end)]
        out.sections.append([(name, edges[i + 1][1] - t) for i, (name, t) in enumerate(edges[:-1])])
        out.facts, out.notes = len(result.facts), list(result.notes)
    return out


def print_table(timings: Sequence[Timing], repeat: int) -> None:
    header = (
        f"{'task':<18} {'contender':<9} {'seconds':>8} {'ratio vs entrepot':>17} "
        f"{'max rel diff':>12}  runs (s)"
    )
    print(header)
    print("-" * len(header))
    reference = {t.task: t for t in timings if t.contender == "entrepot"}
    for t in timings:
        ratio = t.best / reference[t.task].best
        diff = "—" if t.difference is None else f"{t.difference:.1e}"
        print(
            f"{TASKS[t.task]:<18} {CONTENDERS[t.contender]:<9} {t.best:>8.3f} "
            f"{ratio:>16.2f}× {diff:>12}  " + " ".join(f"{s:.3f}" for s in t.seconds)
        )
    print(
        f"seconds: best of {repeat} wall-clock runs in this process; ratio: the contender's "
        "seconds ÷ entrepot's for the same task (analyse has no baseline)"
    )


def print_sections(analysed: Analysed) -> None:
    best = analysed.timing.seconds.index(analysed.timing.best)
    sections = analysed.sections[best]
    print(
        f"analyse {PERIOD} (adjusted, keep=False): {analysed.facts} facts; sections of the "
        f"best run (s): " + ", ".join(f"{name} {s:.3f}" for name, s in sections)
    )
    for note in analysed.notes:
        print(f"  note: {note}")


def code_version() -> str:
    """entrepot's commit, and the source files changed since (others edit as we measure)."""
    root = Path(__file__).resolve().parent.parent

    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=root, capture_output=True, text=True)
        return done.stdout

    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    changed = [line[3:] for line in git("status", "--porcelain", "src").splitlines()]
    return commit + (f" + uncommitted {', '.join(changed)}" if changed else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", default="1M", choices=tuple(SIZES), help="default 1M")
    parser.add_argument("--repeat", type=int, default=3, help="rounds, best reported (3)")
    parser.add_argument(
        "--tasks",
        default=",".join(TASKS),
        help=f"which to run, comma-separated (default {','.join(TASKS)})",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown:
        parser.error(f"unknown tasks {', '.join(unknown)}; known: {', '.join(TASKS)}")

    path = ensure_store(args.rows)
    if "analyse" in tasks:
        ensure_compiled(path)
    code = code_version()
    with Store(path, read_only=True) as store:
        backend = duckdb_backend(store)
        con = store.con
        cells = int(con.execute("SELECT count(*) FROM cells").fetchone()[0])
        settings = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() "
                "WHERE name IN ('threads', 'memory_limit')"
            ).fetchall()
        )
        warm_up(con)
        timings: list[Timing] = []
        for task in tasks:
            if task in COMPARED_TASKS:
                timings += contest(task, store, backend, args.repeat)
        analysed = time_analyse(store, backend, args.repeat) if "analyse" in tasks else None
    if analysed is not None:
        timings.append(analysed.timing)

    print()
    print(
        f"Analysis queries on {path} ({cells:,} cells), month {PERIOD}; DuckDB "
        f"{duckdb.__version__}, threads={settings.get('threads')}, "
        f"memory_limit={settings.get('memory_limit')}; {os.cpu_count()} cores; entrepot {code}"
    )
    if code_version() != code:
        print(f"(entrepot changed during the run: now {code_version()})")
    print_table(timings, args.repeat)
    compared = [TASKS[t] for t in tasks if t in COMPARED_TASKS]
    if compared:
        print(
            f"Every contender's numbers match entrepot's in every round to ≤ {TOLERANCE:g} "
            f"relative, nulls in the same places ({'; '.join(compared)})."
        )
    if analysed is not None:
        print_sections(analysed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
