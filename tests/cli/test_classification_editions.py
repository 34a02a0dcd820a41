"""``classifications load --replace``: one HS edition at a time, swapped on request."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from entrepot.cli import app
from entrepot.store import Store

runner = CliRunner()


def table(path: Path, edition: str, rows: list[tuple[str, str]]) -> Path:
    path.write_text(f"{edition},sitc4\n" + "".join(f"{hs},{sitc}\n" for hs, sitc in rows))
    return path


def test_replace_swaps_the_stored_edition(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    hs17 = table(tmp_path / "hs2017.csv", "hs2017", [("854231", "77642"), ("010121", "00151")])
    hs22 = table(tmp_path / "hs2022.csv", "hs2022", [("854231", "776"), ("010121", "00151")])
    first = runner.invoke(app, ["classifications", "load", str(hs17), "--store", store])
    assert first.exit_code == 0, first.output
    assert "HS2017" in first.stdout

    mixed = runner.invoke(app, ["classifications", "load", str(hs22), "--store", store])
    assert mixed.exit_code == 1
    (line,) = [line for line in mixed.stderr.splitlines() if line.strip()]
    assert line.startswith("error: ") and "--replace" in line and "HS2017" in line

    swapped = runner.invoke(
        app, ["classifications", "load", str(hs22), "--replace", "--store", store]
    )
    assert swapped.exit_code == 0, swapped.output
    assert "Replaced HS edition HS2017 (2 rows) by HS2022 from hs2022.csv." in swapped.stdout
    with Store(store, read_only=True) as opened:
        assert opened.query("SELECT DISTINCT edition FROM commodity_sitc") == [("HS2022",)]
        # The override still sends 854231 to 77642 whatever the HS 2022 table says.
        assert opened.scalar("SELECT sitc FROM commodity_sitc WHERE commodity = '854231'") == (
            "77642"
        )
