"""Numbers are read as the load declares them, never guessed; values stay below a ceiling;
months stay in a plausible range. Each test loads a small CSV end to end."""

from __future__ import annotations

import csv
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from entrepot.cli import app
from entrepot.errors import InputError, PeriodError
from entrepot.ingest.checks import (
    CEILING,
    FORMATS,
    NUMBER_FIELDS,
    NumberFormat,
    PeriodRange,
    accepted,
    any_bad,
    parsed,
    rules,
)
from entrepot.ingest.load import LoadReport, ingest
from entrepot.periods import Period
from entrepot.schema import CELL_KEY
from entrepot.store import Store

HEADER = ("period", "flow", "commodity", "partner", "value", "quantity", "unit")


def row(value: str = "100", quantity: str = "1", period: str = "2025-01", **more: str) -> dict:
    return {
        "period": period,
        "flow": "imports",
        "commodity": more.get("commodity", "85423190"),
        "partner": "USA",
        "value": value,
        "quantity": quantity,
        "unit": "NO.",
        **({"net_weight": more["net_weight"]} if "net_weight" in more else {}),
    }


def write_csv(path: Path, rows: list[dict]) -> Path:
    fields = list(HEADER) + (["net_weight"] if any("net_weight" in r for r in rows) else [])
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def load(tmp_path: Path, rows: list[dict], **options: object) -> tuple[Store, LoadReport]:
    store = Store(str(tmp_path / "s.duckdb"))
    report = ingest(store, [write_csv(tmp_path / "r.csv", rows)], **options)  # type: ignore[arg-type]
    assert report.rows_read == report.rows_stored + report.rows_rejected == len(rows)
    return store, report


def total(store: Store, column: str = "value") -> float | None:
    return store.con.execute(f"SELECT sum({column}) FROM cells").fetchone()[0]  # type: ignore[index]


def rejects(report: LoadReport) -> list[tuple[int, str, str | None, str, str]]:
    return [(r.line, r.field, r.value, r.rule, r.reason) for r in report.rejects]


# -- numbers --------------------------------------------------------------------------------


def test_default_reads_plain_numbers_and_rejects_separators(tmp_path: Path) -> None:
    store, report = load(
        tmp_path,
        [row("1234.56"), row("1234"), row("1,234"), row("1234,56"), row("1.234,56")],
    )
    assert total(store) == 2468.56
    assert rejects(report) == [
        (
            4,
            "value",
            "1,234",
            "ambiguous_number",
            "has a comma: declare --thousands , or --decimal , to read it",
        ),
        (5, "value", "1234,56", "ambiguous_number", "has a comma: declare --decimal , to read it"),
        (
            6,
            "value",
            "1.234,56",
            "ambiguous_number",
            "has a comma: declare --decimal , --thousands . to read it",
        ),
    ]
    assert store.query("SELECT line, field, rule FROM rejects ORDER BY line") == [
        (4, "value", "ambiguous_number"),
        (5, "value", "ambiguous_number"),
        (6, "value", "ambiguous_number"),
    ]


def test_thousands_comma_reads_groups_of_three_only(tmp_path: Path) -> None:
    store, report = load(
        tmp_path,
        [row("1,234,567.5"), row("999"), row("12,34"), row("1234,567")],
        numbers=NumberFormat(thousands=","),
    )
    assert total(store) == 1234567.5 + 999
    seen = "has a comma not in groups of three: declare --decimal , --thousands none to read it"
    assert rejects(report) == [
        (4, "value", "12,34", "ambiguous_number", seen),
        (5, "value", "1234,567", "ambiguous_number", seen),
    ]


def test_decimal_comma_with_thousands_period(tmp_path: Path) -> None:
    store, report = load(
        tmp_path,
        [row("1.234,56"), row("7,5"), row("1234.5")],
        numbers=NumberFormat(decimal=",", thousands="."),
    )
    assert total(store) == 1234.56 + 7.5
    assert rejects(report) == [
        (
            4,
            "value",
            "1234.5",
            "ambiguous_number",
            "has a period not in groups of three: declare --decimal . --thousands none to read it",
        )
    ]


def test_thousands_space_takes_no_break_spaces_too(tmp_path: Path) -> None:
    store, report = load(
        tmp_path,
        [row("1 234 567"), row("2\u00a0000,5"), row("3\u202f000")],
        numbers=NumberFormat(decimal=",", thousands=" "),
    )
    assert report.rows_rejected == 0
    assert total(store) == 1234567 + 2000.5 + 3000


