"""Fixtures of the classification tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from entrepot.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "s.duckdb") as s:
        yield s
