"""Where the sample's records go: Parquet, CSV or the office's fixed-width files.

Each writer takes one month at a time, so memory holds a month, never the whole set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from ..periods import Period

FORMATS: tuple[str, ...] = ("parquet", "csv", "csd")

RECORD_SCHEMA = pa.schema(
    [
        ("period", pa.string()),
        ("flow", pa.string()),
        ("commodity", pa.string()),
        ("partner", pa.string()),
        ("consignment", pa.string()),
        ("origin", pa.string()),
        ("mode", pa.string()),
        ("value", pa.float64()),
        ("quantity", pa.float64()),
        ("unit", pa.string()),
        ("net_weight", pa.float64()),
    ]
)

# The columns the office's files carry (no mode, unit or weight there).
CSD_COLUMNS: tuple[str, ...] = (
    "flow",
    "commodity",
    "partner",
    "consignment",
    "origin",
    "value",
    "quantity",
)


class RecordWriter(Protocol):
    def write(self, period: Period, table: pa.Table) -> None: ...

    def close(self) -> list[Path]: ...


class ParquetWriter:
    """One file, one row group per month."""

    def __init__(self, out: Path) -> None:
        self.path = out / "records.parquet"
        self._writer = pq.ParquetWriter(self.path, RECORD_SCHEMA, compression="zstd")

    def write(self, period: Period, table: pa.Table) -> None:
        self._writer.write_table(table, row_group_size=max(table.num_rows, 1))

    def close(self) -> list[Path]:
        self._writer.close()
        return [self.path]


class CsvWriter:
    def __init__(self, out: Path) -> None:
        self.path = out / "records.csv"
        self._writer = pa_csv.CSVWriter(self.path, RECORD_SCHEMA)

    def write(self, period: Period, table: pa.Table) -> None:
        self._writer.write_table(table)

    def close(self) -> list[Path]:
        self._writer.close()
        return [self.path]


class OfficeWriter:
    """The statistics office's fixed-width files, one directory per month (YYYYMM)."""

    def __init__(self, out: Path) -> None:
        from .office_files import write_fixed_width

        self._write = write_fixed_width
        self.out = out
        self.paths: list[Path] = []

    def write(self, period: Period, table: pa.Table) -> None:
        month_dir = self.out / f"{period.year:04d}{period.month:02d}"
        month_dir.mkdir(parents=True, exist_ok=True)
        records = table.select(list(CSD_COLUMNS)).to_pandas()
        self.paths.extend(Path(p) for p in self._write(records, month_dir, period))

    def close(self) -> list[Path]:
        return self.paths


def open_writer(format: str, out: Path) -> RecordWriter:
    if format == "parquet":
        return ParquetWriter(out)
    if format == "csv":
        return CsvWriter(out)
    return OfficeWriter(out)
