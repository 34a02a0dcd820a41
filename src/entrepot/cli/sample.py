"""``entrepot sample``: the synthetic, calibrated demo data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..periods import Period
from ..sample import FORMATS
from .app import app, friendly, one_of
from .render import console, progress_bar


@app.command()
@friendly
def sample(
    out: Annotated[
        Path, typer.Option(help="Directory to write the records and classifications to.")
    ],
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same records.")
    ] = 2025,
    start: Annotated[str, typer.Option(help="First month, YYYY-MM.")] = "2023-01",
    end: Annotated[str, typer.Option(help="Last month, YYYY-MM.")] = "2025-12",
    scale: Annotated[
        float, typer.Option(min=0.001, help="Size factor: 1 gives about a million rows.")
    ] = 1.0,
    format: Annotated[
        str,
        typer.Option(help="csd is the office's fixed-width files. " + one_of(FORMATS)),
    ] = "parquet",
) -> None:
    """Write a synthetic, calibrated Hong Kong-like sample of monthly trade records."""
    from ..sample import generate

    first, last = Period.parse(start), Period.parse(end)
    with progress_bar() as bar:
        task = bar.add_task("generating months", total=None)
        result = generate(
            out,
            seed=seed,
            start=first,
            end=last,
            scale=scale,
            format=format.lower(),
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    console.print(
        f"Wrote {result.rows:,} records for {result.periods} months ({first} to {last}) "
        f"to {', '.join(str(p) for p in result.records[:3])}"
        f"{' …' if len(result.records) > 3 else ''}; classifications in {result.classifications}."
    )
