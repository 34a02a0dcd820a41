"""Reading Markdown tables for trade figures: each number cell is a claim whose subject
comes from its row (a flow, or a partner, division or mode by code or name), its column
(a month or "Jan–Dec YYYY" for a level; "YoY %" for the change of the column before it;
"volume %", "price, year to date"…) and the table's caption ("Imports by main supplier,
December 2025 (HK$ billion)")."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from .reading import FLOWS, MONTHS, Mention, Subject, last_match


@dataclass(frozen=True)
class Table:
    caption: str
    header: list[str]
    rows: list[list[tuple[int, int, str]]]
    """Each row's cells: start and end in the text, and the cell's text."""
    start: int
    end: int


def tables(text: str) -> Iterator[Table]:
    """The Markdown tables of ``text`` with the caption line before each."""
    lines = list(re.finditer(r"^.*$", text, re.M))
    i = 0
    while i < len(lines):
        if not lines[i].group(0).lstrip().startswith("|"):
            i += 1
            continue
        block = []
        while i < len(lines) and lines[i].group(0).lstrip().startswith("|"):
            block.append(lines[i])
            i += 1
        if len(block) < 3 or not re.fullmatch(r"[\s|:\-]+", block[1].group(0)):
            continue
        caption = ""
        j = block[0].start() - 1
        before = text[: max(j, 0)].rstrip("\n").split("\n")
        for line in reversed(before[-4:]):
            if line.strip():
                caption = line.strip(" *_#")
                if not caption.startswith("Changes"):
                    break
        header = [c.strip() for c in block[0].group(0).strip().strip("|").split("|")]
        rows = [list(_cells(m)) for m in block[2:]]
        yield Table(caption, header, rows, block[0].start(), block[-1].end())


def _cells(line: re.Match[str]) -> Iterator[tuple[int, int, str]]:
    text, at = line.group(0), line.start()
    bars = [m.start() for m in re.finditer(r"\|", text)]
    for a, b in itertools.pairwise(bars):
        cell = text[a + 1 : b]
        stripped = cell.strip()
        offset = cell.find(stripped) if stripped else 0
        yield at + a + 1 + offset, at + a + 1 + offset + len(stripped), stripped


def _month_period(text: str) -> str | None:
    m = re.search(rf"\b({'|'.join(MONTHS)})\s+(20\d\d)\b", text, re.I)
    return f"{m.group(2)}-{MONTHS[m.group(1).lower()]:02d}" if m else None


def _ytd(text: str) -> str | None:
    m = re.search(r"Jan(?:uary)?\s*[–-]\s*(\w{3})\w*\s+(20\d\d)", text)
    if not m:
        return None
    month = next((n for name, n in MONTHS.items() if name.startswith(m.group(1).lower())), None)
    return None if month is None else f"{m.group(2)}-01..{m.group(2)}-{month:02d}"


NUMBER = re.compile(
    r"^(?P<num>[+\-−]?\d{1,3}(?:,\d{3})*(?:\.\d+)?|[+\-−]?\d+(?:\.\d+)?)\s*(?P<pct>%)?$"
)


def table_mentions(text: str) -> list[Mention]:
    """Every number cell of every table in ``text`` as a claim."""
    return [m for table in tables(text) for m in _read(table)]


def without_tables(text: str) -> str:
    """``text`` with its tables blanked out (offsets kept), for the reading of prose."""
    for table in tables(text):
        blank = re.sub(r"[^\n]", " ", text[table.start : table.end])
        text = text[: table.start] + blank + text[table.end :]
    return text


def _read(table: Table) -> list[Mention]:
    caption = table.caption
    period = _month_period(caption)
    if period is None:
        return []
    flow = last_match(FLOWS, caption.split(",")[0].split(":")[0]) or "total_exports"
    by_origin = "origin" in caption.lower()
    billions = "HK$ billion" in caption or any("HK$ billion" in h for h in table.header)
    out: list[Mention] = []
    for row in table.rows:
        cells = {table.header[i].lower(): c for i, c in enumerate(row) if i < len(table.header)}
        label_cell = row[0]
        subject = Subject(flow=flow, period=period)
        code = cells.get("code")
        name = cells.get("name")
        row_flow = last_match(FLOWS, label_cell[2]) if not code else None
        if row_flow and re.fullmatch(r"[\w\s-]+", label_cell[2]) and "mode" not in cells:
            subject = replace(subject, flow=row_flow)
        if code:
            key = code[2]
            if re.fullmatch(r"\d{1,3}", key):
                subject = replace(subject, commodity=key)
            else:
                kind = "origin" if by_origin else "partner"
                subject = replace(subject, partner=key, partner_kind=kind)
        if "mode" in cells:
            subject = replace(subject, mode=cells["mode"][2].lower())
        label = (name or code or label_cell)[2]
        previous_period: str | None = None
        for i, (start, end, value) in enumerate(row):
            head = table.header[i] if i < len(table.header) else ""
            number = NUMBER.match(value.replace("−", "-"))
            if not number or head.lower() in ("code", "name", "mode", ""):
                previous_period = None
                continue
            raw = number.group("num").replace(",", "").replace("−", "-")
            decimals = len(raw.split(".")[1]) if "." in raw else 0
            stated = float(raw)
            lower = head.lower()
            month, ytd = _month_period(head), _ytd(head)
            if number.group("pct"):
                measure = (
                    "volume" if "volume" in lower else "price" if "price" in lower else "value"
                )
                at = previous_period or period
                comparison = "ytd_yoy" if ".." in at else "yoy"
                if "year to date" in lower:
                    at = f"{period[:4]}-01..{period}"
                    comparison = "ytd_yoy"
                about = replace(subject, measure=measure, period=at, comparison=comparison)
                unit = "pct"
                previous_period = None
            elif billions and (month or ytd or "hk$ billion" in lower):
                at = month or ytd or period
                # "YoY %" is the change of the first period of the columns before it.
                previous_period = previous_period or at
                about = replace(subject, period=at, comparison="level")
                stated, unit = stated * 1e9, "hkd"
            else:
                continue
            if about.flow == "balance" and unit == "pct":
                continue
            quote = f"{label}: {head} {value}"
            out.append(Mention(start, end, quote, unit, stated, decimals, None, about))
    return out
