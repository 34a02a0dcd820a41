"""``entrepot classifications load``, ``show`` and ``kinds``."""

from __future__ import annotations

from pathlib import Path

from entrepot import Store
from entrepot.classifications import KIND_HEADERS, KINDS

from .conftest import error_of, ok, write_classifications


def rows_of(out: str) -> list[list[str]]:
    """The body rows of the tables in ``out``, cell by cell."""
    return [
        [c.strip() for c in line.strip("│").split("│")]
        for line in out.splitlines()
        if line.startswith("│")
    ]


def test_load_lists_each_file(tmp_path: Path) -> None:
    folder = write_classifications(tmp_path / "cls")
    out = ok("--store", tmp_path / "s.duckdb", "classifications", "load", folder).stdout
    # file, kind, edition; rows, names, groupings, overrides
    assert rows_of(out) == [
        ["commodities.csv", "entrepot", "", "2", "2", "0", "0"],
        ["partners.csv", "entrepot", "", "2", "0", "0", "0"],
        ["sitc.csv", "entrepot", "", "6", "0", "0", "0"],
    ]


def test_load_with_a_kind_in_any_case(tmp_path: Path) -> None:
    folder = write_classifications(tmp_path / "cls")
    store = tmp_path / "s.duckdb"
    out = ok("--store", store, "classifications", "load", folder / "sitc.csv", "--kind", "EnTrePot")
    assert rows_of(out.stdout) == [["sitc.csv", "entrepot", "", "6", "0", "0", "0"]]
    with Store(store, read_only=True) as opened:
        assert opened.count("sitc") == 6


def test_load_counts_overrides_and_show_lists_them(tmp_path: Path) -> None:
    table = tmp_path / "hs2022_sitc4.csv"
    table.write_text("hs2022,sitc4\n854232,76432\n854231,77641\n010121,00151\n")
    store = tmp_path / "s.duckdb"
    out = ok("--store", store, "classifications", "load", table).stdout
    assert rows_of(out) == [[table.name, "un_hs_sitc", "HS2022", "3", "0", "0", "2"]]
    shown = ok("--store", store, "classifications", "show").stdout
    from entrepot.store.classifications import classification_counts, classification_overrides

    with Store(store, read_only=True) as opened:
        counts = classification_counts(opened)
        overrides = classification_overrides(opened, limit=20)
    rows = rows_of(shown)
    assert rows[: len(counts)] == [[name, f"{n:,}"] for name, n in counts.items()]
    assert counts["commodity_sitc"] == 3 and counts["classification_overrides"] == 2
    # The overrides, one line each for commodity, the published and applied codes and the
    # source (the reason wraps below).
    listed = [r[:4] for r in rows[len(counts) :] if r[0]]
    assert (
        listed
        == [[o.commodity, o.published_sitc, o.sitc, o.source] for o in overrides]
        == [["854231", "77641", "77642", table.name], ["854232", "76432", "77644", table.name]]
    )
    header = [line for line in shown.splitlines() if line.startswith("┃")][-1]
    assert [c.strip() for c in header.strip("┃").split("┃")] == [
        "commodity",
        "published SITC",
        "applied SITC",
        "source",
        "why",
    ]
    assert "integrated circuits" in shown


def test_show_counts(filled_store: Path) -> None:
    out = ok("--store", filled_store, "classifications", "show").stdout
    counts = dict((r[0], r[1]) for r in rows_of(out))
    assert counts["commodity_sitc"] == "2"
    assert counts["sitc"] == "6"
    assert counts["partners"] == "2"
    assert counts["modes"] == "5"
    assert counts["classification_overrides"] == "0"
    assert "Overrides" not in out


def test_kinds_lists_every_kind_with_its_headers() -> None:
    out = ok("classifications", "kinds").stdout
    kinds = [r[0] for r in rows_of(out) if r[0]]
    assert kinds == list(KINDS) == list(KIND_HEADERS)
    text = " ".join(" ".join(r[1] for r in rows_of(out)).split())
    assert "'HS Code,SITC Code,Count'" in text
    assert "'commodity,sitc[,name]', 'code,level,name' or 'code,name,region,area'" in text


def test_classification_errors_are_one_line(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    missing = error_of("--store", store, "classifications", "load", tmp_path / "none.csv")
    assert missing == f"error: classifications: {tmp_path / 'none.csv'} does not exist."
    folder = write_classifications(tmp_path / "cls")
    unknown = error_of("--store", store, "classifications", "load", folder, "--kind", "nope")
    assert unknown.startswith("error: classifications: unknown kind 'nope'; kinds are ")
    assert ", ".join(KINDS) in unknown
    bad = tmp_path / "bad.csv"
    bad.write_text("alpha,beta\n1,2\n")
    assert "bad.csv" in error_of("--store", store, "classifications", "load", bad)
    assert "does not exist" in error_of(
        "--store", tmp_path / "no.duckdb", "classifications", "show"
    )
