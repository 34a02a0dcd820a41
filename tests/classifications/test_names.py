"""Commodity names (and the office's quantity units): UN Comtrade HS lists, datahub's
harmonized-system.csv, the office's HKHS item list and entrepot's commodities.csv."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from entrepot.classifications import load_classifications
from entrepot.errors import ClassificationError
from entrepot.store import Store
from entrepot.store.classifications import commodity_names

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
UNSD = SHARED / "unsd-hs-sitc-concordance"
CSD = SHARED / "csd-hk-trade-metadata"
HS2022_CSV = SHARED / "hs2022-datasets" / "harmonized-system.csv"

real_data = pytest.mark.skipif(not SHARED.is_dir(), reason=f"reference data not at {SHARED}")

IC = "854231"
IC_NAME = (
    "Electronic integrated circuits; processors and controllers, whether or not combined "
    "with memories, converters, logic circuits, amplifiers, clock and timing circuits, or "
    "other circuits"
)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def units(store: Store) -> dict[str, str | None]:
    return dict(store.query("SELECT commodity, unit FROM commodities"))


def test_comtrade_hs_list(store, tmp_path):
    results = [
        {"id": "ALL", "text": "All HS2022 categories", "parent": "#"},
        {"id": "AG6", "text": "AG6 - All 6-digit HS2022 commodities", "parent": "#"},
        {"id": "85", "text": "85 - Electrical machinery", "parent": "TOTAL"},
        {"id": "854231", "text": "854231 - Electronic integrated circuits", "parent": "8542"},
    ]
    path = tmp_path / "classificationH6.json"
    path.write_text(json.dumps({"classCode": "H6", "className": "HS2022", "results": results}))

    (load,) = load_classifications(store, [path])

    assert (load.kind, load.rows, load.names, load.edition) == ("hs_names", 2, 2, "HS2022")
    assert commodity_names(store) == {
        "85": "Electrical machinery",
        "854231": "Electronic integrated circuits",
    }


def test_harmonized_system_csv_takes_its_edition_from_the_datapackage(store, tmp_path):
    path = write(
        tmp_path,
        "harmonized-system.csv",
        "section,hscode,description,parent,level\n"
        "XVI,8542,Electronic integrated circuits,85,4\n"
        "TOTAL,TOTAL,Total of all HS2022 commodities,TOTAL,5\n",
    )
    (load,) = load_classifications(store, [path])
    assert load.edition is None
    resources = [{"path": "data/harmonized-system.csv"}]
    write(tmp_path, "datapackage.json", json.dumps({"version": "2022.0", "resources": resources}))

    (load,) = load_classifications(store, [path])

    assert (load.rows, load.edition) == (1, "HS2022")
    assert commodity_names(store, ["8542"]) == {"8542": "Electronic integrated circuits"}


def test_office_item_list_with_units(store, tmp_path):
    path = write(
        tmp_path,
        "items.csv",
        "HS_Code,HS_Code_Level,Carry_Value,HS_English_Description,Unit_Code,Unit\n"
        "85,2,N,ELECTRICAL MACHINERY,,\n"
        "85423190,8,Y,PROCESSORS AND CONTROLLERS,12a,TH\n"
        "85429000,8,N,PARTS OF ELECTRONIC INTEGRATED CIRCUITS,22,KG\n"
        "97060000,8,N,ANTIQUES,00,-\n",
    )

    (load,) = load_classifications(store, [path])

    assert (load.kind, load.rows, load.edition) == ("csd_hkhs_items", 4, None)
    assert units(store) == {"85": None, "85423190": "TH", "85429000": "KG", "97060000": None}


def test_office_item_code_of_the_wrong_length(store, tmp_path):
    path = write(
        tmp_path,
        "items.csv",
        "HS_Code,HS_Code_Level,HS_English_Description,Unit\n8542319,8,PROCESSORS,TH\n",
    )

    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [path])

    assert str(info.value) == "classifications: items.csv line 2: HS_Code '8542319' is not 8 digits"


def test_entrepot_commodity_names_are_stored(store, tmp_path):
    path = write(
        tmp_path, "commodities.csv", "commodity,sitc,name\n85423200,764,Memories\n85429000,77689,\n"
    )

    (load,) = load_classifications(store, [path])

    assert (load.rows, load.names, load.overrides_applied) == (2, 1, 1)
    assert store.query("SELECT * FROM commodities") == [
        ("85423200", "Memories", None, "commodities.csv", None)
    ]


@real_data
def test_comtrade_h6_and_h5(store, tmp_path):
    (h6,) = load_classifications(store, [UNSD / "classificationH6.json"])
    assert (h6.rows, h6.edition) == (6939, "HS2022")
    assert commodity_names(store, [IC, "8524"]) == {
        IC: IC_NAME,
        "8524": "Flat panel display modules, whether or not incorporating touch-sensitive screens",
    }

    (h5,) = load_classifications(store, [UNSD / "classificationH5.json"], replace=True)

    assert (h5.rows, h5.edition, h5.replaced, h5.replaced_rows) == (6708, "HS2017", "HS2022", 6939)
    assert store.scalar("SELECT count(*) FROM commodities WHERE commodity LIKE '8524%'") == 0


@real_data
def test_datahub_harmonized_system(store):
    (load,) = load_classifications(store, [HS2022_CSV])

    assert (load.kind, load.rows, load.edition) == ("hs_names", 6939, "HS2022")
    assert commodity_names(store, [IC])[IC] == IC_NAME


@real_data
def test_office_hkhs_items_with_their_units(store):
    (load,) = load_classifications(store, [CSD / "csd_hkhs_items.csv"])

    assert (load.kind, load.rows, load.edition) == ("csd_hkhs_items", 14294, None)
    assert store.query(
        "SELECT length(commodity), count(*) FROM commodities GROUP BY 1 ORDER BY 1"
    ) == [
        (2, 97),
        (4, 1223),
        (6, 5388),
        (8, 7586),
    ]
    assert commodity_names(store, ["85423190", "85423210"]) == {
        "85423190": "PROCESSORS AND CONTROLLERS, ELECTRONIC INTEGRATED CIRCUITS, NESOI",
        "85423210": "MEMORIES, MULTI-COMPONENT INTEGRATED CIRCUITS",
    }
    found = units(store)
    assert [found[c] for c in ("85423190", "01012100", "85429000", "854231")] == [
        "TH",
        "NO.",
        "KG",
        None,
    ]
    assert store.scalar("SELECT count(*) FROM commodities WHERE unit IS NOT NULL") == 7586 - 250
