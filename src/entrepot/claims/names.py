"""What a text may call a partner, a region or an SITC division, built
from the store's own code lists, never from a list of names in the code.

Each name gives the forms a writer uses for it: the name itself, without a leading "the",
the part before a comma ("Korea, Republic of" → Korea), both sides of " of " ("United
States of America" → United States, America), its initials when it has several capitalised
words (United States → US, United Arab Emirates → UAE), its words run together (Viet Nam
→ Vietnam), and each of its words that no other name shares (Chinese Mainland → mainland,
Chinese). An SITC division is also known by the part of its name before the first comma or
" and " (Office machines and automatic data-processing machines → office machines) and by
its first word, matched on its first seven letters (telecoms → Telecommunications).
Longer forms win over shorter ones, so "North America" is a region, "America" a country.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MINOR_WORDS = frozenset(
    ["of", "the", "and", "or", "in", "on", "for", "to", "a", "an", "with", "its", "n.e.s.", "nes", "other", "parts", "thereof", "including", "similar", "related", "products", "articles", "equipment"]
)  # fmt: skip
"""Words too common to stand for a name on their own."""


@dataclass(frozen=True)
class Name:
    """A form found in a text: what it names (``kind``: partner, region or division)
    and its code or key in the store."""

    kind: str
    key: str
    form: str


def _plain(text: str) -> str:
    return re.sub(r"[\s\-]+", " ", text.replace("’", "'")).strip()


def _initials(words: list[str]) -> str | None:
    capitals = [w for w in words if w[:1].isupper()]
    if len(capitals) < 2 or len(capitals) != len([w for w in words if w.lower() != "of"]):
        return None
    return "".join(w[0] for w in capitals)


def partner_forms(name: str) -> Iterator[str]:
    """The forms of a partner's or region's ``name`` (see the module's rules)."""
    name = _plain(name)
    yield name
    if name.lower().startswith("the "):
        yield name[4:]
    head = name.split(",")[0].strip()
    yield head
    parts = re.split(r"\s+of\s+", head)
    if len(parts) == 2:
        yield from parts
        initials = _initials(parts[0].split())
        if initials:
            yield initials
    initials = _initials(head.split())
    if initials and len(initials) >= 2:
        yield initials
    if " " in head and len(head.split()) == 2:
        yield head.replace(" ", "")


def division_forms(name: str) -> Iterator[str]:
    """The forms of an SITC division's ``name``."""
    name = _plain(name)
    yield name
    yield re.split(r",|;|\(", name)[0].strip()
    yield re.split(r",|;|\(|\s+and\s+", name)[0].strip()


class Gazetteer:
    """Finds names in text: the longest form wins, short capitalised forms (US, UK) only
    in capitals."""

    def __init__(self, names: Iterable[Name], prefixes: dict[str, Name] | None = None):
        self.forms: dict[str, Name] = {}
        for n in names:
            key = n.form if len(n.form) <= 3 else n.form.lower()
            self.forms.setdefault(key, n)
        self.prefixes = prefixes or {}
        forms = sorted(self.forms, key=len, reverse=True)
        # A space in a form matches a hyphen in the text (data-processing, US-bound).
        alternatives = "|".join(re.escape(f).replace("\\ ", r"[\s\-]+") for f in forms)
        self.pattern = re.compile(rf"(?<![\w-])({alternatives})(?![\w])", re.IGNORECASE)
        if self.prefixes:
            stems = "|".join(re.escape(p) for p in sorted(self.prefixes, key=len, reverse=True))
            self.stem = re.compile(rf"(?<![\w-])({stems})\w*", re.IGNORECASE)

    def find(self, text: str) -> list[tuple[int, int, Name]]:
        """Every name in ``text``: start, end and what it names, in order."""
        text = text.replace("’", "'")
        found: list[tuple[int, int, Name]] = []
        for m in self.pattern.finditer(text):
            word = m.group(1)
            name = self.forms.get(word) if len(word) <= 3 else self.forms.get(_plain(word).lower())
            if name is not None:
                found.append((m.start(), m.end(), name))
        if self.prefixes:
            taken = [(s, e) for s, e, _ in found]
            for m in self.stem.finditer(text):
                if any(s <= m.start() < e for s, e in taken):
                    continue
                found.append((m.start(), m.end(), self.prefixes[m.group(1).lower()]))
        return sorted(found, key=lambda f: f[0])


def unique_words(names: dict[str, str], kind: str) -> list[Name]:
    """Each word of a name (``key: name``) that no other name has, as a form of it."""
    words: dict[str, set[str]] = {}
    for key, name in names.items():
        for word in re.findall(r"[A-Za-z][\w']+", name):
            if len(word) >= 4 and word.lower() not in MINOR_WORDS:
                words.setdefault(word.lower(), set()).add(key)
    return [Name(kind, next(iter(keys)), w) for w, keys in words.items() if len(keys) == 1]


def partners_gazetteer(partners: dict[str, str], regions: Iterable[str]) -> Gazetteer:
    """Partners (``code: name``) and regions by every form."""
    names: list[Name] = []
    for region in regions:
        names += [Name("region", region, f) for f in partner_forms(region)]
    for code, name in partners.items():
        names += [Name("partner", code, f) for f in partner_forms(name)]
        names.append(Name("partner", code, code))
    every = {**partners, **{r: r for r in regions}}
    shared = Counter(f.form.lower() for f in names)
    names = [n for n in names if shared[n.form.lower()] == 1 or n.kind == "region"]
    names += [n for n in unique_words(every, "partner") if n.key in partners]
    return Gazetteer(names)


def divisions_gazetteer(divisions: dict[str, str]) -> Gazetteer:
    """SITC divisions (``code: name``) by their forms and their first word's stem."""
    names = [
        Name("division", code, f) for code, name in divisions.items() for f in division_forms(name)
    ]
    # A stem stands for a division only if no word of any other division's name starts so.
    stems = Counter(
        w.lower()[:7] for n in divisions.values() for w in set(re.findall(r"[A-Za-z]+", n))
    )
    prefixes = {}
    for code, name in divisions.items():
        stem = re.findall(r"[A-Za-z]+", name)[0].lower()[:7]
        if len(stem) == 7 and stems[stem] == 1:
            prefixes[stem] = Name("division", code, stem)
    return Gazetteer(names, prefixes)
