"""``entrepot export cells``: the store's cells as a partitioned Parquet dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..periods import Period
from .app import StoreOption, app, friendly, open_store
from .render import console

export_app = typer.Typer(
    help="Write the store's data for other engines (Spark, DuckDB, Polars, pandas).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(export_app, name="export")


@export_app.command("cells")
@friendly
def cells(
    to: Annotated[Path, typer.Option("--to", help="The dataset's folder.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the dataset already in the folder.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """The store's cells as Parquet partitioned by period (hive layout), with the
    classifications and a manifest; read it back with --dataset DIR."""
    from ..store.datasets import export_dataset

    with open_store(store, read_only=True) as opened:
        manifest = export_dataset(opened, to, replace=replace)
    first, last = (Period.from_key(p) for p in manifest["periods"])
    console.print(
        f"Wrote {manifest['months']} months ({first} to {last}) of cells and "
        f"{len(manifest['classifications'])} classification tables to {to}/ "
        f"(layout {manifest['layout']}, values in {manifest['currency']})."
    )
