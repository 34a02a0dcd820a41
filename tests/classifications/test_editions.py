"""HS editions: each commodity table keeps its edition, the store holds one, and a load of
another is refused unless it replaces the stored one."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from entrepot.classifications import load_classifications
from entrepot.errors import ClassificationError
from entrepot.store import Store

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
UNSD = SHARED / "unsd-hs-sitc-concordance"
HS2022_BOOK = UNSD / "HS2022toSITC4ConversionAndCorrelationTables.xlsx"
HS2017_BOOK = UNSD / "HS2017toSITC4ConversionAndCorrelationTables.xlsx"

real_data = pytest.mark.skipif(not SHARED.is_dir(), reason=f"reference data not at {SHARED}")


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def editions(store: Store, table: str = "commodity_sitc") -> list[tuple[str | None, int]]:
    return store.query(f"SELECT edition, count(*) FROM {table} GROUP BY 1 ORDER BY 1 NULLS FIRST")


@pytest.fixture
def hs2017(tmp_path: Path) -> Path:
    return write(tmp_path, "old.csv", "hs2017,sitc4\n010121,0015\n854232,77644\n")


@pytest.fixture
def hs2022(tmp_path: Path) -> Path:
    return write(tmp_path, "new.csv", "hs2022,sitc4\n010121,0015\n854232,764\n852460,7649\n")


def test_two_editions_in_one_load_are_refused(store, hs2017, hs2022):
    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [hs2017, hs2022])

    assert str(info.value) == (
        "classifications: this load mixes HS editions: HS2017 (old.csv) and HS2022 (new.csv); "
        "the store holds one edition at a time. Load the tables of one edition (with "
        "--replace to swap the edition stored)."
    )
    assert store.count("commodity_sitc") == 0


def test_another_edition_than_the_stored_one_is_refused(store, hs2017, hs2022):
    (load,) = load_classifications(store, [hs2017])
    assert (load.edition, load.rows) == ("HS2017", 2)

    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [hs2022])

    assert str(info.value) == (
        "classifications: new.csv is HS2022 but the store holds HS2017 (from old.csv); HS "
        "editions are never mixed. Load tables of the stored edition, or replace it by HS2022 "
        "with --replace (replace=True), which removes the stored edition's rows in the same "
        "transaction."
    )
    assert editions(store) == [("HS2017", 2)]


def test_replace_swaps_the_stored_edition_in_one_transaction(store, tmp_path, hs2017, hs2022):
    office = write(tmp_path, "commodities.csv", "commodity,sitc,name\n85423190,77642,ICs\n")
    names = write(tmp_path, "hs2017_names.csv", "section,hscode,description,parent,level\n")
    names.write_text(
        "section,hscode,description,parent,level\nXVI,854232,Memories,8542,6\n", encoding="utf-8"
    )
    load_classifications(store, [hs2017, office, names])

    new, _ = load_classifications(store, [hs2022, office], replace=True)

    assert (new.edition, new.rows, new.replaced, new.replaced_rows) == ("HS2022", 3, "HS2017", 3)
    assert editions(store) == [(None, 1), ("HS2022", 3)]
    # Names of the old edition go with it; rows of no edition stay.
    assert store.query("SELECT commodity, edition FROM commodities ORDER BY 1") == [
        ("85423190", None)
    ]
    assert store.query("SELECT commodity, published_sitc FROM classification_overrides") == [
        ("854232", "764")
    ]


def test_replace_with_nothing_to_replace_changes_nothing_else(store, hs2022):
    (load,) = load_classifications(store, [hs2022], replace=True)

    assert (load.edition, load.replaced, load.replaced_rows) == ("HS2022", None, 0)


def test_replace_needs_a_table_with_an_edition(store, tmp_path):
    plain = write(tmp_path, "commodities.csv", "commodity,sitc\n85423190,77642\n")

    with pytest.raises(ClassificationError, match="no file in this load names an HS edition"):
        load_classifications(store, [plain], replace=True)


def test_reloading_a_file_may_change_its_edition(store, tmp_path):
    path = write(tmp_path, "hs.csv", "hs2017,sitc4\n010121,0015\n")
    load_classifications(store, [path])
    write(tmp_path, "hs.csv", "hs2022,sitc4\n010121,0015\n")

    (load,) = load_classifications(store, [path])

    assert load.edition == "HS2022"
    assert editions(store) == [("HS2022", 1)]


def test_tables_without_an_edition_load_beside_any(store, tmp_path, hs2017):
    load_classifications(store, [hs2017])
    plain = write(tmp_path, "commodities.csv", "commodity,sitc\n85423190,77642\n")

    (load,) = load_classifications(store, [plain])

    assert load.edition is None
    assert editions(store) == [(None, 1), ("HS2017", 2)]


def test_edition_from_the_sheet_name(store, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Conversion HS17-SITC4"
    sheet.append(["From HS", "To SITC"])
    sheet.append(["010121", "0015"])
    book.save(tmp_path / "conversion.xlsx")

    (load,) = load_classifications(store, [tmp_path / "conversion.xlsx"])

    assert load.edition == "HS2017"


@real_data
def test_the_unsd_tables_of_two_editions(store):
    (old,) = load_classifications(store, [HS2017_BOOK])
    assert (old.edition, old.rows) == ("HS2017", 5386)

    with pytest.raises(ClassificationError, match=r"is HS2022 but the store holds HS2017 \(from "):
        load_classifications(store, [HS2022_BOOK])
    (new,) = load_classifications(store, [HS2022_BOOK], replace=True)

    assert (new.edition, new.rows, new.overrides_applied) == ("HS2022", 5611, 4)
    assert (new.replaced, new.replaced_rows) == ("HS2017", 5386)
    assert editions(store) == [("HS2022", 5611)]
    # Still one SITC code per commodity, as the compute layer reads it.
    assert store.scalar("SELECT count(DISTINCT commodity) FROM commodity_sitc") == 5611
    # 8524 (flat panel display modules) is new in HS2022.
    assert store.scalar("SELECT sitc FROM commodity_sitc WHERE commodity = '852411'") == "87193"


@real_data
def test_the_unsd_csv_tables_name_their_edition_in_the_header(store):
    loads = load_classifications(
        store, [UNSD / "hs2022_to_sitc4_conversion.csv", UNSD / "classificationH6.json"]
    )

    assert [(x.kind, x.edition, x.rows) for x in loads] == [
        ("un_hs_sitc", "HS2022", 5611),
        ("hs_names", "HS2022", 6939),
    ]
