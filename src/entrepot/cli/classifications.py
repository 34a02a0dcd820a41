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
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Replace the stored HS edition's conversion and names by the edition loaded "
            "(two editions are never mixed).",
        ),
    ] = False,
    store: StoreOption = None,
) -> None:
    """Load HS→SITC tables, commodity and SITC names, partner lists and groupings (all
    files or none)."""
    from ..classifications import load_classifications

    with open_store(store, create=True) as opened:
        loads = load_classifications(
            opened, files, kind=kind.lower() if kind else None, replace=replace
        )
    shown = table(
        "Classifications loaded",
        ("file", "kind", "edition"),
        ("rows", "names", "groupings", "overrides"),
    )
    for item in loads:
        shown.add_row(
            item.path.name,
            item.kind,
            item.edition or "",
            f"{item.rows:,}",
            f"{item.names:,}",
            f"{item.memberships:,}",
            f"{item.overrides_applied:,}",
        )
    console.print(shown)
    for item in loads:
        if item.replaced:
            console.print(
                f"Replaced HS edition {item.replaced} ({item.replaced_rows:,} rows) by "
                f"{item.edition} from {item.path.name}."
            )


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
        o = table("Overrides", ("commodity", "published SITC", "applied SITC", "source", "why"))
        o.columns[4].no_wrap = False
        for row in overrides:
            o.add_row(row.commodity, row.published_sitc, row.sitc, row.source, row.reason)
        console.print(o)
