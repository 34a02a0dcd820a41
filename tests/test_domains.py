"""Cell keys stored as dictionary codes: widened by loads, invisible to readers."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from entrepot.errors import EntrepotError
from entrepot.ingest import ingest
from entrepot.store import Store, loads
from entrepot.store.domains import CODED, enum_type, widen
from entrepot.store.migrations import MIGRATIONS, SCHEMA_VERSION

RECORDS = Path(__file__).parent / "data" / "records"
HEADER = "period,flow,commodity,partner,consignment,origin,mode,value,quantity,unit\n"


def column_types(store: Store) -> dict[str, str]:
    return dict(
        store.query(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'cells'"
        )
    )


def domain(store: Store, column: str) -> list[str]:
    return list(store.scalar(f"SELECT enum_range({column}) FROM cells LIMIT 1"))


def write(path: Path, *lines: str) -> Path:
    path.write_text(HEADER + "".join(line + "\n" for line in lines))
    return path


def test_a_new_store_keeps_text_until_values_arrive(store: Store) -> None:
    assert all(column_types(store)[c] == "VARCHAR" for c in CODED)


def test_a_load_codes_every_key_column_with_its_sorted_values(store: Store) -> None:
    ingest(store, [RECORDS / "small.csv"])
    types = column_types(store)
    assert all(types[c].startswith("ENUM(") for c in CODED)
    assert types["period"] == "INTEGER"
    assert domain(store, "flow") == ["domestic_exports", "imports", "re_exports"]
    held = [r[0] for r in store.query("SELECT DISTINCT commodity FROM cells ORDER BY 1")]
    assert domain(store, "commodity") == held
    assert domain(store, "unit") == sorted(
        r[0] for r in store.query("SELECT DISTINCT unit FROM cells WHERE unit IS NOT NULL")
    )


def test_new_values_widen_the_domain_and_keep_what_is_stored(store: Store, tmp_path: Path) -> None:
    first = write(
        tmp_path / "a.csv",
        "2025-01,imports,85423190,CHN,CHN,,land,100,1,NO.",
        "2025-01,imports,61091000,USA,USA,,sea,50,2,PCS",
    )
    second = write(
        tmp_path / "b.csv",
        "2025-02,imports,01012100,AUS,AUS,,air,70,3,KG",
    )
    ingest(store, [first])
    assert domain(store, "commodity") == ["61091000", "85423190"]
    before = store.query("SELECT * FROM cells ORDER BY value")
    ingest(store, [second])
    assert domain(store, "commodity") == ["01012100", "61091000", "85423190"]
    assert domain(store, "partner") == ["AUS", "CHN", "USA"]
    assert domain(store, "unit") == ["KG", "NO.", "PCS"]
    assert store.query("SELECT * FROM cells WHERE period = 202501 ORDER BY value") == before


def test_history_is_coded_like_the_cells(store: Store, tmp_path: Path) -> None:
    """What a replace archives keeps its codes: history costs codes, not text."""
    first = write(
        tmp_path / "a.csv",
        "2025-01,imports,85423190,CHN,CHN,,land,100,1,NO.",
        "2025-01,imports,61091000,USA,USA,,sea,50,2,PCS",
    )
    revised = write(
        tmp_path / "b.csv",
        "2025-01,imports,85423190,CHN,CHN,,land,90,1,NO.",
        "2025-01,imports,01012100,AUS,AUS,,air,70,3,KG",
    )
    ingest(store, [first])
    ingest(store, [revised], force=True)
    types = {
        (table, column): kind
        for table, column, kind in store.query(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE table_name IN ('cells', 'cells_archive', 'records')"
        )
    }
    for column in CODED:  # origin, never given, stays text in all three
        assert types["cells", column].startswith("ENUM(") == (column != "origin")
        assert types["cells_archive", column] == types["cells", column]
        assert types["records", column] == types["cells", column]
    assert store.query("SELECT commodity::VARCHAR, value FROM cells_archive ORDER BY value") == [
        ("61091000", 50.0),
        ("85423190", 100.0),
    ]
    assert domain(store, "commodity") == ["01012100", "61091000", "85423190"]


def test_codes_order_and_compare_as_text(store: Store, tmp_path: Path) -> None:
    ingest(
        store,
        [
            write(
                tmp_path / "a.csv",
                "2025-01,imports,85423190,CHN,,,land,1,1,NO.",
                "2025-01,imports,01012100,CHN,,,land,2,1,NO.",
            )
        ],
    )
    ingest(store, [write(tmp_path / "b.csv", "2025-02,imports,61091000,CHN,,,land,3,1,NO.")])
    ordered = [r[0] for r in store.query("SELECT commodity FROM cells ORDER BY commodity")]
    assert ordered == ["01012100", "61091000", "85423190"]
    assert store.query("SELECT commodity FROM cells WHERE commodity > '7'") == [("85423190",)]
    # A value the domain does not hold compares as text too: no conversion error.
    assert store.scalar("SELECT count(*) FROM cells WHERE flow = 'total_exports'") == 0
    assert store.scalar("SELECT count(*) FROM cells WHERE commodity LIKE '85%'") == 1


def test_a_failed_load_leaves_the_domain_as_it_was(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(store, [write(tmp_path / "a.csv", "2025-01,imports,85423190,CHN,,,land,1,1,NO.")])
    types = column_types(store)

    def fail(*args: object, **kwargs: object) -> None:
        # The load has widened the domains and stored its cells by now.
        assert domain(store, "commodity") == ["01012100", "85423190"]
        raise EntrepotError("load stopped on purpose")

    monkeypatch.setattr(loads, "record_load", fail)
    with pytest.raises(EntrepotError, match="stopped on purpose"):
        ingest(store, [write(tmp_path / "b.csv", "2025-02,imports,01012100,JPN,,,air,3,1,KG")])
    assert column_types(store) == types
    assert domain(store, "commodity") == ["85423190"]


def test_a_version_3_store_is_coded_on_open(tmp_path: Path) -> None:
    with Store(tmp_path / "new.duckdb") as store:
        ingest(store, [RECORDS / "small.csv"])
        expected = store.query("SELECT * FROM cells ORDER BY ALL")
    # A version 3 store: the first three migrations, and the same cells with text keys.
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    for steps in MIGRATIONS[:3]:
        for step in steps:
            con.execute(step) if isinstance(step, str) else step(con)
    con.execute("INSERT INTO meta VALUES ('schema_version', '3')")
    con.executemany(f"INSERT INTO cells VALUES ({', '.join('?' * len(expected[0]))})", expected)
    assert con.execute(
        "SELECT data_type FROM information_schema.columns WHERE "
        "table_name = 'cells' AND column_name = 'commodity'"
    ).fetchone() == ("VARCHAR",)
    con.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert column_types(store)["commodity"].startswith("ENUM(")
        assert store.query("SELECT * FROM cells ORDER BY ALL") == expected


def test_widen_without_news_recodes_nothing(store: Store) -> None:
    ingest(store, [RECORDS / "small.csv"])
    assert widen(store.con, "cells") == []


def test_enum_type_quotes_and_sorts() -> None:
    assert enum_type({"b", "a'c"}) == "ENUM('a''c', 'b')"


def test_widening_rolls_back_with_its_transaction(store: Store, tmp_path: Path) -> None:
    ingest(store, [write(tmp_path / "a.csv", "2025-01,imports,85423190,CHN,,,land,1,1,NO.")])
    store.con.execute("CREATE TEMP TABLE news AS SELECT '01012100' AS commodity")
    with pytest.raises(RuntimeError), store.transaction():
        assert widen(store.con, "news") == ["commodity"]
        raise RuntimeError("the load fails after recoding")
    assert domain(store, "commodity") == ["85423190"]
    assert store.query("SELECT commodity, value FROM cells") == [("85423190", 1.0)]
