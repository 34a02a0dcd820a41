"""The office's areas and regional groupings, and loads that would store nothing."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from entrepot.classifications import load_classifications
from entrepot.errors import ClassificationError
from entrepot.store import Store
from entrepot.store.classifications import partner_groups

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CSD = SHARED / "csd-hk-trade-metadata"

real_data = pytest.mark.skipif(not SHARED.is_dir(), reason=f"reference data not at {SHARED}")

COUNTRIES = (
    "Country Code,Region,Country Short Description\n"
    "2,1,WESTERN EUROPE\n6,1,ASIA\n211,2,FINLAND\n633,2,VIET NAM\n697,2,SINGAPORE\n"
)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def geography(path: Path) -> Path:
    """A workbook laid out as the office's geography.xlsx, codes stored as numbers."""
    book = openpyxl.Workbook()
    sheets = {
        "area": [
            ("AREACODE", "DESC", "ADMIN_CODE"),
            (200, "WESTERN EUROPE", "Y"),
            (600, "ASIA", "Y"),
            (900, "EUROPE", "Y"),
        ],
        "country": [("CODE", "DESC"), (211, "FINLAND")],
        "region": [("REGCODE", "DESC", "ADMIN_CODE"), (100, "E.U.", "Y"), (300, "ASEAN", "Y")],
        "regcnty": [
            ("RCODE", "CCODE", "ADMIN_CODE"),
            (100, 211, "Y"),
            (300, 633, "Y"),
            (300, 697, "Y"),
            (999, 211, "Y"),  # a grouping the region sheet does not name
            (300, 1, "N"),
        ],
        "areacnty": [
            ("ACODE", "CCODE", "ADMIN_CODE"),
            (200, 211, "Y"),
            (600, 633, "Y"),
            (600, 697, "Y"),
            (900, 211, "Y"),  # Europe holds Western Europe again
        ],
    }
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_geography_areas_and_groupings(store, tmp_path):
    countries = write(tmp_path, "codes.csv", COUNTRIES)
    book = geography(tmp_path / "geography.xlsx")

    _, load = load_classifications(store, [countries, book])

    assert (load.kind, load.rows, load.memberships) == ("csd_areas", 3 + 3, 4)
    assert store.query("SELECT code, region, area FROM partners ORDER BY 1") == [
        ("211", "Western Europe", "Western Europe"),  # not EUROPE
        ("633", "Asia", "Asia"),
        ("697", "Asia", "Asia"),
    ]
    assert store.query("SELECT * FROM partner_groups ORDER BY 1, 2") == [
        ("211", "100", "E.U.", "geography.xlsx"),
        ("211", "999", None, "geography.xlsx"),
        ("633", "300", "ASEAN", "geography.xlsx"),
        ("697", "300", "ASEAN", "geography.xlsx"),
    ]
    assert partner_groups(store) == {"211": ["E.U.", "999"], "633": ["ASEAN"], "697": ["ASEAN"]}
    assert partner_groups(store, "633") == {"633": ["ASEAN"]}


def test_memberships_before_any_country_are_an_error(store, tmp_path):
    members = write(tmp_path, "areacnty.csv", "ACODE,CCODE,ADMIN_CODE\nA100,111,Y\nA600,612,Y\n")

    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [members])

    assert str(info.value) == (
        "classifications: areacnty.csv sets the area of partners already stored, and none of "
        "its 2 countries is in the store; nothing was loaded. Load the country codes "
        "(csd_country_codes.csv) first or with it."
    )


def test_area_names_alone_are_an_error(store, tmp_path):
    names = write(tmp_path, "area.csv", "AREACODE,DESC\nA100,Area - NORTH AMERICA\n")

    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [names])

    assert str(info.value) == (
        "classifications: area.csv names areas, but no stored partner has one of its area "
        "codes and no area memberships (areacnty.csv) are loaded with it; nothing was loaded. "
        "Load it with areacnty.csv and the country codes (csd_country_codes.csv)."
    )


def test_a_list_of_aggregates_only_stores_nothing(store, tmp_path):
    path = tmp_path / "s4.json"
    results = [{"id": "TOTAL", "text": "Total", "parent": "#"}]
    path.write_text(json.dumps({"classCode": "S4", "className": "SITC", "results": results}))

    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [path])

    assert str(info.value) == (
        "classifications: s4.json holds no sitc_names rows to store; nothing was loaded."
    )


@real_data
def test_office_area_memberships_alone(store):
    with pytest.raises(ClassificationError, match=r"none of its 213 countries is in the store"):
        load_classifications(store, [CSD / "areacnty.csv"])
    assert store.count("partners") == 0


@real_data
def test_office_geography_workbook(store: Store):
    _, load = load_classifications(store, [CSD / "csd_country_codes.csv", CSD / "geography.xlsx"])

    assert (load.rows, load.memberships) == (9 + 208, 359)
    assert partner_groups(store, "211") == {
        "211": ["E.U.", "SCANDINAVIA", "EURO ZONE (EU 19)", "EU(15)", "EU(25)", "EU(27)", "999"]
    }
    asean = store.query(
        "SELECT p.name FROM partner_groups g JOIN partners p USING (code) "
        "WHERE g.grouping_name = 'ASEAN' ORDER BY g.code"
    )
    assert [name for (name,) in asean] == [
        "CAMBODIA",
        "INDONESIA",
        "LAOS",
        "PHILIPPINES",
        "THAILAND",
        "MYANMAR",
        "VIET NAM",
        "BRUNEI DARUSSALAM",
        "MALAYSIA",
        "SINGAPORE",
    ]
    assert store.scalar("SELECT count(*) FROM partner_groups WHERE grouping_name = 'EU(27)'") == 27
    # The one region column the compute layer reads is the area's, in REGIONS' words.
    assert store.query("SELECT area, count(*) FROM partners GROUP BY 1 ORDER BY 1 NULLS FIRST") == [
        (None, 1),
        ("Africa", 54),
        ("Asia", 33),
        ("Eastern Europe", 24),
        ("Latin America", 32),
        ("Middle East", 14),
        ("North America", 4),
        ("Oceania", 20),
        ("Western Europe", 27),
    ]
    assert store.scalar("SELECT region FROM partners WHERE code = '211'") == "Western Europe"
