"""``entrepot ingest`` and ``entrepot history``: loading records, and the audit trail."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from ..analysis.numbers import money, records
from ..errors import InputError, MappingError, RejectedRowsError
from ..ingest import LoadReport, comtrade
from ..ingest.safeguards import DEFAULT_MAX_SHRINK
from ..periods import Period
from ..schema import choice
from ..store import Store
from ..store.datasets import Delivery, add_delivery
from ..store.loads import LOAD_MODES
from .app import JsonOption, StoreOption, app, friendly, one_of, open_store, state, store_path
from .render import console, err, print_json, progress_bar, table


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
        list[Path],
        typer.Argument(
            help="CSV, Parquet, Excel, HSCCIT/HSCOIT/HSCOCCIT.DAT or UN Comtrade (CSV, JSON) files."
        ),
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
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            help="How the load meets what is stored: replace each (month, flow) it holds, "
            "append its records (late declarations), or amend (a record whose record_id is "
            "stored replaces it; others are added). " + one_of(LOAD_MODES),
        ),
    ] = "replace",
    max_shrink: Annotated[
        float,
        typer.Option(
            "--max-shrink",
            help="A replace may shrink a stored (month, flow) by at most this share.",
        ),
    ] = DEFAULT_MAX_SHRINK,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Load even if a replace shrinks a month beyond --max-shrink or drops "
            "rejected rows, or a file was loaded before.",
        ),
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the reject report.",
            show_default="<store>-rejects-<load>.csv beside the store",
        ),
    ] = None,
    decimal: Annotated[
        str, typer.Option(help="Decimal mark of the numbers in CSV files: . or ,")
    ] = ".",
    thousands: Annotated[
        str,
        typer.Option(
            help="Thousands separator of the numbers in CSV files: none, ',', '.' or space. "
            "Numbers written otherwise are rejected (ambiguous_number), never guessed."
        ),
    ] = "none",
    periods: Annotated[
        str | None,
        typer.Option(
            help="Months to accept, FROM..TO as YYYY-MM..YYYY-MM; an empty end keeps its "
            "default. Others are rejected (period_out_of_range).",
            show_default="1990-01..next month",
        ),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(
            help="Delimiter of CSV files: one character, or comma, semicolon, tab or pipe.",
            show_default="detected from the header",
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            help="Text encoding of CSV files, e.g. utf-8, utf-16, big5, gb18030, cp1252.",
            show_default="UTF-8, or as a byte-order mark says",
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            help="Sheet of Excel workbooks to read, or 'all' for every sheet with data "
            "(each with its own header).",
            show_default="the one sheet with data",
        ),
    ] = None,
    header_row: Annotated[
        int | None,
        typer.Option(
            "--header-row",
            help="Line (CSV) or sheet row (Excel) of the header, from 1, below title rows.",
            show_default="the first that is not blank",
        ),
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(
            help="Currency of the values (e.g. HK$, US$), recorded with a new store; a store "
            "holding values in another currency refuses the load.",
            show_default="the store's, HK$ for a new one",
        ),
    ] = None,
    customs: Annotated[
        str, typer.Option(help="UN Comtrade files: the customs procedure to keep (C00: all).")
    ] = "C00",
    hs_edition: Annotated[
        str | None,
        typer.Option(
            help="The HS edition of the records' codes (e.g. HS2017), kept for each month.",
            show_default="UN Comtrade's classificationCode, else the edition in force each month",
        ),
    ] = None,
    rates: Annotated[
        Path | None,
        typer.Option(
            help="Convert the values (in --currency, US$ for UN Comtrade files) into the "
            "store's currency: CSV of period (YYYY-MM) and rate (the store's currency per "
            "unit); the rates used are kept with the load.",
            show_default="none: values in another currency refuse the load",
        ),
    ] = None,
    to: Annotated[
        Path | None,
        typer.Option(
            "--to",
            help="Write the checked records to this Parquet dataset (a new folder, or one "
            "written before) instead of a store; a new one takes its classifications from "
            "--store.",
            show_default="the store",
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Load trade records into the store (or a dataset, with --to): one transaction, bad
    rows reported and kept."""
    from ..ingest import ingest as run_ingest
    from ..ingest import write_reject_report
    from ..ingest.checks import NumberFormat, PeriodRange
    from ..ingest.rates import read_rates

    mapping = parse_map(map_ or [])
    month = Period.parse(period) if period else None
    numbers = NumberFormat.parse(decimal, thousands)
    accepted = PeriodRange.parse(periods) if periods else None
    mode = choice(mode, LOAD_MODES, "load mode")
    if state.dataset and to is None:
        raise InputError(
            "ingest writes into a store (--store), or into a dataset named with --to DIR, "
            "not into --dataset."
        )
    if rejects is not None:
        writable(rejects)  # before anything is stored, not after
    with ExitStack() as stack:
        if to is None:
            opened = stack.enter_context(open_store(store, create=True))
        else:
            opened = stack.enter_context(scratch_store(to, store or state.store))
        bar = stack.enter_context(progress_bar())
        described = [a for p in files if (a := comtrade.about(p))]
        if currency is None and described:
            currency = comtrade.CURRENCY  # Comtrade's values are in US$
        converted = None
        if rates is not None:
            if currency is None or currency == opened.currency:
                raise InputError(
                    f"--rates converts values in another currency than the store's "
                    f"({opened.currency}): name theirs with --currency."
                )
            converted = read_rates(rates, currency)
        elif currency is not None:
            opened.set_currency(currency)
        reporters = sorted({r for a in described for r in a.reporters})
        if len(reporters) > 1:
            raise InputError(
                f"The files hold the trade of {', '.join(reporters)}: load each reporter "
                "into a store of its own."
            )
        if reporters:
            opened.set_reporter(reporters[0])
        named = sorted({e for a in described for e in a.editions})
        if hs_edition is None and len(named) == 1:
            hs_edition = named[0]
        money_in = opened.currency
        tasks: dict[Path, Any] = {}
        detected: dict[str, str] = {}
        started = time.monotonic()
        phases: list[Any] = []

        def on_progress(source: Any, fraction: float, rows: int) -> None:
            if source.detected:
                detected[source.name] = source.detected
            if source.path not in tasks:
                tasks[source.path] = bar.add_task(f"reading {source.path.name}", total=1.0)
            rate = rows / max(time.monotonic() - started, 1e-9)
            bar.update(
                tasks[source.path],
                completed=fraction,
                description=f"reading {source.path.name}: {rows:,} rows, {rate:,.0f} rows/s",
            )

        def on_phase(name: str) -> None:
            if not phases:
                phases.append(bar.add_task(name, total=None))
            bar.update(phases[0], description=name)

        report = run_ingest(
            opened,
            files,
            mapping=mapping,
            period=month,
            strict=strict,
            progress=on_progress,
            phase=on_phase,
            numbers=numbers,
            periods=accepted,
            mode=mode,
            max_shrink=max_shrink,
            force=force,
            delimiter=delimiter,
            encoding=encoding,
            sheet=sheet,
            header_row=header_row,
            rates=converted,
            hs_edition=hs_edition.upper() if hs_edition else None,
            customs=customs,
        )
        delivery = None
        if to is not None and report.rows_annual:
            raise InputError(
                f"The files hold {report.rows_annual:,} annual rows, which a dataset does not "
                "keep: load them into a store (--store)."
            )
        if to is not None and report.rows_stored:
            on_phase(f"writing to {to}")
            delivery = add_delivery(
                opened, to, mode=mode, max_shrink=max_shrink, force=force, files=report.files
            )
        if report.rows_rejected:
            where = to if to is not None else store_path(store)
            number = delivery.delivery if delivery else report.load_id
            target = rejects or where.parent / f"{where.stem}-rejects-{number}.csv"
            write_reject_report(opened, report, target)
    for name, how in detected.items():
        console.print(f"read {Path(name).name} as {how}")
    if converted is not None:
        console.print(
            f"values converted from {converted.currency} to {money_in} at the rates in "
            f"{converted.source}"
        )
    _print_load(report, money_in, "Checked" if to is not None else f"Load {report.load_id}")
    if delivery is not None and to is not None:
        _print_delivery(delivery, to)
    if report.rows_rejected:
        raise RejectedRowsError(
            f"{report.rows_rejected:,} row(s) rejected; see {report.reject_report}.", report
        )


