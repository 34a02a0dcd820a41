from __future__ import annotations

from collections.abc import Iterator
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


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The default sample, ingested and compiled (every breakdown), shared by the session's
    tests: read it, never write to it."""
    from entrepot import duckdb_backend, ingest_files, load_classifications
    from entrepot.analysis.compilations import compile_store
    from entrepot.sample import generate

    out = tmp_path_factory.mktemp("sample")
    result = generate(out)
    store = Store(out / "sample.duckdb")
    load_classifications(store, [result.classifications])
    report = ingest_files(store, result.records)
    assert report.rows_rejected == 0 and report.rows_stored == result.rows
    compile_store(store, duckdb_backend(store))
    yield store
    store.close()
