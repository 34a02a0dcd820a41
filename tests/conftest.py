from __future__ import annotations

from pathlib import Path

import pytest

from entrepot.store import Store

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "test.duckdb")
    yield s
    s.close()


def shared(*parts: str) -> Path:
    """A file of the reference data beside the repository; skip the test without it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data {path} is not available")
    return path
