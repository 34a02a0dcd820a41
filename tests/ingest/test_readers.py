"""Readers: CSV structure errors as rejects on their physical lines, text kept as written,
delimiters and encodings, duplicate headers, workbook sheets and header rows, Parquet dates,
and no library error reaching the user raw."""

from __future__ import annotations

import codecs
import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from entrepot.cli import app
from entrepot.errors import InputError, SourceError
from entrepot.ingest import delimited
from entrepot.ingest.load import ingest
from entrepot.ingest.readers import open_source
from entrepot.store import Store

HEADER = "period,flow,commodity,partner,origin,value,unit"


def row(commodity: str, partner: str = "CHN", origin: str = "", value: str = "100") -> str:
    return f"2025-12,imports,{commodity},{partner},{origin},{value},"


def write(path: Path, *lines: str, end: str = "\n", encoding: str = "utf-8") -> Path:
    path.write_bytes((end.join(lines) + end).encode(encoding, "surrogateescape"))
    return path


def read(path: Path, **options: Any) -> list[dict[str, Any]]:
    return [r for b in open_source(path, **options).batches() for r in b.to_pylist()]


def problems(rows: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(r["_line"], r["_problem"]) for r in rows if r["_problem"]]


def good(rows: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(r["_line"], r["commodity"]) for r in rows if not r["_problem"]]


# -- CSV structure ---------------------------------------------------------------------------

# Line 3 is blank and the record of line 4 runs on to line 5; line 10 has a byte that is not
# UTF-8 (the 24th of its line), and line 11 no line end.
MIXED = (
    HEADER,
    row("00000001", partner="NA"),
    "",
    row("00000002", partner='"CHINA\nMAINLAND"'),
    row("00000003") + ",extra,more",
    "2025-12,imports,00000004,CHN",
    row("00000005", origin='"oops'),
    row("00000006"),
    row("0000000\udcff7"),
)
MIXED_PROBLEMS = [
    (6, "has 9 fields where the header has 7"),
    (7, "has 4 fields where the header has 7"),
    (8, "has an unclosed quote"),
    (10, "is not valid UTF-8 text at byte 24"),
]


def mixed(path: Path) -> Path:
    write(path, *MIXED)
    with path.open("a") as f:
        f.write(row("00000008"))
    return path


def test_bad_records_are_rejected_on_their_physical_lines(tmp_path: Path) -> None:
    rows = read(mixed(tmp_path / "mixed.csv"))
    assert problems(rows) == MIXED_PROBLEMS
    assert good(rows) == [(2, "00000001"), (4, "00000002"), (9, "00000006"), (11, "00000008")]
    assert rows[1]["partner"] == "CHINA\nMAINLAND"
    # An unreadable record carries no fields: only its line and why.
    assert {k: v for k, v in rows[2].items() if v is not None} == {
        "_line": 6,
        "_problem": "has 9 fields where the header has 7",
    }


def test_a_quote_closed_lines_later_by_a_stray_one_is_unclosed(tmp_path: Path) -> None:
    # Read loosely, lines 2-3 would be one record of 7 fields: the quote opened on line 2 is
    # closed by the one in "x"y", which no delimiter follows.
    path = write(tmp_path / "stray.csv", HEADER, '2025-12,imports,00000001,"CHN', 'x"y,,1,KG')
    rows = read(path)
    assert problems(rows) == [
        (2, "has an unclosed quote"),
        (3, "has 4 fields where the header has 7"),
    ]


def test_unclosed_quote_on_the_last_line(tmp_path: Path) -> None:
    path = write(tmp_path / "last.csv", HEADER, row("00000001"), row("00000002", origin='"NA'))
    rows = read(path)
    assert good(rows) == [(2, "00000001")]
    assert problems(rows) == [(3, "has an unclosed quote")]


def test_blank_lines_and_line_ends_are_counted(tmp_path: Path) -> None:
    path = write(
        tmp_path / "crlf.csv",
        HEADER,
        "",
        row("00000001"),
        "",
        "",
        row("00000002", partner='"A\r\nB"'),
        row("00000003"),
        "",
        end="\r\n",
    )
    assert good(read(path)) == [(3, "00000001"), (6, "00000002"), (8, "00000003")]


