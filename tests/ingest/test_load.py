from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from entrepot.errors import EntrepotError, MappingError, SourceError, StoreError
from entrepot.ingest import ingest, load
from entrepot.ingest.checks import RULE_NAMES
from entrepot.ingest.readers import open_source
from entrepot.schema import CELL_KEY
from entrepot.store import Store, loads

RECORDS = Path(__file__).parents[1] / "data" / "records"
BAD = RECORDS / "bad"
AUDITED = ("cells", "loads", "rejects", "revisions")


def cells(store: Store) -> pd.DataFrame:
    return store.con.execute(
        "SELECT * EXCLUDE (load_id) FROM cells ORDER BY period, flow, commodity, partner"
    ).df()


def test_csv_becomes_monthly_cells(store: Store) -> None:
    report = ingest(store, [RECORDS / "small.csv"])
    assert (report.rows_read, report.rows_stored, report.rows_rejected) == (8, 8, 0)
    got = cells(store)
    # The two December 2024 re-export lines share a cell: values and quantities add up.
    rx = got[(got.period == 202412) & (got.flow == "re_exports")].iloc[0]
    assert (rx.value, rx.quantity, rx.net_weight, rx.records) == (1500.0, 15.0, 2.0, 2)
    assert (rx["origin"], rx["mode"], rx["unit"]) == ("CHN", "air", "NO.")
    assert report.cells == 7 and report.value == 8220.0
    assert store.scalar("SELECT sum(value) FROM cells") == 8220.0


def test_parquet_and_excel_load_the_same_cells(store: Store, tmp_path: Path) -> None:
    frame = pd.read_csv(RECORDS / "small.csv", dtype=str, keep_default_na=False)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "r.parquet")
    numeric = frame.copy()
    for col in ("value", "quantity", "net_weight"):
        numeric[col] = pd.to_numeric(numeric[col])
    numeric.to_excel(tmp_path / "r.xlsx", index=False)
    ingest(store, [RECORDS / "small.csv"])
    expected = cells(store)
    for name in ("r.parquet", "r.xlsx"):
        other = Store(tmp_path / f"{name}.duckdb")
        ingest(other, [tmp_path / name])
        pd.testing.assert_frame_equal(cells(other), expected)
        other.close()


def test_parquet_with_numeric_columns(store: Store, tmp_path: Path) -> None:
    table = pa.table(
        {
            "period": ["2025-01"],
            "flow": ["imports"],
            "commodity": ["01012100"],
            "partner": ["AUS"],
            "value": [1234.0],
            "quantity": [2],
            "unit": ["NO."],
        }
    )
    pq.write_table(table, tmp_path / "n.parquet")
    report = ingest(store, [tmp_path / "n.parquet"])
    assert report.rows_stored == 1
    assert store.query("SELECT commodity, value, quantity FROM cells") == [
        ("01012100", 1234.0, 2.0)
    ]


def test_parquet_read_by_duckdb_shares_cells_and_numbering_with_other_files(
    store: Store, tmp_path: Path
) -> None:
    # A CSV file is streamed by its reader; a Parquet file of plain types is read by
    # DuckDB in the same query. Rows of both add up in one cell, and rejects come in the
    # order the files were named, each with its own line.
    parquet = tmp_path / "late.parquet"
    table = pa.table(
        {
            "period": ["2025-12", "2025-12", "2025-12"],
            "flow": ["re_exports", "imports", "exports?"],
            "commodity": ["85423190"] * 3,
            "partner": ["USA", "USA", "USA"],
            "origin": ["CHN", None, None],
            "mode": ["air", "sea", "sea"],
            "value": [250.0, -5.0, 7.0],
            "quantity": pa.array([2, 1, 1], pa.int32()),
            "unit": ["NO."] * 3,
            "net_weight": [0.25, 1.0, 1.0],
        }
    )
    pq.write_table(table, parquet)
    seen: dict[str, tuple[float, int]] = {}
    report = ingest(
        store,
        [BAD / "negative_value.csv", parquet],
        progress=lambda source, fraction, rows: seen.__setitem__(
            source.path.name, (fraction, rows)
        ),
    )
    assert (report.rows_read, report.rows_stored, report.rows_rejected) == (5, 2, 3)
    assert [(Path(r.file).name, r.line, r.field, r.value, r.rule) for r in report.rejects] == [
        ("negative_value.csv", 3, "value", "-500", "negative_value"),
        ("late.parquet", 2, "value", "-5.0", "negative_value"),
        ("late.parquet", 3, "flow", "exports?", "unknown_flow"),
    ]
    assert store.query(
        "SELECT flow, value, quantity, net_weight, records FROM cells WHERE period = 202512"
    ) == [("re_exports", 1250.0, 12.0, 1.75, 2)]
    assert seen == {"negative_value.csv": (1.0, 2), "late.parquet": (1.0, 3)}


