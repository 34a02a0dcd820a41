"""Shared helpers for the index tests: the peers' reference data beside the repository."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "index-reference"


def reference(name: str) -> Path:
    """A file of ``shared/data/index-reference``; skip the test when it is not there."""
    path = REFERENCE / name
    if not path.exists():
        pytest.skip(f"reference data {path} is not available")
    return path


def read_reference(name: str) -> pd.DataFrame:
    return pd.read_csv(reference(name))


def printed_decimals(name: str) -> pd.DataFrame:
    """Number of decimals each value of a CSV file was printed with (same shape as the file)."""
    with reference(name).open(newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    return pd.DataFrame(
        [[len(cell.split(".")[1]) if "." in cell else 0 for cell in row] for row in body],
        columns=header,
    )


def tolerance(expected: np.ndarray, decimals: np.ndarray, rel: float = 1e-9) -> np.ndarray:
    """``rel`` relative, widened to half a unit of the last printed decimal of each value.

    Some fixture values were printed with fewer digits (0.93599183); a value rounded to d
    decimals is only known to ±0.5·10⁻ᵈ, so that is the tightest fair check.
    """
    printed = 0.5 * 10.0 ** (-np.asarray(decimals, dtype=float))
    return np.maximum(rel * np.abs(expected), np.where(np.asarray(decimals) >= 12, 0.0, printed))


def assert_close(got: np.ndarray, expected: np.ndarray, tol: np.ndarray | float) -> None:
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    err = np.abs(got - expected)
    bad = ~(err <= tol)
    assert not bad.any(), (
        f"{int(bad.sum())} value(s) differ: got {got[bad]}, expected {expected[bad]}, "
        f"|diff| {err[bad]}"
    )