def test_reading_in_small_blocks_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [HEADER]
    for i in range(120):
        cells = [row(f"{i:08d}")]
        if i % 7 == 0:
            cells = [row(f"{i:08d}", partner='"LINE\nBREAK"')]
        if i % 11 == 0:
            cells.append("")
        if i % 13 == 0:
            cells = [row(f"{i:08d}") + ",extra"]
        if i == 50:
            cells = [row(f"{i:08d}", origin='"open')]
        lines += cells
    path = write(tmp_path / "blocks.csv", *lines)
    whole = read(path)
    assert len(problems(whole)) == 11  # ten rows with an extra field, one unclosed quote
    assert problems(whole)[:2] == [
        (2, "has 8 fields where the header has 7"),
        (17, "has 8 fields where the header has 7"),
    ]
    # Record 7 takes lines 9 and 10; record 11 is followed by a blank line.
    assert good(whole)[6:10] == [
        (9, "00000007"),
        (11, "00000008"),
        (12, "00000009"),
        (13, "00000010"),
    ]
    assert good(whole)[11:13] == [(16, "00000012"), (18, "00000014")]
    for block, piece in ((97, 31), (400, 64), (1000, 1000)):
        monkeypatch.setattr(delimited, "BLOCK_BYTES", block)
        monkeypatch.setattr(delimited, "PIECE_BYTES", piece)
        assert read(path) == whole


@given(st.lists(st.sampled_from([b"a", b",", b'"', b"\n", b"\r", b"\r\n", b"\xff"])).map(b"".join))
def test_line_ends_are_counted_as_the_line_by_line_reader_splits_them(data: bytes) -> None:
    ends = [line for line in data.splitlines(keepends=True) if line.endswith((b"\n", b"\r"))]
    assert delimited._count_lines(data) == len(ends)


@pytest.mark.parametrize("ragged", [False, True], ids=["arrow", "line by line"])
def test_only_empty_fields_are_missing(tmp_path: Path, ragged: bool) -> None:
    lines = [
        HEADER,
        row("00000001", partner="NA", origin="NA"),
        row("00000002", partner="N/A", origin="null"),
        row("00000003", partner="NULL", origin="NaN"),
        row("00000004", partner='""', origin=""),
        row("00000005", partner="#N/A", origin="nan"),
    ]
    if ragged:  # a bad row sends the file down the careful path: the same values come out
        lines.append("2025-12,imports")
    rows = [r for r in read(write(tmp_path / "na.csv", *lines)) if not r["_problem"]]
    assert [(r["partner"], r["origin"]) for r in rows] == [
        ("NA", "NA"),
        ("N/A", "null"),
        ("NULL", "NaN"),
        (None, None),
        ("#N/A", "nan"),
    ]


# -- delimiters and encodings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "delimiter", "detected"),
    [
        ("comma.csv", ",", None),
        ("semi.csv", ";", "semicolon-delimited UTF-8"),
        ("tabs.txt", "\t", "tab-delimited UTF-8"),
        ("pipes.csv", "|", "pipe-delimited UTF-8"),
        ("tabs.tsv", "\t", None),
    ],
)
def test_delimiter_is_detected_from_the_header(
    tmp_path: Path, name: str, delimiter: str, detected: str | None
) -> None:
    path = write(
        tmp_path / name,
        HEADER.replace(",", delimiter),
        row("00000001", partner="NA").replace(",", delimiter),
    )
    source = open_source(path)
    assert source.detected == detected
    assert source.csv is not None and source.csv.delimiter == delimiter
    assert [(r["commodity"], r["partner"], r["value"]) for r in read(path)] == [
        ("00000001", "NA", "100")
    ]


def test_delimiter_detection_uses_the_mapped_names(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "month;trade;hs;dest;hkd", "2025-12;imports;01;USA;1")
    mapping = {"month": "period", "trade": "flow", "hs": "commodity", "dest": "partner"}
    source = open_source(path, mapping={**mapping, "hkd": "value"})
    assert source.detected == "semicolon-delimited UTF-8"
    # Without --map the columns are still split, so the suggestion names one of them.
    with pytest.raises(SourceError) as info:
        open_source(path)
    assert str(info.value) == (
        f"{path}: required column(s) period, flow, commodity, partner, value not found. "
        "Existing columns: month, trade, hs, dest, hkd. Name the matching column with "
        "--map COLUMN=FIELD (e.g. --map month=period)."
    )