def test_fields_no_file_has_are_null_in_every_cell(store: Store, tmp_path: Path) -> None:
    # Staging groups only by the fields some file has a column for: a CSV file without
    # origin, consignment, mode or unit columns, read with a Parquet file holding origin
    # and mode but no consignment or unit, stores each cell's own keys.
    text = "period,flow,commodity,partner,value\n" + "2025-12,imports,85423190,USA,100\n" * 2
    (tmp_path / "bare.csv").write_text(text)
    parquet = tmp_path / "origins.parquet"
    pq.write_table(
        pa.table(
            {
                "period": ["2025-12"] * 3,
                "flow": ["imports"] * 3,
                "commodity": ["85423190"] * 3,
                "partner": ["USA"] * 3,
                "origin": ["CHN", None, "CHN"],
                "mode": ["air", "air", "sea"],
                "value": [1.0, 2.0, 4.0],
            }
        ),
        parquet,
    )
    csv_source = open_source(tmp_path / "bare.csv")
    assert csv_source.fields() == {"period", "flow", "commodity", "partner", "value"}
    assert load._grouped_by(load._held([csv_source.fields()])) == [
        "_single",
        "_ok",
        "n_period",
        "n_flow",
        "n_commodity",
        "n_partner",
    ]
    assert load._grouped_by(load._held([csv_source.fields(), None]))[2:] == [
        f"n_{name}" for name in CELL_KEY
    ]
    report = ingest(store, [tmp_path / "bare.csv", parquet])
    assert (report.rows_stored, report.cells) == (5, 4)
    assert store.query(
        "SELECT origin, consignment, mode, unit, value, records FROM cells ORDER BY value"
    ) == [
        ("CHN", None, "air", None, 1.0, 1),
        (None, None, "air", None, 2.0, 1),
        ("CHN", None, "sea", None, 4.0, 1),
        (None, None, None, None, 200.0, 2),
    ]


def test_parquet_numbers_are_read_as_numbers_and_shown_as_text_when_rejected(
    store: Store, tmp_path: Path
) -> None:
    # Doubles and integers are summed as read; NaN and infinities are no number; a
    # missing quantity without a unit is allowed; a float32 is read as its text (0.1, not
    # the double nearest the float32); a rejected row shows each number as text.
    parquet = tmp_path / "typed.parquet"
    n = 7
    pq.write_table(
        pa.table(
            {
                "period": ["2025-11"] * n,
                "flow": ["imports"] * n,
                "commodity": ["85423190"] * n,
                "partner": ["USA"] * n,
                "value": [0.1, 0.2, float("nan"), float("inf"), -0.0, 1e-7, 2.5],
                "quantity": pa.array([3, None, 1, 1, 4, 5, -6], pa.int64()),
                "unit": ["NO.", None, "NO.", "NO.", "NO.", "NO.", "NO."],
                "net_weight": pa.array([0.1, 0.1, 1, 1, 1, 1, 1], pa.float32()),
            }
        ),
        parquet,
    )
    report = ingest(store, [parquet])
    assert (report.rows_read, report.rows_stored, report.rows_rejected) == (7, 4, 3)
    assert [(r.line, r.field, r.value, r.rule) for r in report.rejects] == [
        (3, "value", "nan", "non_numeric_value"),
        (4, "value", "inf", "non_numeric_value"),
        (7, "quantity", "-6", "negative_quantity"),
    ]
    assert store.query(
        "SELECT unit, value, quantity, net_weight, records FROM cells ORDER BY unit"
    ) == [("NO.", 0.1 + 0.0 + 1e-7, 12.0, 0.1 + 1.0 + 1.0, 3), (None, 0.2, None, 0.1, 1)]


