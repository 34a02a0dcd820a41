"""The statistics office's fixed-width files: layouts, rows, problems, superseding.

Writing them (for the sample) is tested in tests/sample/test_office_files.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from entrepot.errors import SourceError
from entrepot.ingest.fixedwidth import (
    BATCH_SCHEMA,
    LAYOUTS,
    FixedWidthStats,
    layout_for,
    period_from_path,
    read_fixed_width,
    superseded_flows,
)
from entrepot.periods import Period
from entrepot.schema import FIELD_NAMES

DATA = Path(__file__).resolve().parents[1] / "data" / "csd" / "202512"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
FORMAT_SHEET = SHARED / "data" / "csd-hk-trade-metadata" / "rawdata_format.xlsx"
DEC = Period(2025, 12)

# (flow, commodity, partner, consignment, origin, value, quantity, _line)
Row = tuple[str | None, str | None, str | None, str | None, str | None, str | None, str | None, int]


def line(item: str, *fields: str | int, kind: str = "1") -> str:
    """A record: codes (text) then amounts (ints, zero-padded to 18 digits)."""
    codes = "".join(f for f in fields if isinstance(f, str))
    amounts = "".join(f"{f:018d}" for f in fields if isinstance(f, int))
    return kind + item + codes + amounts


def hsccit(item: str, country: str, *month: int) -> str:
    """HSCCIT line from the six month figures (imports, dx, rx value and quantity); YTD 0."""
    imp_v, imp_q, dx_v, dx_q, rx_v, rx_q = month
    return line(item, country, imp_v, imp_q, 0, 0, dx_v, dx_q, 0, 0, rx_v, rx_q, 0, 0)


def write(path: Path, lines: list[str], end: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("".join(x + end for x in lines).encode("utf-8"))
    return path


def read(path: Path, **kwargs: object) -> pa.Table:
    batches = list(read_fixed_width(path, **kwargs))  # type: ignore[arg-type]
    return pa.Table.from_batches(batches, schema=BATCH_SCHEMA)


def rows(table: pa.Table) -> list[Row]:
    cols = ("flow", "commodity", "partner", "consignment", "origin", "value", "quantity", "_line")
    return [tuple(r[c] for c in cols) for r in table.to_pylist()]  # type: ignore[misc]


def problems(table: pa.Table) -> list[tuple[int, str]]:
    return [(r["_line"], r["_problem"]) for r in table.to_pylist() if r["_problem"] is not None]


# -- layouts -----------------------------------------------------------------------------


def test_layouts_agree_with_the_office_format_sheet() -> None:
    if not FORMAT_SHEET.exists():
        pytest.skip(f"{FORMAT_SHEET} is not here")
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(FORMAT_SHEET, read_only=True)
    assert sorted(book.sheetnames) == sorted(LAYOUTS)
    for name, layout in LAYOUTS.items():
        sheet = list(book[name].iter_rows(values_only=True))
        fields = [(r[1], r[3]) for r in sheet if isinstance(r[0], int)]
        total = next(r[3] for r in sheet if r[0] is None and isinstance(r[3], int))
        assert [(f.name, f.length) for f in layout.fields] == fields, name
        assert layout.line_length == total
        starts = [sum(length for _, length in fields[:i]) for i in range(len(fields))]
        assert [f.start for f in layout.fields] == starts, name
    book.close()


def test_layout_line_lengths() -> None:
    assert {n: lay.line_length for n, lay in LAYOUTS.items()} == {
        "HSCCIT": 228,
        "HSCOIT": 84,
        "HSCOCCIT": 87,
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("HSCCIT.DAT", "HSCCIT"),
        ("hsccit.dat", "HSCCIT"),
        ("HSCCIT_202512.DAT", "HSCCIT"),
        ("202512/HSCCIT.DAT", "HSCCIT"),
        ("2025-12_hscoit.DAT", "HSCOIT"),
        ("HSCOCCIT.dat", "HSCOCCIT"),
        ("HSCCIT.csv", None),
        ("XHSCCIT.DAT", None),
        ("HSCCITX.DAT", None),
        ("trade.dat", None),
    ],
)
def test_layout_for(name: str, expected: str | None) -> None:
    layout = layout_for(Path(name))
    assert (layout.name if layout else None) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("HSCCIT_202512.DAT", DEC),
        ("HSCCIT_2025-12.DAT", DEC),
        ("2025_12_HSCOIT.DAT", DEC),
        ("202512/HSCCIT.DAT", DEC),
        ("trade-2024-01/HSCCIT.DAT", Period(2024, 1)),
        ("HSCCIT.DAT", None),
        ("HSCCIT_202513.DAT", None),
        ("HSCCIT_20251201.DAT", None),
    ],
)
def test_period_from_path(name: str, expected: Period | None) -> None:
    assert period_from_path(Path(name)) == expected


# -- reading the three layouts ------------------------------------------------------------


def test_hsccit_rows() -> None:
    table = read(DATA / "HSCCIT.DAT")
    assert table.schema.names == [*FIELD_NAMES, "_line", "_problem"]
    assert table.schema.types == [pa.string()] * len(FIELD_NAMES) + [pa.int64(), pa.string()]
    assert rows(table) == [
        ("imports", "85423190", "631", "631", None, "1500", "20", 1),
        ("re_exports", "85423190", "631", None, None, "2500", "30", 1),
        ("domestic_exports", "85423190", "111", None, None, "700", "0", 2),
        # line 3 carries year-to-date figures only
        ("imports", "61091000", "631", "631", None, "0", "5", 4),
        # 18 digits, beyond float precision, kept exactly as text
        ("domestic_exports", "61091000", "631", None, None, "123456789012345678", "1", 4),
    ]
    assert set(table.column("period").to_pylist()) == {"2025-12"}
    for name in ("mode", "unit", "net_weight", "record_id", "_problem"):
        assert table.column(name).null_count == table.num_rows, name


def test_hscoit_rows() -> None:
    assert rows(read(DATA / "HSCOIT.DAT")) == [
        ("imports", "85423190", "612", None, None, "1000", "12", 1),
        ("imports", "85423190", "111", None, None, "500", "8", 2),
        ("imports", "61091000", "631", None, None, "0", "5", 3),
    ]


def test_hscoccit_rows() -> None:
    assert rows(read(DATA / "HSCOCCIT.DAT")) == [
        ("re_exports", "85423190", "631", None, "612", "2000", "25", 1),
        ("re_exports", "85423190", "631", None, "900", "500", "5", 2),
    ]


def test_every_line_is_accounted_for() -> None:
    for name, without_trade in (("HSCCIT.DAT", 1), ("HSCOIT.DAT", 1), ("HSCOCCIT.DAT", 1)):
        stats = FixedWidthStats()
        table = read(DATA / name, stats=stats)
        lines_in = len((DATA / name).read_text().splitlines())
        lines_out = len(set(table.column("_line").to_pylist()))
        assert stats.lines_read == lines_in
        assert stats.lines_without_trade == without_trade
        assert lines_in == lines_out + stats.lines_without_trade, name
        assert stats.rows_yielded == table.num_rows
        assert stats.problems == 0


def test_crlf_and_trailing_empty_lines(tmp_path: Path) -> None:
    text = (DATA / "HSCCIT.DAT").read_text()
    path = tmp_path / "202512" / "HSCCIT.DAT"
    path.parent.mkdir()
    path.write_bytes(text.replace("\n", "\r\n").encode() + b"\r\n\n\x1a")
    stats = FixedWidthStats()
    assert rows(read(path, stats=stats)) == rows(read(DATA / "HSCCIT.DAT"))
    assert stats.lines_read == 4


def test_last_line_without_newline(tmp_path: Path) -> None:
    path = tmp_path / "HSCOIT_202512.DAT"
    path.write_text(
        line("85423190", "612", 1, 2, 1, 2) + "\n" + line("85423190", "111", 3, 4, 3, 4)
    )
    assert rows(read(path)) == [
        ("imports", "85423190", "612", None, None, "1", "2", 1),
        ("imports", "85423190", "111", None, None, "3", "4", 2),
    ]


def test_empty_file(tmp_path: Path) -> None:
    stats = FixedWidthStats()
    table = read(write(tmp_path / "HSCOIT_202512.DAT", []), stats=stats)
    assert table.num_rows == 0
    assert stats == FixedWidthStats()


def test_small_batches_keep_line_numbers(tmp_path: Path) -> None:
    lines = [line("85423190", f"{i:03d}", i + 1, 0, 0, 0) for i in range(10)]
    lines[7] = "2" + lines[7][1:]
    path = write(tmp_path / "HSCOIT_202512.DAT", lines)
    batches = list(read_fixed_width(path, batch_rows=3))
    assert [b.num_rows for b in batches] == [3, 3, 3, 1]
    table = pa.Table.from_batches(batches)
    assert table.column("_line").to_pylist() == list(range(1, 11))
    assert table.column("value").to_pylist() == [str(i + 1) for i in range(10)]
    assert problems(table) == [(8, "transaction type '2' is not an HS item record (expected '1')")]


def test_period_argument_wins_over_the_name() -> None:
    table = read(DATA / "HSCOIT.DAT", period=Period(2024, 3))
    assert set(table.column("period").to_pylist()) == {"2024-03"}


# -- problems ----------------------------------------------------------------------------

GOOD = hsccit("85423190", "631", 1500, 20, 0, 0, 2500, 30)


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (GOOD[:200], "line is 200 characters long; HSCCIT.DAT lines are 228 characters"),
        (GOOD + "0", "line is 229 characters long; HSCCIT.DAT lines are 228 characters"),
        (
            GOOD[:156] + "ABC" + GOOD[159:],
            "field 'Re-export Value (current month)' (columns 157-174) is "
            "'ABC000000000002500': expected 18 digits",
        ),
        (
            GOOD[:12] + " " * 17 + "1" + GOOD[30:],
            "field 'Import Value (current month)' (columns 13-30) is "
            "'                 1': expected 18 digits",
        ),
        (
            GOOD[:9] + "6-1" + GOOD[12:],
            "field 'Country/territory of Consignment code' (columns 10-12) is '6-1': "
            "expected 3 digits",
        ),
        ("2" + GOOD[1:], "transaction type '2' is not an HS item record (expected '1')"),
        (" " + GOOD[1:], "transaction type ' ' is not an HS item record (expected '1')"),
        ("", "line is empty"),
        (
            GOOD[:100] + "é" + GOOD[101:],
            "line holds non-ASCII characters (shown as '?'); HSCCIT.DAT lines hold only digits",
        ),
    ],
)
def test_unreadable_line_gives_one_problem_row(tmp_path: Path, bad: str, reason: str) -> None:
    other = hsccit("61091000", "111", 0, 0, 70, 1, 0, 0)
    path = write(tmp_path / "HSCCIT_202512.DAT", [GOOD, bad, other])
    stats = FixedWidthStats()
    table = read(path, stats=stats)
    assert problems(table) == [(2, reason)]
    assert stats.problems == 1
    assert stats.lines_read == 3
    good_rows = [r for r in rows(table) if r[-1] != 2]
    assert good_rows == [
        ("imports", "85423190", "631", "631", None, "1500", "20", 1),
        ("re_exports", "85423190", "631", None, None, "2500", "30", 1),
        ("domestic_exports", "61091000", "111", None, None, "70", "1", 3),
    ]
    (problem,) = [r for r in table.to_pylist() if r["_line"] == 2]
    assert problem["period"] == "2025-12"
    if bad:
        assert problem["commodity"] == bad[1:9]


def test_problem_row_keeps_what_could_be_read(tmp_path: Path) -> None:
    short = line("85423190", "612", 1000, 12, 6000)  # the last field is missing
    path = write(tmp_path / "HSCOIT_202512.DAT", [short])
    assert read(path).to_pylist() == [
        {
            "period": "2025-12",
            "flow": "imports",
            "commodity": "85423190",
            "partner": "612",
            "consignment": None,
            "origin": None,
            "mode": None,
            "value": "1000",
            "quantity": "12",
            "unit": None,
            "net_weight": None,
            "record_id": None,
            "_line": 1,
            "_problem": "line is 66 characters long; HSCOIT.DAT lines are 84 characters",
        }
    ]


def test_problem_in_year_to_date_field(tmp_path: Path) -> None:
    bad = line("85423190", "612", 1000, 12, 6000, 80)
    bad = bad[:66] + "x" + bad[67:]
    path = write(tmp_path / "HSCOIT_202512.DAT", [bad])
    assert problems(read(path)) == [
        (
            1,
            "field 'Import Quantity (current year-to-date)' (columns 67-84) is "
            "'x00000000000000080': expected 18 digits",
        )
    ]


def test_empty_lines_in_the_middle_are_problems(tmp_path: Path) -> None:
    path = write(tmp_path / "HSCCIT_202512.DAT", [GOOD, "", "", GOOD, "", ""])
    stats = FixedWidthStats()
    table = read(path, stats=stats)
    assert problems(table) == [(2, "line is empty"), (3, "line is empty")]
    assert stats.lines_read == 4


# -- errors ------------------------------------------------------------------------------


def test_no_period_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "HSCCIT.DAT", [GOOD])
    with pytest.raises(SourceError, match=r"HSCCIT\.DAT.*--period YYYY-MM.*YYYYMM"):
        read_fixed_width(path)


def test_unknown_file_name_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "TRADE_202512.DAT", [GOOD])
    with pytest.raises(SourceError, match=r"HSCCIT\.DAT, HSCOIT\.DAT, HSCOCCIT\.DAT"):
        read_fixed_width(path)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        read_fixed_width(tmp_path / "HSCCIT_202512.DAT")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"skip_flows": frozenset({"exports"})}, r"skip_flows names unknown flows \['exports'\]"),
        ({"batch_rows": 0}, "batch_rows must be positive, not 0"),
    ],
)
def test_impossible_options_are_source_errors(
    tmp_path: Path, options: dict[str, object], message: str
) -> None:
    path = write(tmp_path / "HSCCIT_202512.DAT", [GOOD])
    with pytest.raises(SourceError, match=rf"HSCCIT_202512\.DAT: {message}"):
        read_fixed_width(path, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "failure", [ValueError("bad offsets"), pa.ArrowInvalid("bad offsets"), OSError("bad disk")]
)
def test_a_failure_while_reading_names_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    from entrepot.ingest.fixedwidth import reader

    parse = reader.parse_block
    calls = []

    def fail_on_the_third_block(chunk: bytes, plan: reader.Plan) -> tuple[pa.Table, object]:
        calls.append(chunk)
        if len(calls) == 3:
            raise failure
        return parse(chunk, plan)

    monkeypatch.setattr(reader, "parse_block", fail_on_the_third_block)
    lines = [line("85423190", f"{i:03d}", i + 1, 0, 0, 0) for i in range(10)]
    path = write(tmp_path / "HSCOIT_202512.DAT", lines)
    batches = read_fixed_width(path, batch_rows=3)
    first = [next(batches), next(batches)]  # lines 1-6 read fine
    assert [b.num_rows for b in first] == [3, 3]
    with pytest.raises(
        SourceError, match=r"HSCOIT_202512\.DAT: cannot read the lines from line 7: bad"
    ):
        next(batches)


def test_a_failing_disk_is_a_source_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from entrepot.ingest.fixedwidth import reader

    def chunks(f: object, block: int) -> Iterator[bytes]:
        yield (GOOD + "\n").encode()
        raise OSError("Input/output error")

    monkeypatch.setattr(reader, "_chunks", chunks)
    path = write(tmp_path / "HSCCIT_202512.DAT", [GOOD, GOOD])
    with pytest.raises(SourceError, match=r"HSCCIT_202512\.DAT: cannot read .*Input/output error"):
        list(read_fixed_width(path))


# -- superseding -------------------------------------------------------------------------


def test_skip_flows() -> None:
    stats = FixedWidthStats()
    table = read(DATA / "HSCCIT.DAT", skip_flows=frozenset({"imports", "re_exports"}), stats=stats)
    assert rows(table) == [
        ("domestic_exports", "85423190", "111", None, None, "700", "0", 2),
        ("domestic_exports", "61091000", "631", None, None, "123456789012345678", "1", 4),
    ]
    # line 1 traded only in skipped flows; line 3 not at all
    assert (stats.lines_superseded, stats.lines_without_trade) == (1, 1)


def test_superseded_flows() -> None:
    cc, co, occ = Path("HSCCIT_202512.DAT"), Path("HSCOIT_202512.DAT"), Path("HSCOCCIT.DAT")
    cc_nov, occ_dec = Path("HSCCIT_202511.DAT"), Path("HSCOCCIT_2025-12.DAT")
    assert superseded_flows([cc, co, occ_dec]) == {
        cc: frozenset({"imports", "re_exports"}),
        co: frozenset(),
        occ_dec: frozenset(),
    }
    assert superseded_flows([cc, cc_nov, co]) == {
        cc: frozenset({"imports"}),
        cc_nov: frozenset(),
        co: frozenset(),
    }
    # Files without a period in their names count as one period.
    assert superseded_flows([Path("a/HSCCIT.DAT"), occ])[Path("a/HSCCIT.DAT")] == {"re_exports"}
    assert superseded_flows([cc, occ])[cc] == frozenset()
    assert superseded_flows([cc]) == {cc: frozenset()}


def test_superseding_counts_the_sample_files_once() -> None:
    paths = [DATA / name for name in ("HSCCIT.DAT", "HSCOIT.DAT", "HSCOCCIT.DAT")]
    skips = superseded_flows(paths)
    frames = [read(p, skip_flows=skips[p]).to_pandas() for p in paths]
    loaded = pd.concat(frames)
    totals = loaded.assign(value=loaded["value"].astype(int)).groupby("flow")["value"].sum()
    # HSCCIT alone says the same for imports and re-exports, by consignment country.
    alone = read(DATA / "HSCCIT.DAT").to_pandas()
    expected = alone.assign(value=alone["value"].astype(int)).groupby("flow")["value"].sum()
    assert totals.to_dict() == expected.to_dict()
