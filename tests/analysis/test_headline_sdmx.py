"""The headline series as a tidy table and as SDMX-CSV with its data structure, read back
with pysdmx."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from entrepot import sdmx
from entrepot.analysis.headline import HEADLINE_COLUMNS, headline
from entrepot.errors import InputError
from entrepot.store import Store
from entrepot.store import compilations as stored


def test_headline_is_the_compiled_series(sample_store: Store) -> None:
    frame = headline(sample_store)
    assert tuple(frame.columns) == HEADLINE_COLUMNS
    assert set(frame.breakdown) == {"total", "section", "region", "mode"}
    assert set(frame.indicator) == {"value", "price_index", "volume_index"}
    cid = stored.latest_compilation(sample_store)
    series = stored.series_of(sample_store, cid, "total_exports", "region").set_index(
        ["key", "period"]
    )
    rows = frame[(frame.flow == "total_exports") & (frame.breakdown == "region")]
    for row in rows.itertuples():
        month = int(row.period.replace("-", ""))
        assert row.value == series.loc[(row.key, month), row.indicator]
    dec = frame[(frame.flow == "total_exports") & (frame.breakdown == "total")
                & (frame.period == "2025-12") & (frame.indicator == "value")]  # fmt: skip
    assert round(float(dec.value.iloc[0]) / 1e9, 1) == 513.6
    assert set(frame[frame.indicator == "value"].unit) == {"HK$"}
    assert set(frame[frame.indicator != "value"].unit) == {"index, 2024 = 100"}


def test_sdmx_csv_reads_back_exactly(sample_store: Store, tmp_path: Path) -> None:
    frame = headline(sample_store)
    data, described = sdmx.write(
        frame, tmp_path / "h.csv", reporter="HKG", reporter_name="Hong Kong, China", currency="HK$"
    )
    assert described == tmp_path / "h.structure.xml"
    read = sdmx.check(data, described)
    assert len(read) == len(frame)
    assert list(pd.read_csv(data, nrows=0).columns) == list(sdmx.COLUMNS)
    # Every observation as written, to the last digit (pysdmx parses with pandas' fast
    # float reader, which may miss the last bit; the file itself round-trips exactly).
    assert read.OBS_VALUE.astype(float).tolist() == pytest.approx(frame.value.tolist(), rel=1e-15)
    exact = pd.read_csv(data, float_precision="round_trip").OBS_VALUE
    assert exact.tolist() == frame.value.astype(float).tolist()
    first = read.iloc[0]
    assert (first.FREQ, first.REF_AREA, first.FLOW) == ("M", "HKG", "DX")
    values = read[read.INDICATOR == "VAL"]
    assert set(values.UNIT_MEASURE) == {"HKD"}
    assert set(read[read.INDICATOR != "VAL"].BASE_PER.astype(str)) == {"2024"}
    assert set(read.COUNTERPART[read.BREAKDOWN == "REGION"]) >= {"ASIA", "EASTERN_EUROPE"}
    assert set(read.COUNTERPART[read.BREAKDOWN == "_T"]) == {"_T"}


def test_a_code_outside_its_list_is_caught(sample_store: Store, tmp_path: Path) -> None:
    frame = headline(sample_store)
    data, described = sdmx.write(
        frame, tmp_path / "h.csv", reporter="HKG", reporter_name="Hong Kong, China", currency="HK$"
    )
    text = data.read_text().replace(",DX,", ",XX,", 1)
    data.write_text(text)
    with pytest.raises(InputError, match="FLOW 'XX' is not in its code list"):
        sdmx.check(data, described)


def test_currency_codes() -> None:
    assert sdmx.currency_code("HK$") == "HKD"
    assert sdmx.currency_code("US$") == "USD"
    with pytest.raises(InputError):
        sdmx.currency_code("dollars")
