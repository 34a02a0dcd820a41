"""``entrepot sample``: the synthetic sample."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from .conftest import error_of, ok, run, usage_error


def test_sample_writes_what_it_says(tmp_path: Path) -> None:
    out = tmp_path / "s"
    args = ("sample", "--out", out, "--scale", "0.002", "--start", "2025-11", "--end", "2025-12")
    text = " ".join(ok(*args).stdout.split())
    rows = pq.read_metadata(out / "records.parquet").num_rows
    assert rows > 0
    assert text == (
        f"Wrote {rows:,} records for 2 months (2025-11 to 2025-12) to {out / 'records.parquet'}; "
        f"classifications in {out / 'classifications'}."
    )
    periods = set(pq.read_table(out / "records.parquet", columns=["period"]).column(0).to_pylist())
    assert {str(p) for p in periods} == {"2025-11", "2025-12"}
    assert sorted(p.name for p in (out / "classifications").iterdir()) == [
        "commodities.csv",
        "partners.csv",
        "sitc.csv",
    ]
    # The same seed gives the same records.
    again = tmp_path / "again"
    ok("sample", "--out", again, "--scale", "0.002", "--start", "2025-11", "--end", "2025-12")
    assert (again / "records.parquet").read_bytes() == (out / "records.parquet").read_bytes()


def test_sample_formats_in_any_case(tmp_path: Path) -> None:
    args = ("--scale", "0.002", "--start", "2025-12", "--end", "2025-12")
    text = ok("sample", "--out", tmp_path / "csv", "--format", "CSV", *args).stdout
    lines = (tmp_path / "csv" / "records.csv").read_text().splitlines()
    assert f"Wrote {len(lines) - 1:,} records for 1 months" in text
    text = " ".join(
        ok("sample", "--out", tmp_path / "csd", "--format", "Csd", *args).stdout.split()
    )
    files = sorted(p.name for p in (tmp_path / "csd" / "202512").iterdir())
    assert files == ["HSCCIT_202512.DAT", "HSCOCCIT_202512.DAT", "HSCOIT_202512.DAT"]
    assert all(str(tmp_path / "csd" / "202512" / name) in text for name in files)


def test_sample_errors_are_one_line(tmp_path: Path) -> None:
    out = ("sample", "--out", tmp_path / "s")
    assert error_of(*out, "--format", "xlsx") == (
        "error: Sample format 'xlsx' is not known (expected one of: parquet, csv, csd)."
    )
    assert error_of(*out, "--start", "2025-13") == (
        "error: Period 2025-13 is not a valid month (expected YYYY-MM with a month from 01 to 12)."
    )
    assert error_of(*out, "--start", "2025-12", "--end", "2025-01") == (
        "error: The sample ends (2025-01) before it starts (2025-12); give --end on or after "
        "--start."
    )
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("scale", ["0", "-1"])
def test_sample_scale_must_be_positive(tmp_path: Path, scale: str) -> None:
    result = run("sample", "--out", tmp_path / "s", "--scale", scale)
    assert "Invalid value for '--scale'" in usage_error(result)
