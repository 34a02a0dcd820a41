"""What every command shares: the store option, help, the version, errors, table widths."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

import entrepot
from entrepot import Period, Store, breakdown, duckdb_backend
from entrepot.analysis.compilations import index_rows
from entrepot.backends import BACKENDS
from entrepot.classifications import KINDS
from entrepot.cli import app
from entrepot.compute.trade_indices import FORMULAS, IMPUTATIONS
from entrepot.sample import FORMATS
from entrepot.schema import BREAKDOWNS, INDEX_FLOWS

from .conftest import RECORDS, ROOT, WIDTH, error_of, ok, one_line_error, run, write_classifications


def test_version() -> None:
    result = ok("--version")
    assert result.stdout == f"entrepot {entrepot.__version__}\n"
    assert re.fullmatch(r"entrepot \d+\.\d+\.\d+\S*\n", result.stdout)


def _commands() -> list[str]:
    group = typer.main.get_command(app)
    names = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        names += [f"{name} {s}" for s in sub] if sub else [name]
    return names


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [c for c in _commands() if f"entrepot {c}" not in readme]
    assert missing == []


# -- --store before or after the command ---------------------------------------------------

READERS = {
    "summary": ("summary", "--period", "2025-06"),
    "history": ("history",),
    "indices": ("indices", "--period", "2025-06"),
    "diagnostics": ("diagnostics", "--period", "2025-06"),
    "classifications show": ("classifications", "show"),
}


@pytest.mark.parametrize("command", READERS)
def test_store_after_the_command_name(compiled_store: Path, tmp_path: Path, command: str) -> None:
    args = READERS[command]
    before = ok("--store", compiled_store, *args).stdout
    assert ok(*args, "--store", compiled_store).stdout == before
    # After wins over before.
    assert (
        ok("--store", tmp_path / "none.duckdb", *args, "--store", compiled_store).stdout == before
    )
    assert "none.duckdb does not exist" in error_of(
        "--store", compiled_store, *args, "--store", tmp_path / "none.duckdb"
    )


def test_store_after_the_command_name_for_writers(tmp_path: Path) -> None:
    before, after = tmp_path / "before.duckdb", tmp_path / "after.duckdb"
    ok("--store", before, "ingest", RECORDS / "small.csv", "--store", after)
    ok(
        "--store",
        before,
        "classifications",
        "load",
        write_classifications(tmp_path / "c"),
        "--store",
        after,
    )
    assert not before.exists()
    with Store(after, read_only=True) as store:
        assert store.count("loads") == 1 and store.count("sitc") == 6
    # compile: after wins too (the store before does not exist and is not created).
    assert "it must be a year of twelve months" in error_of(
        "--store", before, "compile", "--store", after
    )
    assert not before.exists()


# -- help ----------------------------------------------------------------------------------

STORE_DEFAULT = "[default: ($ENTREPOT_STORE or ./entrepot.duckdb)]"


def options_help(*command: str) -> dict[str, str]:
    """``--option`` → its help text (on one line) in ``entrepot COMMAND --help``."""
    text = ok(*command, "--help").stdout
    options = text.split("Options:", 1)[1]
    out: dict[str, str] = {}
    current = None
    for line in options.splitlines():
        match = re.match(r"^  (--[\w-]+)", line)
        if match:
            current = match.group(1)
            out[current] = line[match.end() :]
        elif current and line.strip():
            out[current] += " " + line
    return {k: " ".join(v.split()) for k, v in out.items()}


HELP_DEFAULTS: dict[str, dict[str, str]] = {
    "ingest": {
        "--period": "(from the file or folder name)",
        "--rejects": "(<store>-rejects-<load>.csv beside the store)",
        "--strict": "no-strict",
        "--mode": "replace",
        "--max-shrink": "0.5",
        "--currency": "(the store's, HK$ for a new one)",
    },
    "summary": {
        "--by": "(no breakdown)",
        "--top": "15",
        "--backend": "(--backend before the command, else duckdb)",
        "--as-of": "(now)",
        "--partner": "(all)",
        "--commodity": "(all)",
        "--origin": "(all)",
        "--mode": "(all)",
        "--format": "table",
        "--out": "(the terminal)",
    },
    "check": {
        "--period": "(the store's latest month)",
        "--usd-rate": "(none: US$ amounts are unsupported)",
        "--html": "(none)",
        "--backend": "duckdb",
    },
    "mirror": {
        "--origin": "(the store's exports with the partner's imports from the reporter)",
        "--year": "(the latest both cover)",
        "--rate": "(none: needed when the currencies differ)",
        "--band": "10.0",
        "--reporter": "(the store's, else HKG)",
        "--top": "15",
        "--format": "table",
        "--out": "(the terminal)",
        "--backend": "duckdb",
    },
    "bridge": {
        "--flow": "total_exports",
        "--format": "table",
        "--out": "(the terminal)",
        "--backend": "duckdb",
    },
    "history": {},
    "export cells": {},
    "export annual": {"--format": "csv"},
    **{
        f"export {table}": {"--format": "csv", "--compilation": "(the latest)"}
        for table in ("series", "trims", "homogeneity")
    },
    "export headline": {
        "--format": "sdmx-csv",
        "--reporter": "HKG",
        "--reporter-name": "Hong Kong, China",
        "--compilation": "(the latest)",
    },
    "revert": {},
    "compile": {
        "--formula": "fisher",
        "--reference-year": "(the last complete year before the latest)",
        "--linking": "overlap",
        "--low": "0.1",
        "--high": "10.0",
        "--fence": "3.0",
        "--imputation": "class_mean",
        "--cell-keys": "(none)",
        "--breakdowns": "(all (origin when it is a cell key))",
        "--min-coverage": "0.5",
        "--backend": "(--backend before the command, else duckdb)",
        "--as-of": "(now)",
    },
    "indices": {
        "--flow": "total_exports",
        "--by": "total",
        "--change": "yoy",
        "--top": "15",
        "--as-of": "(now)",
        "--backend": "(--backend before the command, else duckdb)",
        "--partner": "(all)",
        "--commodity": "(all)",
        "--origin": "(all)",
        "--mode": "(all)",
        "--format": "table",
        "--out": "(the terminal)",
    },
    "series": {
        "--flow": "total_exports",
        "--measure": "value",
        "--by": "total",
        "--key": "(all)",
        "--start": "(the first held)",
        "--end": "(the last held)",
        "--top": "5",
        "--backend": "(--backend before the command, else duckdb)",
        "--as-of": "(now)",
        "--partner": "(all)",
        "--commodity": "(all)",
        "--origin": "(all)",
        "--mode": "(all)",
        "--format": "table",
        "--out": "(the terminal)",
    },
    "analyse": {
        "--topic": "(all)",
        "--adjusted": "adjusted",
        "--top": "5",
        "--backend": "(--backend before the command, else duckdb)",
        "--as-of": "(now)",
        "--partner": "(all)",
        "--commodity": "(all)",
        "--origin": "(all)",
        "--mode": "(all)",
        "--format": "table",
        "--out": "(the terminal)",
    },
    "release": {
        "--out": "(./out/release-YYYY-MM)",
        "--format": "html,pdf,md,xlsx",
        "--backend": "duckdb",
        "--as-of": "(now)",
    },
    "profile": {
        "--years": "(the last 3 complete years in the store)",
        "--top": "10",
        "--backend": "duckdb",
        "--format": "table",
        "--out": "(the terminal)",
    },
    "diagnostics": {"--top": "15"},
    "classifications load": {"--kind": "(recognised from each file)"},
    "classifications show": {},
    "classifications kinds": {},
    "serve": {
        "--host": "127.0.0.1",
        "--port": "8000",
    },
    "sample": {
        "--seed": "2025",
        "--start": "2023-01",
        "--end": "2025-12",
        "--scale": "1.0",
        "--format": "parquet",
    },
    "index": {
        "--formula": "fisher",
        "--chain": "fixed",
        "--base": "(the first)",
        "--reference": "1.0",
        "--window": "(none)",
        "--splice": "(mean)",
    },
}


@pytest.mark.parametrize("command", HELP_DEFAULTS)
def test_help_shows_each_default(command: str) -> None:
    options = options_help(*command.split())
    for option, default in HELP_DEFAULTS[command].items():
        # Help text may break a default at a hyphen ("no-" / "strict").
        shown = options[option].replace("- ", "-")
        assert re.search(re.escape(f"[default: {default}") + "[];]", shown), (option, shown)
    if command not in ("sample", "index", "classifications kinds"):
        assert options["--store"].endswith(STORE_DEFAULT)
    # Every option that is not required, a plain flag or repeatable shows its default.
    flags = {
        "--help", "--json", "--quantity", "--contributions", "--list", "--replace", "--map",
        "--force", "--adjusted", "--refresh", "--topic",
    }  # fmt: skip
    for option, text in options.items():
        if option not in flags and "[required]" not in text:
            assert "[default:" in text, (command, option, text)


def test_every_command_has_a_help_test() -> None:
    assert sorted(HELP_DEFAULTS) == sorted(_commands())


CHOICES = [
    ("summary", "--by", BREAKDOWNS),
    ("summary", "--backend", BACKENDS),
    ("compile", "--formula", FORMULAS),
    ("compile", "--imputation", IMPUTATIONS),
    ("compile", "--backend", BACKENDS),
    ("indices", "--flow", INDEX_FLOWS),
    ("indices", "--by", BREAKDOWNS),
    ("classifications load", "--kind", KINDS),
    ("sample", "--format", FORMATS),
]


@pytest.mark.parametrize(("command", "option", "choices"), CHOICES)
def test_help_lists_the_choices(command: str, option: str, choices: tuple[str, ...]) -> None:
    text = options_help(*command.split())[option]
    assert f"One of: {', '.join(choices)} (any case)." in text


def test_help_fits_the_width() -> None:
    for command in _commands():
        text = ok(*command.split(), "--help").stdout
        assert max(len(line) for line in text.splitlines()) <= WIDTH, command


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("summary", "--period", "2025-12"),
        ("history",),
        ("indices", "--period", "2025-12"),
        ("classifications", "show"),
        ("ingest", str(RECORDS / "small.csv")),
        ("compile",),
    ],
)
def test_a_file_that_is_not_a_store(tmp_path: Path, args: tuple[str, ...]) -> None:
    store = tmp_path / "x.duckdb"
    store.write_bytes(b"this is not a DuckDB database\n" * 200)
    message = error_of("--store", store, *args)
    assert message == (
        f"error: {store} is not an entrepot store (a DuckDB file): name a .duckdb file or a "
        "new path with --store."
    )


def test_an_unexpected_error_is_one_line(
    small_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import entrepot.analysis.summary

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the summary broke\nsecond line of detail")

    monkeypatch.setattr(entrepot.analysis.summary, "summary", broken)
    monkeypatch.delenv("ENTREPOT_DEBUG", raising=False)
    args = ("--store", small_store, "summary", "--period", "2025-12")
    assert error_of(*args) == (
        "error: unexpected RuntimeError: the summary broke (set ENTREPOT_DEBUG=1 to see the "
        "traceback, and please report it)"
    )
    with pytest.raises(RuntimeError, match="the summary broke"):
        run(*args, env={"ENTREPOT_DEBUG": "1"})


@pytest.mark.spark
def test_a_spark_error_is_one_line(small_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyspark")
    import entrepot.backends

    connect = entrepot.backends.connect

    class FailingSpark:
        """The Spark connection, whose every query fails in Spark's analyser."""

        def __init__(self, con: Any, session: Any) -> None:
            self._con, self._session = con, session

        def __getattr__(self, name: str) -> Any:
            return getattr(self._con, name)

        def execute(self, expr: Any) -> Any:
            return self._session.sql("SELECT no_such_column FROM cells").collect()

    def failing(name: str, store: Store, as_of: int | None = None) -> entrepot.backends.Backend:
        backend = connect(name, store, as_of)
        backend.con = FailingSpark(backend.con, backend.session)
        return backend

    monkeypatch.setattr(entrepot.backends, "connect", failing)
    for by in ([], ["--by", "mode"]):
        result = run(
            "--store", small_store, "summary", "--period", "2025-12", "--backend", "spark", *by
        )
        message = one_line_error(result)
        assert message.startswith("error: Running a query on spark failed (Spark): ")
        assert "no_such_column" in message


