"""The public surface of entrepot.indices."""

from __future__ import annotations

import doctest

import entrepot.indices as indices
from entrepot.indices import ALIASES, FORMULAS, SPLICES, list_formulas, series

REQUIRED = {
    "bilateral": [
        "laspeyres", "paasche", "fisher", "tornqvist", "walsh", "marshall_edgeworth",
        "drobisch", "palgrave", "geometric_laspeyres", "geometric_paasche",
        "harmonic_laspeyres", "sato_vartia", "vartia_i", "stuvel", "jevons", "dutot", "carli",
        "harmonic", "cswd", "lowe", "young", "lloyd_moulton",
    ],
    "multilateral": [
        "geks_fisher", "geks_tornqvist", "geks_jevons", "geks_walsh", "geary_khamis", "wtpd",
    ],
}  # fmt: skip


def test_public_names_are_pinned() -> None:
    assert indices.__all__ == [
        "ALIASES", "CHAINS", "FORMULAS", "SPLICES", "FormulaInfo", "Panel", "build_panel",
        "contributions", "list_formulas", "price_index", "quantity_index",
    ]  # fmt: skip


def test_catalogue() -> None:
    for kind, names in REQUIRED.items():
        for name in names:
            assert FORMULAS[name].kind == kind, name
    assert list_formulas() == list(FORMULAS)
    assert all(target in FORMULAS for target in ALIASES.values())
    assert ALIASES["ccdi"] == "geks_tornqvist" and ALIASES["ces"] == "lloyd_moulton"
    assert {"movement", "window", "half", "mean", "fbew", "fbmw", "wisp", "hasp",
            "mean_pub"} <= set(SPLICES)  # fmt: skip
    assert FORMULAS["geks_fisher"].bilateral == "fisher"
    assert not FORMULAS["jevons"].weighted and FORMULAS["fisher"].weighted


def test_docstring_examples_run() -> None:
    result = doctest.testmod(series, raise_on_error=False)
    assert result.attempted > 0 and result.failed == 0
