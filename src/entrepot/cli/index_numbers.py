"""``entrepot index``: the index-number library on any panel of prices and quantities."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import indices as lib
from .app import app, friendly, one_of


@app.command()
@friendly
def index(
    panel: Annotated[
        Path | None,
        typer.Argument(help="CSV with columns period,item,price,quantity (others ignored)."),
    ] = None,
    formula: Annotated[str, typer.Option(help="Formula name; see --list.")] = "fisher",
    chain: Annotated[str, typer.Option(help=one_of(lib.CHAINS))] = "fixed",
    quantity: Annotated[
        bool, typer.Option("--quantity", help="Quantity index instead of price.")
    ] = False,
    base: Annotated[str | None, typer.Option(help="Base period.", show_default="the first")] = None,
    reference: Annotated[
        float, typer.Option(help="Index value of the base period (1 or 100).")
    ] = 1.0,
    window: Annotated[
        int | None,
        typer.Option(min=2, help="Rolling window length (multilateral).", show_default="none"),
    ] = None,
    splice: Annotated[
        str | None,
        typer.Option(help="Splice for rolling windows; see --list.", show_default="mean"),
    ] = None,
    contributions: Annotated[
        bool, typer.Option("--contributions", help="Each item's contribution to Fisher's change.")
    ] = False,
    list_: Annotated[
        bool, typer.Option("--list", help="List formulas, aliases and splices.")
    ] = False,
) -> None:
    """Index numbers of any panel of prices and quantities, printed as CSV."""
    from ..errors import InputError, SourceError

    if list_:
        for name in lib.list_formulas():
            sys.stdout.write(f"{name}\t{lib.FORMULAS[name].description}\n")
        for alias, name in lib.ALIASES.items():
            sys.stdout.write(f"{alias}\talias of {name}\n")
        for name, what in lib.SPLICES.items():
            sys.stdout.write(f"splice {name}\t{what}\n")
        return
    if panel is None:
        raise InputError("Name the panel CSV (period,item,price,quantity), or ask for --list.")
    import pandas as pd

    try:
        frame = pd.read_csv(panel, dtype={"period": str, "item": str})
    except (OSError, ValueError) as exc:
        raise SourceError(f"{panel}: cannot read as CSV: {exc}") from exc
    options: dict[str, Any] = {
        "chain": chain.lower(),
        "base": base,
        "reference": reference,
        "quantity": quantity,
    }
    if contributions:
        result = lib.contributions(frame, **options)
    else:
        result = lib.price_index(
            frame,
            formula.lower(),
            window=window,
            splice=splice.lower() if splice else None,
            **options,
        )
    sys.stdout.write(result.to_csv(index=False, float_format="%.17g"))
