"""The checked article as HTML: each claim marked by its verdict, with the store's figure
and its provenance on hover."""

from __future__ import annotations

import html
from collections.abc import Sequence

from . import Claim

COLOURS = {
    "matches": "#d8f0dc", "close": "#eef5c8", "differs": "#f8d4d0",
    "not in store": "#e4e4e4", "unsupported": "#e4e4e4", "skipped": "transparent",
}  # fmt: skip


def _title(c: Claim) -> str:
    lines = [f"{c.verdict}: stated {c.stated if c.stated is not None else c.qualifier}"]
    if c.shown is not None:
        lines.append(f"store {c.shown}")
    s = c.subject
    lines.append(
        f"{s.flow}, {s.measure}, {s.period}, {s.comparison}"
        + "".join(f", {v}" for v in (s.partner, s.commodity and f"SITC {s.commodity}", s.mode) if v)
    )
    if c.figure is not None:
        lines += [f"figure {c.figure.id}", c.figure.expression]
    if c.note:
        lines.append(c.note)
    return "\n".join(lines)


def page(text: str, claims: Sequence[Claim], title: str) -> str:
    """``text`` (plain) as an HTML page with ``claims`` marked."""
    parts, at = [], 0
    for c in sorted(claims, key=lambda c: c.start):
        if c.start < at:
            continue
        parts.append(html.escape(text[at : c.start]))
        border = "none" if c.verdict == "skipped" else "2px solid #555"
        style = f"background:{COLOURS[c.verdict]};border-bottom:{border}"
        parts.append(
            f'<mark class="claim {c.verdict.replace(" ", "-")}" style="{style}" tabindex="0" '
            f'title="{html.escape(_title(c))}">{html.escape(text[c.start : c.end])}</mark>'
        )
        at = c.end
    parts.append(html.escape(text[at:]))
    body = "".join(parts).replace("\n\n", "</p><p>").replace("\n", "<br>")
    legend = " ".join(
        f'<mark style="background:{COLOURS[v]}">{v}</mark>' for v in COLOURS if v != "skipped"
    )
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
        "<style>body{font:16px/1.6 system-ui,sans-serif;max-width:44rem;margin:2rem auto;"
        "padding:0 1rem}mark{padding:0 .15em}</style>"
        f"<h1>Claim check: {html.escape(title)}</h1><p>{legend}</p><p>{body}</p></html>"
    )
