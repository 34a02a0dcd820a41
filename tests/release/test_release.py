"""The December 2025 release of the default sample: every format, every number traceable,
recomputed from the cells by hand, and revisions when the data change."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from entrepot import Period, Store, duckdb_backend
from entrepot.release import ReleaseReport, write_release

pytestmark = pytest.mark.slow

DEC = Period(2025, 12)


@pytest.fixture(scope="module")
def copy(sample_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A writable copy of the session's sample store (a release is recorded in its store)."""
    sample_store.con.execute("CHECKPOINT")
    path = tmp_path_factory.mktemp("release") / "copy.duckdb"
    shutil.copy(sample_store.path, path)
    store = Store(path)
    yield store
    store.close()


@pytest.fixture(scope="module")
def report(copy: Store, tmp_path_factory: pytest.TempPathFactory) -> ReleaseReport:
    out = tmp_path_factory.mktemp("out") / "release-2025-12"
    return write_release(copy, duckdb_backend(copy), DEC, out_dir=out)


def test_every_file_is_written(report: ReleaseReport) -> None:
    names = sorted(p.name for p in report.out_dir.iterdir())
    assert names == [
        "charts", "provenance.json", "release.html", "release.md", "release.pdf", "release.xlsx",
    ]  # fmt: skip
    assert {p.name for p in (report.out_dir / "charts").iterdir()} == {
        "chart-destinations.svg", "chart-divisions.svg", "chart-headline-value.svg",
        "chart-headline-volume.svg", "chart-modes.svg", "chart-volume-price.svg",
    }  # fmt: skip
    assert report.release_id == 1


def test_the_lead_reads_like_the_office(report: ReleaseReport) -> None:
    lead = report.lead
    assert re.match(
        r"The value of Hong Kong's total merchandise exports increased by 2\d\.\d% over a "
        r"year earlier to \$5\d\d\.\d billion in December 2025, after a year-on-year "
        r"increase of 1\d\.\d% in November\. The value of imports of goods increased by "
        r"\d\d\.\d% to \$5\d\d\.\d billion, after a year-on-year increase of 1\d\.\d% in "
        r"November\. A visible trade deficit of \$\d\d\.\d billion was recorded in December "
        r"2025, equivalent to \d+\.\d% of the value of imports\.$",
        lead,
    ), lead


def test_markdown_snapshot(report: ReleaseReport, snapshot) -> None:
    assert (report.out_dir / "release.md").read_text() == snapshot


def test_html_snapshot(report: ReleaseReport, snapshot) -> None:
    page = (report.out_dir / "release.html").read_text()
    # The page carries the Vega bundle and the figures as scripts: the snapshot is the rest.
    assert page.count("<script") == 3 + len(list(report.release.charts()))
    assert "http://" not in re.sub(r"<script.*?</script>", "", page, flags=re.S).replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert re.sub(r"<script.*?</script>", "<script/>", page, flags=re.S) == snapshot


