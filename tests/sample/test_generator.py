"""The synthetic sample: deterministic, valid, self-classified and calibrated."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from entrepot.errors import SampleError
from entrepot.periods import Period
from entrepot.sample import SampleResult, generate
from entrepot.sample.calibration import Growth, Knots
from entrepot.sample.seasons import holiday_days
from entrepot.sample.writers import RECORD_SCHEMA
from entrepot.schema import FIELD_NAMES, FLOWS, MODES

SMALL = {"start": Period(2025, 1), "end": Period(2025, 3), "scale": 0.05}
REGIONS = {
    "Asia",
    "North America",
    "Western Europe",
    "Eastern Europe",
    "Latin America",
    "Middle East",
    "Africa",
    "Oceania",
}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> SampleResult:
    return generate(tmp_path_factory.mktemp("small"), **SMALL)


@pytest.fixture(scope="module")
def records(small: SampleResult) -> pa.Table:
    return pq.read_table(small.records[0])


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_result_describes_what_was_written(small: SampleResult, records: pa.Table) -> None:
    assert small.records == [small.records[0].parent / "records.parquet"]
    assert small.periods == 3
    assert small.rows == records.num_rows > 1000
    assert sorted(p.name for p in small.classifications.iterdir()) == [
        "commodities.csv",
        "partners.csv",
        "sitc.csv",
    ]


def test_same_seed_gives_identical_bytes(small: SampleResult, tmp_path: Path) -> None:
    again = generate(tmp_path, **SMALL)
    assert again.records[0].read_bytes() == small.records[0].read_bytes()
    for name in ("commodities.csv", "sitc.csv", "partners.csv"):
        assert (again.classifications / name).read_bytes() == (
            small.classifications / name
        ).read_bytes()


def test_another_seed_gives_other_records(records: pa.Table, tmp_path: Path) -> None:
    other = pq.read_table(generate(tmp_path, seed=7, **SMALL).records[0])
    assert not other.equals(records)
    assert other.column("value").to_numpy().sum() != records.column("value").to_numpy().sum()


def test_a_month_does_not_depend_on_the_range_asked_for(records: pa.Table, tmp_path: Path) -> None:
    alone = pq.read_table(
        generate(tmp_path, start="2025-02", end="2025-02", scale=SMALL["scale"]).records[0]
    )
    february = records.filter(pc.equal(records.column("period"), "2025-02"))
    assert alone.equals(february)


def test_records_are_valid(records: pa.Table) -> None:
    assert records.schema == RECORD_SCHEMA
    assert set(records.column_names) <= set(FIELD_NAMES)
    df = records.to_pandas()
    assert set(df.period) == {"2025-01", "2025-02", "2025-03"}
    assert set(df.flow) == set(FLOWS)
    assert set(df["mode"]) == set(MODES)
    assert df.commodity.str.fullmatch(r"\d{8}").all()
    assert df.partner.str.fullmatch(r"[A-Z]{3}").all()
    assert (df.value >= 1).all() and (df.value == np.round(df.value)).all()
    assert (df.net_weight >= 0).all()
    has_quantity = df.quantity.notna()
    assert (df.quantity[has_quantity] >= 1).all()
    assert (df.unit.notna() == has_quantity).all()
    assert 0.9 < has_quantity.mean() < 1.0  # a few items report no quantity
    # Origins for re-exports only, consignment countries for imports only.
    assert (df.origin.notna() == (df.flow == "re_exports")).all()
    assert (df.consignment.notna() == (df.flow == "imports")).all()
    imports = df[df.flow == "imports"]
    assert 0.0 < (imports.consignment != imports.partner).mean() < 0.2


def test_records_are_cells(records: pa.Table) -> None:
    key = ["period", "flow", "commodity", "partner", "consignment", "origin", "mode", "unit"]
    df = records.to_pandas()
    assert not df.duplicated(key).any()


def test_weights_follow_quantities_in_weight_units(records: pa.Table) -> None:
    df = records.to_pandas()
    kg = df[df.unit == "KG"]
    assert len(kg) > 100
    assert (kg.net_weight == kg.quantity).all()


def test_classifications_cover_every_record(small: SampleResult, records: pa.Table) -> None:
    commodities = {
        r["commodity"]: r["sitc"] for r in _csv(small.classifications / "commodities.csv")
    }
    sitc = {r["code"]: r for r in _csv(small.classifications / "sitc.csv")}
    partners = {r["code"]: r for r in _csv(small.classifications / "partners.csv")}
    df = records.to_pandas()
    assert set(df.commodity) <= set(commodities)
    codes = set(df.partner) | set(df.origin.dropna()) | set(df.consignment.dropna())
    assert codes <= set(partners)
    for code in commodities.values():
        assert re.fullmatch(r"\d{3}|\d{5}", code)
        for level in (1, 2, 3):
            assert sitc[code[:level]]["level"] == str(level)
    assert all(int(r["level"]) == len(r["code"]) for r in sitc.values())
    assert {r["region"] for r in partners.values()} == REGIONS
    assert 90 <= len(partners) <= 110


def test_known_classifications(small: SampleResult) -> None:
    commodities = {
        r["commodity"]: r["sitc"] for r in _csv(small.classifications / "commodities.csv")
    }
    ics = {c: s for c, s in commodities.items() if c.startswith("854231")}
    assert ics and set(ics.values()) == {"77642"}  # processors: SITC 776, not 764
    sitc = {r["code"]: r["name"] for r in _csv(small.classifications / "sitc.csv")}
    assert sitc["7"] == "Machinery and transport equipment"
    assert sitc["776"].startswith("Thermionic, cold cathode or photo-cathode valves")
    partners = {r["code"]: r for r in _csv(small.classifications / "partners.csv")}
    assert partners["CHN"]["name"] == "Chinese Mainland"
    assert partners["TWN"]["region"] == "Asia"
    assert partners["USA"]["region"] == "North America"


def test_domestic_exports_are_about_one_percent(records: pa.Table) -> None:
    df = records.to_pandas()
    exports = df[df.flow != "imports"]
    share = exports.value[exports.flow == "domestic_exports"].sum() / exports.value.sum()
    assert 0.007 < share < 0.014


def test_the_mainland_leads_exports_and_imports(records: pa.Table) -> None:
    df = records.to_pandas()
    for exports in (True, False):
        by_partner = df[(df.flow != "imports") == exports].groupby("partner").value.sum()
        assert by_partner.idxmax() == "CHN"
        assert 0.35 < by_partner["CHN"] / by_partner.sum() < 0.65


def test_rows_grow_with_scale(small: SampleResult, tmp_path: Path) -> None:
    bigger = generate(tmp_path, **{**SMALL, "scale": 0.2})
    assert 2.5 < bigger.rows / small.rows < 5.5


def test_csv_holds_the_same_records_as_parquet(records: pa.Table, tmp_path: Path) -> None:
    result = generate(tmp_path, format="csv", **SMALL)
    assert result.records == [tmp_path / "records.csv"]
    types = {f.name: f.type for f in RECORD_SCHEMA}
    options = pa_csv.ConvertOptions(column_types=types, strings_can_be_null=True)
    from_csv = pa_csv.read_csv(result.records[0], convert_options=options)
    assert from_csv.equals(records)


def test_office_files_use_office_codes(tmp_path: Path) -> None:
    pytest.importorskip("entrepot.ingest.fixedwidth")
    result = generate(tmp_path, format="csd", start="2025-11", end="2025-12", scale=0.02)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in result.records)
    assert names == [
        f"{month}/{layout}_{month}.DAT"
        for month in ("202511", "202512")
        for layout in ("HSCCIT", "HSCOCCIT", "HSCOIT")
    ]
    partners = {r["code"]: r["name"] for r in _csv(result.classifications / "partners.csv")}
    assert partners["111"] == "United States of America"
    assert partners["631"] == "Chinese Mainland"
    assert all(re.fullmatch(r"\d{3}", code) for code in partners)


def test_office_files_hold_the_records_values(tmp_path: Path) -> None:
    fixedwidth = pytest.importorskip("entrepot.ingest.fixedwidth")
    options = {"start": "2025-12", "end": "2025-12", "scale": 0.02}
    parquet = pq.read_table(generate(tmp_path / "parquet", **options).records[0]).to_pandas()
    office = generate(tmp_path / "csd", format="csd", **options)
    (hsccit,) = [p for p in office.records if p.name.startswith("HSCCIT")]
    lines = pa.Table.from_batches(fixedwidth.read_fixed_width(hsccit)).to_pandas()
    assert lines["_problem"].isna().all()
    from_office = lines.assign(value=lines["value"].astype(float)).groupby("flow").value.sum()
    assert from_office.to_dict() == parquet.groupby("flow").value.sum().to_dict()


def test_progress_counts_months(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    generate(tmp_path, **SMALL, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_rewriting_replaces_earlier_records(tmp_path: Path) -> None:
    generate(tmp_path, format="csv", **SMALL)
    generate(tmp_path, **SMALL)
    assert not (tmp_path / "records.csv").exists()
    assert (tmp_path / "records.parquet").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"start": Period(2025, 3), "end": Period(2025, 1)}, r"ends \(2025-01\) before it starts"),
        ({"scale": 0}, r"scale 0 is not a positive number"),
        ({"scale": -1.5}, r"scale -1.5 is not a positive number"),
        ({"scale": float("nan")}, r"scale nan is not a positive number"),
        ({"format": "xlsx"}, r"format 'xlsx' is not known \(expected one of: parquet, csv, csd\)"),
        ({"seed": -1}, r"seed -1 is not a whole number"),
        ({"start": "2025-13"}, r"start: Period 2025-13 is not a valid month"),
    ],
)
def test_impossible_options_are_refused(
    tmp_path: Path, options: dict[str, object], message: str
) -> None:
    with pytest.raises(SampleError, match=message):
        generate(tmp_path, **options)  # type: ignore[arg-type]
    assert not any(tmp_path.iterdir())


def test_output_must_be_a_directory(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("")
    with pytest.raises(SampleError, match="is a file; give a directory"):
        generate(target, **SMALL)


def test_lunar_new_year_break() -> None:
    # 2023-01-22, 2024-02-10, 2025-01-29: the break runs a week before to 13 days after.
    assert [holiday_days(2023, m) for m in (1, 2, 3)] == [17, 4, 0]
    assert [holiday_days(2024, m) for m in (1, 2, 3)] == [0, 21, 0]
    assert [holiday_days(2025, m) for m in (1, 2, 3)] == [10, 11, 0]
    assert holiday_days(2099, 1) == 0


def test_paths_interpolate_between_knots() -> None:
    knots = Knots((("2024-01", 1.0), ("2024-03", 4.0)))
    month = Period(2024, 1).index
    assert [round(knots.at(month + i), 12) for i in (-5, 0, 1, 2, 9)] == [1.0, 1.0, 2.0, 4.0, 4.0]
    growth = Growth((("2024-01", 0.1), ("2024-03", 0.3)), outside=0.02)
    assert [round(growth.at(month + i), 12) for i in (-1, 0, 1, 2, 3)] == [
        0.02,
        0.1,
        0.2,
        0.3,
        0.02,
    ]


def test_december_2025_reads_like_the_release(tmp_path: Path) -> None:
    """The default sample's December 2025, compiled straight from the records."""
    result = generate(tmp_path, start="2024-12", end="2025-12")
    totals = dict(
        duckdb.sql(
            f"""SELECT period || ' ' || CASE WHEN flow = 'imports' THEN 'imports' ELSE
                'exports' END, sum(value) FROM read_parquet('{result.records[0]}')
                WHERE period IN ('2024-12', '2025-12') GROUP BY 1"""
        ).fetchall()
    )
    exports, imports = totals["2025-12 exports"], totals["2025-12 imports"]
    assert exports == pytest.approx(512.8e9, rel=0.03)
    assert imports == pytest.approx(576.0e9, rel=0.03)
    assert 100 * (exports / totals["2024-12 exports"] - 1) == pytest.approx(26.1, abs=1.5)
    assert 100 * (imports / totals["2024-12 imports"] - 1) == pytest.approx(30.6, abs=1.5)
    assert 100 * (exports - imports) / imports == pytest.approx(-11.0, abs=1.5)
