"""Reading a text for trade figures: sentences, the figures in them, and what each is about.

A rule-based reader: every decision is a pattern that can be named. A figure is a
percentage change, percentage points, a money amount, a streak ("the 11th consecutive
month") or a qualitative phrase with a rule behind it ("more than doubled"). Its subject
is read from the words between it and the figure before it in the sentence (the
*segment*), then from the sentence, then from the sentences before: the flow and the month
carry over from sentence to sentence, the partner, division and mode within a sentence.
A number beside words of another domain (tariffs, flights, days) is skipped, not checked.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace

from ..periods import Period
from .names import Gazetteer

NUMBER = r"[+\-−]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
QUALIFIER = r"(?P<qual>nearly|almost|about|around|roughly|some|approximately|close to|more than|over|above|less than|under|just|only)?\s*"

ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
        ]
    )
}
COUNTS = {w: i + 1 for i, w in enumerate(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"])}  # fmt: skip
MONTHS = {
    m.lower(): i + 1
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ]
    )
}
SCALES = {"trillion": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6, "mn": 1e6, "m": 1e6}

PATTERNS: dict[str, re.Pattern[str]] = {
    "pp": re.compile(
        QUALIFIER + rf"(?P<num>{NUMBER})\s*(?:percentage|per\s?cent(?:age)?)\s+points?", re.I
    ),
    "pct": re.compile(QUALIFIER + rf"(?P<num>{NUMBER})\s*(?:%|per\s?cent\b|percent\b|pct\b)", re.I),
    "money": re.compile(
        QUALIFIER
        + rf"(?P<cur>HK\$|HKD|US\$|USD|(?<![\w$])\$)\s?(?P<num>{NUMBER})\s*(?P<scale>trillion|billion|bn|million|mn)?\b",
        re.I,
    ),
    "count": re.compile(
        r"(?P<num>\d+)(?:st|nd|rd|th)?\s+(?:straight|consecutive|successive)\s+month"
        rf"|(?P<word>{'|'.join(ORDINALS)})\s+(?:straight|consecutive|successive)\s+month",
        re.I,
    ),
    "text": re.compile(
        r"(?P<text>more than doubled|doubled|double-digit|virtually unchanged|broadly (?:flat|unchanged|stable)"
        r"|little changed|driven by volume|volume-driven|driven by prices?|price-driven)",
        re.I,
    ),
}
"""A figure of each unit: ``pct`` (a change in %), ``pp`` (percentage points), ``money``,
``count`` (a streak of months) and ``text`` (a qualitative claim)."""

UP = r"rose|rise|rising|up|increas\w*|gr[eo]w\w*|climb\w*|jump\w*|surg\w*|gain\w*|added|improv\w*|expand\w*|soar\w*|advanc\w*|doubled|extend\w*|higher"
DOWN = r"fell|fall\w*|down|declin\w*|drop\w*|slip\w*|decreas\w*|contract\w*|shr[ai]nk\w*|slump\w*|plung\w*|lower|weaken\w*|eas(?:ed|ing)"

OTHER_DOMAINS = re.compile(
    r"\b(tariffs?|dut(?:y|ies)|flights?|passengers?|trips?|visitors?|days?|hours?|weeks?|"
    r"pages?|rounds?|inflation|unemployment|interest|GDP|wages?|rents?|staff)\b",
    re.I,
)
"""Words whose numbers are not trade statistics."""

FLOWS: list[tuple[str, str]] = [
    (r"trade (?:deficit|surplus|balance|gap)|visible trade|deficit|surplus|trade gap", "balance"),
    (r"re-?exports?", "re_exports"),
    (r"domestic exports?", "domestic_exports"),
    (r"imports?|inbound shipments?|imported", "imports"),
    (
        r"total exports?|goods exports?|merchandise exports?|exports?|outbound shipments?|shipments?|exported",
        "total_exports",
    ),
]
MEASURES: list[tuple[str, str]] = [
    (r"terms of trade", "terms_of_trade"),
    (r"volumes?\b|in real terms|quantum", "volume"),
    (r"prices?\b|unit values?", "price"),
]
MODES: list[tuple[str, str]] = [
    (r"by air|air (?:shipments?|cargo|freight)|airfreight|air-?borne", "air"),
    (r"by sea|sea (?:shipments?|freight|cargo)|seaborne|ocean", "sea"),
    (r"by (?:land|road)|land (?:shipments?|freight)|overland|by truck", "land"),
    (r"by river|river (?:trade|shipments?)", "river"),
]


@dataclass(frozen=True)
class Subject:
    """What a figure is about."""

    flow: str = "total_exports"
    measure: str = "value"
    partner: str | None = None
    """A partner's code or a region's name."""
    partner_kind: str | None = None
    """``partner`` or ``region``."""
    commodity: str | None = None
    """An SITC division code."""
    mode: str | None = None
    period: str | None = None
    """YYYY-MM, YYYY, or YYYY-MM..YYYY-MM."""
    comparison: str = "yoy"
    basis: str | None = None
    """What a streak counts the growth of (``value`` or ``volume``)."""


@dataclass(frozen=True)
class Mention:
    """A figure in the text, before it is checked."""

    start: int
    end: int
    quote: str
    unit: str
    """``pct``, ``pp``, ``hkd``, ``usd``, ``count`` or ``text``."""
    stated: float | None
    decimals: int
    qualifier: str | None
    subject: Subject
    skipped: str | None = None
    """Why the number is not a trade claim, or None."""
    notes: list[str] = field(default_factory=list)


def plain_text(text: str) -> str:
    """An article as plain text: HTML tags and Markdown marks dropped, entities decoded."""
    if re.search(r"<(p|div|html|body|span|h\d)\b", text, re.I):
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.I | re.S)
        text = re.sub(r"<br\s*/?>|</p>|</h\d>|</div>|</li>", "\n", text, flags=re.I)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    text = re.sub(r"^#{1,6}\s*", "", text, flags=re.M)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)


DATES = re.compile(
    rf"\b\d{{1,2}}\s+(?:{'|'.join(MONTHS)})\s+20\d\d\b"
    rf"|\b(?:{'|'.join(MONTHS)})\s+\d{{1,2}},\s*20\d\d\b|\b20\d\d-\d\d-\d\d\b",
    re.I,
)
"""Dates: 28 January 2026, January 28, 2026, 2026-01-28."""


def text_date(text: str) -> Period | None:
    """The month of the latest date the text gives (28 January 2026, January 28, 2026,
    2026-01-28): when it was written, so a month it names without a year is before it.

    >>> text_date("Data available on 28 January 2026."), text_date("No date.")
    (Period(year=2026, month=1), None)
    """
    names = "|".join(MONTHS)
    found = [
        Period(int(y), MONTHS[m.lower()])
        for m, y in re.findall(rf"\b\d{{1,2}}\s+({names})\s+(20\d\d)\b", text, re.I)
        + re.findall(rf"\b({names})\s+\d{{1,2}},\s*(20\d\d)\b", text, re.I)
    ]
    found += [
        Period(int(y), int(m)) for y, m in re.findall(r"\b(20\d\d)-(0[1-9]|1[0-2])-\d\d\b", text)
    ]
    return max(found) if found else None


def sentences(text: str) -> list[tuple[int, int]]:
    """Start and end of each sentence: ends at . ! ? or a line break, not inside numbers
    or initials (U.S.)."""
    spans, start = [], 0
    for m in re.finditer(r"(?<!\b[A-Z])[.!?](?=\s+[\"'A-Z(]|\s*$)|\n\s*\n|\n(?=\S)", text):
        if text[start : m.end()].strip():
            spans.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def subject_origin(sentence: str, flow: object) -> bool:
    """Whether the places a sentence names are where re-exports originate."""
    return flow == "re_exports" and bool(re.search(r"\boriginat\w*\b", sentence, re.I))


def last_match(patterns: list[tuple[str, str]], text: str) -> str | None:
    """The value of the pattern found last in ``text`` (nearest to what follows); at one
    place, the first pattern listed wins (re-exports before exports)."""
    combined = "|".join(f"(?P<p{i}>{p})" for i, (p, _) in enumerate(patterns))
    found = list(re.finditer(rf"(?<![\w])(?:{combined})", text, re.I))
    if not found:
        return None
    last = found[-1]
    return next(patterns[i][1] for i in range(len(patterns)) if last.group(f"p{i}"))


def _quote(sentence: str, segment: str, start: int, end: int) -> str:
    """The words of a claim: its clause up to the figure (from the last comma, semicolon
    or "while" before it), the figure and what qualifies it."""
    cut = max(segment.rfind(", "), segment.rfind("; "), segment.rfind(" while "))
    begin = start - len(segment) + (cut + 1 if cut >= 0 else 0)
    quote = sentence[begin:end].strip(" ,;-.").strip()
    return re.sub(r"\s+(?:to|from)$", "", quote)


class Reader:
    """Reads mentions out of a text with the store's names."""

    def __init__(
        self,
        partners: Gazetteer,
        divisions: Gazetteer,
        default_period: Period,
    ):
        self.partners = partners
        self.divisions = divisions
        self.default = default_period

    def read(self, text: str) -> list[Mention]:
        mentions: list[Mention] = []
        context: dict = {"flow": None, "period": None, "comparison": None, "document": None}
        from .tables import table_mentions, without_tables

        tabled = table_mentions(text)
        # Dates say when the text was written, not what it is about.
        text = DATES.sub(lambda m: " " * len(m.group(0)), without_tables(text))
        for start, end in sentences(text):
            # A new paragraph (a new section of a release) is about the text's own period
            # again: the first one its figures or its title name.
            if "\n" in text[max(0, start - 1) : start + 1] and context["document"]:
                context["period"], context["comparison"] = context["document"]
            mentions += self._sentence(text[start:end], start, context)
        return sorted(mentions + tabled, key=lambda m: m.start)

    def _figures(self, sentence: str) -> list[tuple[str, re.Match[str]]]:
        found: list[tuple[str, re.Match[str]]] = []
        for unit, pattern in PATTERNS.items():
            for m in pattern.finditer(sentence):
                if any(m.start() < f.end() and f.start() < m.end() for _, f in found):
                    continue
                found.append((unit, m))
        return sorted(found, key=lambda f: f[1].start())

    def _sentence(self, sentence: str, offset: int, context: dict) -> list[Mention]:
        out: list[Mention] = []
        figures = self._figures(sentence)
        if not figures:
            self._carry(sentence, context)
            return out
        previous_end = 0
        carried: dict[str, object] = {}
        sentence_flow = last_match(FLOWS, sentence)
        starts = [f.start() for _, f in figures[1:]] + [len(sentence)]
        for (unit, m), following in zip(figures, starts, strict=True):
            segment = sentence[previous_end : m.start()]
            after = sentence[m.end() : min(m.end() + 60, following)]
            clause_end = re.search(r"[,;]|\s-\s|\b(?:while|and|as|but|whereas|after)\b", after)
            tail = after[: clause_end.start()] if clause_end else after
            window = segment + sentence[m.start() : m.end()] + tail
            other = OTHER_DOMAINS.search(segment[-60:] + tail)
            skipped = f"not a trade figure: {other.group(0)}" if other else None
            # A qualitative phrase may come first: "Double-digit increases were recorded for
            # the total export volume to …".
            own = segment + (tail if unit == "text" else "")
            flow = (
                last_match(FLOWS, own)
                or carried.get("flow")
                or context["flow"]
                or sentence_flow
                or "total_exports"
            )
            measure = last_match(MEASURES, segment + sentence[m.start() : m.end()] + tail)
            if measure is None:  # in a list ("Taiwan (+61.8%), Malaysia (+128.4%)"), the same
                listed = not last_match(FLOWS, segment) and len(segment) < 40
                listed = listed or bool(re.search(r"\b(?:those|that) of\b", segment, re.I))
                measure = str(carried.get("measure") or "value") if listed else "value"
            if ";" in segment:  # list items after a semicolon name their own subjects
                carried = {
                    k: v for k, v in carried.items() if k not in ("partner", "division", "mode")
                }
            partner = self._partner(segment) or carried.get("partner")
            if partner and subject_origin(sentence, flow):
                partner = ("origin", str(partner[1]))  # type: ignore[index]
            division = self._division(segment + " " + tail) or carried.get("division")
            mode = last_match(MODES, segment + " " + tail) or carried.get("mode")
            if re.search(r"\bterms of trade\b", segment, re.I):
                flow, measure = "total_exports", "terms_of_trade"
            period, comparison = self._period(sentence, segment, tail, context, carried)
            # The second of a pair ("to X from Y", "X, up from Y") is about what the first is.
            pair = len(segment) < 40 and re.search(
                r"(?:^|,|\s)(?:(?:up|down|rose|fell)\s+)?from\s*$", segment, re.I
            )
            qualifier = (m.groupdict().get("qual") or "").lower() or None
            stated, decimals, unit_out = self._stated(unit, m)
            sign_text = segment[-80:] + " " + tail
            falls = re.search(rf"\b(?:{DOWN})\b", sign_text, re.I) and not re.search(
                rf"\b(?:{UP})\b", segment[-25:], re.I
            )
            signed = unit in ("pct", "pp") and m.group("num")[:1] in "+-−"
            if unit in ("pct", "pp") and stated is not None and falls and not signed:
                stated = -stated
            subject = Subject(flow=str(flow), measure=measure, comparison=comparison, period=period)
            if unit == "money":
                subject = replace(subject, comparison="level")
                if (
                    re.match(r"\W*a year (?:before|earlier|ago)\b", tail, re.I)
                    and period
                    and len(period) == 7
                ):
                    subject = replace(subject, period=str(Period.parse(period).year_ago()))
            if unit == "count":
                basis = (
                    "volume"
                    if measure == "volume" or re.search(r"\bvolume\b", segment, re.I)
                    else "value"
                )
                subject = replace(subject, measure="streak", basis=basis)
            if re.match(r"\s*(?:above|below)\s+(?:the\s+)?forecast", sentence[m.end() :], re.I):
                subject = replace(subject, measure="surge")
            if unit == "pp" or re.search(r"\badded\b.*\bto the growth\b|\bcontribut", window, re.I):
                subject = replace(subject, measure="contribution")
                after_share = out and out[-1].subject.measure == "share" and len(segment) < 30
                if unit == "pp" and after_share:  # "45% of exports, +1.6 percentage points"
                    subject = replace(out[-1].subject, measure="share_change")
            if unit == "pct" and re.search(
                r"^\W*(?:of (?:the value of )?(imports|total exports)|of total exports)", tail, re.I
            ):
                subject = replace(subject, measure="share", comparison="share_of_total")
            if unit == "pct" and re.search(r"\bshare of\b", segment, re.I):
                subject = replace(subject, measure="share", comparison="share_of_total")
            if re.search(r"\badded\b", segment, re.I) and re.search(
                r"to the growth|contributions?\b", sentence, re.I
            ):
                subject = replace(subject, measure="contribution", comparison="yoy")
            if pair and out and not out[-1].skipped:  # "up from 41 percent in 2024"
                first = out[-1].subject
                subject = replace(first, period=subject.period)
            if (
                subject.flow == "balance"
                and stated is not None
                and re.search(r"deficit|\btrade gap\b", segment + sentence[: m.start()], re.I)
            ):
                stated = -abs(stated)
            if unit == "text":
                text = m.group("text").lower()
                if text in ("virtually unchanged", "little changed") or text.startswith("broadly"):
                    stated, decimals, unit_out = 0.0, 1, "pct"
                qualifier = {
                    "more than doubled": "more_than_doubled",
                    "doubled": "doubled",
                    "double-digit": "double_digit",
                    "virtually unchanged": "virtually_unchanged",
                    "little changed": "broadly_flat",
                    "driven by volume": "volume_driven",
                    "volume-driven": "volume_driven",
                    "driven by price": "price_driven",
                    "driven by prices": "price_driven",
                    "price-driven": "price_driven",
                }.get(text, "broadly_flat" if text.startswith("broadly") else text)
                driven = qualifier in ("volume_driven", "price_driven")
                in_volume = not driven and re.search(r"\bvolumes?\b", tail, re.I)
                subject = replace(subject, measure="volume" if in_volume else "value")
            if partner:
                kind, key = str(partner[0]), str(partner[1])  # type: ignore[index]
                subject = replace(subject, partner=key, partner_kind=kind)
            if division:
                subject = replace(subject, commodity=str(division))
            if mode:
                subject = replace(subject, mode=str(mode))
            # The figure's own span (a qualifier's leading spaces left out), to mark it.
            start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
            end = m.end()
            out.append(
                Mention(
                    offset + start,
                    offset + end,
                    _quote(sentence, segment, m.start(), m.end() + len(tail)),
                    unit_out,
                    stated,
                    decimals,
                    qualifier,
                    subject,
                    skipped,
                )
            )
            if not skipped:
                carried = {"flow": flow, "partner": partner, "division": division, "mode": mode,
                           "period": subject.period, "comparison": subject.comparison,
                           "measure": measure}  # fmt: skip
                # The sentence's first figure sets the period the next sentences are about
                # ("…, after a year-on-year increase of 18.8% in November" does not).
                main = not any(not o.skipped for o in out[:-1])
                if main and subject.comparison != "level" and subject.measure != "contribution":
                    context["period"], context["comparison"] = period, comparison
                    context["document"] = context["document"] or (period, comparison)
            # The next clause starts after this one (a qualitative phrase's words may name
            # what the figures after it are about).
            previous_end = m.end() + (0 if unit == "text" else len(tail))
        if out and not out[-1].skipped:
            context["flow"] = (
                out[-1].subject.flow if out[-1].subject.flow != "balance" else context["flow"]
            )
        return out

    def _carry(self, sentence: str, context: dict) -> None:
        """A sentence without figures may still set the month the next ones are about."""
        month = re.search(rf"\b({'|'.join(MONTHS)})\b", sentence, re.I)
        if month and not re.search(r"\b(?:due|expected|scheduled|since)\b", sentence, re.I):
            m = MONTHS[month.group(1).lower()]
            d = self.default
            y = d.year if m <= d.month else d.year - 1
            context["period"], context["comparison"] = f"{y}-{m:02d}", "yoy"
            context["document"] = context["document"] or (context["period"], "yoy")

    def _partner(self, segment: str) -> tuple[str, str] | None:
        found = [f for f in self.partners.find(segment)]
        if not found:
            return None
        _, _, name = found[-1]
        return (name.kind, name.key)

    def _division(self, text: str) -> str | None:
        codes = re.findall(r"\bSITC\s*(\d{1,3}(?:\s*(?:,|and)\s*\d{1,3})*)\b", text)
        if codes:  # several ("SITC 75, 76 and 77") are kept together
            return "+".join(re.findall(r"\d{1,3}", codes[-1]))
        found = self.divisions.find(text)
        return found[-1][2].key if found else None

    def _stated(self, unit: str, m: re.Match[str]) -> tuple[float | None, int, str]:
        if unit == "text":
            return None, 0, "text"
        if unit == "count":
            number = m.group("num")
            return float(number) if number else float(ORDINALS[m.group("word").lower()]), 0, "count"
        raw = m.group("num").replace(",", "").replace("−", "-")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        value = float(raw)
        if unit == "money":
            value *= SCALES.get((m.group("scale") or "").lower(), 1.0)
            currency = m.group("cur").upper()
            return value, decimals, "usd" if currency.startswith("US") else "hkd"
        return value, decimals, unit

    def _period(
        self, sentence: str, segment: str, tail: str, context: dict, carried: dict
    ) -> tuple[str | None, str]:
        """The period and comparison of a figure: words beside it first, then the sentence
        up to it, then what the sentence's earlier figure or the text before held. A month
        without a year is its latest occurrence up to the default period."""
        window = segment + " " + tail
        before = sentence[: sentence.find(segment) + len(segment)] if segment else ""
        default = self.default
        own = [
            y.group(1)
            for y in re.finditer(r"\b(20\d\d)\b", segment)
            if not re.search(r"\b(?:over|than|from|with|on)\s+$", segment[: y.start()])
        ]
        year_in = own + re.findall(r"^\W*(?:in|for|during)\s+(20\d\d)\b", tail, re.I)
        year = int(year_in[-1]) if year_in else None
        quarter = re.search(r"(first|second|third|fourth) quarter", sentence, re.I)
        if quarter and re.search(
            r"seasonally adjusted|over the (?:third|second|first|previous) quarter", sentence, re.I
        ):
            q = {"first": 1, "second": 2, "third": 3, "fourth": 4}[quarter.group(1).lower()]
            y = year or default.year
            return f"{y}-{3 * q - 2:02d}..{y}-{3 * q:02d}", "qoq_sa"
        if quarter:  # a quarter against the same quarter a year earlier
            q = {"first": 1, "second": 2, "third": 3, "fourth": 4}[quarter.group(1).lower()]
            y = year or default.year
            return f"{y}-{3 * q - 2:02d}..{y}-{3 * q:02d}", "q_yoy"
        three = re.search(
            rf"three months (?:ending|to|through)(?: in)? ({'|'.join(MONTHS)})(?:\s+(20\d\d))?",
            sentence,
            re.I,
        )
        if three:
            month = MONTHS[three.group(1).lower()]
            latest = default.year if month <= default.month else default.year - 1
            y = int(three.group(2)) if three.group(2) else year or latest
            first_month = Period(y, month).shift(-2)
            span = f"{first_month}..{y}-{month:02d}"
            adjusted = re.search(r"seasonally adjusted|preceding three months", sentence, re.I)
            return span, "three_sa" if adjusted else "three_yoy"
        if re.search(r"seasonally adjusted", sentence, re.I) and context.get("comparison") in (
            "qoq_sa",
            "three_sa",
        ):
            return context["period"], context["comparison"]
        first = re.search(r"first (\w+) months", before + " " + tail, re.I)
        if re.search(r"January and February", before + tail, re.I) or (
            first and first.group(1).lower() in ("two", "2")
        ):
            y = year or int((re.findall(r"\b(20\d\d)\b", sentence) or [default.year])[-1])
            return f"{y}-01..{y}-02", "janfeb_yoy"
        if first:
            word = first.group(1).lower()
            n = COUNTS.get(word) or (int(word) if word.isdigit() else None)
            if n:
                y = year or default.year
                return f"{y}-01..{y}-{n:02d}", "ytd_yoy"
        named = rf"\b({'|'.join(MONTHS)})(?:\s+(20\d\d))?\b"
        months = re.findall(named, window, re.I)
        if not months and year is None:  # a year beside the figure outranks a month before it
            months = re.findall(named, before, re.I)
        monthly = re.search(
            r"month-on-month|from the previous month|on the previous month|from a month earlier",
            window,
            re.I,
        )
        if months:
            name, its_year = months[-1]
            month = MONTHS[name.lower()]
            latest = default.year if month <= default.month else default.year - 1
            y = int(its_year) if its_year else year or latest
            return f"{y}-{month:02d}", "mom" if monthly else "yoy"
        if year is not None:
            return str(year), "yoy"
        if re.search(
            r"\b(?:for|over) the (?:full )?year\b|\bannual\b", window + " " + before, re.I
        ):
            held = carried.get("period") or context.get("period") or str(default.year)
            return str(held)[:4], "yoy"
        if carried.get("period") and carried.get("comparison") not in ("level",):
            return str(carried["period"]), str(carried["comparison"])
        if context.get("period"):
            return str(context["period"]), str(context["comparison"])
        return str(default), "mom" if monthly else "yoy"
