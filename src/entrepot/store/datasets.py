"""The store's cells as a Parquet dataset: what Spark, DuckDB, Polars and pandas read where
the data outgrow one file.

Layout (version :data:`LAYOUT`)::

    DIR/
      entrepot-dataset.json        layout version, currency, the cells' schema, the store
                                   and last load it came from, the periods held
      cells/period=YYYYMM/*.parquet  one folder per month (hive partitioning); the cell
                                   columns of :data:`~entrepot.schema.CELL_COLUMNS` but the
                                   period, which the folder names
      classifications/NAME.parquet commodity_sitc, sitc, partners, commodities, modes,
                                   partner_groups, as the store holds them
      results/                     what commands compute over the dataset (a local one):
        entrepot.duckdb            a store holding no cells, only the compilations (and
                                   seasonal adjustments, releases) made of the dataset's
        series.parquet             the latest compilation's series (the columns of
        trims.parquet              ``indices --json``) and its trimmed relatives

Key columns are plain text (the store's ENUM codes are decoded), so every reader sees the
same types. The dataset is written into a fresh folder beside ``DIR`` and renamed into
place: a failed export leaves nothing half-written, and an existing dataset is replaced
only when asked.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..backends import engine_errors
from ..errors import InputError, NotInStoreError, StoreError
from ..periods import Period
from ..schema import CELL_COLUMNS
from . import Store

LAYOUT = 1
"""The dataset layout's version: readers refuse a layout they do not know."""

MANIFEST = "entrepot-dataset.json"
CLASSIFICATIONS = ("commodity_sitc", "sitc", "partners", "commodities", "modes", "partner_groups")


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _plain_columns(leave_out: Sequence[str] = ()) -> str:
    """The cell columns to select, the coded keys decoded to text (see the layout)."""
    return ", ".join(
        f"{c}::{t} AS {c}" if t == "VARCHAR" else c
        for c, t in CELL_COLUMNS.items()
        if c not in leave_out
    )


def _flows(store: Store, folder: Path) -> set[str]:
    """The flows a month partition of a dataset holds."""
    rows = store.query(f"SELECT DISTINCT flow FROM read_parquet({_quoted(folder / '*.parquet')})")
    return {str(r[0]) for r in rows}


