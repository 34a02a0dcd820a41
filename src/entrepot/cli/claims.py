"""``entrepot check``: read a news text and check every trade figure it quotes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..backends import BACKENDS
from ..errors import InputError
from ..periods import Period
from .app import StoreOption, app, connect_engine, friendly, one_of, open_store
from .render import console, name_cell, print_json, table


@app.command()
@friendly
def check(
    article: Annotated[Path, typer.Argument(help="The text: plain text, Markdown or HTML.")],
    period: Annotated[
        str | None,
        typer.Option(
            help="The month the text is about when it names none (YYYY-MM).",
            show_default="the store's latest month",
        ),
    ] = None,
    usd_rate: Annotated[
        float | None,
        typer.Option(
            help="HK$ per US$, to check amounts stated in US$.",
            show_default="none: US$ amounts are unsupported",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the claims as JSON.")] = False,
    html: Annotated[
        Path | None,
        typer.Option(
            help="Write the article with each claim marked to this file.", show_default="none"
        ),
    ] = None,
    backend: Annotated[str, typer.Option(help="Engine. " + one_of(BACKENDS))] = "duckdb",
    store: StoreOption = None,
) -> None:
    """Read a news text and check each trade figure it quotes against the store: the claim,
    what it was read to be about, the stated figure, the store's at the same precision and
    a verdict (matches, close, differs, not in store, unsupported)."""
    from ..claims import check as run_check
    from ..claims.page import page
    from ..claims.reading import plain_text

    try:
        text = article.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read {article}: {exc}") from exc
    with open_store(store, read_only=True) as opened:
        engine = connect_engine(backend, opened)
        claims = run_check(
            opened, engine, text, period=Period.parse(period) if period else None, usd_rate=usd_rate
        )
    if html is not None:
        html.write_text(page(plain_text(text), claims, article.name), encoding="utf-8")
    if as_json:
        print_json([c.as_dict() for c in claims])
        return
    shown = table(
        f"Claims in {article.name}",
        ("claim", "about", "verdict"),
        ("stated", "store"),
        names="claim",
    )
    for c in claims:
        s = c.subject
        about = ", ".join(
            str(v)
            for v in (
                s.flow,
                s.measure,
                s.partner,
                s.commodity and f"SITC {s.commodity}",
                s.mode,
                s.period,
                s.comparison,
            )
            if v
        )
        stated = c.qualifier if c.stated is None else f"{c.stated:,.{c.decimals}f}"
        if c.unit in ("hkd", "usd") and c.stated is not None:
            stated = f"{c.stated / 1e9:,.{c.decimals}f} bn"
        shown.add_row(name_cell(c.quote, 44), about, c.verdict, stated or "", c.shown or "")
    console.print(shown)
    if html is not None:
        console.print(f"Wrote {html}")
