"""A release as data: sections of paragraphs, tables and charts whose every number is a
:class:`Figure` with its provenance. The renderers (Markdown, HTML, PDF, Excel) only lay it
out; :mod:`.content` builds it from the analysis.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..analysis.numbers import plain
from ..errors import EntrepotError


@dataclass(frozen=True)
class Figure:
    """One printed number: its text as printed, its unrounded value and what made it."""

    id: str
    text: str
    value: float | int | str | None
    measure: str
    """value, change_pct, share_pct, index, streak_months, verdict…"""
    inputs: dict[str, Any]
    """period, flow, breakdown, key, window, filters."""
    expression: str
    """The analysis function and its arguments that computed it."""
    sql: str | None = None
    """The key of the SQL (as Ibis compiled it) in the provenance's ``expressions``."""

    def as_dict(self, revision: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = plain(
            {
                "id": self.id,
                "text": self.text,
                "value": self.value,
                "measure": self.measure,
                "inputs": self.inputs,
                "expression": self.expression,
                "sql": self.sql,
                "revision": revision,
            }
        )
        return out


@dataclass(frozen=True)
class Ref:
    """A figure in running text."""

    id: str


Part = str | Ref


@dataclass(frozen=True)
class Paragraph:
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"
    """text, money (the currency, billions), pct (a change), share, index."""


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Part, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    spec: Any
    """An Altair chart."""
    caption: str = ""


Block = Paragraph | Table | Chart


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...]


@dataclass
class Release:
    """The whole document and the figures it prints."""

    period: str
    title: str
    subtitle: str
    currency: str
    lead: Paragraph
    sections: list[Section]
    figures: dict[str, Figure]
    expressions: dict[str, str]
    revision: dict[str, Any]
    """The store state it was built from: last load id and compilation id."""
    revisions: list[dict[str, Any]] = field(default_factory=list)
    """What changed since the previous release of the period."""

    def figure(self, ref: Ref) -> Figure:
        try:
            return self.figures[ref.id]
        except KeyError:  # a builder bug, not a user's
            raise EntrepotError(f"The release refers to an unknown figure {ref.id!r}.") from None

    def tables(self) -> Iterator[Table]:
        for section in self.sections:
            yield from (b for b in section.blocks if isinstance(b, Table))

    def charts(self) -> Iterator[Chart]:
        for section in self.sections:
            yield from (b for b in section.blocks if isinstance(b, Chart))

    def text(self, paragraph: Paragraph) -> str:
        """A paragraph as plain text."""
        return "".join(p if isinstance(p, str) else self.figure(p).text for p in paragraph.parts)

    def provenance(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "title": self.title,
            "revision": self.revision,
            "figures": [f.as_dict(self.revision) for f in self.figures.values()],
            "expressions": self.expressions,
            "revisions": plain(self.revisions),
        }