def test_pdf_pages_and_text(report: ReleaseReport) -> None:
    pdf = PdfReader(report.out_dir / "release.pdf")
    assert len(pdf.pages) >= 8
    first = pdf.pages[0].extract_text()
    assert "External merchandise trade statistics for" in first
    assert "Page 1 of" in first
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Methodology notes" in text and "Volume and price" in text
    width, height = (float(x) for x in pdf.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_every_excel_number_is_a_number(report: ReleaseReport) -> None:
    book = load_workbook(report.out_dir / "release.xlsx")
    tables = list(report.release.tables())
    assert book.sheetnames[: len(tables)] == [f"Table {i}" for i in range(1, len(tables) + 1)]
    for table, sheet in zip(tables, book.worksheets, strict=False):
        kinds = [c.kind for c in table.columns]
        for row in sheet.iter_rows(min_row=3, max_row=2 + len(table.rows)):
            for kind, cell in zip(kinds, row, strict=False):
                if kind != "text" and cell.value is not None:
                    assert isinstance(cell.value, int | float), (sheet.title, cell.coordinate)
                    assert cell.number_format != "General"
    usa = next(
        row for row in book["Table 2"].iter_rows(min_row=3, values_only=True) if row[0] == "USA"
    )
    figure = report.release.figures["destinations.USA.total_exports.value"]
    assert usa[2] == figure.value  # unrounded


def _numbers(text: str) -> list[str]:
    """The numbers a reader sees, as printed: 26.1%, $513.6 billion, 513.6, +26.1%."""
    return re.findall(r"[+-]?\$?\d[\d,]*\.\d+%?(?: billion| million)?", text)


def test_every_number_printed_has_a_figure(report: ReleaseReport) -> None:
    md = (report.out_dir / "release.md").read_text()
    # Methodology notes state the method's parameters, not statistics.
    md = md.split("## Methodology notes")[0]
    printed = {f.text for f in report.release.figures.values()}
    pieces = {n for t in printed for n in _numbers(t)}
    missing = [n for n in _numbers(md) if n not in pieces]
    assert missing == []
    provenance = json.loads((report.out_dir / "provenance.json").read_text())
    figures = provenance["figures"]
    assert {f["id"] for f in figures} == set(report.release.figures)
    for f in figures:
        assert set(f) >= {"id", "text", "value", "measure", "inputs", "expression", "revision"}
        assert f["revision"] == {"last_load": 1, "compilation": 1}
        assert f["inputs"]["period"]
    assert "values_by.partner" in provenance["expressions"]
    assert "SELECT" in provenance["expressions"]["values_by.partner"]


def _value(report: ReleaseReport, fid: str) -> float:
    value = report.release.figures[fid].value
    assert isinstance(value, int | float)
    return float(value)


def test_figures_recomputed_from_the_cells(report: ReleaseReport, copy: Store) -> None:
    def one(sql: str) -> float:
        return float(copy.con.execute(sql).fetchone()[0])

    exports = "flow::VARCHAR IN ('domestic_exports', 're_exports')"
    dec = one(f"SELECT sum(value) FROM cells WHERE period = 202512 AND {exports}")
    dec_before = one(f"SELECT sum(value) FROM cells WHERE period = 202412 AND {exports}")
    imports = one("SELECT sum(value) FROM cells WHERE period = 202512 AND flow = 'imports'")
    ytd = one(f"SELECT sum(value) FROM cells WHERE period BETWEEN 202501 AND 202512 AND {exports}")
    assert _value(report, "total_exports.value") == pytest.approx(dec, rel=1e-12)
    assert _value(report, "total_exports.value.yoy.words") == pytest.approx(
        (dec / dec_before - 1) * 100, rel=1e-9
    )
    assert _value(report, "imports.value") == pytest.approx(imports, rel=1e-12)
    assert _value(report, "balance.pct_of_imports") == pytest.approx(
        (dec - imports) / imports * 100, rel=1e-9
    )
    assert _value(report, "total_exports.value.year_to_date.table") == pytest.approx(ytd, rel=1e-12)
    usa = one(
        f"SELECT sum(value) FROM cells WHERE period = 202512 AND {exports} AND partner = 'USA'"
    )
    assert _value(report, "destinations.USA.total_exports.value") == pytest.approx(usa, rel=1e-12)
    air = one(f"SELECT sum(value) FROM cells WHERE period = 202412 AND {exports} AND mode = 'air'")
    assert _value(report, "modes.air.previous") == pytest.approx(air, rel=1e-12)
    origin = one("SELECT sum(value) FROM cells WHERE period = 202512 AND flow = 're_exports' "
                 "AND origin = 'CHN'")  # fmt: skip
    assert _value(report, "origins.CHN.re_exports.value") == pytest.approx(origin, rel=1e-12)
    # A division: each item classed by its own code, else by its HS subheading.
    division = one(
        f"""SELECT sum(c.value) FROM cells c
            LEFT JOIN commodity_sitc x ON x.commodity = c.commodity::VARCHAR
            LEFT JOIN commodity_sitc y ON y.commodity = left(c.commodity::VARCHAR, 6)
            WHERE c.period = 202512 AND {exports}
              AND left(coalesce(x.sitc, y.sitc), 2) = '77'"""
    )
    assert _value(report, "divisions.77.total_exports.value") == pytest.approx(division, rel=1e-12)


def test_a_release_after_a_revision_says_what_changed(
    report: ReleaseReport, copy: Store, tmp_path: Path
) -> None:
    from entrepot import ingest_files

    before = _value(report, "total_exports.value")
    first_md = (report.out_dir / "release.md").read_text()
    # A late declaration for December 2025, loaded as an amendment.
    cell = copy.con.execute(
        "SELECT commodity::VARCHAR, partner::VARCHAR, unit::VARCHAR FROM cells "
        "WHERE period = 202512 AND flow = 're_exports' LIMIT 1"
    ).fetchone()
    late = tmp_path / "late.csv"
    pd.DataFrame(
        {"period": ["2025-12"], "flow": ["re_exports"], "commodity": [cell[0]],
         "partner": [cell[1]], "unit": [cell[2]], "value": [1e9], "quantity": [10.0]}
    ).to_csv(late, index=False)  # fmt: skip
    ingest_files(copy, [late], mode="append")
    again = write_release(copy, duckdb_backend(copy), DEC, out_dir=report.out_dir)
    assert again.release_id == 2
    periods = [r for r in again.release.revisions if r["kind"] == "period"]
    assert [(r["period"], r["flow"]) for r in periods] == [("2025-12", "re_exports")]
    assert periods[0]["new_value"] - periods[0]["old_value"] == pytest.approx(1e9)
    figures = {r["id"]: r for r in again.release.revisions if r["kind"] == "figure"}
    assert figures["total_exports.value"]["change"] == pytest.approx(1e9)
    assert _value(again, "total_exports.value") == pytest.approx(before + 1e9)
    md = (again.out_dir / "release.md").read_text()
    assert "## Revisions since the previous release" in md
    # The previous release stays readable beside the new one.
    kept = again.out_dir / "previous" / "1"
    assert (kept / "release.md").read_text() == first_md != md
    old = json.loads((kept / "provenance.json").read_text())
    assert {f["id"]: f["value"] for f in old["figures"]}["total_exports.value"] == before
