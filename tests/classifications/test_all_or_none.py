"""All files or none: every file named, and every file of a directory named, must be a
classification table; otherwise nothing loads and the error lists the files that are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrepot.classifications import KINDS, load_classifications
from entrepot.errors import ClassificationError
from entrepot.store.classifications import classification_counts

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CSD = SHARED / "csd-hk-trade-metadata"
UNSD = SHARED / "unsd-hs-sitc-concordance"

real_data = pytest.mark.skipif(not SHARED.is_dir(), reason=f"reference data not at {SHARED}")

EMPTY = {
    "commodity_sitc": 0,
    "commodities": 0,
    "sitc": 0,
    "partners": 0,
    "partner_groups": 0,
    "modes": 5,
    "classification_overrides": 0,
}


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_directory_with_one_stranger_loads_nothing_and_names_it(store, tmp_path):
    folder = tmp_path / "tables"
    write(folder, "sitc.csv", "code,level,name\n77,2,Electrical machinery\n")
    write(folder, "notes.csv", "topic,text\nICs,see 8542\n")
    write(folder, "layout.txt", "not a table")
    write(folder, "README.md", "# what is here\n")
    write(folder, ".hidden.csv", "a,b\n")

    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [folder])

    assert str(info.value) == (
        "classifications: nothing was loaded: 2 files are not classification tables entrepot "
        "recognises: layout.txt (not a .csv, .xlsx or .json file); notes.csv (headers seen: "
        "topic, text). Name only classification files (recognised: sitc.csv (entrepot)), or "
        f"force a kind with --kind. Known kinds: {', '.join(KINDS)}."
    )
    assert classification_counts(store) == EMPTY


def test_named_files_are_all_or_none_too(store, tmp_path):
    good = write(tmp_path, "sitc.csv", "code,level,name\n77,2,Electrical machinery\n")
    bad = write(tmp_path, "trade.csv", "period,value\n2025-01,1\n")

    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [good, bad])

    assert str(info.value).startswith(
        "classifications: nothing was loaded: 1 file is not a classification table entrepot "
        "recognises: trade.csv (headers seen: period, value). Name only classification files "
        "(recognised: sitc.csv (entrepot))"
    )
    assert classification_counts(store) == EMPTY


def test_readme_descriptors_and_hidden_files_are_not_tables(store, tmp_path):
    folder = tmp_path / "tables"
    write(folder, "sitc.csv", "code,level,name\n77,2,Electrical machinery\n")
    write(folder, "README.txt", "notes")
    write(folder, "datapackage.json", "{}")
    write(folder, ".DS_Store", "")

    (load,) = load_classifications(store, [folder])

    assert (load.path.name, load.rows) == ("sitc.csv", 1)


def test_a_forced_kind_loads_the_files_of_that_kind_from_a_directory(store, tmp_path):
    folder = tmp_path / "tables"
    write(folder, "sitc.csv", "code,level,name\n77,2,Electrical machinery\n")
    write(folder, "notes.csv", "topic,text\nICs,see 8542\n")
    write(folder, "s4.csv", "code,digits,parent,description\n7,1,TOTAL,Machinery\n")

    loads = load_classifications(store, [folder], kind="sitc_names")

    assert [(x.path.name, x.kind, x.rows) for x in loads] == [("s4.csv", "sitc_names", 1)]


@real_data
def test_the_office_metadata_folder_holds_reports_and_layouts_beside_its_code_lists(store):
    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [CSD])

    message = str(info.value)
    assert message.startswith(
        "classifications: nothing was loaded: 5 files are not classification tables entrepot "
        "recognises: CHINA_201912_HKD_MN.xlsx (headers seen: sheet 'HKD_MN': HONG KONG'S TOP "
        "10 TRADE WITH CHINA); TAIWAN_201912_HKD_MN.xlsx (headers seen: sheet 'HKD_MN': "
        "HONG KONG'S TOP 10 TRADE WITH TAIWAN); U_S_A_201912_HKD_MN.xlsx ("
    )
    assert "rawdata_format.xlsx (headers seen: sheet 'HSCCIT': Filename :, HSCCIT.DAT;" in message
    assert (
        "Name only classification files (recognised: area.csv (csd_areas), areacnty.csv "
        "(csd_areas), csd_country_codes.csv (csd_countries), csd_hkhs_items.csv "
        "(csd_hkhs_items), csd_hkhs_to_sitc_conversion.csv (csd_hkhs_sitc), "
        "csd_sitc_items.csv (sitc_names), geography.xlsx (csd_areas)), or force a kind"
    ) in message
    assert classification_counts(store) == EMPTY


@real_data
def test_the_office_code_lists_named_load_together(store):
    names = (
        "area.csv",
        "areacnty.csv",
        "csd_country_codes.csv",
        "csd_hkhs_items.csv",
        "csd_hkhs_to_sitc_conversion.csv",
        "csd_sitc_items.csv",
        "geography.xlsx",
    )

    loads = load_classifications(store, [CSD / n for n in names])

    assert [(x.kind, x.rows, x.names, x.memberships) for x in loads] == [
        ("csd_areas", 9, 0, 0),
        ("csd_areas", 208, 0, 0),
        ("csd_countries", 209, 0, 0),
        ("csd_hkhs_items", 14294, 14294, 0),
        ("csd_hkhs_sitc", 7586, 0, 0),
        ("sitc_names", 3313, 0, 0),
        ("csd_areas", 9 + 208, 0, 359),
    ]
    assert classification_counts(store) == {
        "commodity_sitc": 7586,
        "commodities": 14294,
        "sitc": 3313,
        "partners": 209,
        "partner_groups": 359,
        "modes": 5,
        "classification_overrides": 0,
    }


@real_data
def test_the_unsd_folder_holds_a_correlation_table_to_sitc(store):
    # The HS2022-HS2017 correlation loads (hs_correlation); the HS-SITC correlation does not.
    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [UNSD])

    assert str(info.value).startswith(
        "classifications: nothing was loaded: 1 file is not a classification table entrepot "
        "recognises: hs2022_to_sitc4_correlation.csv (headers seen: hs2022, sitc4, "
        "relationship). Name only classification files (recognised: "
        "HS2017toSITC4ConversionAndCorrelationTables.xlsx (un_hs_sitc), "
        "HS2022toHS2017ConversionAndCorrelationTables.xlsx (hs_correlation), "
    )


@real_data
def test_the_hs_edition_correlation_loads(store):
    (load,) = load_classifications(
        store, [UNSD / "HS2022toHS2017ConversionAndCorrelationTables.xlsx"]
    )
    assert (load.kind, load.rows) == ("hs_correlation", 15657)
    rows = dict(
        store.con.execute(
            "SELECT relationship, count(*) FROM hs_correlation GROUP BY ALL"
        ).fetchall()
    )
    assert rows == {"1:1": 4097, "n:1": 1392, "1:n": 54, "n:n": 10114}
    assert store.con.execute(
        "SELECT new_edition, old_edition, relationship FROM hs_correlation "
        "WHERE new_code = '854231' AND old_code = '854231'"
    ).fetchall() == [("HS2022", "HS2017", "n:1")]


@real_data
def test_the_hs2022_dataset_folder_holds_section_names(store):
    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [SHARED / "hs2022-datasets"])

    assert str(info.value).startswith(
        "classifications: nothing was loaded: 1 file is not a classification table entrepot "
        "recognises: sections.csv (headers seen: section, name). Name only classification "
        "files (recognised: harmonized-system.csv (hs_names))"
    )