@pytest.mark.parametrize("rule", sorted(p.stem for p in BAD.glob("*.csv")))
def test_each_rule_rejects_its_bad_row(store: Store, rule: str) -> None:
    report = ingest(store, [BAD / f"{rule}.csv"])
    # Line 2 is good, line 3 breaks exactly the rule the file is named after.
    assert (report.rows_read, report.rows_stored, report.rows_rejected) == (2, 1, 1)
    assert [(r.line, r.rule) for r in report.rejects] == [(3, rule)]
    assert store.query("SELECT line, rule FROM rejects") == [(3, rule)]
    assert store.count("cells") == 1


def test_every_rule_has_a_bad_input_file() -> None:
    untested = set(RULE_NAMES) - {p.stem for p in BAD.glob("*.csv")}
    # Rules checked elsewhere: unreadable records come from fixed-width files, the
    # remaining missing_* rules share one implementation with missing_partner/value.
    assert untested == {
        "unreadable_record",
        "missing_period",
        "missing_flow",
        "missing_commodity",
        "malformed_consignment",
        "malformed_origin",
        "non_numeric_net_weight",
    }


def test_reject_messages_name_file_line_field_and_expectation(store: Store) -> None:
    report = ingest(store, [BAD / "unknown_flow.csv"])
    (r,) = report.rejects
    assert (Path(r.file).name, r.line, r.field, r.value) == (
        "unknown_flow.csv",
        3,
        "flow",
        "exports",
    )
    assert r.reason == "is not a known flow: expected one of imports, domestic_exports, re_exports"


def test_rows_in_equal_rows_stored_plus_rejected(store: Store, tmp_path: Path) -> None:
    files = sorted(BAD.glob("*.csv"))
    merged = tmp_path / "all.csv"
    lines = [files[0].read_text().splitlines()[0]]
    for f in files:
        lines += f.read_text().splitlines()[1:]
    merged.write_text("\n".join(lines) + "\n")
    report = ingest(store, [merged])
    assert report.rows_read == 2 * len(files)
    assert report.balanced
    assert report.rows_stored == store.scalar("SELECT sum(records) FROM cells")
    assert report.rows_rejected == store.scalar("SELECT count(DISTINCT line) FROM rejects")


def test_strict_stores_nothing_but_keeps_rejects(store: Store) -> None:
    report = ingest(store, [BAD / "negative_value.csv"], strict=True)
    # The good row is withheld and counted among the rejected: the load balances.
    assert (report.rows_read, report.rows_stored, report.rows_rejected) == (2, 0, 2)
    assert report.withheld == 1 and report.balanced
    assert store.query("SELECT rows_read, rows_stored, rows_rejected FROM loads") == [(2, 0, 2)]
    assert store.count("cells") == 0
    assert store.count("rejects") == 1


def stop_after_batches(monkeypatch: pytest.MonkeyPatch, batches: int) -> None:
    """Make the next load fail when it has staged ``batches`` batches."""
    stage = load._numbered
    staged: list[int] = []

    def stage_then_stop(*args: Any) -> pa.RecordBatch:
        if len(staged) == batches:
            raise EntrepotError(f"load stopped on purpose after {batches} batch(es)")
        staged.append(1)
        return stage(*args)

    monkeypatch.setattr(load, "_numbered", stage_then_stop)


def test_failed_load_leaves_store_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.duckdb"
    with Store(path) as store:
        ingest(store, [RECORDS / "small.csv"])
    before = path.read_bytes()
    # A second load of two files fails while reading the second one.
    stop_after_batches(monkeypatch, 1)
    with Store(path) as store, pytest.raises(EntrepotError, match="stopped on purpose"):
        ingest(store, [RECORDS / "small.csv", BAD / "unknown_flow.csv"], force=True)
    assert path.read_bytes() == before


def test_load_failing_midway_through_its_transaction_leaves_store_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.duckdb"
    with Store(path) as store:
        ingest(store, [RECORDS / "small.csv"])
        tables = {t: store.query(f"SELECT * FROM {t} ORDER BY ALL") for t in AUDITED}
    before = path.read_bytes()

    def broken(con: duckdb.DuckDBPyConnection, *args: Any, **kwargs: Any) -> None:
        # By now the cells are replaced and the revisions and rejects recorded.
        assert con.execute("SELECT count(*) FROM revisions").fetchone() != (0,)
        con.execute("INSERT INTO loads VALUES ('not a load id')")

    monkeypatch.setattr(loads, "record_load", broken)
    with (
        Store(path) as store,
        pytest.raises(StoreError, match=r"Load into .*store\.duckdb \(rolled back\) failed"),
    ):
        ingest(store, [RECORDS / "small.csv", BAD / "unknown_flow.csv"], force=True)
    with Store(path) as store:
        assert {t: store.query(f"SELECT * FROM {t} ORDER BY ALL") for t in AUDITED} == tables
    assert path.read_bytes() == before


