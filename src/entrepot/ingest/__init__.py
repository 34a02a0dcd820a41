"""Ingest: read trade records from CSV, Parquet, Excel and the office's fixed-width files,
check them, and store them as monthly cells."""

from .load import LoadReport, Reject, Revision, ingest, write_reject_report
from .readers import FORMATS, Source, open_source

__all__ = [
    "FORMATS",
    "LoadReport",
    "Reject",
    "Revision",
    "Source",
    "ingest",
    "open_source",
    "write_reject_report",
]
