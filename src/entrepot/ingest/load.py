"""Load: stage every source, check it, and store it as monthly cells in one transaction.

Rows in = rows stored + rows rejected, always. Rejected rows go to the store's ``rejects``
table and to a report; a (period, flow) that is already stored is replaced, and the
replacement is recorded in ``revisions``. Any failure rolls the whole load back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from ..backends import engine_errors
from ..errors import EntrepotError, StoreError
from ..periods import Period
from ..schema import CELL_KEY, FIELD_NAMES, LINE
from ..store import Store
from ..store.domains import widen
from . import fixedwidth
from .checks import ANY_BAD, DUPLICATES_SQL, PARSED, RULES
from .readers import PROBLEM, Source, open_source

FileProgress = Callable[[Source, float], None]
SHOWN_REJECTS = 1000
"""Rejects kept on the report object; the store and the report file hold all of them."""


@dataclass(frozen=True)
class Reject:
    file: str
    line: int
    field: str
    value: str | None
    rule: str
    reason: str


@dataclass(frozen=True)
class Revision:
    period: Period
    flow: str
    old_value: float
    new_value: float
    old_cells: int
    new_cells: int


@dataclass
class LoadReport:
    """What one load did."""

    load_id: int | None
    files: list[str]
    rows_read: int = 0
    rows_stored: int = 0
    rows_rejected: int = 0
    cells: int = 0
    value: float = 0.0
    rejects: list[Reject] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    superseded: dict[str, list[str]] = field(default_factory=dict)
    reject_report: Path | None = None

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_stored + self.rows_rejected


def ingest(
    store: Store,
    paths: Sequence[Path],
    *,
    mapping: Mapping[str, str] | None = None,
    period: Period | None = None,
    strict: bool = False,
    progress: FileProgress | None = None,
    fail_after_batches: int | None = None,
) -> LoadReport:
    """Load ``paths`` into ``store`` as one transaction and return what happened.

    With ``strict``, a load with any rejected row stores no cells (the rejects are still
    recorded). ``fail_after_batches`` exists for tests: it raises midway through a load to
    show that nothing is written.
    """
    paths = [Path(p) for p in paths]
    skips = fixedwidth.superseded_flows([p for p in paths if fixedwidth.layout_for(p)])
    sources = [
        open_source(p, mapping=mapping, period=period, skip_flows=skips.get(p, frozenset()))
        for p in paths
    ]
    report = LoadReport(None, [str(p) for p in paths])
    for path, flows in skips.items():
        if flows:
            report.superseded[str(path)] = sorted(flows)
    con = store.con
    try:
        with engine_errors(f"Load into {store.path} (rolled back)", StoreError):
            _stage(con, sources, progress, fail_after_batches)
            _check(con)
            _fill_counts(con, report)
            report.rejects = [
                Reject(*row)
                for row in con.execute(_REJECTS_SQL + f" LIMIT {SHOWN_REJECTS}").fetchall()
            ]
            with store.transaction():
                _commit(con, report, strict)
    finally:
        con.execute("DROP VIEW IF EXISTS _flagged")
        for name in ("_staging", "_text", "_duplicates", "_replaced", "_violations"):
            con.execute(f"DROP TABLE IF EXISTS {name}")
    return report


# -- staging ----------------------------------------------------------------------------


def _stage(
    con: duckdb.DuckDBPyConnection,
    sources: list[Source],
    progress: FileProgress | None,
    fail_after_batches: int | None,
) -> None:
    """Copy every source into ``_staging``: each field as stored, flagged good or bad.

    The text as read goes to ``_text`` only for bad rows (to report it); ``record_id`` is
    staged for all rows, since repeats can only be found across the whole load.
    """
    raw = [f for f in FIELD_NAMES if f != "record_id"]
    normal = ", ".join(f"{name} {kind}" for name, (kind, _) in PARSED.items())
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _staging (file VARCHAR, {LINE} BIGINT, _row BIGINT, "
        f"record_id VARCHAR, {PROBLEM} VARCHAR, {normal}, _ok BOOLEAN)"
    )
    text = ", ".join(f"{name} VARCHAR" for name in raw)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _text (_row BIGINT, {text})")
    parsed = ", ".join(f"{sql} AS {name}" for name, (_, sql) in PARSED.items())
    stage = (
        f"INSERT INTO _staging SELECT ?, {LINE}, _row, record_id, {PROBLEM}, "
        f"{', '.join(PARSED)}, NOT ({ANY_BAD}) FROM (SELECT *, {parsed} FROM _batch)"
    )
    keep_text = (
        f"INSERT INTO _text SELECT _row, {', '.join(raw)} FROM _batch WHERE _row IN "
        "(SELECT _row FROM _staging WHERE NOT _ok AND _row >= ?)"
    )
    row = 0
    batches = 0
    for source in sources:
        file = str(source.path)
        on_progress = (lambda f, s=source: progress(s, f)) if progress else None
        for batch in source.batches(on_progress):
            if fail_after_batches is not None and batches >= fail_after_batches:
                raise EntrepotError(f"load stopped on purpose after {batches} batch(es)")
            # The global row number travels with the batch: a window would serialise the insert.
            numbered = batch.append_column("_row", pa.array(np.arange(row, row + batch.num_rows)))
            # Small chunks let DuckDB check one batch on every core.
            chunks = pa.Table.from_batches([numbered]).to_batches(max_chunksize=32_768)
            con.register("_batch", pa.Table.from_batches(chunks))
            con.execute(stage, [file])
            con.execute(keep_text, [row])
            con.unregister("_batch")
            row += batch.num_rows
            batches += 1


def _check(con: duckdb.DuckDBPyConnection) -> None:
    """Spell out every broken rule of the rows staging flagged, and of repeated ids."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _duplicates AS {DUPLICATES_SQL}")
    con.execute("UPDATE _staging SET _ok = false WHERE _row IN (SELECT _row FROM _duplicates)")
    con.execute(
        "CREATE OR REPLACE TEMP VIEW _flagged AS "
        "SELECT * FROM _staging JOIN _text USING (_row) WHERE NOT _ok"
    )
    parts = [
        f"SELECT _row, file, {LINE} AS line, '{r.field}' AS field, "
        f"{'NULL' if r.field == 'line' else r.field} AS value, "
        f"'{r.name}' AS rule, {r.reason} AS reason FROM {r.rows} WHERE {r.bad}"
        for r in RULES
    ]
    con.execute("CREATE OR REPLACE TEMP TABLE _violations AS " + " UNION ALL ".join(parts))


