"""``entrepot release`` through the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import error_of, ok


def test_release_writes_the_formats_asked_for(compiled_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "copy.duckdb"
    shutil.copy(compiled_store, store)
    out = tmp_path / "rel"
    printed = ok(
        "--store", store, "release", "--period", "2025-12", "--out", out, "--format", "md,xlsx"
    ).stdout  # fmt: skip
    assert printed.startswith(
        "The value of Hong Kong's total merchandise exports increased by 10.0% over a year "
        "earlier to $2.2 billion in December 2025"
    )
    assert f"Release 1 written to {out}/" in " ".join(printed.split())
    assert sorted(p.name for p in out.iterdir()) == [
        "charts", "provenance.json", "release.md", "release.xlsx",
    ]  # fmt: skip
    # Again: the first release moves aside, whole.
    ok("--store", store, "release", "--period", "2025-12", "--out", out, "--format", "md")
    assert sorted(p.name for p in (out / "previous" / "1").iterdir()) == [
        "charts", "provenance.json", "release.md", "release.xlsx",
    ]  # fmt: skip


def test_release_errors_are_one_line(compiled_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "copy.duckdb"
    shutil.copy(compiled_store, store)
    assert error_of(
        "--store", store, "release", "--period", "2025-12", "--format", "docx"
    ).startswith("error: Unknown format 'docx'")
    assert error_of("--store", store, "release", "--period", "2031-01").startswith(
        "error: Period 2031-01 is not in the store (it holds 2023-01 to 2025-12)"
    )
    file = tmp_path / "a-file"
    file.write_text("x")
    assert error_of("--store", store, "release", "--period", "2025-12", "--out", file) == (
        f"error: --out {file} is a file: name a folder."
    )
