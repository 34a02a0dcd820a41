"""``entrepot index``: the index-number library on any panel of prices and quantities."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import indices as lib
from ..errors import InputError, MappingError, SourceError
from ..indices.formulas import resolve
from ..indices.panel import DUPLICATES, PERIODS
from .app import app, friendly, one_of
from .records import parse_map
from .render import err

if TYPE_CHECKING:
    import pandas as pd

FIELDS = ("period", "item", "price", "quantity")


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
    implicit: Annotated[
        bool,
        typer.Option(
            "--implicit/--direct",
            help="Value ratio divided by the direct index of the other kind (with --quantity: "
            "value index ÷ price index).",
        ),
    ] = False,
    base: Annotated[str | None, typer.Option(help="Base period.", show_default="the first")] = None,
    reference: Annotated[
        float, typer.Option(help="Index value of the base period (1 or 100).")
    ] = 1.0,
    sigma: Annotated[
        float | None,
        typer.Option(
            help="Elasticity of substitution of lloyd_moulton (ces).", show_default="none"
        ),
    ] = None,
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
    links: Annotated[
        bool,
        typer.Option("--links/--no-links", help="Period-on-period links (same as --chain links)."),
    ] = False,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map", help="COLUMN=FIELD: read a column as period, item, price or quantity."
        ),
    ] = None,
    periods: Annotated[str, typer.Option(help=one_of(PERIODS))] = "parse",
    duplicates: Annotated[
        str, typer.Option(help="Rows equal to an earlier row. " + one_of(DUPLICATES))
    ] = "drop",
    list_: Annotated[
        bool, typer.Option("--list", help="List formulas, aliases and splices.")
    ] = False,
) -> None:
    """Index numbers of any panel of prices and quantities, printed as CSV."""
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
    info = resolve(formula)
    chain = _chain(chain, links)
    if sigma is not None and "sigma" not in info.parameters:
        raise InputError(
            f"--sigma is the elasticity of substitution of lloyd_moulton (ces); "
            f"{info.name} takes none."
        )
    if sigma is None and "sigma" in info.parameters:
        raise InputError(f"{info.name} needs --sigma, the elasticity of substitution (e.g. 0.7).")
    if contributions:
        _check_contributions(info.name, window, splice, implicit, sigma)
    mapping = parse_map(map_ or [])
    import pandas as pd

    try:
        frame = pd.read_csv(panel, dtype=str, skipinitialspace=True)
    except (OSError, ValueError) as exc:
        raise SourceError(f"{panel}: cannot read as CSV: {exc}") from exc
    frame = _fields(frame, mapping, needs_quantity=info.weighted or contributions)
    # Rows named by their line in the file (the header is line 1).
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="line")
    options: dict[str, Any] = {
        "chain": chain,
        "base": base,
        "reference": reference,
        "quantity": quantity,
        "periods": periods.lower(),
        "duplicates": duplicates.lower(),
    }
    with _warnings_on_stderr():
        if contributions:
            result = lib.contributions(frame, **options)
        else:
            result = lib.price_index(
                frame,
                info.name,
                window=window,
                splice=splice.lower() if splice else None,
                implicit=implicit,
                sigma=sigma,
                **options,
            )
    sys.stdout.write(result.to_csv(index=False, float_format="%.17g"))


def _chain(chain: str, links: bool) -> str:
    """``--links`` is ``--chain links``; with ``--chain chained`` it is an error."""
    if links and chain.lower() not in ("fixed", "links"):
        raise InputError(
            f"--links asks for the period-on-period links; --chain {chain} for a whole series: "
            "give one of them."
        )
    return "links" if links else chain.lower()


def _check_contributions(
    formula: str, window: int | None, splice: str | None, implicit: bool, sigma: float | None
) -> None:
    """--contributions decomposes the Fisher index: options of other indices are errors."""
    given = [
        name
        for name, value in [
            (f"--formula {formula}", formula != "fisher"),
            ("--window", window is not None),
            ("--splice", splice is not None),
            ("--implicit", implicit),
            ("--sigma", sigma is not None),
        ]
        if value
    ]
    if given:
        raise InputError(
            f"--contributions decomposes the Fisher index (fixed base, chained or links); "
            f"{' and '.join(given)} cannot go with it."
        )


def _fields(frame: pd.DataFrame, mapping: dict[str, str], *, needs_quantity: bool) -> pd.DataFrame:
    """The panel's columns renamed to the fields: --map first, then the field names in any
    case; an error listing the columns found when a field has no column."""
    found = ", ".join(str(c) for c in frame.columns)
    rename: dict[str, str] = {}
    for column, field in mapping.items():
        if field.lower() not in FIELDS:
            raise MappingError(
                f"--map {column}={field}: {field!r} is not a field of a panel; the fields are "
                f"{', '.join(FIELDS)}."
            )
        if column not in frame.columns:
            raise MappingError(
                f"--map {column}={field}: the panel has no column {column!r}; its columns are "
                f"{found}."
            )
        rename[column] = field.lower()
    for column in frame.columns:
        if column not in rename and str(column).strip().lower() in FIELDS:
            field = str(column).strip().lower()
            if field not in rename.values():
                rename[column] = field
    needed = [f for f in FIELDS if f != "quantity" or needs_quantity]
    missing = [f for f in needed if f not in rename.values()]
    if missing:
        unused = [str(c) for c in frame.columns if c not in rename]
        example = f"{unused[0] if unused else 'COLUMN'}={missing[0]}"
        raise MappingError(
            f"The panel has no {_either(missing)} column; its columns are {found}. Name "
            f"the column of each field with --map COLUMN=FIELD (e.g. --map {example})."
        )
    # Columns that are not fields keep their names, unless a field took the name.
    others = {c: f"{c}_" for c in frame.columns if c not in rename and c in rename.values()}
    return frame.rename(columns={**others, **rename})


class _StderrHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        err.print(f"[yellow]warning:[/] {record.getMessage()}", highlight=False, soft_wrap=True)


@contextmanager
def _warnings_on_stderr() -> Iterator[None]:
    """The library's warnings (rows left out, gaps) as ``warning: ...`` lines on stderr."""
    logger = logging.getLogger("entrepot.indices")
    handler = _StderrHandler(logging.WARNING)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _either(names: list[str]) -> str:
    """``period, item or price``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