_REJECTS_SQL = "SELECT file, line, field, value, rule, reason FROM _violations ORDER BY _row, rule"


def _fill_counts(con: duckdb.DuckDBPyConnection, report: LoadReport) -> None:
    report.rows_read = int(con.execute("SELECT count(*) FROM _staging").fetchone()[0])  # type: ignore[index]
    report.rows_rejected = int(
        con.execute("SELECT count(DISTINCT _row) FROM _violations").fetchone()[0]  # type: ignore[index]
    )
    report.rows_stored = report.rows_read - report.rows_rejected


STORAGE_ORDER = ("flow", "commodity", "partner", "unit", "period")
"""How a load's cells are laid out: a series' months side by side, so that compiling (which
groups by these keys and joins each month to the year before) finds its rows together."""


def _cells_sql() -> str:
    """Good rows grouped into monthly cells, in storage order."""
    key = ", ".join(f"n_{name} AS {name}" for name in CELL_KEY)
    return f"""
        SELECT {key}, sum(n_value) AS value, sum(n_quantity) AS quantity,
            sum(n_net_weight) AS net_weight, count(*) AS records
        FROM _staging WHERE _ok
        GROUP BY ALL
        ORDER BY {", ".join(STORAGE_ORDER)}"""


# -- the transaction --------------------------------------------------------------------


def _commit(con: duckdb.DuckDBPyConnection, report: LoadReport, strict: bool) -> None:
    load_id = int(con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0])  # type: ignore[index]
    report.load_id = load_id
    started = datetime.now()
    if strict and report.rows_rejected > 0:
        report.rows_stored = 0
    else:
        # Totals of what this load replaces, taken before the old cells go.
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _replaced AS
            SELECT period, flow, sum(value) AS value, count(*) AS cells, max(load_id) AS load_id
            FROM cells
            WHERE (period, flow) IN (SELECT DISTINCT n_period, n_flow FROM _staging WHERE _ok)
            GROUP BY ALL"""
        )
        # Recoding must come before the delete: DuckDB cannot commit a delete made to the
        # table's version that an ALTER in the same transaction has replaced.
        widen(con, "(SELECT * FROM _staging WHERE _ok)", prefix="n_")
        con.execute(
            "DELETE FROM cells WHERE (period, flow) IN (SELECT period, flow FROM _replaced)"
        )
        con.execute(f"INSERT INTO cells SELECT *, {load_id} FROM ({_cells_sql()})")
        cells, value = con.execute(
            "SELECT count(*), coalesce(sum(value), 0) FROM cells WHERE load_id = ?", [load_id]
        ).fetchone()  # type: ignore[misc]
        report.cells, report.value = int(cells), float(value)
        _revise(con, report, load_id, started)
    con.execute(
        f"INSERT INTO rejects SELECT {load_id}, file, line, field, value, rule, reason "
        "FROM _violations ORDER BY _row, rule"
    )
    con.execute(
        "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_id,
            started,
            datetime.now(),
            "; ".join(report.files),
            report.rows_read,
            report.rows_stored,
            report.rows_rejected,
            report.cells,
            report.value,
        ],
    )


def _revise(
    con: duckdb.DuckDBPyConnection, report: LoadReport, load_id: int, when: datetime
) -> None:
    """Record each replaced (period, flow) with its old and new totals."""
    rows = con.execute(
        """SELECT old.period, old.flow, old.load_id, old.value, new.value, old.cells, new.cells
           FROM _replaced old
           JOIN (SELECT period, flow, sum(value) AS value, count(*) AS cells
                 FROM cells WHERE load_id = ? GROUP BY ALL) new USING (period, flow)
           ORDER BY old.period, old.flow""",
        [load_id],
    ).fetchall()
    first = int(con.execute("SELECT coalesce(max(revision_id), 0) FROM revisions").fetchone()[0])  # type: ignore[index]
    files = "; ".join(report.files)
    for i, (period, flow, old_load, old_value, new_value, old_n, new_n) in enumerate(rows, 1):
        con.execute(
            "INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                first + i,
                load_id,
                period,
                flow,
                when,
                files,
                old_load,
                old_value,
                new_value,
                old_n,
                new_n,
            ],
        )
        report.revisions.append(
            Revision(Period.from_key(period), flow, old_value, new_value, old_n, new_n)
        )


def write_reject_report(store: Store, report: LoadReport, path: Path) -> Path:
    """Write every reject of the load as CSV: file, line, field, value, rule, reason."""
    path.parent.mkdir(parents=True, exist_ok=True)
    store.con.execute(
        f"COPY (SELECT file, line, field, value, rule, reason FROM rejects "
        f"WHERE load_id = {int(report.load_id or 0)}) TO '{_sql_path(path)}' (HEADER, DELIMITER ',')"
    )
    report.reject_report = path
    return path


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
