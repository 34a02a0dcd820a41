"""Tables as the files analysts open: CSV, Parquet and Excel, as bytes (the command line
writes them to files, the web server sends them)."""

from __future__ import annotations

import io

import pandas as pd

TABLE_FORMATS: tuple[str, ...] = ("csv", "parquet", "xlsx")


def encoded(frame: pd.DataFrame, fmt: str, *, sheet: str = "entrepot") -> bytes:
    """``frame`` in ``fmt`` (one of :data:`TABLE_FORMATS`); an Excel sheet named ``sheet``."""
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    buffer = io.BytesIO()
    if fmt == "parquet":
        frame.to_parquet(buffer, index=False)
    elif fmt == "xlsx":
        with pd.ExcelWriter(buffer, engine="openpyxl") as book:
            frame.to_excel(book, sheet_name=sheet[:31], index=False)
    else:
        raise ValueError(f"Not a table format: {fmt!r}.")
    return buffer.getvalue()
