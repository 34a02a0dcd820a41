"""Loading the published tables, the HS 8542 overrides, hand-written tables and errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from entrepot.classifications import (
    KINDS,
    ClassificationLoad,
    load_classifications,
    sitc_overrides,
)
from entrepot.compute.classes import commodity_classes
from entrepot.errors import ClassificationError
from entrepot.store import Store

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
UNSD = SHARED / "unsd-hs-sitc-concordance"
CSD = SHARED / "csd-hk-trade-metadata"
HS2022_BOOK = UNSD / "HS2022toSITC4ConversionAndCorrelationTables.xlsx"
HS2017_BOOK = UNSD / "HS2017toSITC4ConversionAndCorrelationTables.xlsx"

real_data = pytest.mark.skipif(not SHARED.is_dir(), reason=f"reference data not at {SHARED}")

CLASSIFICATION_TABLES = (
    "commodity_sitc",
    "commodities",
    "sitc",
    "partners",
    "partner_groups",
    "classification_overrides",
)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def sitc_of(store: Store, commodity: str) -> str | None:
    return store.scalar("SELECT sitc FROM commodity_sitc WHERE commodity = ?", [commodity])


def classes(store: Store) -> dict[str, dict[str, Any]]:
    table = commodity_classes(
        store.ibis().table("commodity_sitc"), store.ibis().table("sitc")
    ).execute()
    return {row["commodity"]: row for row in table.to_dict("records")}


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    return {t: sorted(store.query(f"SELECT * FROM {t}"), key=str) for t in CLASSIFICATION_TABLES}


# -- the published tables --------------------------------------------------------------


@real_data
def test_unsd_hs2022_workbook_gets_integrated_circuits_back_into_division_77(store):
    (load,) = load_classifications(store, [HS2022_BOOK])

    assert load == ClassificationLoad(HS2022_BOOK, "un_hs_sitc", 5611, 4, edition="HS2022")
    assert store.query("SELECT * FROM commodity_sitc WHERE commodity = '854232'") == [
        ("854232", "77644", HS2022_BOOK.name, "HS2022")
    ]
    overrides = store.query(
        "SELECT commodity, published_sitc, sitc, source FROM classification_overrides "
        "ORDER BY commodity"
    )
    assert overrides == [
        ("854231", "776", "77642", HS2022_BOOK.name),
        ("854232", "764", "77644", HS2022_BOOK.name),
        ("854233", "764", "77646", HS2022_BOOK.name),
        ("854239", "776", "77649", HS2022_BOOK.name),
    ]
    found = classes(store)
    assert {c: found[c]["division"] for c in ("854231", "854232", "854233", "854239")} == {
        "854231": "77",
        "854232": "77",
        "854233": "77",
        "854239": "77",
    }
    assert found["854232"]["group"] == "776"
    assert sitc_of(store, "854290") == "77689"  # not overridden
    assert sitc_of(store, "010121") == "0015"  # leading zeros kept


@real_data
def test_override_codes_are_those_of_the_hs2017_table(store):
    (load,) = load_classifications(store, [HS2017_BOOK])

    assert (load.rows, load.overrides_applied) == (5386, 0)
    assert {o.commodity_prefix: sitc_of(store, o.commodity_prefix) for o in sitc_overrides()} == {
        "854231": "77642",
        "854232": "77644",
        "854233": "77646",
        "854239": "77649",
    }
    assert [o.sitc for o in sitc_overrides()] == ["77642", "77644", "77646", "77649"]
    assert store.count("classification_overrides") == 0


@real_data
def test_office_hkhs_table_keeps_published_codes_and_puts_8542_in_division_77(store):
    (load,) = load_classifications(store, [CSD / "csd_hkhs_to_sitc_conversion.csv"])

    assert (load.kind, load.rows, load.overrides_applied) == ("csd_hkhs_sitc", 7586, 0)
    assert sitc_of(store, "85423111") == "77642"
    assert sitc_of(store, "85423210") == "77644"
    assert sitc_of(store, "01012100") == "00150"  # subgroup 0015, padded by the office
    found = classes(store)
    assert found["01012100"]["group"] == "001"
    ics = {c: row["division"] for c, row in found.items() if c.startswith("8542")}
    assert len(ics) == 10
    assert set(ics.values()) == {"77"}


@real_data
def test_sitc_names_from_un_comtrade_json(store):
    (load,) = load_classifications(store, [UNSD / "classificationS4.json"])

    assert (load.kind, load.rows) == ("sitc_names", 4014)
    assert store.query("SELECT level, name FROM sitc WHERE code = '77'") == [
        (
            2,
            "Electrical machinery, apparatus and appliances, n.e.s., and electrical parts "
            "thereof (including non-electrical counterparts, n.e.s., of electrical "
            "household-type equipment)",
        )
    ]
    assert store.query("SELECT level, name FROM sitc WHERE code = '7764'") == [
        (4, "Electronic integrated circuits")
    ]
    assert store.query("SELECT level, count(*) FROM sitc GROUP BY 1 ORDER BY 1") == [
        (1, 10),
        (2, 67),
        (3, 262),
        (4, 1023),
        (5, 2652),
    ]


@real_data
def test_sitc_names_from_the_office_list(store):
    (load,) = load_classifications(store, [CSD / "csd_sitc_items.csv"])

    assert (load.kind, load.rows) == ("sitc_names", 3313)
    names = dict(store.query("SELECT code, name FROM sitc WHERE code IN ('77', '98')"))
    assert names == {
        "77": "ELECTRICAL MACHINERY, APPARATUS AND APPLIANCES, N.E.S., AND ELECTRICAL PARTS "
        "THEREOF",
        "98": "GOLD, MONETARY; GOLD COIN AND CURRENT COIN",
    }
    assert store.query("SELECT level FROM sitc WHERE code IN ('00150', '77642') ORDER BY code") == [
        (4,),
        (5,),
    ]


@real_data
def test_office_country_codes_with_areas(store):
    loads = load_classifications(
        store, [CSD / "area.csv", CSD / "areacnty.csv", CSD / "csd_country_codes.csv"]
    )

    assert [(load.kind, load.rows) for load in loads] == [
        ("csd_areas", 9),
        ("csd_areas", 208),
        ("csd_countries", 209),
    ]
    rows = store.query(
        "SELECT code, name, region, area FROM partners "
        "WHERE code IN ('111', '612', '631', '592', '644', '900') ORDER BY code"
    )
    assert rows == [
        ("111", "USA", "North America", "North America"),
        # Cyprus: under the Middle East header of the code list, in the Western Europe area.
        ("592", "CYPRUS", "Middle East", "Western Europe"),
        ("612", "TAIWAN", "Asia", "Asia"),
        ("631", "THE MAINLAND OF CHINA", "Asia", "Asia"),
        ("644", "IRAN, ISLAMIC REP", "Asia", "Middle East"),
        ("900", "COUNTRY UNKNOWN", "Unknown", None),
    ]
    assert store.scalar("SELECT count(*) FROM partners WHERE length(code) <> 3") == 0


@real_data
def test_iso_countries_get_trade_regions(store):
    (load,) = load_classifications(store, [SHARED / "country-codes" / "country-codes.csv"])

    assert (load.kind, load.rows) == ("iso_countries", 249)
    rows = store.query(
        "SELECT code, name, region FROM partners "
        "WHERE code IN ('USA', 'TWN', 'HKG', 'CYP', 'IRN', 'MEX', 'EST', 'ATA') ORDER BY code"
    )
    assert rows == [
        ("ATA", "Antarctica", None),
        ("CYP", "Cyprus", "Western Europe"),
        ("EST", "Estonia", "Eastern Europe"),
        ("HKG", "Hong Kong", "Asia"),
        ("IRN", "Iran", "Middle East"),
        ("MEX", "Mexico", "Latin America"),
        ("TWN", "Taiwan", "Asia"),
        ("USA", "US", "North America"),
    ]


@real_data
def test_a_directory_loads_every_recognised_file_in_name_order(store, tmp_path):
    tables = tmp_path / "hs2022"
    tables.mkdir()
    for name in (
        "HS2022toSITC4ConversionAndCorrelationTables.xlsx",
        "classificationH6.json",
        "classificationS4.json",
        "hs2022_to_sitc4_conversion.csv",
        "sitc4_codes.csv",
        "sitc4_divisions.csv",
    ):
        (tables / name).symlink_to(UNSD / name)
    (tables / "README.txt").write_text("not a table\n")

    loads = load_classifications(store, [tables])

    assert [(load.path.name, load.kind, load.edition) for load in loads] == [
        ("HS2022toSITC4ConversionAndCorrelationTables.xlsx", "un_hs_sitc", "HS2022"),
        ("classificationH6.json", "hs_names", "HS2022"),
        ("classificationS4.json", "sitc_names", None),
        ("hs2022_to_sitc4_conversion.csv", "un_hs_sitc", "HS2022"),
        ("sitc4_codes.csv", "sitc_names", None),
        ("sitc4_divisions.csv", "sitc_names", None),
    ]
    # The last HS2022 table loaded wins; its overrides are the ones recorded.
    assert store.query("SELECT DISTINCT source FROM classification_overrides") == [
        ("hs2022_to_sitc4_conversion.csv",)
    ]
    assert sitc_of(store, "854233") == "77646"


# -- small hand-written tables ---------------------------------------------------------


def test_workbook_header_below_row_one_and_numeric_hs_codes(store, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Conversion HS22-SITC4"
    sheet.append(["Conversion table, HS 2022 to SITC Rev. 4"])
    sheet.append([])
    sheet.append(["From HS 2022", "To SITC Rev. 4"])
    sheet.append([10121, "0015"])  # a number: Excel dropped the leading zero
    sheet.append(["854232", "764"])
    path = tmp_path / "conversion.xlsx"
    book.save(path)

    (load,) = load_classifications(store, [path])

    assert (load.kind, load.rows, load.overrides_applied) == ("un_hs_sitc", 2, 1)
    assert store.query("SELECT commodity, sitc FROM commodity_sitc ORDER BY 1") == [
        ("010121", "0015"),
        ("854232", "77644"),
    ]


def test_entrepot_csvs_and_overrides_on_them(store, tmp_path):
    paths = [
        write(tmp_path, "commodities.csv", "commodity,sitc,name\n85423200,764,Memories\n"),
        write(tmp_path, "sitc.csv", "code,level,name\n77,2,Electrical machinery\n"),
        write(tmp_path, "partners.csv", "code,name,region,area\nUSA,US,North America,\n"),
    ]

    loads = load_classifications(store, paths)

    assert [(x.kind, x.rows, x.overrides_applied) for x in loads] == [
        ("entrepot", 1, 1),
        ("entrepot", 1, 0),
        ("entrepot", 1, 0),
    ]
    assert sitc_of(store, "85423200") == "77644"
    assert store.query("SELECT * FROM sitc") == [("77", 2, "Electrical machinery")]
    assert store.query("SELECT * FROM partners") == [
        ("USA", "US", "North America", None, "partners.csv")
    ]
    (reason,) = store.query("SELECT reason FROM classification_overrides")[0]
    assert reason == sitc_overrides()[1].reason


def test_reloading_a_file_replaces_its_rows_and_other_files_upsert(store, tmp_path):
    first = tmp_path / "a"
    second = tmp_path / "b"
    first.mkdir()
    second.mkdir()
    write(first, "commodities.csv", "commodity,sitc\n010121,0015\n854232,764\n")
    load_classifications(store, [first / "commodities.csv"])
    write(first, "commodities.csv", "commodity,sitc\n010121,0015\n")
    load_classifications(store, [first / "commodities.csv"])

    assert store.query("SELECT commodity FROM commodity_sitc") == [("010121",)]
    assert store.count("classification_overrides") == 0

    write(second, "hs.csv", "hs2022,sitc4\n010121,0016\n020110,01111\n")
    load_classifications(store, [second / "hs.csv"])

    assert store.query("SELECT * FROM commodity_sitc ORDER BY 1") == [
        ("010121", "0016", "hs.csv", "HS2022"),
        ("020110", "01111", "hs.csv", "HS2022"),
    ]


def test_areas_loaded_before_their_names(store, tmp_path):
    countries = write(
        tmp_path,
        "codes.csv",
        "Country Code,Region,Country Short Description\n"
        "6,1,ASIA\n1,1,NORTH AMERICA\n111,2,USA\n612,2,TAIWAN\n",
    )
    members = write(tmp_path, "areacnty.csv", "ACODE,CCODE,ADMIN_CODE\nAA23,A23,N\nA100,111,Y\n")
    names = write(tmp_path, "area.csv", "AREACODE,DESC\nA100,Area - NORTH AMERICA\n")

    load_classifications(store, [countries, members])
    assert store.query("SELECT code, region, area FROM partners ORDER BY 1") == [
        ("111", "North America", "A100"),
        ("612", "Asia", None),
    ]
    (load,) = load_classifications(store, [names])
    assert load == ClassificationLoad(names, "csd_areas", 1)
    assert store.scalar("SELECT area FROM partners WHERE code = '111'") == "North America"


# -- errors ------------------------------------------------------------------------------


def test_unrecognised_headers(store, tmp_path):
    path = write(tmp_path, "trade.csv", "a,b\n1,2\n")

    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [path])

    assert str(info.value) == (
        "classifications: trade.csv is not a classification table entrepot recognises "
        "(headers seen: a, b). Known kinds and their headers: "
        "un_hs_sitc: 'From HS …','To SITC …' (sheet 'Conversion …') or 'hs2022,sitc4'; "
        "csd_hkhs_sitc: 'HS Code,SITC Code,Count'; "
        "hs_names: classificationH5.json/classificationH6.json (UN Comtrade) or "
        "'section,hscode,description,parent,level'; "
        "csd_hkhs_items: 'HS_Code,HS_Code_Level,HS_English_Description,…,Unit'; "
        "sitc_names: classificationS4.json, 'code,digits,parent,description', "
        "'division,section,section_name,division_name' or "
        "'SITC_Code,SITC_Code_Level,SITC_English_Description'; "
        "csd_countries: 'Country Code,Region,Country Short Description'; "
        "csd_areas: 'AREACODE,DESC' or 'ACODE,CCODE' (areas); 'REGCODE,DESC' or "
        "'RCODE,CCODE' (regional groupings); "
        "iso_countries: 'ISO3166-1-Alpha-3,CLDR display name,Region Name,Sub-region Name' "
        "or 'name,alpha-3,region,sub-region'; "
        "hs_correlation: 'HS2022,HS2017,Relationship' (UNSD's HS2022toHS2017 correlation "
        "sheet); "
        "entrepot: 'commodity,sitc[,name]', 'code,level,name' or 'code,name,region,area'."
    )
    assert all(kind in str(info.value) for kind in KINDS)


def test_forced_kind_that_does_not_fit(store, tmp_path):
    path = write(tmp_path, "trade.csv", "a,b\n1,2\n")

    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [path], kind="csd_areas")

    assert str(info.value) == (
        "classifications: trade.csv is not a table of kind csd_areas (headers seen: a, b); "
        "expected 'AREACODE,DESC' or 'ACODE,CCODE' (areas); 'REGCODE,DESC' or 'RCODE,CCODE' "
        "(regional groupings)."
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "hs2022_to_sitc4.csv",
            "hs2022,sitc4\n010121,0015\nX,Y\n",
            "hs2022_to_sitc4.csv line 3: HS code 'X' is not 6 digits",
        ),
        (
            "hs2022_to_sitc4.csv",
            "hs2022,sitc4\n010121,0015\n010129,X12\n",
            "hs2022_to_sitc4.csv line 3: SITC code 'X12' is not 1 to 5 digits",
        ),
        (
            "hs2022_to_sitc4.csv",
            "hs2022,sitc4\n010121,0015\n010121,0016\n",
            "hs2022_to_sitc4.csv line 3: commodity '010121' appears again with '0016' "
            "(hs2022_to_sitc4.csv line 2 has '0015')",
        ),
        (
            "hkhs.csv",
            "HS Code,SITC Code,Count\n8542311,77642,3\n",
            "hkhs.csv line 2: HKHS code '8542311' is not 8 digits",
        ),
        (
            "partners.csv",
            "code,name,region\n111,USA,North America\n",
            "partners.csv line 1: missing column 'area'; entrepot's partners.csv has columns "
            "code,name,region,area (found code,name,region)",
        ),
        (
            "sitc.csv",
            "code,level,name\n77,two,Electrical\n",
            "sitc.csv line 2: level 'two' is not 1 to 5",
        ),
        (
            "commodities.csv",
            "commodity,sitc\n8542,776\n",
            "commodities.csv line 2: commodity code '8542' is not 6 or 8 digits",
        ),
        (
            "countries.csv",
            "Country Code,Region,Country Short Description\n1,1,NORTH AMERICA\n612,2,TAIWAN\n",
            "countries.csv line 3: country 612 has no area header row (Region 1) with code 6; "
            "headers: 1",
        ),
    ],
)
def test_bad_rows_name_file_line_and_field(store, tmp_path, name, text, message):
    path = write(tmp_path, name, text)

    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [path])

    assert str(info.value) == f"classifications: {message}"


def test_sitc_code_stored_as_a_number_in_a_workbook(store, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Conversion HS22-SITC4"
    sheet.append(["From HS 2022", "To SITC Rev. 4"])
    sheet.append(["010121", 15])
    path = tmp_path / "numbers.xlsx"
    book.save(path)

    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [path])

    assert str(info.value) == (
        "classifications: numbers.xlsx sheet 'Conversion HS22-SITC4' row 2: SITC code 15 is "
        "stored as a number, which loses leading zeros; store the column as text"
    )


def test_directory_without_classification_tables(store, tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    write(tables, "notes.csv", "a,b\n")

    with pytest.raises(ClassificationError) as info:
        load_classifications(store, [tables])

    assert str(info.value) == (
        f"classifications: directory {tables} holds no classification table entrepot "
        f"recognises (looked at: notes.csv). Known kinds: {', '.join(KINDS)}."
    )


def test_unknown_kind(store, tmp_path):
    with pytest.raises(ClassificationError, match=r"unknown kind 'hs'; kinds are un_hs_sitc, "):
        load_classifications(store, [tmp_path], kind="hs")


def test_a_bad_second_file_leaves_the_store_unchanged(store, tmp_path):
    write(tmp_path, "partners.csv", "code,name,region,area\n111,USA,North America,\n")
    load_classifications(store, [tmp_path / "partners.csv"])
    before = snapshot(store)

    good = write(tmp_path, "hs.csv", "hs2022,sitc4\n854232,764\n")
    names = write(tmp_path, "sitc.csv", "code,level,name\n77,2,Electrical\n")
    bad = write(tmp_path, "commodities.csv", "commodity,sitc\n010121,X12\n")
    with pytest.raises(ClassificationError, match=r"commodities\.csv line 2"):
        load_classifications(store, [good, names, bad])

    assert snapshot(store) == before


def test_a_failure_while_writing_rolls_back(store, tmp_path, monkeypatch):
    good = write(tmp_path, "hs.csv", "hs2022,sitc4\n854232,764\n")
    names = write(tmp_path, "sitc.csv", "code,level,name\n77,2,Electrical\n")
    before = snapshot(store)
    import entrepot.classifications.load as module

    real = module._write
    calls: list[Path] = []

    def failing(con: Any, parsed: Any, context: Any) -> ClassificationLoad:
        calls.append(parsed.path)
        if len(calls) == 2:
            raise ClassificationError("disk full")
        return real(con, parsed, context)

    monkeypatch.setattr(module, "_write", failing)
    with pytest.raises(ClassificationError, match="disk full"):
        load_classifications(store, [good, names])

    assert calls == [good, names]
    assert snapshot(store) == before
