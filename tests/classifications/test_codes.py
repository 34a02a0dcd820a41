"""The domain's fixed tables: HS editions, the office's region names, the overrides."""

from __future__ import annotations

import pytest

from entrepot.classifications import HS_EDITIONS, REGIONS, hs_edition, sitc_overrides
from entrepot.classifications.codes import apply_overrides, office_region


@pytest.mark.parametrize(
    ("texts", "edition"),
    [
        (("From HS 2022",), "HS2022"),
        (("hs2017 sitc4",), "HS2017"),
        (("Conversion HS17-SITC4",), "HS2017"),
        (("HS 92",), "HS1992"),
        (("H5 HS2017",), "HS2017"),
        (("H0",), "HS1992"),
        (("HS Code", None, "classificationH6.json"), "HS2022"),
        (("HS Code", "HS_Code_Level"), None),
        (("Months 2022",), None),  # "hs" inside a word
        (("HS2030",), None),  # not an edition
        (("sitc4", "csd_hkhs_items.csv"), None),
    ],
)
def test_hs_edition_from_headers_sheets_and_file_names(texts, edition):
    assert hs_edition(*texts) == edition


def test_editions_are_comtrade_h0_to_h6():
    assert [hs_edition(f"H{n}") for n in range(7)] == list(HS_EDITIONS)


def test_office_area_names_map_onto_regions():
    assert [
        office_region(n)
        for n in ("Area - CIS & EASTERN EUROPE", "AUSTRALASIA/OCEANIA", "Area - ASIA", "E.U.")
    ] == ["Eastern Europe", "Oceania", "Asia", "E.U."]
    assert set(REGIONS) >= {office_region("Area - LATIN AMERICA"), "Unknown"}


def test_overrides_replace_published_codes_and_say_so():
    mapped, applied = apply_overrides(
        [("854232", "764"), ("85423111", "77642"), ("854290", "77689"), ("85423900", "776")]
    )

    assert mapped == [
        ("854232", "77644"),
        ("85423111", "77642"),  # already the override's code: nothing applied
        ("854290", "77689"),
        ("85423900", "77649"),
    ]
    reasons = {o.commodity_prefix: o.reason for o in sitc_overrides()}
    assert applied == [
        ("854232", "764", "77644", reasons["854232"]),
        ("85423900", "776", "77649", reasons["854239"]),
    ]
