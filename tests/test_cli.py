from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import entrepot
from entrepot.cli import app

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "tests" / "data" / "records"
runner = CliRunner()


def run(*args: str) -> object:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_public_api_is_pinned() -> None:
    assert sorted(entrepot.__all__) == [
        "Backend",
        "EntrepotError",
        "LoadReport",
        "Period",
        "Store",
        "Summary",
        "__version__",
        "breakdown",
        "connect",
        "duckdb_backend",
        "generate_sample",
        "ingest_files",
        "load_classifications",
        "spark_backend",
        "summary",
    ]


def test_ingest_then_summary_json(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    result = run("--store", store, "ingest", str(RECORDS / "small.csv"))
    assert result.exit_code == 0, result.output
    assert "8 rows read, 8 stored, 0 rejected; 7 cells" in result.output
    result = run("--store", store, "summary", "--period", "2025-12", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["period"] == "2025-12"
    assert set(data["month"]) == {
        "total_exports",
        "domestic_exports",
        "re_exports",
        "imports",
        "balance",
    }
    assert data["month"]["total_exports"] == {
        "value": 2020.0,
        "yoy_pct": pytest.approx((2020 / 1700 - 1) * 100, rel=1e-12),
    }
    assert data["month"]["balance"] == {
        "value": -980.0,
        "pct_of_imports": pytest.approx(-980 / 3000 * 100, rel=1e-12),
    }
    assert data["year_to_date"]["imports"]["value"] == 3000.0


def test_summary_table_and_breakdown(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    run("--store", store, "ingest", str(RECORDS / "small.csv"))
    result = run("--store", store, "summary", "--period", "2025-12")
    assert result.exit_code == 0
    assert re.search(r"Total exports\s+│\s+0\.0 mn\s+│\s+\+18\.8%", result.output), result.output
    result = run("--store", store, "summary", "--period", "2025-12", "--by", "mode", "--json")
    rows = {r["key"]: r for r in json.loads(result.stdout)}
    assert rows["air"]["month"]["re_exports"] == {"value": 1800.0, "yoy_pct": pytest.approx(20.0)}


def test_rejected_rows_exit_2_and_write_the_report(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    report = tmp_path / "rejects.csv"
    result = run(
        "--store",
        store,
        "ingest",
        str(RECORDS / "bad" / "unknown_flow.csv"),
        "--rejects",
        str(report),
    )
    assert result.exit_code == 2
    assert "1 row(s) rejected" in result.output
    lines = report.read_text().splitlines()
    assert lines[0] == "file,line,field,value,rule,reason"
    assert lines[1].endswith(
        'unknown_flow.csv,3,flow,exports,unknown_flow,"is not a known flow: expected one of '
        'imports, domestic_exports, re_exports"'
    )


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    run("--store", store, "ingest", str(RECORDS / "small.csv"))
    result = run("--store", store, "summary", "--period", "2025-13")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output == (
        "error: Period 2025-13 is not a valid month (expected YYYY-MM with a month from 01 to 12).\n"
    )
    result = run("--store", store, "summary", "--period", "2026-01")
    assert result.exit_code == 1
    assert "it holds 2024-12 to 2025-12" in result.output.replace("\n", " ")


def test_missing_store_is_explained(tmp_path: Path) -> None:
    result = run("--store", str(tmp_path / "none.duckdb"), "summary", "--period", "2025-12")
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_store_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENTREPOT_STORE", str(tmp_path / "env.duckdb"))
    assert run("ingest", str(RECORDS / "small.csv")).exit_code == 0
    assert (tmp_path / "env.duckdb").exists()


def test_history_lists_loads_and_revisions(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    run("--store", store, "ingest", str(RECORDS / "small.csv"))
    run("--store", store, "ingest", str(RECORDS / "small.csv"))
    data = json.loads(run("--store", store, "history", "--json").stdout)
    assert [load["rows_stored"] for load in data["loads"]] == [8, 8]
    assert {(r["period"], r["flow"]) for r in data["revisions"]} == {
        (202412, "re_exports"),
        (202412, "domestic_exports"),
        (202412, "imports"),
        (202512, "re_exports"),
        (202512, "domestic_exports"),
        (202512, "imports"),
    }


def _commands() -> list[str]:
    import typer.main

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


@pytest.mark.spark
def test_summary_on_spark_agrees_with_duckdb(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    store = str(tmp_path / "s.duckdb")
    run("--store", store, "ingest", str(RECORDS / "small.csv"))
    for by in ([], ["--by", "mode"]):
        on_duckdb = json.loads(
            run("--store", store, "summary", "--period", "2025-12", "--json", *by).stdout
        )
        result = run(
            "--store", store, "summary", "--period", "2025-12", "--json", "--backend", "spark", *by
        )
        assert result.exit_code == 0, result.output
        on_spark = json.loads(result.stdout)
        spark_numbers, duckdb_numbers = _numbers(on_spark), _numbers(on_duckdb)
        assert spark_numbers.keys() == duckdb_numbers.keys()
        for key, expected in duckdb_numbers.items():
            if expected is None:
                assert spark_numbers[key] is None, key
            else:
                assert spark_numbers[key] == pytest.approx(expected, rel=1e-9), key


def _numbers(data: object, path: str = "") -> dict[str, float | None]:
    """Flatten JSON to {path: number}, lists keyed by their 'key' field."""
    out: dict[str, float | None] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            out.update(_numbers(v, f"{path}/{k}"))
    elif isinstance(data, list):
        for item in data:
            out.update(_numbers(item, f"{path}/{item['key']}"))
    elif isinstance(data, (int, float)) or data is None:
        out[path] = data
    return out


PANEL = "period,item,price,quantity,note\n2024-01,a,1,10,x\n2024-01,b,2,5,\n2024-02,a,1.1,10,\n2024-02,b,2,6,\n"


def test_index_prints_csv_with_the_base_at_the_reference(tmp_path: Path) -> None:
    panel = tmp_path / "panel.csv"
    panel.write_text(PANEL)
    result = run("index", str(panel), "--formula", "fisher", "--reference", "100")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:2] == ["period,index", "2024-01,100"]
    period, value = lines[2].split(",")
    # Laspeyres 21/20, Paasche 23/22: Fisher = √(1.05 · 23/22).
    assert period == "2024-02"
    assert float(value) == pytest.approx(100 * (1.05 * 23 / 22) ** 0.5, rel=1e-15)


def test_index_contributions_sum_to_the_change(tmp_path: Path) -> None:
    panel = tmp_path / "panel.csv"
    panel.write_text(PANEL)
    lines = run("index", str(panel), "--contributions").stdout.splitlines()
    assert lines[0] == "period,item,contribution"
    total = sum(float(line.split(",")[2]) for line in lines[1:] if line.startswith("2024-02"))
    assert total == pytest.approx((1.05 * 23 / 22) ** 0.5 - 1, rel=1e-12)


def test_index_list_and_bad_input(tmp_path: Path) -> None:
    listed = run("index", "--list").stdout
    assert "geks_fisher\t" in listed and "ccdi\talias of geks_tornqvist" in listed
    panel = tmp_path / "panel.csv"
    panel.write_text(PANEL)
    result = run("index", str(panel), "--formula", "nope")
    assert result.exit_code == 1 and "Unknown index formula 'nope'" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("period,item,cost,quantity\n2024-01,a,1,1\n")
    result = run("index", str(bad))
    assert result.exit_code == 1 and "price" in result.output
    negative = tmp_path / "neg.csv"
    negative.write_text("period,item,price,quantity\n2024-01,a,-1,1\n2024-02,a,1,1\n")
    result = run("index", str(negative))
    assert result.exit_code == 1 and "Traceback" not in result.output