@contextmanager
def scratch_store(to: Path, classified_by: Path | None) -> Iterator[Store]:
    """A store of its own for one load written to the dataset ``to``: beside it (so that
    the files move into place on one disk), gone afterwards. It is classified as the
    dataset is, or, for a new dataset, as the store ``classified_by``."""
    from ..store.datasets import MANIFEST, import_classifications, read_manifest

    existing = (to / MANIFEST).exists()
    if to.exists() and not to.is_dir():
        raise InputError(f"--to {to} is a file: name a folder.")
    if to.is_dir() and any(to.iterdir()) and not existing:
        raise InputError(f"{to} holds files that are not an entrepot dataset: name another folder.")
    to.parent.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix=f".{to.name}-load-", dir=to.parent) as work,
        Store(Path(work) / "load.duckdb") as scratch,
    ):
        if existing:
            scratch.set_currency(str(read_manifest(to).get("currency", scratch.currency)))
            import_classifications(scratch, to)
        elif classified_by is not None:
            with Store(classified_by, read_only=True) as source:
                scratch.set_currency(source.currency)
            import_classifications(scratch, classified_by)
        yield scratch


def _print_delivery(delivery: Delivery, to: Path) -> None:
    months = f"{Period.from_key(delivery.months[0])} to {Period.from_key(delivery.months[-1])}"
    what = "new dataset" if delivery.created else "dataset"
    console.print(f"Delivery {delivery.delivery} written to {what} {to}/: {months}.")
    if delivery.replaced:
        named = [f"{Period.from_key(p)} {flow}" for p, flow in delivery.replaced]
        shown = ", ".join(named[:6]) + (f" and {len(named) - 6} more" if len(named) > 6 else "")
        console.print(
            f"  replaced {shown}; the files that held them are kept in "
            f"{to}/replaced/delivery-{delivery.delivery}/."
        )


