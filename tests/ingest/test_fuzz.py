"""Whatever a CSV file holds, a load either stores it with every row accounted for (read =
stored + rejected, the store agreeing with the report) or refuses it with an entrepot
error and stores nothing; nothing else may escape."""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from entrepot.errors import EntrepotError
from entrepot.ingest import LoadReport, ingest
from entrepot.schema import MODES
from entrepot.store import Store

pytestmark = pytest.mark.slow

COLUMNS = (
    "period",
    "flow",
    "commodity",
    "partner",
    "mode",
    "value",
    "quantity",
    "unit",
    "record_id",
)
REQUIRED = ("period", "flow", "commodity", "partner", "value")
OPTIONAL = tuple(c for c in COLUMNS if c not in REQUIRED)
DELIMITERS = (",", ",", ",", ";", "\t", "|")

# -- what a field may hold ----------------------------------------------------------------

VALID: dict[str, st.SearchStrategy[str]] = {
    "period": st.one_of(
        st.integers(1, 12).map(lambda m: f"2025-{m:02d}"),
        st.integers(1, 12).map(lambda m: f"2024{m:02d}"),
    ),
    "flow": st.sampled_from(
        ("imports", "domestic_exports", "re_exports", "Re-Exports", "IM", "dx", " imports ")
    ),
    "commodity": st.one_of(
        st.integers(0, 10**8 - 1).map(lambda n: f"{n:08d}"),
        st.integers(0, 10**6 - 1).map(lambda n: f"{n:06d}"),
    ),
    "partner": st.sampled_from(("USA", "CHN", "twn", "NA", "DE", "GBR", "840")),
    "mode": st.sampled_from(("", *MODES, "AIR")),
    "value": st.one_of(
        st.integers(0, 10**9).map(str),
        st.decimals(0, 10**6, places=2, allow_nan=False, allow_infinity=False).map(str),
    ),
    "quantity": st.integers(1, 10**6).map(str),
    "unit": st.sampled_from(("NO.", "KG", "pcs")),
}

NUMBERS = (
    "1,234",
    "1.234,56",
    "1 234",
    "1e308",
    "1e309",
    "-5",
    "-0",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "+3",
    ".5",
    "5.",
    "0x10",
    "１２３",  # full-width digits
    "1_000",
    "9" * 40,
)
PERIODS = ("2025-12", "202512", "1900-01", "2099-12", "2025-13", "2025-00", "25-12", "2025/12")
ODD = (
    "",
    " ",
    '"',
    '""',
    '"quoted"',
    '"unclosed',
    'in"side',
    "a,b",
    "a;b",
    "a\tb",
    "a|b",
    "a\nb",
    "a\r\nb",
    "a\rb",
    "NA",
    "N/A",
    "null",
    "NULL",
    "\\N",
    "#N/A",
    "\ufeff",
    "\x00",
    "é",
    "中文",
    "\u2028",
    "\x85",
    "\x0c",
    "\x1c",
    ' "spaced" ',
    "'single'",
    *NUMBERS,
    *PERIODS,
)

odd_field = st.one_of(st.sampled_from(ODD), st.text(max_size=12))


@dataclass(frozen=True)
class CsvCase:
    data: bytes
    clean: bool
    """Every row is a valid record, once: all must be stored."""
    rows: int
    value: float


PADDING = {
    "period": "2025-01",
    "flow": "imports",
    "commodity": "12345678",
    "partner": "USA",
    "mode": "sea",
    "value": "7",
    "quantity": "1",
    "unit": "NO.",
}
"""A valid record, repeated to make a file longer than the pieces the reader retries."""

PADDING_ROWS = 8_000


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@st.composite
def header(draw: st.DrawFn) -> tuple[list[str], bool]:
    """Column names (as the file writes them) and whether a load can read them."""
    columns = list(REQUIRED) + draw(st.lists(st.sampled_from(OPTIONAL), unique=True))
    ok = True
    if draw(st.integers(0, 9)) == 0:  # a required column is missing
        columns.remove(draw(st.sampled_from(REQUIRED)))
        ok = False
    if "unit" in columns and "quantity" not in columns:
        ok = False  # a unit without a quantity rejects the row
    columns = list(draw(st.permutations(columns)))
    names = [
        draw(st.sampled_from((name, name, name, name.upper(), name.title(), f" {name} ")))
        for name in columns
    ]
    if draw(st.integers(0, 4)) == 0:
        names.insert(draw(st.integers(0, len(names))), "remarks")
    if names and draw(st.integers(0, 9)) == 0:  # the same name twice, maybe but for case
        twin = draw(st.sampled_from(names))
        names.insert(draw(st.integers(0, len(names))), draw(st.sampled_from((twin, twin.upper()))))
        ok = False
    return names, ok


