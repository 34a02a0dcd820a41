"""``entrepot index``: the index-number library on a panel CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run

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
