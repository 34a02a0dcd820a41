"""The web server over a copy of the session's compiled default sample."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from entrepot.cli import app
from entrepot.store import Store
from entrepot.web import create_app


@pytest.fixture(scope="session")
def web_store(sample_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The compiled default sample, copied: the server opens it read-only, which DuckDB
    allows in one process only if no connection holds it writable."""
    sample_store.con.execute("CHECKPOINT")
    path = tmp_path_factory.mktemp("web") / "sample.duckdb"
    shutil.copy(sample_store.path, path)
    return path


@pytest.fixture(scope="session")
def client(web_store: Path) -> Iterator[TestClient]:
    with TestClient(create_app(web_store)) as test_client:
        yield test_client


def cli_json(store: Path, *args: str) -> Any:
    """What ``entrepot --store STORE ARGS --json`` prints, parsed."""
    result = CliRunner().invoke(app, ["--store", str(store), *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def cli_csv(store: Path, *args: str) -> str:
    """What ``entrepot --store STORE ARGS --format csv`` prints."""
    result = CliRunner().invoke(app, ["--store", str(store), *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return result.stdout


def same(left: Any, right: Any, rel: float = 1e-12) -> bool:
    """Equal JSON, numbers to ``rel`` (a parallel sum may differ in its last digit from one
    run to the next)."""
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same(left[k], right[k], rel) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            same(a, b, rel) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, float) and isinstance(right, (int, float)) and not isinstance(right, bool):
        return bool(left == pytest.approx(right, rel=rel))
    return bool(left == right)
