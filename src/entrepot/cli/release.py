"""``entrepot release``: the month's release from a compiled store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..backends import BACKENDS
from ..periods import Period
from .app import (
    AsOfOption,
    StoreOption,
    app,
    as_of_load,
    connect_engine,
    friendly,
    one_of,
    open_store,
)
from .render import console, steps


@app.command()
@friendly
def release(
    period: Annotated[str, typer.Option(help="The month, YYYY-MM.")],
    out: Annotated[
        Path | None,
        typer.Option(help="Folder to write to.", show_default="./out/release-YYYY-MM"),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="Comma-separated: html, pdf, md, xlsx.")
    ] = "html,pdf,md,xlsx",
    backend: Annotated[str, typer.Option(help="Engine. " + one_of(BACKENDS))] = "duckdb",
    as_of: AsOfOption = None,
    store: StoreOption = None,
) -> None:
    """Write the month's release (HTML, PDF, Markdown, Excel, charts and provenance.json)
    and print its lead paragraph."""
    from ..release import write_release

    month = Period.parse(period)
    with open_store(store) as opened, steps("release") as step:
        load = as_of_load(opened, as_of)
        engine = connect_engine(backend, opened, load)
        report = write_release(
            opened, engine, month, out_dir=out, formats=fmt.split(","), as_of=load, progress=step
        )
    console.print(report.lead, soft_wrap=True)
    total = sum(report.seconds.values())
    console.print(
        f"Release {report.release_id} written to {report.out_dir}/ in {total:.1f} s: "
        + ", ".join(f.name for f in report.files)
        + (
            f"; {len(report.release.revisions)} revisions since the previous release"
            if report.release.revisions
            else ""
        )
        + "."
    )
