"""Stores for the command-line tests, and helpers to run the CLI and read its output.

Small stores are built by hand (a 3-year, 3-item store compiles in a second); one realistic
store, from ``entrepot sample --scale 0.02``, is shared by the whole session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from entrepot import Store
from entrepot.cli import app, render

ROOT = Path(__file__).resolve().parents[2]
RECORDS = ROOT / "tests" / "data" / "records"
WIDTH = 100
"""The width tables and help must stay readable in."""

runner = CliRunner()


def run(*args: object, env: dict[str, str] | None = None) -> Result:
    """``entrepot ARGS`` with a terminal of :data:`WIDTH` columns; exceptions propagate."""
    return runner.invoke(
        app,
        [str(a) for a in args],
        env={"COLUMNS": str(WIDTH), **(env or {})},
        catch_exceptions=False,
    )


def ok(*args: object, env: dict[str, str] | None = None) -> Result:
    """``entrepot ARGS``, which must succeed."""
    result = run(*args, env=env)
    assert result.exit_code == 0, result.output
    return result


def one_line_error(result: Result) -> str:
    """The error of a failed command: exit 1, one non-empty line on stderr, starting
    ``error:``, nothing on stdout and no traceback."""
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    assert result.stdout.strip() == "", result.stdout
    return lines[0]


def error_of(*args: object, env: dict[str, str] | None = None) -> str:
    """The one-line error ``entrepot ARGS`` fails with."""
    return one_line_error(run(*args, env=env))


def usage_error(result: Result) -> str:
    """Click's usage error: exit 2, the message on stderr."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return " ".join(result.stderr.split())


# -- stores -------------------------------------------------------------------------------

ITEM_A, ITEM_B = "85423190", "61091000"
HK = 1e8
"""Values of :func:`fill` are prices × quantities × HK$100 mn: 2.2 bn of re-exports a month."""


def fill(store: Store) -> None:
    """2023-01 to 2025-12. Re-exports to the USA of item A, whose price rises 20% in 2025,
    and item B, whose price stays put; imports of A from China; imports of B from China at
    a price of 1, except 20 in 2025-06 (a relative of 20, trimmed as an outlier)."""
    rows = []
    for year in (2023, 2024, 2025):
        for month in range(1, 13):
            period = year * 100 + month
            a_price = 1.2 if year == 2025 else 1.0
            b_price = 20.0 if period == 202506 else 1.0
            rows += [
                (period, "re_exports", ITEM_A, "USA", "NO.", a_price * 10 * HK, 10.0),
                (period, "re_exports", ITEM_B, "USA", "NO.", 10.0 * HK, 5.0),
                (period, "imports", ITEM_A, "CHN", "NO.", 12.0 * HK, 12.0),
                (period, "imports", ITEM_B, "CHN", "NO.", b_price * 4 * HK, 4.0),
            ]
    frame = pd.DataFrame(
        rows, columns=["period", "flow", "commodity", "partner", "unit", "value", "quantity"]
    )
    store.con.register("_f", frame)
    store.con.execute(
        "INSERT INTO cells (period, flow, commodity, partner, unit, value, quantity, records, "
        "load_id) SELECT *, 1, 1 FROM _f"
    )
    store.con.unregister("_f")
    store.con.execute(
        "INSERT INTO loads (load_id, started, finished, files, rows_read, rows_stored, "
        "rows_rejected, cells, value) VALUES (1, TIMESTAMP '2026-01-15 09:00', "
        "TIMESTAMP '2026-01-15 09:01', 'filled.csv', ?, ?, 0, ?, ?)",
        [len(rows), len(rows), len(rows), float(frame.value.sum())],
    )


LONG_NAME = (
    "Electrical machinery, apparatus and appliances, n.e.s., and electrical parts thereof "
    "(including non-electrical counterparts, n.e.s., of electrical household-type equipment)"
)
"""SITC division 77's name, longer than any table column."""


def write_classifications(folder: Path) -> Path:
    """entrepot's own classification CSVs for the items and partners of :func:`fill`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "commodities.csv").write_text(
        "commodity,sitc,name\n"
        f'{ITEM_A},77642,"Processors and controllers, whether or not combined with memories"\n'
        f"{ITEM_B},84420,T-shirts of cotton\n"
    )
    (folder / "sitc.csv").write_text(
        "code,level,name\n"
        "7,1,Machinery and transport equipment\n"
        f'77,2,"{LONG_NAME}"\n'
        "776,3,Thermionic valves and tubes; diodes; transistors; integrated circuits\n"
        "8,1,Miscellaneous manufactured articles\n"
        "84,2,Articles of apparel and clothing accessories\n"
        '844,3,"Women\'s coats, jackets, suits, of textile fabrics, knitted"\n'
    )
    (folder / "partners.csv").write_text(
        "code,name,region,area\n"
        "USA,United States of America,North America,\n"
        "CHN,Chinese Mainland,Asia,\n"
    )
    return folder


def filled(path: Path) -> Path:
    """A store of :func:`fill`'s cells and their classifications (not compiled)."""
    with Store(path) as store:
        fill(store)
    ok("--store", path, "classifications", "load", write_classifications(path.parent / "cls"))
    return path


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    """tests/data/records/small.csv ingested: 2024-12 and 2025-12 only."""
    path = tmp_path / "small.duckdb"
    ok("--store", path, "ingest", RECORDS / "small.csv")
    return path


@pytest.fixture
def filled_store(tmp_path: Path) -> Path:
    """:func:`fill`'s store, not compiled."""
    return filled(tmp_path / "filled.duckdb")


@pytest.fixture(scope="session")
def compiled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """:func:`fill`'s store compiled with the defaults (Fisher, 2024 = 100). Read only."""
    path = filled(tmp_path_factory.mktemp("compiled") / "compiled.duckdb")
    ok("--store", path, "compile")
    return path


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``entrepot sample --scale 0.02`` with its classifications, ingested and compiled.
    Read only."""
    folder = tmp_path_factory.mktemp("sample")
    path = folder / "sample.duckdb"
    ok("sample", "--out", folder / "out", "--scale", "0.02")
    ok("--store", path, "classifications", "load", folder / "out" / "classifications")
    ok("--store", path, "ingest", folder / "out" / "records.parquet")
    ok("--store", path, "compile")
    return path


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """Tables rendered for a terminal of :data:`WIDTH` columns."""
    monkeypatch.setattr(render.console, "width", WIDTH)
    yield WIDTH
