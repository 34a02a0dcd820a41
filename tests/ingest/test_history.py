"""Loads that never lose data: load modes, the safeguards, revert and the store as of a load.

``small.csv`` holds eight records (ids A1–A4 for December 2024, B1–B4 for December 2025):
December 2025 imports are B3 (HK$2,100) and B4 (HK$900), HK$3,000 in all; the file totals
HK$8,220.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from entrepot.errors import InputError, LoadRefused, NotInStoreError
from entrepot.ingest import ingest
from entrepot.ingest.revert import revert
from entrepot.store import Store
from entrepot.store.history import load_as_of
from entrepot.store.loads import cells_as_of

RECORDS = Path(__file__).parents[1] / "data" / "records"
HEADER = "period,flow,commodity,partner,mode,value,quantity,unit,record_id\n"


def write(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows))
    return path


def imports_dec(store: Store, as_of: int | None = None) -> float:
    source = "cells" if as_of is None else cells_as_of(as_of)
    return float(
        store.scalar(
            f"SELECT coalesce(sum(value), 0) FROM {source} WHERE period = 202512 "
            "AND flow = 'imports'"
        )
    )


def total(store: Store) -> float:
    return float(store.scalar("SELECT coalesce(sum(value), 0) FROM cells"))


@pytest.fixture
def loaded(store: Store) -> Store:
    ingest(store, [RECORDS / "small.csv"])
    return store


def test_a_small_correction_cannot_wipe_a_month(loaded: Store, tmp_path: Path) -> None:
    fix = write(tmp_path / "fix.csv", "2025-12,imports,85423190,CHN,land,1000,10,NO.,")
    with pytest.raises(LoadRefused) as refused:
        ingest(loaded, [fix])
    message = str(refused.value)
    assert "2025-12 imports" in message and "HK$3,000 to HK$1,000 (-66.7%)" in message
    assert "--max-shrink 50%" in message and "--mode amend" in message and "--force" in message
    # Refused before writing: the store is as it was.
    assert (imports_dec(loaded), total(loaded), loaded.count("loads")) == (3000.0, 8220.0, 1)
    # A looser limit, or --force, replaces it.
    ingest(loaded, [fix], max_shrink=0.7)
    assert imports_dec(loaded) == 1000.0


def test_replace_from_a_load_with_rejected_rows_is_refused(loaded: Store, tmp_path: Path) -> None:
    bad = write(
        tmp_path / "bad.csv",
        "2025-12,imports,85423190,CHN,land,2500,25,NO.,",
        "2025-12,imports,84713000,TWN,by camel,900,3,NO.,",
    )
    with pytest.raises(LoadRefused, match=r"^1 rows were rejected, and replacing would store 1"):
        ingest(loaded, [bad])
    assert imports_dec(loaded) == 3000.0
    report = ingest(loaded, [bad], force=True)
    assert (report.rows_stored, report.rows_rejected) == (1, 1)
    assert imports_dec(loaded) == 2500.0


def test_append_adds_late_declarations(loaded: Store, tmp_path: Path) -> None:
    late = write(tmp_path / "late.csv", "2025-12,imports,85423190,CHN,land,400,4,NO.,L1")
    report = ingest(loaded, [late], mode="append")
    assert imports_dec(loaded) == 3400.0 and total(loaded) == 8620.0
    assert [(str(r.period), r.flow, r.old_value, r.new_value) for r in report.revisions] == [
        ("2025-12", "imports", 3000.0, 3400.0)
    ]
    assert loaded.scalar("SELECT mode FROM loads WHERE load_id = 2") == "append"


def test_amend_replaces_records_by_id(loaded: Store, tmp_path: Path) -> None:
    # B3 (HK$2,100, 20 units) becomes HK$2,200 and 22 units; C1 is new.
    fix = write(
        tmp_path / "amend.csv",
        "2025-12,imports,85423190,CHN,land,2200,22,NO.,B3",
        "2025-12,imports,84713000,TWN,air,50,1,NO.,C1",
    )
    ingest(loaded, [fix], mode="amend")
    assert imports_dec(loaded) == 900.0 + 2200.0 + 50.0
    cell = loaded.query(
        "SELECT sum(value), sum(quantity), sum(records) FROM cells WHERE period = 202512 "
        "AND flow = 'imports' AND commodity = '85423190'"
    )
    assert cell == [(2200.0, 22.0, 1)]
    # Amending again replaces the amendment, not the original.
    again = write(tmp_path / "again.csv", "2025-12,imports,85423190,CHN,land,2300,23,NO.,B3")
    ingest(loaded, [again], mode="amend")
    assert imports_dec(loaded) == 900.0 + 2300.0 + 50.0
    # Every other month and flow untouched.
    assert total(loaded) == 8220.0 - 2100.0 + 2300.0 + 50.0


def test_amend_keeps_the_rest_of_a_shared_cell(loaded: Store, tmp_path: Path) -> None:
    # A1 (1,000) and A2 (500) share a cell; amending A2 to 600 leaves A1's 1,000.
    fix = write(tmp_path / "a2.csv", "2024-12,re_exports,85423190,USA,air,600,6,NO.,A2")
    ingest(loaded, [fix], mode="amend")
    rows = loaded.query(
        "SELECT sum(value), sum(quantity), sum(records) FROM cells "
        "WHERE period = 202412 AND flow = 're_exports'"
    )
    assert rows == [(1600.0, 16.0, 2)]


def test_the_same_file_twice_is_refused(loaded: Store, tmp_path: Path) -> None:
    with pytest.raises(LoadRefused, match="which load 1 read: nothing new to load"):
        ingest(loaded, [RECORDS / "small.csv"])
    late = write(tmp_path / "late.csv", "2025-12,imports,85423190,CHN,land,400,4,NO.,")
    twin = tmp_path / "late2.csv"
    twin.write_bytes(late.read_bytes())
    with pytest.raises(LoadRefused, match=r"late\.csv has the same content as .*late2\.csv"):
        ingest(loaded, [twin, late], mode="append")
    assert loaded.count("loads") == 1 and total(loaded) == 8220.0


def test_revert_undoes_a_load_and_can_be_undone(loaded: Store, tmp_path: Path) -> None:
    fix = write(tmp_path / "fix.csv", "2025-12,imports,85423190,CHN,land,2500,25,NO.,")
    ingest(loaded, [fix])  # load 2 replaces December imports: 3,000 → 2,500
    assert imports_dec(loaded) == 2500.0
    undone = revert(loaded, 2)  # load 3
    assert (undone.load_id, undone.reverted) == (3, 2)
    assert [(str(r.period), r.flow, r.old_value, r.new_value) for r in undone.revisions] == [
        ("2025-12", "imports", 2500.0, 3000.0)
    ]
    assert imports_dec(loaded) == 3000.0 and total(loaded) == 8220.0
    assert loaded.query("SELECT mode, reverts FROM loads WHERE load_id = 3") == [("revert", 2)]
    with pytest.raises(InputError, match="Load 2 was reverted already, by load 3"):
        revert(loaded, 2)
    revert(loaded, 3)  # undo the undo: load 4
    assert imports_dec(loaded) == 2500.0
    # Nothing was deleted: the store after each load is still there.
    assert [imports_dec(loaded, as_of=n) for n in (1, 2, 3, 4)] == [3000, 2500, 3000, 2500]
    assert total(loaded) == 8220.0 - 3000.0 + 2500.0


def test_revert_refuses_while_a_later_load_holds_its_cells(loaded: Store, tmp_path: Path) -> None:
    ingest(loaded, [write(tmp_path / "a.csv", "2025-12,imports,85423190,CHN,land,2500,25,NO.,")])
    ingest(loaded, [write(tmp_path / "b.csv", "2025-12,imports,85423190,CHN,land,2400,24,NO.,")])
    with pytest.raises(InputError, match=r"Load 3 changed cells of load 2 \(2025-12 imports\)"):
        revert(loaded, 2)
    with pytest.raises(InputError, match="There is no load 9"):
        revert(loaded, 9)


def test_as_of_names_a_load_or_a_date(loaded: Store, tmp_path: Path) -> None:
    ingest(loaded, [write(tmp_path / "a.csv", "2025-12,imports,85423190,CHN,land,2500,25,NO.,")])
    assert load_as_of(loaded, "1") == 1
    assert load_as_of(loaded, "2999-01-01") == 2
    with pytest.raises(InputError, match="neither a load id nor a date"):
        load_as_of(loaded, "yesterday")
    with pytest.raises(NotInStoreError, match="No load had finished by 2000-01-01"):
        load_as_of(loaded, "2000-01-01")


def test_a_load_reports_each_phase_and_its_rows(store: Store) -> None:
    phases: list[str] = []
    read: list[tuple[float, int]] = []
    ingest(
        store,
        [RECORDS / "small.csv"],
        phase=phases.append,
        progress=lambda source, fraction, rows: read.append((fraction, rows)),
    )
    assert phases == [
        "hashing files",
        "reading and checking the rows",
        "summing 8 rows into cells",
        "listing the rejects",
        "writing 8 rows",
        "committing",
    ]
    assert read[-1] == (1.0, 8)