@st.composite
def csv_cases(draw: st.DrawFn) -> CsvCase:
    names, clean = draw(header())
    fields = [n.strip().lower() for n in names]
    delimiter = draw(st.sampled_from(DELIMITERS))
    newlines = draw(st.sampled_from(("\n", "\r\n", "\r", "mixed")))
    preamble = draw(st.sampled_from(([],) * 12 + ([""], ["", " "], ["Trade records, 2025"])))
    if any(preamble):
        clean = False  # a line before the header, not blank: it is read as the header
    lines = [*preamble, delimiter.join(draw(st.sampled_from((n, _quoted(n)))) for n in names)]
    total = 0.0
    n_rows = draw(st.integers(0, 12))
    for i in range(n_rows):
        cells = []
        for field in fields:
            valid = field in VALID or field == "record_id"
            if valid and draw(st.integers(0, 5)):
                text = f"R{i}" if field == "record_id" else draw(VALID[field])
                if field == "value":
                    value = float(text)
            else:
                text = draw(odd_field)
                if not _blank_ok(field, text):
                    clean = False
            if draw(st.integers(0, 3)) == 0:
                text = _quoted(text)  # well quoted
            cells.append(text)
        if draw(st.integers(0, 9)) == 0:  # a ragged row
            clean = False
            if cells and draw(st.booleans()):
                cells.pop()
            else:
                cells.append(draw(odd_field))
        if clean:
            total += value
        lines.append(delimiter.join(cells))
    rows = n_rows
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(len(lines) - n_rows, len(lines)))
        lines[at:at] = [
            delimiter.join(f"P{k}" if f == "record_id" else PADDING.get(f, "") for f in fields)
            for k in range(PADDING_ROWS)
        ]
        rows += PADDING_ROWS
        total += PADDING_ROWS * float(PADDING["value"])
    ends = [
        draw(st.sampled_from(("\n", "\r\n", "\r"))) if newlines == "mixed" else newlines
        for _ in lines
    ]
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    if draw(st.booleans()):
        text = text.removesuffix(ends[-1])  # no line end after the last line
    if draw(st.integers(0, 9)) == 0:
        data = text.encode("utf-16")  # with its byte-order mark
    else:
        data = draw(st.sampled_from((b"", b"\xef\xbb\xbf"))) + text.encode("utf-8", "surrogatepass")
        if draw(st.integers(0, 4)) == 0:  # bytes that are not UTF-8
            junk = draw(st.sampled_from((b"\xff", b"\xfe", b"\x80", b"\xc3", b"\xed\xa0")))
            junk += draw(st.binary(max_size=3))
            at = draw(st.integers(0, len(data)))
            data = data[:at] + junk + data[at:]
            clean = False
    return CsvCase(data, clean, rows, total)


def _blank_ok(field: str, text: str) -> bool:
    """Whether a valid record may hold ``text`` in ``field``: a mode or unit left blank,
    a record without an id."""
    return (field in ("mode", "unit") and text in ("", " ")) or (
        field == "record_id" and text == ""
    )


def _lines(data: bytes) -> int:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return len(data.decode("utf-16").splitlines())
    return len(data.splitlines())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=csv_cases())
def test_any_csv_loads_balanced_or_fails_cleanly(case: CsvCase) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "records.csv"
        path.write_bytes(case.data)
        store = Store(str(Path(folder) / "s.duckdb"))
        try:
            try:
                report = ingest(store, [path])
            except EntrepotError as exc:
                event(f"refused: {type(exc).__name__}")
                assert not case.clean, "a file of valid records was refused"
                assert store.count("cells") == 0
                assert store.count("loads") == 0
                assert store.count("rejects") == 0
                return
            event("stored: valid file" if case.clean else "stored")
            event(f"rows rejected: {'some' if report.rows_rejected else 'none'}")
            _check_stored(store, report, case)
        finally:
            store.close()


def _check_stored(store: Store, report: LoadReport, case: CsvCase) -> None:
    assert report.rows_read == report.rows_stored + report.rows_rejected
    assert 0 <= report.rows_read <= max(_lines(case.data) - 1, 0)
    loads = store.query("SELECT rows_read, rows_stored, rows_rejected, cells, value FROM loads")
    assert len(loads) == 1
    rows_read, rows_stored, rows_rejected, cells, value = loads[0]
    assert (rows_read, rows_stored, rows_rejected, cells) == (
        report.rows_read,
        report.rows_stored,
        report.rows_rejected,
        report.cells,
    )
    n_cells, records, total, negative = store.query(
        "SELECT count(*), coalesce(sum(records), 0), coalesce(sum(value), 0), "
        "count(*) FILTER (WHERE value < 0 OR isnan(value) OR isinf(value)) FROM cells"
    )[0]
    assert n_cells == report.cells
    assert records == report.rows_stored
    assert negative == 0
    assert math.isfinite(total) and total >= 0
    assert math.isclose(total, value, rel_tol=1e-9, abs_tol=1e-6)
    assert math.isclose(total, report.value, rel_tol=1e-9, abs_tol=1e-6)
    # Each rejected row is reported, on its own line, once per rule it breaks.
    assert store.scalar("SELECT count(DISTINCT line) FROM rejects") == report.rows_rejected
    if case.clean:
        assert report.rows_stored == case.rows, report.rejects[:3]
        assert math.isclose(total, case.value, rel_tol=1e-9, abs_tol=1e-6)
