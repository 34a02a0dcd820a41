"""The sample's fixed-width files: written with the layouts ingest reads them with."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from entrepot.ingest.fixedwidth import (
    BATCH_SCHEMA,
    layout_for,
    read_fixed_width,
    superseded_flows,
)
from entrepot.periods import Period
from entrepot.sample.office_files import write_fixed_width

DEC = Period(2025, 12)

# (flow, commodity, partner, consignment, origin, value, quantity, _line)
Row = tuple[str | None, str | None, str | None, str | None, str | None, str | None, str | None, int]


def read(path: Path, **kwargs: object) -> pa.Table:
    batches = list(read_fixed_width(path, **kwargs))  # type: ignore[arg-type]
    return pa.Table.from_batches(batches, schema=BATCH_SCHEMA)


def rows(table: pa.Table) -> list[Row]:
    cols = ("flow", "commodity", "partner", "consignment", "origin", "value", "quantity", "_line")
    return [tuple(r[c] for c in cols) for r in table.to_pylist()]  # type: ignore[misc]


def records() -> pd.DataFrame:
    return pd.DataFrame(
        [
            # flow, commodity, partner, consignment, origin, value, quantity
            ("imports", "85423190", "612", "631", None, 1000.0, 12.0),
            ("imports", "85423190", "612", "631", None, 250.0, 3.0),
            ("imports", "85423190", "111", None, None, 500.0, float("nan")),
            ("domestic_exports", "61091000", "111", None, None, 70.0, 1.0),
            ("re_exports", "85423190", "631", None, "612", 2000.0, 25.0),
            ("re_exports", "85423190", "631", None, None, 500.0, 5.0),
            ("re_exports", "85423190", "111", None, "612", 999_999_999_999.0, 1.0),
        ],
        columns=["flow", "commodity", "partner", "consignment", "origin", "value", "quantity"],
    )


def test_write_then_read_reproduces_the_totals(tmp_path: Path) -> None:
    paths = write_fixed_width(records(), tmp_path, DEC)
    assert [p.name for p in paths] == [
        "HSCCIT_202512.DAT",
        "HSCOIT_202512.DAT",
        "HSCOCCIT_202512.DAT",
    ]
    for p in paths:
        layout = layout_for(p)
        assert layout is not None
        assert {len(x) for x in p.read_bytes().split(b"\n")[:-1]} == {layout.line_length}

    skips = superseded_flows(paths)
    assert skips[paths[0]] == {"imports", "re_exports"}
    loaded = pd.concat([read(p, skip_flows=skips[p]).to_pandas() for p in paths])
    assert loaded["_problem"].isna().all()
    got = (
        loaded.astype({"value": "int64", "quantity": "int64"})
        .groupby(["flow", "partner"], dropna=False)[["value", "quantity"]]
        .sum()
    )
    want = (
        records()
        .fillna({"quantity": 0})
        .astype({"value": "int64", "quantity": "int64"})
        .groupby(["flow", "partner"])[["value", "quantity"]]
        .sum()
    )
    pd.testing.assert_frame_equal(got, want)

    # HSCCIT alone places imports by consignment country, and carries the same totals.
    cc = read(paths[0]).to_pandas().astype({"value": "int64"})
    by_flow = cc.groupby("flow")["value"].sum().to_dict()
    assert by_flow == {"imports": 1750, "domestic_exports": 70, "re_exports": 1_000_000_002_499}
    assert rows(read(paths[0])) == [
        ("domestic_exports", "61091000", "111", None, None, "70", "1", 1),
        ("imports", "85423190", "111", "111", None, "500", "0", 2),
        ("re_exports", "85423190", "111", None, None, "999999999999", "1", 2),
        ("imports", "85423190", "631", "631", None, "1250", "15", 3),
        ("re_exports", "85423190", "631", None, None, "2500", "30", 3),
    ]
    assert rows(read(paths[2])) == [
        ("re_exports", "85423190", "111", None, "612", "999999999999", "1", 1),
        ("re_exports", "85423190", "631", None, "612", "2000", "25", 2),
        ("re_exports", "85423190", "631", None, "900", "500", "5", 3),
    ]


def test_write_rounds_to_whole_units(tmp_path: Path) -> None:
    frame = records().iloc[[3]].assign(value=70.4, quantity=1.6)
    cc, _, _ = write_fixed_width(frame, tmp_path, DEC)
    assert rows(read(cc)) == [("domestic_exports", "61091000", "111", None, None, "70", "2", 1)]


def test_write_aggregates_records_of_the_same_line(tmp_path: Path) -> None:
    twice = pd.concat([records(), records()])  # index labels repeat
    _, co, _ = write_fixed_width(twice, tmp_path, DEC)
    assert rows(read(co)) == [
        ("imports", "85423190", "111", None, None, "1000", "0", 1),
        ("imports", "85423190", "612", None, None, "2500", "30", 2),
    ]


def test_write_rejects_codes_that_do_not_fit(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"'commodity' must hold 8-digit codes.*'854231'"):
        write_fixed_width(records().assign(commodity="854231"), tmp_path, DEC)
    with pytest.raises(ValueError, match="between 0 and"):
        write_fixed_width(records().assign(value=-1.0), tmp_path, DEC)
    with pytest.raises(ValueError, match="'partner' has missing codes"):
        write_fixed_width(records().assign(partner=None), tmp_path, DEC)
    with pytest.raises(ValueError, match=r"flows \['exports'\]"):
        write_fixed_width(records().assign(flow="exports"), tmp_path, DEC)


def test_write_nothing(tmp_path: Path) -> None:
    paths = write_fixed_width(records().iloc[:0], tmp_path, DEC)
    assert [p.read_bytes() for p in paths] == [b"", b"", b""]