def test_unreadable_file_fails_before_anything_is_written(store: Store, tmp_path: Path) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet at all")
    with pytest.raises(SourceError, match=r"broken\.parquet: cannot read as Parquet"):
        ingest(store, [RECORDS / "small.csv", broken])
    assert store.count("cells") == 0 and store.count("loads") == 0


def test_reloading_a_period_replaces_it_and_records_a_revision(
    store: Store, tmp_path: Path
) -> None:
    ingest(store, [RECORDS / "small.csv"])
    revised = tmp_path / "revised.csv"
    revised.write_text(
        "period,flow,commodity,partner,mode,value,quantity,unit\n"
        "2025-12,imports,85423190,CHN,land,2500,25,NO.\n"
    )
    report = ingest(store, [revised])
    assert [
        (str(r.period), r.flow, r.old_value, r.new_value, r.old_cells, r.new_cells)
        for r in report.revisions
    ] == [("2025-12", "imports", 3000.0, 2500.0, 2, 1)]
    assert store.query(
        "SELECT period, flow, old_load_id, load_id, old_value, new_value FROM revisions"
    ) == [(202512, "imports", 1, 2, 3000.0, 2500.0)]
    # Only December 2025 imports changed; nothing else was touched or duplicated.
    assert (
        store.scalar("SELECT sum(value) FROM cells WHERE period = 202512 AND flow = 'imports'")
        == 2500.0
    )
    assert store.scalar("SELECT sum(value) FROM cells") == 8220.0 - 3000.0 + 2500.0
    # The same file again (forced): a revision with equal totals, never a duplicate.
    ingest(store, [revised], force=True)
    assert (
        store.scalar("SELECT sum(value) FROM cells WHERE period = 202512 AND flow = 'imports'")
        == 2500.0
    )
    assert store.count("revisions") == 2