# -- tables in 100 columns -----------------------------------------------------------------

BORDERS = {"┏": "┓", "┃": "┃", "┡": "┩", "│": "│", "└": "┘"}


def table_lines(out: str) -> list[str]:
    """The lines of ``out`` drawn by a table, each checked to be whole (no cropped border)."""
    lines = [line.rstrip() for line in out.splitlines() if line[:1] in BORDERS]
    for line in lines:
        assert line.endswith(BORDERS[line[0]]), line
    return lines


def body(out: str) -> list[list[str]]:
    return [
        [c.strip() for c in line.strip("│").split("│")]
        for line in table_lines(out)
        if line[0] == "│"
    ]


def assert_fits(out: str) -> None:
    assert max(len(line) for line in out.splitlines()) <= WIDTH, out
    table_lines(out)


def assert_cut_names(names: list[str], labels: list[str]) -> None:
    """Each name is its label, or a prefix of it ending in "…": cut, never wrapped."""
    for name, label in zip(names, labels, strict=True):
        if name.endswith("…"):
            assert label.startswith(name[:-1].rstrip()), (name, label)
            assert len(name) < len(label)
        else:
            assert name == label


def test_summary_by_division_fits(sample_store: Path, narrow: int) -> None:
    out = ok("--store", sample_store, "summary", "--period", "2025-12", "--by", "division").stdout
    assert_fits(out)
    rows = body(out)
    with Store(sample_store, read_only=True) as store:
        expected = breakdown(duckdb_backend(store), Period(2025, 12), "division")[:15]
    assert len(rows) == len(expected) == 15  # one line a division: no name wraps
    assert [r[0] for r in rows] == [e.key for e in expected]
    assert_cut_names([r[1] for r in rows], [e.label for e in expected])
    assert any(r[1].endswith("…") for r in rows)
    header = [c.strip() for c in table_lines(out)[1].strip("┃").split("┃")]
    assert header == [
        "division",
        "name",
        "total exports",
        "YoY",
        "imports",
        "YoY",
        "exports YTD",
        "YoY",
    ]
    # The numbers are whole.
    for row in rows:
        assert all("…" not in cell for cell in row[2:]), row
        assert re.fullmatch(r"[\d,]+\.\d (bn|mn)", row[2]), row