def test_quantity_and_net_weight_are_read_the_same_way(tmp_path: Path) -> None:
    store, report = load(
        tmp_path,
        [row(quantity="1,5", net_weight="2,25"), row(quantity="1.000", net_weight="x")],
        numbers=NumberFormat(decimal=","),
    )
    assert (total(store, "quantity"), total(store, "net_weight")) == (1.5, 2.25)
    assert [(line, field, rule) for line, field, _, rule, _ in rejects(report)] == [
        (3, "quantity", "ambiguous_number"),  # a row's broken rules are listed by name
        (3, "net_weight", "non_numeric_net_weight"),
    ]
    assert report.rejects[0].reason == (
        "has a period: declare --decimal . or --thousands . to read it"
    )


@pytest.mark.parametrize(
    "text", ["abc", "inf", "-inf", "NaN", "Infinity", "1_000", "0x10", "1,2,3", "１２３"]
)
def test_text_that_no_format_reads_is_not_numeric(tmp_path: Path, text: str) -> None:
    _, report = load(tmp_path, [row(text)])
    assert rejects(report) == [
        (2, "value", text, "non_numeric_value", "is not a number: expected the value in HK$")
    ]


def test_spaces_around_a_number_are_ignored(tmp_path: Path) -> None:
    store, report = load(tmp_path, [row(" 12.5 "), row("  7")])
    assert report.rows_rejected == 0 and total(store) == 19.5


# -- ceiling ----------------------------------------------------------------------------------


def test_values_above_the_ceiling_are_rejected(tmp_path: Path) -> None:
    store, report = load(
        tmp_path,
        [
            row("1e15", commodity="01010101"),
            row("1e15", commodity="01010101"),
            row("1000000000000001"),
            row("1e308"),
            row("5", quantity="2e15"),
            row("5", net_weight="1e400"),
        ],
    )
    # Two records at the ceiling add up, finitely.
    assert total(store) == 2 * CEILING
    value = "is out of range: the value in HK$ of one record is at most 1e15"
    assert rejects(report) == [
        (4, "value", "1000000000000001", "value_out_of_range", value),
        (5, "value", "1e308", "value_out_of_range", value),
        (
            6,
            "quantity",
            "2e15",
            "quantity_out_of_range",
            "is out of range: the quantity of one record is at most 1e15",
        ),
        (
            7,
            "net_weight",
            "1e400",
            "net_weight_out_of_range",
            "is out of range: the net weight in kg of one record is at most 1e15",
        ),
    ]


# -- periods ----------------------------------------------------------------------------------


def test_default_periods_run_from_1990_to_next_month(tmp_path: Path) -> None:
    today = date.today()
    this = Period(today.year, today.month)
    store, report = load(
        tmp_path,
        [
            row(period="1990-01"),
            row(period=str(this.shift(1))),
            row(period="1989-12"),
            row(period=str(this.shift(2))),
        ],
    )
    assert total(store) == 200
    reason = (
        f"is outside 1990-01 to {this.shift(1)}, the months this load accepts: "
        "declare --periods FROM..TO to load it"
    )
    assert rejects(report) == [
        (4, "period", "1989-12", "period_out_of_range", reason),
        (5, "period", str(this.shift(2)), "period_out_of_range", reason),
    ]


def test_declared_periods(tmp_path: Path) -> None:
    store, report = load(
        tmp_path,
        [row(period="1985-06"), row(period="2099-12"), row(period="198412")],
        periods=PeriodRange.parse("1985-01..2099-12"),
    )
    assert total(store) == 200
    assert [(r.line, r.rule) for r in report.rejects] == [(4, "period_out_of_range")]
    assert "is outside 1985-01 to 2099-12" in report.rejects[0].reason


def test_period_range_parsing() -> None:
    today = date(2026, 12, 15)
    assert PeriodRange.parse("2000-01..", today) == PeriodRange(Period(2000, 1), Period(2027, 1))
    assert PeriodRange.parse("..2030-12", today) == PeriodRange(Period(1990, 1), Period(2030, 12))
    assert PeriodRange.parse(" .. ", today) == PeriodRange.default(today)
    with pytest.raises(InputError, match=r"is not FROM\.\.TO"):
        PeriodRange.parse("2000-01")
    with pytest.raises(PeriodError, match=r"--periods '2000-13\.\.'"):
        PeriodRange.parse("2000-13..")
    with pytest.raises(InputError, match="the first month is after the last"):
        PeriodRange.parse("2025-01..2024-12")


