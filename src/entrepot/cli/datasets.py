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


@export_app.command("headline")
@friendly
def headline(
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    fmt: Annotated[
        str,
        typer.Option("--format", help="sdmx-csv (with its data structure beside), csv or parquet."),
    ] = "sdmx-csv",
    reporter: Annotated[
        str, typer.Option(help="The reporting economy's ISO 3166 alpha-3 code (SDMX REF_AREA).")
    ] = "HKG",
    reporter_name: Annotated[str, typer.Option(help="The reporting economy's name.")] = (
        "Hong Kong, China"
    ),
    compile_id: Annotated[
        int | None,
        typer.Option("--compilation", help="The compilation to export.", show_default="the latest"),
    ] = None,
    store: StoreOption = None,
) -> None:
    """The headline series (value, unit value and volume of every flow, in total and by
    SITC section, region and mode, monthly) as SDMX-CSV with its data structure, or as a
    tidy long CSV or Parquet table."""
    from .. import sdmx
    from ..analysis.headline import headline as headline_series
    from ..errors import InputError
    from ..tables import encoded

    if fmt.lower() not in ("sdmx-csv", "csv", "parquet"):
        raise InputError(f"Unknown format {fmt!r}; choose one of sdmx-csv, csv, parquet.")
    fmt = fmt.lower().replace("-", "_")
    if out.is_dir():
        raise InputError(f"--out {out} is a directory: name a file.")
    with open_store(store, read_only=True) as opened:
        frame = headline_series(opened, compile_id)
        currency = opened.currency
    if fmt == "sdmx_csv":
        data, described = sdmx.write(
            frame, out, reporter=reporter, reporter_name=reporter_name, currency=currency
        )
        checked = sdmx.check(data, described)
        console.print(
            f"Wrote {len(checked):,} observations to {data} (SDMX-CSV 1.0, dataflow "
            f"{sdmx.DATAFLOW}) and its data structure to {described}; read back and checked."
        )
        return
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(encoded(frame, fmt))
    partial.replace(out)
    console.print(f"Wrote {len(frame):,} rows of the headline series to {out}.")