def test_a_given_delimiter_that_splits_nothing_names_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path / "semi.csv", HEADER.replace(",", ";"), row("01").replace(",", ";"))
    with pytest.raises(SourceError) as info:
        open_source(path, delimiter=",")
    assert str(info.value) == (
        f"{path}: the header on line 1 is one column, "
        "'period;flow;commodity;partner;origin;value;unit', read comma-delimited; it looks "
        "semicolon-delimited: read it with --delimiter semicolon."
    )
    colons = write(tmp_path / "colons.csv", HEADER.replace(",", ":"))
    with pytest.raises(SourceError) as info:
        open_source(colons)
    assert str(info.value) == (
        f"{colons}: the header on line 1 is one column, "
        "'period:flow:commodity:partner:origin:value:unit', read comma-delimited; name its "
        "delimiter with --delimiter."
    )
    assert open_source(colons, delimiter=":").csv is not None
    source = open_source(path, delimiter="semicolon")
    assert source.detected is None  # given, not detected
    assert good(read(path, delimiter=";")) == [(2, "01")]


def test_byte_order_marks_set_the_encoding(tmp_path: Path) -> None:
    lines = [HEADER, row("01", origin="中國")]
    text = "\n".join(line.replace(",", ";") for line in lines) + "\n"
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(text.encode("utf-16"))  # little-endian, with its mark
    big_endian = tmp_path / "be.csv"
    big_endian.write_bytes(codecs.BOM_UTF16_BE + text.replace(";", ",").encode("utf-16-be"))
    utf8 = tmp_path / "bom.csv"
    utf8.write_bytes(codecs.BOM_UTF8 + text.encode())
    no_mark = tmp_path / "nomark.csv"
    no_mark.write_bytes(text.replace(";", ",").encode("utf-16-le"))
    cases = [
        (utf16, "semicolon-delimited UTF-16"),
        (big_endian, "comma-delimited UTF-16"),
        (utf8, "semicolon-delimited UTF-8"),
        (no_mark, "comma-delimited UTF-16"),
    ]
    for path, detected in cases:
        assert open_source(path).detected == detected, path
        assert [(r["_line"], r["period"], r["origin"]) for r in read(path)] == [
            (2, "2025-12", "中國")
        ], path


def test_text_in_another_encoding_fails_naming_the_option(tmp_path: Path) -> None:
    path = write(
        tmp_path / "big5.csv",
        HEADER,
        row("01", origin="中國"),
        row("02", origin="香港"),
        encoding="big5",
    )
    with pytest.raises(SourceError) as info:
        open_source(path)
    assert str(info.value) == (
        f"{path}: is not UTF-8 text (byte 0xA4 at line 2); name its encoding with "
        "--encoding, e.g. --encoding big5."
    )
    source = open_source(path, encoding="big5")
    assert source.detected is None
    assert [r["origin"] for r in read(path, encoding="big5")] == ["中國", "香港"]
    # Said to be UTF-8 (or marked so), its bad lines are damaged records, rejected one by one.
    assert problems(read(path, encoding="utf-8")) == [
        (2, "is not valid UTF-8 text at byte 24"),
        (3, "is not valid UTF-8 text at byte 24"),
    ]


def test_a_header_that_is_not_utf8_fails_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", HEADER + ",備註", row("01") + ",x", encoding="big5")
    with pytest.raises(SourceError, match=r"is not UTF-8 text \(byte 0xB3 at line 1\)"):
        open_source(path)


def test_bad_text_in_a_given_encoding_rejects_its_record(tmp_path: Path) -> None:
    # cp1252 has no character for byte 0x81.
    path = tmp_path / "w.csv"
    path.write_bytes(f"{HEADER}\n{row('01', origin='é')}\n{row('02')}\x81\n".encode("latin-1"))
    rows = read(path, encoding="cp1252")
    assert [r["origin"] for r in rows] == ["é", None]
    assert problems(rows) == [(3, "is not valid cp1252 text")]


def test_truncated_utf16_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(f"{HEADER}\n{row('01')}\n".encode("utf-16") + b"\n")
    with pytest.raises(SourceError, match=r"odd\.csv: is not UTF-16 text \(truncated data"):
        open_source(path)