def export_dataset(
    store: Store, to: Path, *, replace: bool = False, cells: str = "cells"
) -> dict[str, Any]:
    """Write the store's cells and classifications to ``to`` (see the module's layout)
    and return the manifest. ``cells`` names the relation to read them from (the cells as
    they stood after a load, for ``--as-of``)."""
    periods = store.periods()
    if not periods:
        raise NotInStoreError(f"Store {store.path} holds no cells to export.")
    if to.exists() and not to.is_dir():
        raise InputError(f"--to {to} is a file: name a folder.")
    if to.exists() and any(to.iterdir()) and not replace:
        raise InputError(
            f"{to} is not empty: name a new folder, or add --replace to replace the dataset."
        )
    if to.exists() and any(to.iterdir()) and not (to / MANIFEST).exists():
        raise InputError(f"{to} holds files that are not an entrepot dataset: name another folder.")
    to.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{to.name}-", dir=to.parent))
    try:
        columns = _plain_columns()
        with engine_errors(f"Exporting the cells of {store.path} to {to}", StoreError):
            store.con.execute(
                f'COPY (SELECT {columns} FROM "{cells}" ORDER BY period) '
                f"TO {_quoted(work / 'cells')} "
                "(FORMAT parquet, PARTITION_BY (period), COMPRESSION zstd)"
            )
            (work / "classifications").mkdir()
            for table in CLASSIFICATIONS:
                target = work / "classifications" / f"{table}.parquet"
                store.con.execute(f"COPY {table} TO {_quoted(target)} (FORMAT parquet)")
        manifest = {
            "layout": LAYOUT,
            "written": datetime.now().isoformat(timespec="seconds"),
            "currency": store.currency,
            "source": {
                "store": str(store.path),
                "last_load": store.scalar("SELECT max(load_id) FROM loads"),
            },
            "periods": [min(periods), max(periods)],
            "months": len(periods),
            "cells": {"partitioned_by": "period", "columns": CELL_COLUMNS},
            "classifications": list(CLASSIFICATIONS),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
        if to.exists():
            old = to.with_name(f".{to.name}-replaced")
            shutil.rmtree(old, ignore_errors=True)
            to.rename(old)
            work.rename(to)
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(to)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


@dataclass
class Delivery:
    """What one load written straight to a dataset did (see :func:`add_delivery`)."""

    delivery: int
    months: list[int]
    replaced: list[tuple[int, str]] = field(default_factory=list)
    """The (month, flow)s whose cells the delivery replaced (kept under ``replaced/``)."""
    created: bool = False


def add_delivery(
    store: Store,
    to: Path,
    *,
    mode: str = "replace",
    max_shrink: float = 0.5,
    force: bool = False,
    files: Sequence[str] = (),
) -> Delivery:
    """Write the cells of ``store`` (a scratch store holding one checked load) into the
    dataset at ``to``, a month partition at a time; a new folder becomes a dataset.

    ``append`` adds the cells beside those held; ``replace`` replaces the (month, flow)s
    the load brings, and moves the files it replaces under ``replaced/delivery-N/`` (nothing
    is deleted), refusing, unless ``force``, to shrink a (month, flow) by more than
    ``max_shrink``. The new files are written first, then moved into place; the manifest,
    written last, records the delivery.
    """
    if mode == "amend":
        raise InputError(
            "A dataset keeps cells, not records by id: amend in a store (--store), then "
            "export it with 'entrepot export cells'."
        )
    months = store.periods()
    record = {
        "written": datetime.now().isoformat(timespec="seconds"),
        "mode": mode,
        "files": list(files),
        "months": months,
    }
    if not to.exists() or (to.is_dir() and not any(to.iterdir())):
        # The scratch store's one load is the dataset's first delivery (its cells' load_id).
        manifest = export_dataset(store, to)
        manifest["source"] = {"store": None, "last_load": 0}
        manifest["deliveries"] = [{"delivery": 1, **record, "replaced": []}]
        _write_manifest(to, manifest)
        return Delivery(1, months, created=True)
    manifest = read_manifest(to)
    if manifest.get("currency") != store.currency:
        raise InputError(
            f"{to} holds values in {manifest.get('currency')}, this load in {store.currency}: "
            "a dataset has one currency."
        )
    cells_dir = to / "cells"
    part = {p: cells_dir / f"period={p}" for p in months}
    held = {p for p, folder in part.items() if folder.is_dir()}
    deliveries = manifest.get("deliveries", [])
    before = [d["delivery"] for d in deliveries] + [manifest["source"].get("last_load") or 0]
    number = int(max(before)) + 1  # after the exported store's loads and earlier deliveries
    brought = store.query("SELECT DISTINCT period, flow::VARCHAR FROM cells ORDER BY 1, 2")
    # What a replace replaces: the flows of the load that the month's files already hold.
    holding = {p: _flows(store, part[p]) for p in held} if mode == "replace" else {}
    replaced = [(p, f) for p, f in brought if f in holding.get(p, ())]
    if replaced and not force:
        _check_shrink(store, part, replaced, max_shrink)
    staging = to / f".delivery-{number}"
    shutil.rmtree(staging, ignore_errors=True)
    columns = _plain_columns(leave_out=("period", "load_id"))
    try:
        with engine_errors(f"Writing cells to {to}", StoreError):
            for period, folder in part.items():
                (staging / folder.name).mkdir(parents=True)
                store.con.execute(
                    f"COPY (SELECT {columns}, {number}::BIGINT AS load_id FROM cells "
                    f"WHERE period = ? ORDER BY ALL) TO "
                    f"{_quoted(staging / folder.name / f'delivery-{number}.parquet')} "
                    "(FORMAT parquet, COMPRESSION zstd)",
                    [period],
                )
                flows = [f for p, f in replaced if p == period]
                if flows:  # the month's other flows stay, in a file of their own
                    store.con.execute(
                        f"COPY (SELECT * FROM read_parquet({_quoted(folder / '*.parquet')}) "
                        "WHERE flow NOT IN (SELECT unnest(?)) ORDER BY ALL) TO "
                        f"{_quoted(staging / folder.name / f'kept-{number}.parquet')} "
                        "(FORMAT parquet, COMPRESSION zstd)",
                        [flows],
                    )
        archive = to / "replaced" / f"delivery-{number}"
        for period, folder in part.items():
            if any(p == period for p, _ in replaced):
                archive.mkdir(parents=True, exist_ok=True)
                folder.rename(archive / folder.name)
            folder.mkdir(exist_ok=True)
            for file in (staging / folder.name).iterdir():
                file.rename(folder / file.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    periods = sorted(int(p.name.removeprefix("period=")) for p in cells_dir.glob("period=*"))
    manifest.update(
        written=datetime.now().isoformat(timespec="seconds"),
        periods=[periods[0], periods[-1]],
        months=len(periods),
        deliveries=[
            *deliveries,
            {"delivery": number, **record, "replaced": [f"{p} {f}" for p, f in replaced]},
        ],
    )
    _write_manifest(to, manifest)
    return Delivery(number, months, replaced)


def _check_shrink(
    store: Store, part: dict[int, Path], replaced: list[tuple[int, str]], max_shrink: float
) -> None:
    """Refuse a replace that shrinks a (month, flow) of the dataset beyond ``max_shrink``."""
    for period, flow in replaced:
        old = store.scalar(
            f"SELECT coalesce(sum(value), 0) FROM read_parquet({_quoted(part[period] / '*.parquet')}) "
            "WHERE flow = ?",
            [flow],
        )
        new = store.scalar(
            "SELECT coalesce(sum(value), 0) FROM cells WHERE period = ? AND flow = ?",
            [period, flow],
        )
        if old and (old - new) / old > max_shrink:
            money = store.currency
            raise InputError(
                f"Replacing {Period.from_key(period)} {flow} of the dataset would shrink it "
                f"from {money}{old:,.0f} to {money}{new:,.0f} "
                f"({(new - old) / old:+.1%}), more than --max-shrink {max_shrink:.0%} allows. "
                "A correction? Load it with --mode append; or replace anyway with --force."
            )


def _write_manifest(to: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest beside and rename it into place."""
    partial = to / f".{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    partial.replace(to / MANIFEST)


RESULTS = "results"
"""The dataset's folder of results; its store is ``results/entrepot.duckdb``."""


def local_path(dataset: str) -> Path | None:
    """The folder of a dataset named by a path or ``file://`` URI; None for a remote one."""
    if "://" in dataset and not dataset.startswith("file://"):
        return None
    return Path(dataset.removeprefix("file://"))


def results_store(dataset: str) -> Path:
    """Where the results of commands over ``dataset`` are kept: its results store."""
    folder = local_path(dataset)
    if folder is None:
        raise InputError(
            f"Results of {dataset} cannot be written beside it from here: name the store "
            "that keeps them with --store PATH."
        )
    read_manifest(folder)
    return folder / RESULTS / "entrepot.duckdb"


def import_classifications(store: Store, source: Path) -> None:
    """Make ``store``'s classification tables those of ``source`` (a dataset's folder or
    another store's file), in one transaction: what a results store shows, or a dataset
    written by a load carries, is classified as the source is."""
    attached = not source.is_dir()

    def relation(table: str) -> str:
        if attached:
            return f"_source.{table}"
        return f"read_parquet({_quoted(source / 'classifications' / f'{table}.parquet')})"

    with engine_errors(f"Reading the classifications of {source}", StoreError):
        if attached:
            store.con.execute(f"ATTACH {_quoted(source)} AS _source (READ_ONLY)")
        try:
            with store.transaction() as con:
                for table in CLASSIFICATIONS:
                    con.execute(f"DELETE FROM {table}")
                    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {relation(table)}")
        finally:
            if attached:
                store.con.execute("DETACH _source")


COMPILATION_FILES = (("index_series", "series"), ("index_trims", "trims"))
"""A compilation's tables as a dataset's results hold them: the table, and its file's name."""


def _compilation_query(table: str) -> str:
    return f"SELECT * EXCLUDE (compile_id) FROM {table} WHERE compile_id = ? ORDER BY ALL"


def export_compilation(store: Store, compile_id: int, folder: Path) -> list[Path]:
    """Write compilation ``compile_id``'s series and trimmed relatives to ``folder`` as
    ``series.parquet`` and ``trims.parquet``, each written beside and renamed into place."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table, name in COMPILATION_FILES:
        target = folder / f"{name}.parquet"
        partial = folder / f".{name}.parquet.partial"
        with engine_errors(f"Writing {target}", StoreError):
            store.con.execute(
                f"COPY ({_compilation_query(table)}) TO {_quoted(partial)} "
                "(FORMAT parquet, COMPRESSION zstd)",
                [compile_id],
            )
        partial.replace(target)
        written.append(target)
    return written


def compilation_tables(store: Store, compile_id: int) -> dict[str, pa.Table]:
    """Compilation ``compile_id``'s series and trims as Arrow, by their files' names: what
    an engine writes under a dataset the store cannot reach (a cluster's storage)."""
    with engine_errors(f"Reading compilation {compile_id} from {store.path}", StoreError):
        return {
            name: store.con.execute(_compilation_query(table), [compile_id]).fetch_arrow_table()
            for table, name in COMPILATION_FILES
        }


def read_manifest(path: Path) -> dict[str, Any]:
    """A dataset's manifest; an error naming what is wrong if ``path`` is not one."""
    file = path / MANIFEST
    if not file.exists():
        raise InputError(f"{path} is not an entrepot dataset (it has no {MANIFEST}).")
    manifest: dict[str, Any] = json.loads(file.read_text("utf-8"))
    if manifest.get("layout") != LAYOUT:
        raise InputError(
            f"{path} has dataset layout {manifest.get('layout')}; this entrepot reads {LAYOUT}."
        )
    return manifest
