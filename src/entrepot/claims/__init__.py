"""Claim check: read a text that quotes trade figures and check each against the store.

:func:`check` reads the text (:mod:`.reading`, with names from the store's own code lists,
:mod:`.names`), looks up the store's figure for each claim through the analysis library
(:mod:`.figures`) and gives it a verdict (:mod:`.verdicts`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..backends import Backend
from ..errors import EntrepotError, NotInStoreError
from ..periods import Period
from ..store import Store
from .figures import Figures, StoreFigure, Unsupported
from .names import divisions_gazetteer, partners_gazetteer
from .reading import Mention, Reader, Subject, plain_text, text_date
from .verdicts import rounded, rule_holds, verdict

VERDICTS = ("matches", "close", "differs", "not in store", "unsupported", "skipped")


@dataclass(frozen=True)
class Claim:
    """One claim of a text with the store's figure and the verdict."""

    quote: str
    start: int
    end: int
    stated: float | None
    decimals: int
    """Decimal places of the stated figure (of its billions, for an amount)."""
    unit: str
    qualifier: str | None
    subject: Subject
    store_value: float | None
    verdict: str
    figure: StoreFigure | None
    note: str | None = None

    @property
    def shown(self) -> str | None:
        """The store's figure at the stated precision (signed like the stated one)."""
        if self.store_value is None:
            return None
        if self.unit in ("hkd", "usd"):
            return f"{rounded(self.store_value / 1e9, self.decimals):,.{self.decimals}f} bn"
        if self.unit == "count":
            return f"{self.store_value:.0f}"
        return f"{rounded(self.store_value, self.decimals):+.{self.decimals}f}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "quote": self.quote,
            "stated": self.stated,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "subject": asdict(self.subject),
            "store_value": self.store_value,
            "verdict": self.verdict,
            "figure": None if self.figure is None else asdict(self.figure),
            "note": self.note,
        }


def reader_for(backend: Backend, period: Period) -> Reader:
    """A reader knowing the store's partners, regions and SITC divisions."""
    partners = backend.execute(backend.table("partners").select("code", "name", "region"))
    sitc = backend.table("sitc")
    divisions = backend.execute(sitc.filter(sitc.level == 2).select("code", "name"))
    regions = sorted({str(r) for r in partners.region.dropna()})
    return Reader(
        partners_gazetteer(dict(zip(partners.code, partners.name, strict=True)), regions),
        divisions_gazetteer(dict(zip(divisions.code, divisions.name, strict=True))),
        period,
    )


def latest_period(backend: Backend) -> Period:
    cells = backend.table("cells")
    latest = backend.execute(cells.period.max())
    if latest is None:
        raise NotInStoreError("The store holds no records: ingest some first.")
    return Period.from_key(int(latest))


def check(
    store: Store,
    backend: Backend,
    text: str,
    *,
    period: Period | None = None,
    usd_rate: float | None = None,
) -> list[Claim]:
    """Every claim of ``text`` checked against the store. ``period``: the month the text
    is about when it names none (default: the month before the text's own date, when it
    has one, else the store's latest); ``usd_rate``: HK$ per US$, to check amounts stated
    in US$."""
    text = plain_text(text)
    if period is None:
        latest = latest_period(backend)
        written = text_date(text)
        period = latest if written is None else min(latest, written.shift(-1))
    figures = Figures(store, backend)
    return [_checked(m, figures, usd_rate) for m in reader_for(backend, period).read(text)]


def _checked(m: Mention, figures: Figures, usd_rate: float | None) -> Claim:
    def claim(
        value: float | None, what: str, figure: StoreFigure | None, note: str | None = None
    ) -> Claim:
        return Claim(
            m.quote,
            m.start,
            m.end,
            m.stated,
            m.decimals,
            m.unit,
            m.qualifier,
            m.subject,
            value,
            what,
            figure,
            note,
        )

    if m.skipped:
        return claim(None, "skipped", None, m.skipped)
    stated = m.stated
    if m.unit == "usd":
        if usd_rate is None:
            return claim(
                None, "unsupported", None, "an amount in US$: give --usd-rate (HK$ per US$)"
            )
        stated = None if stated is None else stated * usd_rate
    try:
        found = figures.figure(m.subject, m.unit)
    except Unsupported as exc:
        return claim(None, "unsupported", None, str(exc))
    except NotInStoreError as exc:
        return claim(None, "not in store", None, str(exc))
    except EntrepotError as exc:
        return claim(None, "unsupported", None, str(exc))
    value = float(found.value)
    if m.unit == "text":
        try:
            holds = rule_holds(
                str(m.qualifier), value, found.detail.get("volume"), found.detail.get("price")
            )
        except ValueError as exc:
            return claim(value, "unsupported", found, str(exc))
        return claim(value, "matches" if holds else "differs", found)
    if m.qualifier in ("virtually_unchanged", "broadly_flat"):
        holds = rule_holds(m.qualifier, value, None, None)
        return claim(value, "matches" if holds else "differs", found)
    assert stated is not None
    if m.unit in ("hkd", "usd"):
        # Amounts are stated in billions (or millions): compare at the stated scale.
        scale = 1e9 if abs(stated) >= 1e9 else 1e6
        result = verdict(stated / scale, m.decimals, m.qualifier, value / scale)
    else:
        result = verdict(stated, m.decimals, m.qualifier, value)
    note = None
    if result == "differs":
        diff = value - stated
        note = (
            f"store {value / 1e9:,.1f} bn, {diff / 1e9:+,.1f} bn"
            if m.unit in ("hkd", "usd")
            else f"store {value:+.2f}, {diff:+.2f}"
        )
    if m.unit == "count" and found.detail.get("at_least"):
        note = "the streak reaches the first month with a rate: at least this long"
    return claim(value, result, found, note)


__all__ = ["VERDICTS", "Claim", "check", "reader_for"]