def test_map_renames_source_columns(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "mapped.csv"
    src.write_text("month,trade,hs,dest,hkd\n2025-12,re-exports,85423190,USA,100\n")
    report = ingest(
        store,
        [src],
        mapping={
            "month": "period",
            "trade": "flow",
            "hs": "commodity",
            "dest": "partner",
            "hkd": "value",
        },
    )
    assert report.rows_stored == 1
    assert store.query("SELECT period, flow, partner, value FROM cells") == [
        (202512, "re_exports", "USA", 100.0)
    ]


def test_missing_required_column_names_what_exists(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "nocol.csv"
    src.write_text("period,flow,hs,partner,value\n2025-12,imports,85423190,USA,1\n")
    with pytest.raises(SourceError) as info:
        ingest(store, [src])
    assert str(info.value) == (
        f"{src}: required column(s) commodity not found. Existing columns: period, flow, hs, "
        "partner, value. Name the matching column with --map COLUMN=FIELD (e.g. --map hs=commodity)."
    )


def test_map_to_unknown_field_or_column(store: Store) -> None:
    with pytest.raises(MappingError, match="field 'hs_code', which does not exist"):
        ingest(store, [RECORDS / "small.csv"], mapping={"commodity": "hs_code"})
    with pytest.raises(MappingError, match="column 'hs', which is not in the file"):
        ingest(store, [RECORDS / "small.csv"], mapping={"hs": "commodity"})


def test_unknown_file_type(store: Store, tmp_path: Path) -> None:
    odd = tmp_path / "records.xml"
    odd.write_text("<records/>")
    with pytest.raises(SourceError, match=r"unknown file type '\.xml'"):
        ingest(store, [odd])
    # JSON is read from UN Comtrade only.
    other = tmp_path / "records.json"
    other.write_text("{}")
    with pytest.raises(SourceError, match=r"records\.json: not a UN Comtrade JSON file"):
        ingest(store, [other])


def test_rejects_stay_with_their_load(store: Store, tmp_path: Path) -> None:
    copy = tmp_path / "again.csv"
    shutil.copy(BAD / "unknown_mode.csv", copy)
    ingest(store, [BAD / "unknown_mode.csv"])
    ingest(store, [copy], force=True)
    assert store.query("SELECT load_id, count(*) FROM rejects GROUP BY 1 ORDER BY 1") == [
        (1, 1),
        (2, 1),
    ]


CSD = Path(__file__).parents[1] / "data" / "csd" / "202512"


def test_office_files_load_together_without_double_counting(store: Store) -> None:
    files = [CSD / "HSCCIT.DAT", CSD / "HSCOIT.DAT", CSD / "HSCOCCIT.DAT"]
    report = ingest(store, files)
    # The 18-digit value on line 4 (HK$1.2e17) is beyond any record's plausible value.
    assert [(r.line, r.rule) for r in report.rejects] == [(4, "value_out_of_range")]
    assert report.balanced
    # HSCOIT supersedes HSCCIT's imports, HSCOCCIT its re-exports.
    assert report.superseded == {str(CSD / "HSCCIT.DAT"): ["imports", "re_exports"]}
    totals = dict(store.query("SELECT flow, sum(value) FROM cells GROUP BY 1"))
    assert totals == {
        "imports": 1000.0 + 500.0 + 0.0,
        "re_exports": 2000.0 + 500.0,
        "domestic_exports": 700.0,
    }
    assert store.query(
        "SELECT period, partner, origin, value, quantity FROM cells "
        "WHERE flow = 're_exports' ORDER BY origin"
    ) == [(202512, "631", "612", 2000.0, 25.0), (202512, "631", "900", 500.0, 5.0)]


def test_office_file_alone_loads_every_flow(store: Store) -> None:
    report = ingest(store, [CSD / "HSCCIT.DAT"])
    assert report.superseded == {}
    assert dict(store.query("SELECT flow, sum(value) FROM cells GROUP BY 1"))["imports"] == 1500.0
    assert store.query(
        "SELECT partner, consignment FROM cells WHERE flow = 'imports' AND commodity = '85423190'"
    ) == [("631", "631")]


def test_unreadable_fixed_width_line_is_rejected_with_its_reason(
    store: Store, tmp_path: Path
) -> None:
    good = (CSD / "HSCOIT.DAT").read_text().splitlines()
    bad = tmp_path / "HSCOIT_202512.DAT"
    bad.write_text("\n".join([good[0], good[1][:60], "2" + good[0][1:]]) + "\n")
    report = ingest(store, [bad])
    assert (report.rows_read, report.rows_stored, report.rows_rejected) == (3, 1, 2)
    assert [(r.line, r.rule) for r in report.rejects] == [
        (2, "unreadable_record"),
        (3, "unreadable_record"),
    ]
    assert (
        report.rejects[0].reason == "line is 60 characters long; HSCOIT.DAT lines are 84 characters"
    )
    assert (
        report.rejects[1].reason == "transaction type '2' is not an HS item record (expected '1')"
    )


def test_rows_with_and_without_record_ids_share_their_cell(store: Store, tmp_path: Path) -> None:
    """Rows without a record id are summed as they are read; rows with one are kept apart
    (to find repeats) and join their cell when it is stored; a repeated id is rejected."""
    path = tmp_path / "mixed.csv"
    path.write_text(
        "period,flow,commodity,partner,value,quantity,unit,record_id\n"
        "2025-01,imports,85423100,US,100,1,KG,\n"
        "2025-01,imports,85423100,US,20.5,2,KG,A1\n"
        "2025-01,imports,85423100,US,3,4,KG,\n"
        "2025-01,imports,85423100,US,7,8,KG,A1\n"
        "2025-01,imports,85423100,CN,1000,1,KG,A2\n"
    )
    report = ingest(store, [path])
    assert (report.rows_read, report.rows_stored, report.rows_rejected) == (5, 4, 1)
    assert report.rejects == [
        load.Reject(
            str(path),
            5,
            "record_id",
            "A1",
            "duplicate_record_id",
            f"repeats the record id first seen at {path} line 3",
        )
    ]
    assert store.query("SELECT partner, value, quantity, records FROM cells ORDER BY partner") == [
        ("CN", 1000.0, 1.0, 1),
        ("US", 123.5, 7.0, 3),
    ]
    assert store.query("SELECT record_id, value FROM records ORDER BY record_id") == [
        ("A1", 20.5),
        ("A2", 1000.0),
    ]
