"""``entrepot export cells``: the store's cells as a partitioned Parquet dataset."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..periods import Period
from .app import StoreOption, app, friendly, open_store
from .render import console

if TYPE_CHECKING:
    import pandas as pd

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


@export_app.command("annual")
@friendly
def annual(
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    store: StoreOption = None,
) -> None:
    """The annual cells (UN Comtrade's annual rows), kept apart from the months: year,
    flow, commodity, partner, consignment, mode, unit, value, quantity, net_weight,
    records."""
    from ..store.annual import annual_cells

    _check_out(out, fmt)
    with open_store(store, read_only=True) as opened:
        frame = annual_cells(opened)
        currency = opened.currency
    _write(frame, out, fmt)
    console.print(f"Wrote {len(frame):,} annual cells (values in {currency}) to {out}.")


def _check_out(out: Path, fmt: str) -> None:
    from ..errors import InputError

    if fmt.lower() not in ("csv", "parquet"):
        raise InputError(f"Unknown format {fmt!r}; choose one of csv, parquet.")
    if out.is_dir():
        raise InputError(f"--out {out} is a directory: name a file.")


def _write(frame: pd.DataFrame, out: Path, fmt: str) -> None:
    """Write ``frame`` whole or not at all (a partial file, then renamed)."""
    from ..tables import encoded

    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(encoded(frame.reset_index(drop=True), fmt.lower()))
    partial.replace(out)


def _export_compiled(
    name: str, out: Path, fmt: str, compile_id: int | None, store: Path | None
) -> None:
    """Write one of a compilation's tables, tidy, as CSV or Parquet."""
    from ..periods import Period
    from ..store import compilations as stored

    _check_out(out, fmt)
    with open_store(store, read_only=True) as opened:
        cid = stored.latest_compilation(opened) if compile_id is None else compile_id
        frame = stored.compiled_table(opened, cid, name)
    if name == "series":  # one number per row: what R's tidyverse and pandas' melt expect
        ids = ["measure", "breakdown", "key", "label", "period"]
        frame = frame.rename(columns={"value": "value_"}).melt(
            id_vars=ids, var_name="variable", value_name="value"
        )
        frame["variable"] = frame.variable.replace({"value_": "value"})
        frame = frame.dropna(subset=["value"]).sort_values([*ids, "variable"], kind="stable")
        frame["value"] = frame.value.astype(float)
    if "period" in frame.columns:
        frame["period"] = [str(Period.from_key(int(p))) for p in frame.period]
    frame.insert(0, "compile_id", cid)
    _write(frame, out, fmt)
    console.print(f"Wrote {len(frame):,} rows of compilation {cid}'s {name} to {out}.")


_TABLE_HELP = {
    "series": "Every compiled series of a compilation, tidy long: one number per row "
    "(measure, breakdown, key, label, period, variable, value).",
    "trims": "The relatives a compilation trimmed as outliers, with the rule and weights.",
    "homogeneity": "The least homogeneous cells of each year (their monthly unit values' CV).",
}


def _compiled_command(name: str) -> None:
    def command(
        out: Annotated[Path, typer.Option("--out", help="The file to write.")],
        fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
        compile_id: Annotated[
            int | None,
            typer.Option("--compilation", help="The compilation.", show_default="the latest"),
        ] = None,
        store: StoreOption = None,
    ) -> None:
        _export_compiled(name, out, fmt, compile_id, store)

    command.__doc__ = _TABLE_HELP[name]
    export_app.command(name)(friendly(command))


for _name in _TABLE_HELP:
    _compiled_command(_name)
