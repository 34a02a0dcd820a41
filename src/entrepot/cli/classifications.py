"""``entrepot classifications load|kinds|show``: the classification tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..classifications import KINDS
from .app import StoreOption, classifications_app, friendly, one_of, open_store, store_path
from .render import console, table


@classifications_app.command("load")
@friendly
def classifications_load(
    files: Annotated[list[Path], typer.Argument(help="Classification files or directories.")],
    kind: Annotated[
        str | None,
        typer.Option(
            help="Force the kind instead of recognising it (see 'classifications kinds'). "
            + one_of(KINDS),
            show_default="recognised from each file",
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Load HS→SITC tables, SITC names and partner lists (all files or none)."""
    from ..classifications import load_classifications

    with open_store(store) as opened:
        loads = load_classifications(opened, files, kind=kind.lower() if kind else None)
    shown = table("Classifications loaded", ("file", "kind"), ("rows", "overrides applied"))
    for item in loads:
        shown.add_row(str(item.path), item.kind, f"{item.rows:,}", f"{item.overrides_applied:,}")
    console.print(shown)


@classifications_app.command("kinds")
@friendly
def classifications_kinds() -> None:
    """The kinds of classification file entrepot recognises, and their headers."""
    from ..classifications import KIND_HEADERS

    shown = table("Classification files", ("kind", "recognised by"))
    shown.columns[1].no_wrap = False
    for kind, headers in KIND_HEADERS.items():
        shown.add_row(kind, headers)
    console.print(shown)


@classifications_app.command("show")
@friendly
def classifications_show(store: StoreOption = None) -> None:
    """How many codes of each classification the store holds, and the overrides applied."""
    from ..store import classifications as stored

    with open_store(store, read_only=True) as opened:
        counts = stored.classification_counts(opened)
        overrides = stored.classification_overrides(opened, limit=20)
    shown = table(f"Classifications in {store_path(store)}", ("classification",), ("codes",))
    for name, n in counts.items():
        shown.add_row(name, f"{n:,}")
    console.print(shown)
    if overrides:
        o = table("Overrides", ("commodity", "published SITC", "applied SITC", "why"))
        o.columns[3].no_wrap = False
        for row in overrides:
            o.add_row(*[str(v) for v in row])
        console.print(o)