def writable(path: Path) -> None:
    """Refuse a report path that cannot be written, before the load writes anything."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise InputError(f"Cannot write the reject report to {path}: name a writable file.")
    if path.exists() and not os.access(path, os.W_OK):
        raise InputError(f"Cannot write the reject report to {path}: the file is read-only.")


def _print_load(report: LoadReport, currency: str, label: str) -> None:
    stored = "stored"
    if report.withheld:
        stored = f"stored (--strict withheld the {report.withheld:,} good rows)"
    apart = ""
    if report.rows_annual:
        apart = f", {report.rows_annual:,} annual kept apart"
    console.print(
        f"{label}: {report.rows_read:,} rows read, {report.rows_stored:,} {stored}{apart}, "
        f"{report.rows_rejected:,} rejected; {report.cells:,} cells worth {currency}{money(report.value)}."
    )
    if report.annual_cells:
        console.print(
            f"  {report.annual_cells:,} annual cells, apart from the months: "
            "'entrepot export annual' writes them."
        )
    for path, flows in report.superseded.items():
        console.print(
            f"  {Path(path).name}: {', '.join(flows)} superseded by a richer file in this load."
        )
    for rev in report.revisions:
        console.print(
            f"  revised {rev.period} {rev.flow}: {currency}{money(rev.old_value)} → "
            f"{currency}{money(rev.new_value)}"
        )
    if report.rejects:
        shown = table(
            "First rejected rows", ("file", "line", "field", "value", "reason"), names="reason"
        )
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
        currency = opened.currency
    if as_json:
        print_json(
            {
                "loads": records(loads),
                "revisions": records(revisions),
            }
        )
        return
    shown = table(
        "Loads",
        ("load", "finished", "mode", "files"),
        ("read", "stored", "rejected", currency),
        names="files",
    )
    for r in loads.itertuples(index=False):
        shown.add_row(
            str(r.load_id),
            f"{r.finished:%Y-%m-%d %H:%M}",
            str(r.mode or "replace"),
            # Long paths fold onto more lines rather than squeezing the figures out.
            Text(str(r.files), overflow="fold"),
            f"{r.rows_read:,}",
            f"{r.rows_stored:,}",
            f"{r.rows_rejected:,}",
            money(r.value),
        )
    console.print(shown)
    if len(revisions):
        rev = table(
            "Revisions",
            ("revision", "load", "period", "flow"),
            (f"old {currency}", f"new {currency}"),
        )
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


@app.command()
@friendly
def revert(
    load: Annotated[int, typer.Argument(help="The load to undo (see 'entrepot history').")],
    store: StoreOption = None,
) -> None:
    """Undo a load: its cells leave and the cells it replaced come back, as a load of its
    own that 'entrepot history' lists (and that can be reverted in turn)."""
    from ..ingest.revert import revert as run_revert

    with open_store(store) as opened:
        report = run_revert(opened, load)
        currency = opened.currency
    console.print(
        f"Load {report.load_id} reverted load {report.reverted}: {report.cells:,} cells worth "
        f"{currency}{money(report.value)} restored."
    )
    for rev in report.revisions:
        console.print(
            f"  revised {rev.period} {rev.flow}: {currency}{money(rev.old_value)} → "
            f"{currency}{money(rev.new_value)}"
        )
