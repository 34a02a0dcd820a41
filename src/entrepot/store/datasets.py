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

Key columns are plain text (the store's ENUM codes are decoded), so every reader sees the
same types. The dataset is written into a fresh folder beside ``DIR`` and renamed into
place: a failed export leaves nothing half-written, and an existing dataset is replaced
only when asked.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from ..backends import engine_errors
from ..errors import InputError, NotInStoreError, StoreError
from ..schema import CELL_COLUMNS
from . import Store

LAYOUT = 1
"""The dataset layout's version: readers refuse a layout they do not know."""

MANIFEST = "entrepot-dataset.json"
CLASSIFICATIONS = ("commodity_sitc", "sitc", "partners", "commodities", "modes", "partner_groups")


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


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
        columns = ", ".join(
            f"{c}::{t} AS {c}" if t == "VARCHAR" else c for c, t in CELL_COLUMNS.items()
        )
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
