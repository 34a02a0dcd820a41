"""``entrepot ingest`` and ``entrepot history``: loading records, and the audit trail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..analysis.numbers import records
from ..errors import MappingError, RejectedRowsError
from ..ingest import LoadReport
from ..periods import Period
from .app import JsonOption, StoreOption, app, friendly, open_store, store_path
from .render import console, err, money, print_json, progress_bar, table


def parse_map(entries: list[str]) -> dict[str, str]:
    """``--map COLUMN=FIELD`` entries as a mapping."""
    mapping = {}
    for entry in entries:
        column, sep, field = entry.partition("=")
        if not sep or not column.strip() or not field.strip():
            raise MappingError(
                f"--map {entry!r} is not COLUMN=FIELD (e.g. --map hs_code=commodity)."
            )
        mapping[column.strip()] = field.strip()
    return mapping


@app.command()
@friendly
def ingest(
    files: Annotated[
        list[Path], typer.Argument(help="CSV, Parquet, Excel or HSCCIT/HSCOIT/HSCOCCIT.DAT files.")
    ],
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map", help="COLUMN=FIELD: read a source column as a record field (repeatable)."
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            help="Month of fixed-width files whose name lacks YYYYMM.",
            show_default="from the file or folder name",
        ),
    ] = None,
    strict: Annotated[bool, typer.Option(help="Store nothing if any row is rejected.")] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the reject report.",
            show_default="rejects-<load>.csv beside the store",
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Load trade records into the store: one transaction, bad rows reported and kept."""
    from ..ingest import ingest as run_ingest
    from ..ingest import write_reject_report

    mapping = parse_map(map_ or [])
    month = Period.parse(period) if period else None
    with open_store(store, create=True) as opened, progress_bar() as bar:
        tasks: dict[Path, Any] = {}

        def on_progress(source: Any, fraction: float) -> None:
            if source.path not in tasks:
                tasks[source.path] = bar.add_task(f"reading {source.path.name}", total=1.0)
            bar.update(tasks[source.path], completed=fraction)

        report = run_ingest(
            opened, files, mapping=mapping, period=month, strict=strict, progress=on_progress
        )
        if report.rows_rejected:
            target = rejects or store_path(store).parent / f"rejects-{report.load_id}.csv"
            write_reject_report(opened, report, target)
    _print_load(report)
    if report.rows_rejected:
        raise RejectedRowsError(
            f"{report.rows_rejected:,} row(s) rejected; see {report.reject_report}.", report
        )


def _print_load(report: LoadReport) -> None:
    stored = (
        "stored" if report.rows_stored or not report.rows_rejected else "stored (--strict: none)"
    )
    console.print(
        f"Load {report.load_id}: {report.rows_read:,} rows read, {report.rows_stored:,} {stored}, "
        f"{report.rows_rejected:,} rejected; {report.cells:,} cells worth HK${money(report.value)}."
    )
    for path, flows in report.superseded.items():
        console.print(
            f"  {Path(path).name}: {', '.join(flows)} superseded by a richer file in this load."
        )
    for rev in report.revisions:
        console.print(
            f"  revised {rev.period} {rev.flow}: HK${money(rev.old_value)} → HK${money(rev.new_value)}"
        )
    if report.rejects:
        shown = table("First rejected rows", ("file", "line", "field", "value", "reason"))
        for r in report.rejects[:10]:
            shown.add_row(Path(r.file).name, str(r.line), r.field, r.value or "", r.reason)
        err.print(shown)


@app.command()
@friendly
def history(as_json: JsonOption = False, store: StoreOption = None) -> None:
    """Loads and revisions: what was loaded when, and which periods were replaced."""
    from ..store import history as stored

    with open_store(store, read_only=True) as opened:
        loads = stored.loads(opened)
        revisions = stored.revisions(opened)
    if as_json:
        print_json(
            {
                "loads": records(loads),
                "revisions": records(revisions),
            }
        )
        return
    shown = table("Loads", ("load", "finished", "files"), ("read", "stored", "rejected", "HK$"))
    for r in loads.itertuples(index=False):
        shown.add_row(
            str(r.load_id),
            f"{r.finished:%Y-%m-%d %H:%M}",
            str(r.files),
            f"{r.rows_read:,}",
            f"{r.rows_stored:,}",
            f"{r.rows_rejected:,}",
            money(r.value),
        )
    console.print(shown)
    if len(revisions):
        rev = table("Revisions", ("revision", "load", "period", "flow"), ("old HK$", "new HK$"))
        for r in revisions.itertuples(index=False):
            rev.add_row(
                str(r.revision_id),
                str(r.load_id),
                str(Period.from_key(int(r.period))),
                str(r.flow),
                money(r.old_value),
                money(r.new_value),
            )
        console.print(rev)