# -- options ----------------------------------------------------------------------------------


def test_number_format_options() -> None:
    assert NumberFormat.parse(".", "NONE") == NumberFormat()
    assert NumberFormat.parse(",", "space") == NumberFormat(",", " ")
    assert NumberFormat(",", ".").options_from(NumberFormat()) == "--decimal , --thousands ."
    with pytest.raises(InputError, match=r"both '\.'"):
        NumberFormat.parse(".", ".")
    with pytest.raises(InputError, match="not a decimal mark"):
        NumberFormat.parse(";", "none")
    with pytest.raises(InputError, match="not a thousands separator"):
        NumberFormat.parse(".", "'")


def test_declared_format_is_refused_for_typed_numbers(tmp_path: Path) -> None:
    table = pa.table({name: [value] for name, value in row().items()} | {"value": [1.234]})
    pq.write_table(table, tmp_path / "r.parquet")
    store = Store(str(tmp_path / "s.duckdb"))
    with pytest.raises(InputError, match=r"--decimal , --thousands \. describes numbers"):
        ingest(store, [tmp_path / "r.parquet"], numbers=NumberFormat(",", "."))
    assert store.count("cells") == 0
    # Read as they are stored, the same numbers load.
    ingest(store, [tmp_path / "r.parquet"])
    assert total(store) == 1.234


def test_cli_options(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path / "r.csv", [row("1.234,5", period="1985-01")])
    store = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    args = ["--store", store, "ingest", str(csv_path), "--decimal", ",", "--thousands", "."]
    result = runner.invoke(app, [*args, "--periods", "1985-01.."])
    assert result.exit_code == 0, result.output
    assert total(Store(store)) == 1234.5
    bad = runner.invoke(app, ["--store", store, "ingest", str(csv_path), "--thousands", "."])
    assert bad.exit_code == 1
    assert "error: --decimal and --thousands are both '.'" in bad.output


# -- property -------------------------------------------------------------------------------


