"""The catalogue of index formulas: names, kinds and aliases."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError
from . import bilateral

UNWEIGHTED = frozenset({"jevons", "dutot", "carli", "harmonic", "cswd"})
# GEKS needs a formula of two periods only; Lowe and Young also need a basket period, and
# the Kennedy adjustment of bilateral TPD breaks time reversal.
_NOT_GEKS = frozenset({"lowe", "young", "tpd_bilateral"})


@dataclass(frozen=True)
class FormulaInfo:
    """What a formula name means.

    ``kind`` is ``"bilateral"`` (two periods; chained or fixed base) or ``"multilateral"``
    (a window of periods, extended by splicing). ``weighted`` is False for formulas that use
    prices only; ``parameters`` names the keyword arguments the formula needs.
    """

    name: str
    kind: str
    description: str
    weighted: bool = True
    parameters: tuple[str, ...] = ()
    bilateral: str | None = None  # for GEKS: the bilateral formula it averages


def _first_line(name: str) -> str:
    doc = bilateral.FUNCTIONS[name].__doc__ or name
    return doc.strip().splitlines()[0]


def _catalogue() -> dict[str, FormulaInfo]:
    formulas: dict[str, FormulaInfo] = {}
    params = {
        "lowe": ("basket",),
        "young": ("basket",),
        "lloyd_moulton": ("sigma",),
        "quadratic_mean": ("r",),
    }
    for name in bilateral.FUNCTIONS:
        formulas[name] = FormulaInfo(
            name, "bilateral", _first_line(name), name not in UNWEIGHTED, params.get(name, ())
        )
    for name in bilateral.FUNCTIONS:
        if name in _NOT_GEKS:
            continue
        formulas[f"geks_{name}"] = FormulaInfo(
            f"geks_{name}",
            "multilateral",
            f"GEKS (Gini–Eltetö–Köves–Szulc) average of bilateral {name} indices",
            name not in UNWEIGHTED,
            params.get(name, ()),
            bilateral=name,
        )
    formulas["geary_khamis"] = FormulaInfo(
        "geary_khamis", "multilateral", "Geary–Khamis: quality-adjusted unit value index"
    )
    formulas["wtpd"] = FormulaInfo(
        "wtpd", "multilateral", "weighted time-product-dummy regression (expenditure shares)"
    )
    return formulas


FORMULAS: dict[str, FormulaInfo] = _catalogue()

ALIASES: dict[str, str] = {
    "ces": "lloyd_moulton",
    "vartia_ii": "sato_vartia",
    "geks": "geks_fisher",
    "ccdi": "geks_tornqvist",
    "geksl": "geks_laspeyres",
    "geksj": "geks_jevons",
    "geksw": "geks_walsh",
    # TPD on two periods with average-share weights is Törnqvist, so IndexNumR's GEKS-TPD
    # (weights = "average", no bias adjustment) is CCDI.
    "geks_tpd": "geks_tornqvist",
    "gk": "geary_khamis",
    "tpd": "wtpd",
}


def list_formulas() -> list[str]:
    """Every formula name, bilateral first (aliases are accepted too, see ``ALIASES``)."""
    return list(FORMULAS)


def resolve(name: str) -> FormulaInfo:
    """The :class:`FormulaInfo` of ``name`` or an alias; an :class:`InputError` otherwise."""
    key = ALIASES.get(name.lower(), name.lower()) if isinstance(name, str) else name
    try:
        return FORMULAS[key]
    except (KeyError, TypeError):
        raise InputError(
            f"Unknown index formula {name!r}. Known formulas: {', '.join(FORMULAS)} "
            f"(aliases: {', '.join(f'{a}={b}' for a, b in ALIASES.items())})."
        ) from None