def test_indices_by_division_fits(sample_store: Path, narrow: int) -> None:
    out = ok("--store", sample_store, "indices", "--period", "2025-12", "--by", "division").stdout
    assert_fits(out)
    rows = body(out)
    with Store(sample_store, read_only=True) as store:
        expected = index_rows(store, Period(2025, 12), by="division")[:15]
    assert len(rows) == len(expected) == 15
    assert [r[0] for r in rows] == [e.key for e in expected]
    assert_cut_names([r[1] for r in rows], [e.label for e in expected])
    for row, e in zip(rows, expected, strict=True):
        assert "…" not in "".join(row[2:]), row
        assert row[3] == f"{e.value_yoy_pct:+.1f}%"
        assert row[6] == str(e.volume_growth_streak)


def test_long_names_are_cut_not_wrapped(compiled_store: Path, narrow: int) -> None:
    for command in ("summary", "indices"):
        args = ("--period", "2025-12", "--by", "division")
        out = ok("--store", compiled_store, command, *args).stdout
        assert_fits(out)
        rows = body(out)
        assert [r[0] for r in rows] == ["77", "84"]
        assert rows[0][1].startswith("Electrical mach") and rows[0][1].endswith("…")


def test_diagnostics_fit(sample_store: Path, narrow: int) -> None:
    out = ok("--store", sample_store, "diagnostics", "--period", "2025-06").stdout
    assert_fits(out)
    data = json.loads(
        ok("--store", sample_store, "diagnostics", "--period", "2025-06", "--json").stdout
    )
    rows = body(out)
    assert len(rows) == len(data["trimmed"]) + len(data["heterogeneous"])
    assert [r[1] for r in rows] == [r["commodity"] for r in data["trimmed"] + data["heterogeneous"]]


def test_indices_by_total_has_one_key_column(sample_store: Path, narrow: int) -> None:
    out = ok("--store", sample_store, "indices", "--period", "2025-12").stdout
    assert_fits(out)
    assert "total │ total" not in out and "total ┃ total" not in out
    header = [c.strip() for c in table_lines(out)[1].strip("┃").split("┃")]
    assert header[0] == "flow" and "name" not in header
    (row,) = body(out)
    assert row[0].lower() == "total exports"