def written(x: float, numbers: NumberFormat, grouped: bool) -> str:
    """``x`` exactly as its shortest repr, in the declared format."""
    text = format(Decimal(repr(x)), ",f" if grouped and numbers.thousands else "f")
    return "".join({",": numbers.thousands or "", ".": numbers.decimal}.get(c, c) for c in text)


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.floats(0, CEILING, allow_nan=False, allow_infinity=False), min_size=1, max_size=8
    ),
    numbers=st.sampled_from(FORMATS),
    grouped=st.booleans(),
)
def test_any_number_written_in_the_declared_format_reads_back(
    values: list[float], numbers: NumberFormat, grouped: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = [
            row(written(x, numbers, grouped), commodity=f"{i:08d}") for i, x in enumerate(values)
        ]
        store, report = load(Path(tmp), rows, numbers=numbers)
        assert report.rows_rejected == 0, report.rejects
        stored = dict(store.query("SELECT commodity, value FROM cells"))
        assert [stored[f"{i:08d}"] for i in range(len(values))] == values
        store.close()


_GOOD = {
    "period": ["2025-12", "202512", " 2025-01 "],
    "flow": ["imports", "re_exports", "Domestic Exports", "re-export", "DX"],
    "commodity": ["85423100", " 854231", "8542310099"],
    "partner": ["US", "usa", " cn "],
    "consignment": ["CN", "cn", "", None],
    "origin": ["JP", " jp", "", None],
    "mode": ["air", "Sea", " land ", "", None],
    "unit": ["KG", "no.", "", None],
    "value": ["100", "1.5", " 2 ", "0"],
    "quantity": ["3", "0", "", None],
    "net_weight": ["1", "1e15", "2.", ".5", "", None],
}
"""Text every rule accepts (a quantity only without a unit), in spellings a load reads."""

_ODD = {
    "period": ["2025-13", "2025-1", "25-12", "1989-12", "2026-07", "", None],
    "flow": ["exports", "x", "", None],
    "commodity": ["8542310", "85423100a", "\uff1012345", "", None],
    "partner": ["U", "USAA", "U$", "\u00df", "\u00a0US", "", None],
    "consignment": ["C-N", "C"],
    "origin": ["J", "JPNN"],
    "mode": ["rail", "AIR!"],
    "unit": ["KG"],
    "value": ["-1", "1e16", "1e999", "1,000", "1.000,5", "1 000", "abc", "", None],
    "quantity": ["-2", "1 000", "1,5", "x", "1e16"],
    "net_weight": ["-1", "2e15", "1.5.1", "x"],
}
"""Text some rule rejects, or that another number format would read."""


def _row(odd: list[str], draw: st.DrawFn) -> dict[str, str | None]:
    return {f: draw(st.sampled_from((_ODD if f in odd else _GOOD)[f])) for f in _GOOD}


@st.composite
def _rows(draw: st.DrawFn) -> dict[str, str | None]:
    """A row whose fields read well but for none, one or two."""
    odd = draw(st.lists(st.sampled_from(list(_GOOD)), max_size=2))
    return _row(odd, draw)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(_rows(), min_size=1, max_size=30),
    numbers=st.sampled_from(FORMATS),
    problem=st.lists(st.sampled_from([None] * 5 + ["too many fields"]), min_size=30, max_size=30),
)
def test_accepted_rows_are_those_that_break_no_rule(
    rows: list[dict[str, str | None]], numbers: NumberFormat, problem: list[str | None]
) -> None:
    """The test a load makes of every row (``accepted``) agrees with the rules one by one."""
    periods = PeriodRange(Period(1990, 1), Period(2026, 6))
    columns = {f: [r[f] for r in rows] for f in _GOOD}
    table = pa.table({**columns, "_problem": problem[: len(rows)]}, schema=_TEXT_SCHEMA)
    parsed_sql = ", ".join(f"{sql} AS {name}" for name, (_, sql) in parsed(numbers).items())
    con = duckdb.connect()
    con.register("batch", table)
    fast, slow = zip(
        *con.execute(
            f"SELECT {accepted(periods)}, NOT ({any_bad(rules(numbers, periods))}) "
            f"FROM (SELECT *, {parsed_sql} FROM batch)"
        ).fetchall(),
        strict=True,
    )
    assert fast == slow


_TEXT_SCHEMA = pa.schema(
    [pa.field(name, pa.string()) for name in (*CELL_KEY, *NUMBER_FIELDS, "_problem")]
)


_DOUBLES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e15, 1e15 + 0.125, 1e-7, 5e-324, 0.1, 2.5]),
)


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(
        st.tuples(_DOUBLES, st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1))),
        min_size=1,
        max_size=30,
    ),
)
def test_numbers_read_as_numbers_are_read_as_their_text(
    values: list[tuple[float, int | None]],
) -> None:
    """A Parquet file's doubles and integers, parsed and judged as numbers, read exactly
    as their text (DuckDB's) would: the same number, or none, and the same verdict."""
    periods = PeriodRange(Period(1990, 1), Period(2026, 6))
    typed = frozenset({"value", "quantity"})
    good = {f: _GOOD[f][0] for f in _GOOD if f not in NUMBER_FIELDS}
    table = pa.table(
        {
            **{f: [v] * len(values) for f, v in good.items()},
            "unit": [None] * len(values),  # a quantity may then be missing
            "value": pa.array([v for v, _ in values], pa.float64()),
            "quantity": pa.array([q for _, q in values], pa.int64()),
            "net_weight": ["1"] * len(values),
            "_problem": pa.array([None] * len(values), pa.string()),
        }
    )
    con = duckdb.connect()
    con.register("batch", table)

    def read(fields: dict[str, tuple[str, str]], ok: str, source: str) -> list[tuple]:
        sql = ", ".join(f"{sql} AS {name}" for name, (_, sql) in fields.items())
        return con.execute(
            f"SELECT n_value, n_quantity, {ok} FROM (SELECT *, {sql} FROM ({source}))"
        ).fetchall()

    as_text = "SELECT * REPLACE (CAST(value AS VARCHAR) AS value, CAST(quantity AS VARCHAR) AS quantity) FROM batch"
    numbers = read(parsed(NumberFormat(), typed), accepted(periods, typed), "SELECT * FROM batch")
    texts = read(parsed(NumberFormat()), accepted(periods), as_text)
    assert [tuple(map(repr, r)) for r in numbers] == [tuple(map(repr, r)) for r in texts]
