"""Write the files of the bad-input corpus whose bytes an editor would not show: the Excel
workbooks, the Parquet files and the CSV files in other encodings (or with CRLF line ends).

Run it after changing one of them; the files are committed, and
the test reads them as they are:

    .venv/bin/python tests/bad_inputs/make_binaries.py

Every file is written the same way each time (workbooks with fixed timestamps), so
running it again changes nothing.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER: list[object] = ["period", "flow", "commodity", "partner", "value"]
FIXED = datetime(2025, 12, 1)
"""The time written into workbooks, so that each is the same bytes every time."""


# -- CSV text in other encodings -----------------------------------------------------------


def raw(name: str, data: bytes) -> None:
    (HERE / name).write_bytes(data)


def text(name: str, content: str, encoding: str = "utf-8") -> None:
    raw(name, content.encode(encoding))


def csv_files() -> None:
    head = ",".join(map(str, HEADER)) + "\n"
    raw(
        "enc_utf8_bom.csv",
        b"\xef\xbb\xbf" + (head + "2025-11,imports,85423190,CHN,2600\n").encode(),
    )
    # Python's utf-16 codec writes a byte-order mark (little-endian here).
    text("enc_utf16_bom.csv", head + "2025-11,imports,85423190,CHN,2700\n", "utf-16")
    text("enc_utf16_no_bom.csv", head + "2025-11,imports,85423190,CHN,2750\n", "utf-16-le")
    described = head.replace("\n", ",description\n")
    rows = (
        "2025-11,imports,85423190,CHN,1000,積體電路\n"
        "2025-11,imports,61091000,CHN,900,棉製T恤\n"
        "2025-11,imports,84713000,TWN,900,手提電腦\n"
    )
    text("enc_big5_column.csv", described + rows, "big5")
    text("enc_utf8_chinese.csv", described + rows, "utf-8")
    # A UTF-8 file with one damaged line: its description was pasted in Big5.
    raw(
        "enc_big5_one_line.csv",
        (
            described.encode()
            + b"2025-11,imports,85423190,CHN,1000,processors\n"
            + "2025-11,imports,61091000,CHN,900,棉製T恤\n".encode("big5")
            + b"2025-11,imports,84713000,TWN,900,laptops\n"
        ),
    )
    # The same, with a ragged row after it: the damaged line is read the same way.
    raw(
        "enc_big5_beside_ragged.csv",
        (
            described.encode()
            + b"2025-11,imports,85423190,CHN,1000,processors\n"
            + "2025-11,imports,61091000,CHN,900,棉製T恤\n".encode("big5")
            + b"2025-11,imports,84713000,TWN,900,laptops\n"
            + b"2025-11,imports,84713000,TWN,50,ragged,extra\n"
        ),
    )
    raw(
        "enc_bad_utf8_byte.csv",
        (
            head.encode()
            + b"2025-11,imports,85423190,CHN,100\n"
            + b"2025-11,imports,85423190,CH\xffN,200\n"
            + b"2025-11,imports,85423190,CHN,300\n"
        ),
    )
    text(
        "enc_utf16_ragged_row.csv",
        head
        + "2025-11,imports,85423190,CHN,100\n"
        + "2025-11,imports,85423190,CHN,100,5\n"
        + "2025-11,imports,85423190,CHN,100\n",
        "utf-16",
    )
    # Thousands separated by a space and by a no-break space (as French-style exports do).
    text(
        "num_space_thousands.csv",
        head + "2025-11,imports,85423190,CHN,1 234 567\n2025-11,imports,85423190,CHN,1\u00a0234\n",
    )
    # CRLF line ends, a blank line, and a bad value on line 4.
    text(
        "st_crlf.csv",
        (head + "2025-11,imports,85423190,CHN,100\n\n2025-11,imports,85423190,CHN,x\n").replace(
            "\n", "\r\n"
        ),
    )


def fixed_width_files() -> None:
    """The office's lines 1 and 2 of tests/data/csd/202512/HSCCIT.DAT with CRLF line ends."""
    sample = HERE.parent / "data" / "csd" / "202512" / "HSCCIT.DAT"
    lines = sample.read_text().splitlines()[:2]
    text("HSCCIT_202511_crlf.DAT", "\r\n".join(lines) + "\r\n")


# -- Excel ---------------------------------------------------------------------------------


