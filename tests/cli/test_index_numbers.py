"""``entrepot index``: the index-number library on a panel CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import error_of, ok, run

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


# -- untidy panels -----------------------------------------------------------------------
# Laspeyres 21/20, Paasche 23/22, value ratio 23/20 (see PANEL).


def write(tmp_path: Path, text: str, name: str = "panel.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_index_reads_every_spelling_of_a_month_in_calendar_order(tmp_path: Path) -> None:
    panel = write(
        tmp_path,
        "period,item,price,quantity\n2024M02,a,1.1,10\n2024-2,b,2,6\n202401,a,1,10\n2024-1,b,2,5\n",
    )
    result = ok("index", panel, "--formula", "laspeyres", "--reference", "100")
    assert result.stdout.splitlines() == ["period,index", "2024-01,100", "2024-02,105"]
    assert result.stderr == ""


def test_index_quarters_in_order(tmp_path: Path) -> None:
    panel = write(tmp_path, "period,item,price\n2024Q2,a,4\n2024-Q1,a,2\n2023-q4,a,1\n")
    lines = ok("index", panel, "--formula", "jevons").stdout.splitlines()
    assert lines == ["period,index", "2023-Q4,1", "2024-Q1,2", "2024-Q2,4"]


def test_index_names_the_line_of_a_period_it_cannot_read(tmp_path: Path) -> None:
    panel = write(tmp_path, "period,item,price,quantity\n2024-01,a,1,1\nJan-24,a,2,1\n")
    message = error_of("index", panel)
    assert message.startswith(
        "error: Period 'Jan-24' in line 3 of column 'period' is not a period: write months "
        "2024-01 (or 2024-1, 202401, 2024M01, 2024/01), quarters 2024-Q1"
    )
    given = ok("index", panel, "--periods", "given", "--formula", "jevons").stdout
    assert given.splitlines() == ["period,index", "2024-01,1", "Jan-24,2"]


def test_index_drops_exact_repeats_with_a_warning(tmp_path: Path) -> None:
    panel = write(tmp_path, PANEL.replace("2024-02,a,1.1,10,\n", "2024-02,a,1.1,10,\n" * 3))
    result = ok("index", panel, "--formula", "paasche")
    assert result.stdout.splitlines()[2] == f"2024-02,{23 / 22!r}"
    assert result.stderr.splitlines() == [
        "warning: 2 row(s) repeat an earlier row in every column and are left out (lines 5, 6); "
        "duplicates sum counts every one, reject refuses them."
    ]
    # Summed, apples sells 30 in 2024-02: Paasche (33 + 12)/(30 + 12) = 45/42.
    summed = ok("index", panel, "--formula", "paasche", "--duplicates", "sum").stdout
    assert float(summed.splitlines()[2].split(",")[1]) == pytest.approx(45 / 42, rel=1e-15)
    message = error_of("index", panel, "--duplicates", "reject")
    assert message.startswith("error: 2 row(s) repeat an earlier row in every column (lines 5, 6)")


def test_index_states_a_gap_and_prints_an_empty_value(tmp_path: Path) -> None:
    panel = write(tmp_path, PANEL + "2024-03,c,3,1,\n")
    result = ok("index", panel, "--formula", "laspeyres")
    assert result.stdout.splitlines()[1:] == ["2024-01,1", "2024-02,1.05", "2024-03,"]
    assert result.stderr.splitlines() == [
        "warning: No index for 2024-03: 2024-01 and 2024-03 have no item in common. The value "
        "is left empty (NaN), a gap in the series."
    ]


def test_index_refuses_a_period_of_zero_quantities(tmp_path: Path) -> None:
    panel = write(tmp_path, PANEL.replace("1.1,10", "1.1,0").replace("2,6", "2,0"))
    message = error_of("index", panel)
    assert message.startswith("error: Period 2024-02 has only zero quantities: fisher weighs")


MAPPED = (
    "month,sku,unit_price,qty\n2024-01,a,1,10\n2024-01,b,2,5\n2024-02,a,1.1,10\n2024-02,b,2,6\n"
)
MAP = ["--map", "month=period", "--map", "sku=item", "--map", "unit_price=price"]


def test_index_map_names_the_columns(tmp_path: Path) -> None:
    panel = write(tmp_path, MAPPED)
    lines = ok("index", panel, *MAP, "--map", "qty=quantity", "--formula", "laspeyres").stdout
    assert lines.splitlines() == ["period,index", "2024-01,1", "2024-02,1.05"]
    message = error_of("index", panel)
    assert message == (
        "error: The panel has no period, item, price or quantity column; its columns are "
        "month, sku, unit_price, qty. Name the column of each field with --map COLUMN=FIELD "
        "(e.g. --map month=period)."
    )
    assert "no quantity column" in error_of("index", panel, *MAP)
    assert "'cost' is not a field" in error_of("index", panel, *MAP, "--map", "qty=cost")
    assert "has no column 'q'" in error_of("index", panel, *MAP, "--map", "q=quantity")
    assert "is not COLUMN=FIELD" in error_of("index", panel, "--map", "month")
    # Unweighted formulas need no quantity column, and field names match in any case.
    upper = write(tmp_path, "Period,ITEM,Price\n2024-01,a,1\n2024-02,a,4\n", "upper.csv")
    assert ok("index", upper, "--formula", "jevons").stdout.endswith("2024-02,4\n")


def test_index_sigma_of_lloyd_moulton(tmp_path: Path) -> None:
    panel = write(tmp_path, PANEL)
    # σ = 2: [Σ s0·r^(1−σ)]^(1/(1−σ)) = 1/(½/1.1 + ½) = 2.2/2.1; σ = 0 is Laspeyres.
    got = ok("index", panel, "--formula", "ces", "--sigma", "2").stdout.splitlines()[2]
    assert float(got.split(",")[1]) == pytest.approx(2.2 / 2.1, rel=1e-15)
    got = ok("index", panel, "--formula", "lloyd_moulton", "--sigma", "0").stdout
    assert float(got.splitlines()[2].split(",")[1]) == pytest.approx(1.05, rel=1e-15)
    assert error_of("index", panel, "--sigma", "2") == (
        "error: --sigma is the elasticity of substitution of lloyd_moulton (ces); fisher takes "
        "none."
    )
    assert "lloyd_moulton needs --sigma" in error_of("index", panel, "--formula", "ces")


def test_index_contributions_per_link(tmp_path: Path) -> None:
    # 2024-03: bread 2 → 2.5 (apples unchanged), so the link's change is all bread's.
    panel = write(tmp_path, PANEL + "2024-03,a,1.1,10,\n2024-03,b,2.5,6,\n")
    result = ok("index", panel, "--contributions", "--links", "--reference", "100")
    rows = [line.split(",") for line in result.stdout.splitlines()[1:]]
    link = {(p, i): float(c) for p, i, c in rows}
    # Same quantities in both months: Fisher = Σp1q/Σp0q = (11 + 15)/(11 + 12) = 26/23.
    assert link["2024-03", "a"] == 0.0
    assert link["2024-03", "b"] == pytest.approx(100 * 3 / 23, rel=1e-13)
    assert link["2024-02", "a"] + link["2024-02", "b"] == pytest.approx(
        100 * ((1.05 * 23 / 22) ** 0.5 - 1), rel=1e-13
    )
    assert "give one of them" in error_of("index", panel, "--links", "--chain", "chained")
    message = error_of("index", panel, "--contributions", "--formula", "laspeyres")
    assert "--formula laspeyres cannot go with it" in message


def test_index_implicit_quantity(tmp_path: Path) -> None:
    panel = write(tmp_path, PANEL)
    args = ["index", panel, "--formula", "laspeyres", "--quantity", "--reference", "100"]
    direct = ok(*args).stdout.splitlines()[2]
    implicit = ok(*args, "--implicit").stdout.splitlines()[2]
    assert float(direct.split(",")[1]) == pytest.approx(110, rel=1e-15)  # Σp0q1/Σp0q0
    # Value ratio 23/20 over the Laspeyres price index 21/20.
    assert float(implicit.split(",")[1]) == pytest.approx(100 * 23 / 21, rel=1e-15)
