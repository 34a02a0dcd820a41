"""The store's classification reads and writes (store/classifications.py), migration 5,
and DuckDB errors translated."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from entrepot.classifications import load_classifications, sitc_overrides
from entrepot.errors import StoreError
from entrepot.store import Store
from entrepot.store.classifications import (
    StoredOverride,
    classification_counts,
    classification_overrides,
    commodity_names,
)
from entrepot.store.migrations import MIGRATIONS, SCHEMA_VERSION


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def loaded(store: Store, tmp_path: Path) -> Store:
    load_classifications(
        store,
        [
            write(
                tmp_path,
                "commodities.csv",
                "commodity,sitc,name\n85423200,764,Memories\n85423300,764,Amplifiers\n"
                "85429000,77689,Parts\n",
            ),
            write(tmp_path, "sitc.csv", "code,level,name\n77,2,Electrical machinery\n"),
            write(tmp_path, "partners.csv", "code,name,region,area\nUSA,US,North America,\n"),
        ],
    )
    return store


def test_counts_of_each_table(loaded):
    assert classification_counts(loaded) == {
        "commodity_sitc": 3,
        "commodities": 3,
        "sitc": 1,
        "partners": 1,
        "partner_groups": 0,
        "modes": 5,
        "classification_overrides": 2,
    }


def test_overrides_applied_by_commodity(loaded):
    reasons = {o.commodity_prefix: o.reason for o in sitc_overrides()}

    assert classification_overrides(loaded) == [
        StoredOverride("85423200", "764", "77644", "commodities.csv", reasons["854232"]),
        StoredOverride("85423300", "764", "77646", "commodities.csv", reasons["854233"]),
    ]
    assert [o.commodity for o in classification_overrides(loaded, limit=1)] == ["85423200"]


def test_commodity_names_all_or_some(loaded):
    assert commodity_names(loaded) == {
        "85423200": "Memories",
        "85423300": "Amplifiers",
        "85429000": "Parts",
    }
    assert commodity_names(loaded, ["85429000", "99999999"]) == {"85429000": "Parts"}


def test_migration_5_keeps_the_stored_mapping(tmp_path):
    path = tmp_path / "v4.duckdb"
    con = duckdb.connect(str(path))
    for steps in MIGRATIONS[:4]:
        for step in steps:
            con.execute(step) if isinstance(step, str) else step(con)
    con.execute("INSERT INTO meta VALUES ('schema_version', '4')")
    con.execute("INSERT INTO commodity_sitc VALUES ('854232', '77644', 'old.csv')")
    con.close()

    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION >= 5
        assert store.query("SELECT * FROM commodity_sitc") == [("854232", "77644", "old.csv", None)]
        assert classification_counts(store)["commodities"] == 0
        assert classification_counts(store)["partner_groups"] == 0


def test_a_store_error_while_writing_is_one_line(store, tmp_path):
    store.con.execute("DROP TABLE commodities")
    path = write(tmp_path, "commodities.csv", "commodity,sitc,name\n85423200,764,Memories\n")

    with pytest.raises(StoreError) as info:
        load_classifications(store, [path])

    message = str(info.value)
    assert message.startswith("Writing commodities from commodities.csv failed (DuckDB): ")
    assert "\n" not in message
    assert store.count("commodity_sitc") == 0