def workbook(name: str, sheets: Mapping[str, Sequence[Sequence[object]]]) -> None:
    """A workbook of the given sheets (title → rows), written reproducibly."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.properties.created = FIXED
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    buffer = io.BytesIO()
    wb.save(buffer)
    # openpyxl stamps the save time into the properties, and zip entries carry the time
    # they were written: rewrite both with a fixed one.
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            dst.writestr(fixed, data)
    (HERE / name).write_bytes(out.getvalue())


def excel_files() -> None:
    oct_rows: list[list[object]] = [HEADER, ["2025-10", "imports", "85423190", "CHN", 2100]]
    nov_rows: list[list[object]] = [HEADER, ["2025-11", "imports", "85423190", "CHN", 2200]]
    workbook("xl_two_sheets.xlsx", {"Oct": oct_rows, "Nov": nov_rows})
    workbook(
        "xl_bad_value.xlsx",
        {
            "Sheet1": [
                HEADER,
                ["2025-11", "imports", "85423190", "CHN", 100],
                ["2025-11", "imports", "85423190", "CHN", "12 000 HKD"],
            ]
        },
    )
    workbook(
        "xl_bad_in_second_sheet.xlsx",
        {
            "Oct": oct_rows,
            "Nov": [
                HEADER,
                ["2025-11", "imports", "85423190", "CHN", 2200],
                [],
                ["2025-11", "exports", "85423190", "USA", 50],
            ],
        },
    )
    workbook(
        "xl_title_rows.xlsx",
        {
            "Table 1": [
                ["Imports by commodity, November 2025 (HK$)"],
                [],
                HEADER,
                ["2025-11", "imports", "85423190", "CHN", 2250],
            ]
        },
    )
    workbook(
        "xl_date_period.xlsx",
        {"Sheet1": [HEADER, [datetime(2025, 11, 1), "imports", "85423190", "CHN", 2300]]},
    )
    workbook(
        "xl_numeric_codes.xlsx",
        {
            "Sheet1": [
                HEADER,
                ["2025-11", "imports", 85423190, "CHN", 2350],
                # HS 01012100 typed as a number: Excel dropped the leading zero.
                ["2025-11", "imports", 1012100, "CHN", 10],
            ]
        },
    )
    workbook("xl_blank.xlsx", {"Sheet1": [], "Sheet2": [[None, " "]]})


# -- Parquet -------------------------------------------------------------------------------


def parquet(name: str, columns: dict[str, object]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), HERE / name)


def parquet_files() -> None:
    import pyarrow as pa

    def base(n: int) -> dict[str, object]:
        return {
            "flow": ["imports"] * n,
            "commodity": ["85423190"] * n,
            "partner": ["CHN"] * n,
        }

    parquet(
        "pq_date_period.parquet",
        {"period": pa.array([date(2025, 11, 1)], pa.date32()), **base(1), "value": [2400.0]},
    )
    parquet(
        "pq_timestamp_period.parquet",
        {
            "period": pa.array([datetime(2025, 11, 15, 8, 30)], pa.timestamp("us")),
            **base(1),
            "value": [2500.0],
        },
    )
    # 2025-11-01 00:30 in Hong Kong is 2025-10-31 16:30 UTC: the month is November.
    hong_kong = timezone(timedelta(hours=8))
    parquet(
        "pq_timestamp_hk_time.parquet",
        {
            "period": pa.array(
                [datetime(2025, 11, 1, 0, 30, tzinfo=hong_kong)],
                pa.timestamp("us", tz="Asia/Hong_Kong"),
            ),
            **base(1),
            "value": [2550.0],
        },
    )
    parquet(
        "pq_bad_flow.parquet",
        {
            "period": ["2025-11", "2025-11"],
            "flow": ["imports", "exports"],
            "commodity": ["85423190"] * 2,
            "partner": ["CHN", "USA"],
            "value": [100.0, 200.0],
        },
    )
    parquet(
        "pq_nan_value.parquet",
        {"period": ["2025-11"] * 2, **base(2), "value": [100.0, float("nan")]},
    )
    parquet(
        "pq_null_partner.parquet",
        {
            "period": ["2025-11"] * 2,
            "flow": ["imports"] * 2,
            "commodity": ["85423190"] * 2,
            "partner": pa.array(["CHN", None], pa.string()),
            "value": [100.0, 200.0],
        },
    )
    parquet(
        "pq_typed_columns.parquet",
        {
            "period": pa.array([202511], pa.int32()),
            "flow": ["imports"],
            "commodity": pa.array([85423190], pa.int64()),
            "partner": pa.array(["CHN"], pa.dictionary(pa.int32(), pa.string())),
            "value": pa.array([Decimal("1234.56")], pa.decimal128(12, 2)),
        },
    )
    parquet("pq_missing_value_column.parquet", {"period": ["2025-11"], **base(1)})


def main() -> None:
    csv_files()
    fixed_width_files()
    excel_files()
    parquet_files()


if __name__ == "__main__":
    main()