def test_option_values_are_checked(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", HEADER, row("01"))
    with pytest.raises(InputError, match="--encoding 'klingon' is not a text encoding"):
        open_source(path, encoding="klingon")
    with pytest.raises(InputError, match="--delimiter ';;' is not one character"):
        open_source(path, delimiter=";;")
    with pytest.raises(InputError, match="--header-row 0: rows are numbered from 1"):
        open_source(path, header_row=0)


# -- headers ---------------------------------------------------------------------------------


def test_duplicate_columns_are_refused_in_every_format(tmp_path: Path) -> None:
    twice = write(tmp_path / "twice.csv", "period,flow,commodity,partner,value,unit,value")
    with pytest.raises(SourceError) as info:
        open_source(twice)
    assert str(info.value) == (
        f"{twice}: columns 5 and 7 are both named 'value'; rename or remove one of them."
    )
    cased = ["period", "flow", "commodity", "partner", "value", "VALUE"]
    message = (
        "columns 5 ('value') and 6 ('VALUE') have the same name but for case, and names are "
        "read ignoring case; rename or remove one of them."
    )
    csv_file = write(tmp_path / "cased.csv", ",".join(cased))
    book = tmp_path / "cased.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(cased)
    wb.save(book)
    table = tmp_path / "cased.parquet"
    pq.write_table(pa.table({name: ["1"] for name in cased}), table)
    for path in (csv_file, book, table):
        with pytest.raises(SourceError) as info:
            open_source(path)
        assert str(info.value) == f"{path}: {message}"


def test_title_rows_above_the_header(tmp_path: Path) -> None:
    path = write(
        tmp_path / "titled.csv", "Imports, December 2025", "", HEADER, row("01"), "", row("02")
    )
    with pytest.raises(SourceError) as info:
        open_source(path)
    assert str(info.value) == (
        f"{path}: the header is on line 3, not line 1: read it with --header-row 3."
    )
    assert good(read(path, header_row=3)) == [(4, "01"), (6, "02")]
    with pytest.raises(SourceError, match=r"--header-row 9, but the file has only 6 line\(s\)"):
        open_source(path, header_row=9)


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.csv", "")
    with pytest.raises(SourceError, match="the file is empty"):
        open_source(path)


# -- workbooks -------------------------------------------------------------------------------

FIELDS = ["period", "flow", "commodity", "partner", "value"]


def workbook(path: Path) -> Path:
    """Sheet Notes: a title, a blank row, the header on row 3, data on rows 4 and 6 (row 5
    is blank). Sheet Data: the header on row 1, data on row 2. Sheet Empty: nothing."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes.append(["Imports, December 2025"])
    notes.append([])
    notes.append(FIELDS)
    notes.append([datetime.datetime(2025, 12, 1), "imports", "01012100", "NA", 1.0])
    notes.append([])
    notes.append(["2025-11", "imports", "01012200", "CHN", 2])
    data = wb.create_sheet("Data")
    data.append(FIELDS)
    data.append(["2025-10", "imports", "01012300", "USA", -3])
    wb.create_sheet("Empty")
    wb.save(path)
    return path


def lines_and_values(rows: list[dict[str, Any]]) -> list[tuple[int, str, str, str]]:
    return [(r["_line"], r["period"], r["commodity"], r["value"]) for r in rows]


def test_a_workbook_with_data_on_several_sheets_needs_sheet(tmp_path: Path) -> None:
    book = workbook(tmp_path / "book.xlsx")
    with pytest.raises(SourceError) as info:
        open_source(book)
    assert str(info.value) == (
        f"{book}: 2 sheets hold data ('Notes', 'Data'); name one with --sheet NAME, or "
        "read them all with --sheet all."
    )
    with pytest.raises(SourceError) as info:
        open_source(book, sheet="Summary")
    assert str(info.value) == (
        f"{book}: no sheet 'Summary'; its sheets are 'Notes', 'Data', 'Empty'."
    )
    with pytest.raises(SourceError) as info:
        open_source(book, sheet="Notes")
    assert (
        str(info.value)
        == f"{book}: the header is on row 3, not row 1: read it with --header-row 3."
    )


def test_sheet_rows_are_the_lines(tmp_path: Path) -> None:
    book = workbook(tmp_path / "book.xlsx")
    assert lines_and_values(read(book, sheet="data")) == [(2, "2025-10", "01012300", "-3")]
    # Dates are months; blank rows are skipped but keep their numbers.
    assert lines_and_values(read(book, sheet="Notes", header_row=3)) == [
        (4, "2025-12", "01012100", "1"),
        (6, "2025-11", "01012200", "2"),
    ]


def test_every_sheet_with_its_own_header(tmp_path: Path) -> None:
    book = workbook(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["Notes"].delete_rows(1, 2)  # the header on row 1 in both sheets
    wb.save(book)
    source = open_source(book, sheet="all")
    assert [part.name for part in source.split()] == [f"{book}[Notes]", f"{book}[Data]"]
    assert lines_and_values(read(book, sheet="all")) == [
        (2, "2025-12", "01012100", "1"),
        (4, "2025-11", "01012200", "2"),
        (2, "2025-10", "01012300", "-3"),
    ]


def test_sheet_all_names_the_sheet_of_each_reject(tmp_path: Path, store: Store) -> None:
    book = workbook(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["Notes"].delete_rows(1, 2)
    wb.save(book)
    report = ingest(store, [book], sheet="all")
    assert (report.rows_read, report.rows_stored, report.rows_rejected) == (3, 2, 1)
    assert [(r.file, r.line, r.field, r.value, r.rule) for r in report.rejects] == [
        (f"{book}[Data]", 2, "value", "-3", "negative_value")
    ]


# -- Parquet ---------------------------------------------------------------------------------


def test_parquet_dates_and_timestamps_are_months(tmp_path: Path, store: Store) -> None:
    base = {"flow": ["imports"], "commodity": ["01012100"], "partner": ["NA"], "value": [1.5]}
    day = tmp_path / "day.parquet"
    pq.write_table(pa.table({"period": [datetime.date(2025, 12, 31)], **base}), day)
    stamp = tmp_path / "stamp.parquet"
    when = pa.array([datetime.datetime(2025, 11, 30, 23)], pa.timestamp("ms"))
    pq.write_table(pa.table({"period": when, **base}), stamp)
    assert [(r["period"], r["partner"], r["value"]) for r in read(day)] == [
        ("2025-12", "NA", "1.5")
    ]
    assert [r["period"] for r in read(stamp)] == ["2025-11"]
    report = ingest(store, [day, stamp])
    assert (report.rows_read, report.rows_stored, report.rows_rejected) == (2, 2, 0)
    assert store.query("SELECT period, partner FROM cells ORDER BY period") == [
        (202511, "NA"),
        (202512, "NA"),
    ]


def test_a_parquet_column_that_is_not_text_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "nested.parquet"
    table = pa.table(
        {"period": ["2025-12"], "flow": ["imports"], "commodity": ["01"], "partner": ["US"]}
    ).append_column("value", pa.array([[1, 2]]))
    pq.write_table(table, path)
    with pytest.raises(SourceError) as info:
        read(path)
    assert str(info.value).startswith(
        f"{path}: column 'value' holds list<element: int64>, which cannot be read as text"
    )


# -- no raw library errors -------------------------------------------------------------------


def test_library_failures_become_source_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK not a workbook")
    with pytest.raises(SourceError, match=r"broken\.xlsx: cannot read as an Excel workbook"):
        open_source(broken)
    gone = write(tmp_path / "gone.csv", HEADER, row("01"))
    source = open_source(gone)
    gone.unlink()
    with pytest.raises(SourceError, match=r"gone\.csv: cannot be read: \[Errno 2\]"):
        list(source.batches())


# -- end to end ------------------------------------------------------------------------------


def test_a_load_keeps_every_readable_row_and_rejects_the_rest(tmp_path: Path, store: Store) -> None:
    path = mixed(tmp_path / "mixed.csv")
    report = ingest(store, [path])
    assert (report.rows_read, report.rows_stored, report.rows_rejected) == (8, 3, 5)
    assert report.balanced
    # The record of lines 4-5 is read, and its partner judged, on the line it starts.
    assert [(r.file, r.line, r.field, r.value, r.rule) for r in report.rejects[:1]] == [
        (str(path), 4, "partner", "CHINA\nMAINLAND", "malformed_partner")
    ]
    assert [(r.file, r.line, r.field, r.value, r.rule, r.reason) for r in report.rejects[1:]] == [
        (str(path), line, "line", None, "unreadable_record", reason)
        for line, reason in MIXED_PROBLEMS
    ]
    # NA is Namibia, not a missing partner.
    assert store.query("SELECT partner, sum(records) FROM cells GROUP BY 1 ORDER BY 1") == [
        ("CHN", 2),
        ("NA", 1),
    ]


def test_the_cli_says_what_it_detected_and_takes_the_options(tmp_path: Path) -> None:
    text = "\n".join([HEADER.replace(",", ";"), row("01012100").replace(",", ";")]) + "\n"
    path = tmp_path / "euro.csv"
    path.write_bytes(text.encode("utf-16"))
    runner = CliRunner()
    store = str(tmp_path / "cli.duckdb")
    result = runner.invoke(app, ["--store", store, "ingest", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "read euro.csv as semicolon-delimited UTF-16" in result.stdout
    other = tmp_path / "again.csv"
    other.write_bytes(text.replace("2025-12", "2025-11").encode("utf-16"))
    args = ["--delimiter", "semicolon", "--encoding", "utf-16", "--header-row", "1"]
    result = runner.invoke(
        app, ["--store", store, "ingest", str(other), *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "read again.csv" not in result.stdout
    book = workbook(tmp_path / "book.xlsx")
    result = runner.invoke(app, ["--store", store, "ingest", str(book)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "error: " in result.stderr and "--sheet all" in result.stderr
    assert "Traceback" not in result.output
