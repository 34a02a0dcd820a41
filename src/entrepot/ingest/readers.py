"""Readers: turn a source file into record batches of text columns.

Every reader yields batches of :data:`.batch.BATCH_SCHEMA`: the canonical field names, all
text, plus ``_line`` and ``_problem`` (see :mod:`.batch`). CSV, Parquet and Excel are read
here; the office's fixed-width files in :mod:`.fixedwidth`. Validation and loading happen
elsewhere, once, for every format (:mod:`.checks`, :mod:`.load`).

A reader changes nothing it reads: every field is text exactly as the file holds it (only
an empty field is missing), and a record that cannot be read at all (a CSV row with too
many fields, an unclosed quote, bytes that are not text) becomes a row whose ``_problem``
says why, on its own physical line, while the rest of the file loads. Whatever else goes
wrong while reading is a :class:`SourceError` naming the file.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from queue import Empty, Full, Queue
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import EntrepotError, InputError, MappingError, SourceError
from ..periods import Period
from ..schema import FIELD_NAMES, REQUIRED_FIELDS
from ..workbooks import cell_text
from . import fixedwidth
from .batch import BATCH_ROWS, BATCH_SCHEMA

FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".dat": "csd",
}

Progress = Callable[[float], None]
"""Called with the fraction of a file read so far (0 to 1)."""

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
"""The delimiters a CSV header is sniffed for, and their names (``--delimiter`` takes
either)."""

ALL_SHEETS = "all"
"""``--sheet all``: every sheet of a workbook that holds data, each with its own header."""


@dataclass(frozen=True)
class CsvLayout:
    """How a CSV file is written and where its records start (found by :func:`open_source`)."""

    encoding: str
    """Python codec of the text: ``utf-8``, ``utf-16-le``, ``big5``, …"""
    bom: int
    """Bytes of the byte-order mark before the text."""
    delimiter: str
    header: tuple[str, ...]
    header_line: int
    data_offset: int
    """Bytes of the text, as UTF-8, up to the line after the header."""


@dataclass(frozen=True)
class Source:
    """A file to ingest and how to read it."""

    path: Path
    format: str
    mapping: Mapping[str, str] = field(default_factory=dict)
    period: Period | None = None
    skip_flows: frozenset[str] = frozenset()
    header_row: int | None = None
    """The 1-based line (CSV) or sheet row (Excel) of the header, when not the first."""
    csv: CsvLayout | None = None
    sheet: str | None = None
    """Excel: the sheet read, or :data:`ALL_SHEETS` for every one in :attr:`sheets`."""
    sheets: tuple[str, ...] = ()
    """Excel, for :data:`ALL_SHEETS`: the sheets that hold data."""
    detected: str | None = None
    """How a CSV file was read when that was detected, not given: ``semicolon-delimited
    UTF-16``."""
    shown_as: str | None = None
    """The name shown for the file, when not its path (see :attr:`name`)."""

    @property
    def name(self) -> str:
        """The file as rejects and messages name it: ``book.xlsx[Sheet2]`` for one sheet of
        ``--sheet all``."""
        return self.shown_as or str(self.path)

    def split(self) -> list[Source]:
        """One source per sheet for ``--sheet all``; otherwise just this one."""
        if self.sheet != ALL_SHEETS:
            return [self]
        return [
            replace(self, sheet=title, sheets=(), shown_as=f"{self.path}[{title}]")
            for title in self.sheets
        ]

    def batches(self, progress: Progress | None = None) -> Iterator[pa.RecordBatch]:
        """Canonical batches (see module docstring)."""
        report = progress or (lambda _fraction: None)
        if self.sheet == ALL_SHEETS:
            for part in self.split():
                yield from part.batches(progress)
            return
        if self.format == "csd":
            yield from _guarded(self, _fixed_width(self, report))
            return
        reader = {"csv": _csv, "parquet": _parquet, "excel": _excel}[self.format]
        yield from _read_ahead(_guarded(self, reader(self, report)))


def _guarded(source: Source, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The batches, with any failure of the libraries below as a SourceError on the file."""
    try:
        yield from batches
    except EntrepotError:
        raise
    except Exception as exc:  # Arrow, openpyxl, the OS: none of them may reach the user raw
        raise SourceError(f"{source.name}: cannot be read: {_one_line(exc)}") from exc


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _read_ahead(batches: Iterator[pa.RecordBatch], depth: int = 2) -> Iterator[pa.RecordBatch]:
    """Read the next batches on a thread while the caller checks and stores this one.

    Arrow parses and DuckDB executes without holding the GIL, so the two overlap. Errors
    raised while reading reach the caller at the batch where they happened.
    """
    done = object()
    queue: Queue[object] = Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        queue.put(batch, timeout=0.1)
                        break
                    except Full:
                        continue
                if stop.is_set():
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            queue.put(exc)
            return
        queue.put(done)

    worker = threading.Thread(target=produce, name="entrepot-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item = queue.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                queue.get_nowait()
            except Empty:
                worker.join(timeout=0.1)


def open_source(
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    period: Period | None = None,
    skip_flows: frozenset[str] = frozenset(),
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
) -> Source:
    """Recognise ``path``'s format from its name (and, for .DAT, its layout), and check
    that it can be read: its header names the required fields, once each.

    ``delimiter`` and ``encoding`` (CSV) are detected when not given; ``sheet`` (Excel) may
    be :data:`ALL_SHEETS`; ``header_row`` (CSV and Excel) is 1-based.
    """
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file.")
    if path.is_dir():
        raise SourceError(f"{path} is a directory; name the files to ingest.")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None or (fmt == "csd" and fixedwidth.layout_for(path) is None):
        known = ", ".join(sorted(FORMATS))
        raise SourceError(
            f"{path}: unknown file type {path.suffix or '(no suffix)'!r}. entrepot reads "
            f"{known} (.DAT files must be HSCCIT, HSCOIT or HSCOCCIT)."
        )
    if header_row is not None and header_row < 1:
        raise InputError(f"--header-row {header_row}: rows are numbered from 1.")
    source = Source(path, fmt, dict(mapping or {}), period, skip_flows, header_row)
    if fmt == "csv":
        layout, detected = _sniff_csv(
            source, _delimiter_option(delimiter), _encoding_option(encoding)
        )
        return replace(source, csv=layout, detected=detected)
    if fmt == "parquet":
        _parquet_columns(source)
    elif fmt == "excel":
        sheets = _excel_sheets(source, sheet)
        if sheet is not None and sheet.strip().lower() == ALL_SHEETS:
            return replace(source, sheet=ALL_SHEETS, sheets=tuple(sheets))
        return replace(source, sheet=sheets[0])
    return source


# -- column mapping ----------------------------------------------------------------------

HINT_LINES = 20
"""Lines (or sheet rows) searched for the header when the one read names no fields."""


def _resolve_columns(
    name: str,
    columns: list[str],
    mapping: Mapping[str, str],
    elsewhere: Sequence[tuple[int, list[str]]] = (),
    at: str = "",
) -> dict[str, str]:
    """Map source columns to fields: --map first, then exact names (case-insensitive).

    ``elsewhere`` are other early lines of the file (number, cells) and ``at`` is where the
    header was read (``line 1``): when the header does not name the fields and one of those
    lines does, the error says to read that one as the header.
    """
    _distinct(name, columns)
    for target in mapping.values():
        if target not in FIELD_NAMES:
            raise MappingError(
                f"--map names field {target!r}, which does not exist. "
                f"Fields: {', '.join(FIELD_NAMES)}."
            )
    lowered = {c.strip().lower(): c for c in columns}
    resolved: dict[str, str] = {}
    for source_col, target in mapping.items():
        actual = lowered.get(source_col.strip().lower())
        if actual is None:
            _header_elsewhere(name, mapping, elsewhere, at)
            raise MappingError(
                f"{name}: --map names column {source_col!r}, which is not in the file. "
                f"Existing columns: {', '.join(columns)}."
            )
        resolved[target] = actual
    for field_name in FIELD_NAMES:
        if (
            field_name not in resolved
            and field_name in lowered
            and lowered[field_name] not in resolved.values()
        ):
            resolved[field_name] = lowered[field_name]
    missing = [f for f in REQUIRED_FIELDS if f not in resolved]
    if missing:
        _header_elsewhere(name, mapping, elsewhere, at)
        unused = [c for c in columns if c not in resolved.values()]
        raise SourceError(
            f"{name}: required column(s) {', '.join(missing)} not found. "
            f"Existing columns: {', '.join(columns)}. "
            f"Name the matching column with --map COLUMN=FIELD (e.g. --map "
            f"{unused[0] if unused else 'COLUMN'}={missing[0]})."
        )
    return resolved


def _header_elsewhere(
    name: str, mapping: Mapping[str, str], elsewhere: Sequence[tuple[int, list[str]]], at: str
) -> None:
    """Say which line to read as the header, if one of ``elsewhere`` names every field."""
    for number, cells in elsewhere:
        if _missing(cells, mapping) == []:
            unit = at.split()[0]
            raise SourceError(
                f"{name}: the header is on {unit} {number}, not {at}: "
                f"read it with --header-row {number}."
            )


def _missing(cells: list[str], mapping: Mapping[str, str]) -> list[str] | None:
    """Required fields ``cells`` would not name as a header; None if --map does not fit."""
    lowered = {c.strip().lower() for c in cells}
    named = set()
    for source_col, target in mapping.items():
        if source_col.strip().lower() not in lowered:
            return None
        named.add(target)
    return [f for f in REQUIRED_FIELDS if f not in named and f not in lowered]


def _distinct(name: str, columns: Sequence[str]) -> None:
    """Refuse columns that would be read as the same one (names match ignoring case)."""
    seen: dict[str, int] = {}
    for i, column in enumerate(columns):
        key = column.strip().lower()
        if key in seen:
            j = seen[key]
            if columns[j] == column:
                raise SourceError(
                    f"{name}: columns {j + 1} and {i + 1} are both named {column!r}; "
                    "rename or remove one of them."
                )
            raise SourceError(
                f"{name}: columns {j + 1} ({columns[j]!r}) and {i + 1} ({column!r}) have the "
                "same name but for case, and names are read ignoring case; rename or remove "
                "one of them."
            )
        seen[key] = i


def _header_names(cells: Sequence[str | None]) -> list[str]:
    """Header cells as column names; a blank one is ``column_N`` (N from 1)."""
    return [
        c.strip() if c is not None and c.strip() else f"column_{i + 1}" for i, c in enumerate(cells)
    ]


def _canonical(
    columns: Mapping[str, pa.Array],
    resolved: Mapping[str, str],
    lines: pa.Array,
    problems: pa.Array | None = None,
) -> pa.RecordBatch:
    """A batch of :data:`BATCH_SCHEMA` from text columns named as in the source."""
    n = len(lines)
    arrays = [
        columns[resolved[name]] if name in resolved else pa.nulls(n, pa.string())
        for name in FIELD_NAMES
    ]
    arrays.append(lines)
    arrays.append(problems if problems is not None else pa.nulls(n, pa.string()))
    return pa.RecordBatch.from_arrays(arrays, schema=BATCH_SCHEMA)


def _numbered(first: int, n: int) -> pa.Array:
    return pa.array(np.arange(first, first + n, dtype=np.int64))


# -- CSV: options and detection ------------------------------------------------------------

SAMPLE_BYTES = 1 << 20
"""Bytes read to find the header, the delimiter and whether the text is UTF-8."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_GUESSES = ("big5", "gb18030", "shift_jis", "cp1252", "latin-1")
"""Encodings suggested for text that is not UTF-8, the first that decodes it."""


def _delimiter_option(text: str | None) -> str | None:
    if text is None:
        return None
    words = {name: char for char, name in DELIMITERS.items()} | {"\\t": "\t"}
    char = words.get(text.strip().lower(), text) if len(text) > 1 else text
    if len(char) != 1 or char in '"\r\n':
        raise InputError(
            f"--delimiter {text!r} is not one character; give it, or one of "
            f"{', '.join(DELIMITERS.values())}."
        )
    return char


def _encoding_option(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        info = codecs.lookup(text.strip())
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise InputError(
            f"--encoding {text!r} is not a text encoding Python knows "
            "(e.g. utf-8, utf-16, big5, gb18030, cp1252)."
        )
    return "utf-8" if info.name == "utf-8-sig" else info.name


def _label(encoding: str) -> str:
    """``utf-16-le`` → ``UTF-16``; other encodings by their codec name."""
    if encoding.startswith("utf"):
        return encoding.upper().removesuffix("-LE").removesuffix("-BE")
    return encoding


def _sniff_csv(
    source: Source, delimiter: str | None, encoding: str | None
) -> tuple[CsvLayout, str | None]:
    """Find the encoding, the header and the delimiter of a CSV file; say what was detected."""
    path = source.path
    with path.open("rb") as f:
        head = f.read(SAMPLE_BYTES)
    given = encoding is not None
    encoding, bom, found_encoding = _text_encoding(head, encoding)
    lines, complete = _sample_lines(path, head, encoding, bom)
    index = _header_index(source, lines, complete)
    if encoding == "utf-8" and not (bom or given):  # said to be UTF-8: bad bytes are damage
        _check_utf8(path, lines, index)
    label = _label(encoding)
    try:
        text = lines[index].decode("utf-8").removeprefix("\ufeff").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path}: the header on line {index + 1} is not {label} text "
            f"(byte 0x{lines[index][exc.start]:02X}); name its encoding with --encoding."
        ) from exc
    default = "\t" if path.suffix.lower() == ".tsv" else ","
    chosen = delimiter or _choose_delimiter(text, default, source.mapping)
    cells = _split(text, chosen)
    if cells is None:
        raise SourceError(f"{path}: the header on line {index + 1} has an unclosed quote.")
    if len(cells) == 1 and _missing(cells, source.mapping) != []:
        # Not a file of one column: its delimiter is another (a --map would not help).
        one = (
            f"{path}: the header on line {index + 1} is one column, {text!r}, "
            f"read {_delimited(chosen)}"
        )
        for other in DELIMITERS:
            if other != chosen and len(_split(text, other) or ()) > 1:
                raise SourceError(
                    f"{one}; it looks {_delimited(other)}: read it with "
                    f"--delimiter {DELIMITERS[other]}."
                )
        raise SourceError(f"{one}; name its delimiter with --delimiter.")
    header = _header_names(cells)
    elsewhere = []
    for i, line in enumerate(lines[:HINT_LINES]):
        row = _split(line.decode("utf-8", "replace").removeprefix("\ufeff"), chosen)
        if i != index and row and line.strip(b"\r\n"):
            elsewhere.append((i + 1, row))
    _resolve_columns(str(path), header, source.mapping, elsewhere, at=f"line {index + 1}")
    found_delimiter = delimiter is None and chosen != default
    detected = f"{_delimited(chosen)} {label}" if found_delimiter or found_encoding else None
    data_offset = sum(len(line) for line in lines[: index + 1])
    return CsvLayout(encoding, bom, chosen, tuple(header), index + 1, data_offset), detected


def _delimited(delimiter: str) -> str:
    return f"{DELIMITERS.get(delimiter, repr(delimiter))}-delimited"


def _text_encoding(head: bytes, given: str | None) -> tuple[str, int, bool]:
    """The encoding of a file starting with ``head``, the bytes of its byte-order mark, and
    whether the encoding was detected (not given, nor UTF-8 by default)."""
    marked, bom = next(((enc, len(mark)) for mark, enc in _BOMS if head.startswith(mark)), ("", 0))
    if given is None:
        encoding = marked or _utf16_without_bom(head) or "utf-8"
        return encoding, bom, encoding != "utf-8"
    if marked and _label(marked) == _label(given):
        return marked, bom, False  # the mark says which byte order
    return given, 0, False


def _sample_lines(path: Path, head: bytes, encoding: str, bom: int) -> tuple[list[bytes], bool]:
    """The first lines of the text as UTF-8, and whether they are all of it."""
    complete = path.stat().st_size - bom <= SAMPLE_BYTES
    sample = head[bom:]
    if encoding != "utf-8":
        decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
        try:
            sample = decoder.decode(sample, final=complete).encode("utf-8", "surrogateescape")
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"{path}: is not {_label(encoding)} text ({exc.reason} at byte "
                f"{exc.start + bom}); name its encoding with --encoding."
            ) from exc
    lines = sample.splitlines(keepends=True)
    if not complete:
        lines.pop()  # cut short by the sample
        if not lines:
            raise SourceError(f"{path}: no line break in its first megabyte; is it CSV?")
    return lines, complete


def _header_index(source: Source, lines: list[bytes], complete: bool) -> int:
    """Which of ``lines`` is the header: the one --header-row names, or the first not blank."""
    path = source.path
    if source.header_row is None:
        index = next((i for i, line in enumerate(lines) if line.strip(b"\r\n")), -1)
        if index < 0:
            raise SourceError(
                f"{path}: the file is empty (expected a header line naming the fields)."
            )
        return index
    index = source.header_row - 1
    if index >= len(lines):
        raise SourceError(
            f"{path}: --header-row {source.header_row}, but the file has only "
            f"{len(lines)} line(s){'' if complete else ' in its first megabyte'}."
        )
    if not lines[index].strip(b"\r\n"):
        raise SourceError(f"{path}: line {index + 1} (--header-row) is blank.")
    return index


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a byte-order mark: mostly ASCII, so every other byte is zero."""
    sample = head[: 1 << 16]
    if len(sample) < 4 or sample.count(0) < len(sample) // 3:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if even > 3 * odd:
        return "utf-16-be"
    if odd > 3 * even:
        return "utf-16-le"
    return None


def _check_utf8(path: Path, lines: list[bytes], header: int) -> None:
    """Refuse a file whose header, or more than one of its first lines, is not UTF-8: it is
    in another encoding. A lone bad line is a damaged record, rejected on its own."""
    bad = []
    for i, line in enumerate(lines):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad.append((i, line[exc.start]))
            if i == header or len(bad) > 1:
                first, byte = bad[0]
                raise SourceError(
                    f"{path}: is not UTF-8 text (byte 0x{byte:02X} at line {first + 1}); "
                    f"name its encoding with --encoding, e.g. --encoding "
                    f"{_guess_encoding(b''.join(lines))}."
                ) from exc


def _guess_encoding(text: bytes) -> str:
    for encoding in _GUESSES:
        try:
            text.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


def _choose_delimiter(header: str, default: str, mapping: Mapping[str, str]) -> str:
    """The delimiter that splits ``header`` into known column names: the default unless it
    finds none and another does; failing names, the one giving the most columns."""
    known = set(FIELD_NAMES) | {c.strip().lower() for c in mapping}
    candidates = [default, *(d for d in DELIMITERS if d != default)]
    split = {d: _split(header, d) or [] for d in candidates}
    score = {d: sum(c.strip().lower() in known for c in cells) for d, cells in split.items()}
    if score[default]:
        return default
    best = max(candidates, key=lambda d: score[d])
    if score[best]:
        return best
    if len(split[default]) == 1:
        widest = max(candidates, key=lambda d: len(split[d]))
        if len(split[widest]) > 1:
            return widest
    return default


def _split(line: str, delimiter: str) -> list[str] | None:
    """One line's cells, or None when a quoted cell runs past its end."""
    ended = False

    def feed() -> Iterator[str]:
        nonlocal ended
        yield line
        ended = True

    row = next(csv.reader(feed(), delimiter=delimiter), [])
    return None if ended else row


# -- CSV: reading ------------------------------------------------------------------------

BLOCK_BYTES = 16 << 20
"""Bytes parsed at a time by Arrow."""

PIECE_BYTES = 256 << 10
"""When Arrow cannot read a block as it is, it is retried in pieces this large, and only the
pieces that still fail are read line by line."""

LONGEST_RECORD = 1 << 20
"""A quoted field still open after this many bytes is taken for an unclosed quote."""

_T = TypeVar("_T")


def _csv(source: Source, report: Progress) -> Iterator[pa.RecordBatch]:
    layout = source.csv
    assert layout is not None  # open_source found it
    resolved = _resolve_columns(source.name, list(layout.header), source.mapping)
    parser = _CsvParser(layout, resolved)
    size = max(source.path.stat().st_size, 1)
    line = layout.header_line + 1
    skip = layout.data_offset
    pending = b""
    try:
        blocks = _utf8_blocks(source.path, layout.encoding, layout.bom)
        for (block, done), last in _marking_last(blocks):
            if skip:
                block, skip = block[skip:], max(skip - len(block), 0)
            data = pending + block if pending else block
            cut = len(data) if last else _last_line_end(data)
            chunk, pending = data[:cut], data[cut:]
            batches, used, lines = parser.parse(chunk, line, final=last)
            if used < len(chunk):
                pending = chunk[used:] + pending
            line += lines
            yield from batches
            report(min(done / size, 1.0))
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{source.path}: is not {_label(layout.encoding)} text ({exc.reason}); "
            "name its encoding with --encoding."
        ) from exc
    report(1.0)


def _utf8_blocks(path: Path, encoding: str, bom: int) -> Iterator[tuple[bytes, int]]:
    """The file's text as UTF-8, a block at a time, with the bytes of the file read so far.

    Bytes that are not text in ``encoding`` pass through unchanged (so they are not UTF-8
    either, and the parser rejects their record).
    """
    with path.open("rb") as f:
        f.seek(bom)
        if encoding == "utf-8":
            while block := f.read(BLOCK_BYTES):
                yield block, f.tell()
            return
        decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
        while True:
            raw = f.read(BLOCK_BYTES)
            text = decoder.decode(raw, final=not raw)
            if text:
                yield text.encode("utf-8", "surrogateescape"), f.tell()
            if not raw:
                return


def _marking_last(items: Iterator[_T]) -> Iterator[tuple[_T, bool]]:
    """Each item, and whether it is the last."""
    try:
        previous = next(items)
    except StopIteration:
        return
    for item in items:
        yield previous, False
        previous = item
    yield previous, True


def _last_line_end(data: bytes) -> int:
    """Where the last complete line of ``data`` ends (0 if none does)."""
    end = data.rfind(b"\n") + 1
    # A lone \r ends a line too, except as the last byte: its \n may be in the next block.
    return end or data.rfind(b"\r", 0, len(data) - 1) + 1


def _count_lines(data: bytes) -> int:
    """Line ends in ``data``: \\n, \\r\\n and a lone \\r, as Arrow and the csv module see them."""
    returns = data.count(b"\r")
    return data.count(b"\n") + (returns and returns - data.count(b"\r\n"))


@dataclass
class _Record:
    cells: list[str] | None
    lines: int
    """Physical lines the record took."""
    open_end: bool = False
    """A quoted field was still open at the end of the text."""
    bad_byte: int | None = None
    """0-based position in the record of its first byte that is not UTF-8."""
    error: str | None = None


class _CsvParser:
    """Reads whole lines of CSV text (UTF-8) into canonical batches.

    Arrow reads a block when every line of it is one record: it returned as many rows as
    the block has lines, and its last line leaves no quote open. Otherwise (a row of the
    wrong width, an unclosed quote, bytes that are not UTF-8, a blank line, a quoted line
    break) the block is read again in pieces, and the pieces Arrow still cannot read are
    read line by line by the csv module, which finds each record's physical line.
    """

    def __init__(self, layout: CsvLayout, resolved: Mapping[str, str]) -> None:
        self.delimiter = layout.delimiter
        self.header = list(layout.header)
        self.resolved = resolved
        self.columns = list(dict.fromkeys(resolved.values()))
        self.positions = [self.header.index(c) for c in self.columns]
        self.label = _label(layout.encoding)
        self.utf8 = layout.encoding == "utf-8"
        # One block, one thread: as fast here, and Arrow's thread pool, driven from the
        # read-ahead thread, could abort the process at exit.
        self.read_options = pacsv.ReadOptions(
            column_names=self.header, block_size=BLOCK_BYTES, use_threads=False
        )
        self.parse_options = pacsv.ParseOptions(
            delimiter=self.delimiter, newlines_in_values=True, ignore_empty_lines=True
        )
        self.convert_options = pacsv.ConvertOptions(
            column_types={c: pa.string() for c in self.columns},
            null_values=[""],  # NA is Namibia: only an empty field is missing
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            include_columns=self.columns,
        )

    def parse(
        self, chunk: bytes, first_line: int, final: bool
    ) -> tuple[list[pa.RecordBatch], int, int]:
        """Batches of the records in ``chunk`` (whose first line is ``first_line``), and the
        bytes and lines they took. Unless ``final``, a record left open at the end (by a
        quoted line break) is left for the next chunk."""
        fast = self._fast(chunk, first_line)
        if fast is not None:
            return [fast[0]], len(chunk), fast[1]
        if len(chunk) <= PIECE_BYTES:
            return self._careful(chunk, first_line, final)
        batches: list[pa.RecordBatch] = []
        start, line, end = 0, first_line, 0
        while start < len(chunk):
            # Pieces end on a line end; one after a record left open reaches further.
            end = chunk.find(b"\n", max(start + PIECE_BYTES, end)) + 1 or len(chunk)
            last = end == len(chunk)
            piece = chunk[start:end]
            fast = self._fast(piece, line)
            if fast is not None:
                got, used, lines = [fast[0]], len(piece), fast[1]
            else:
                got, used, lines = self._careful(piece, line, final and last)
            batches += got
            start, line = start + used, line + lines
            if last:
                break
        return _merged(batches), start, line - first_line

    def _fast(self, chunk: bytes, first_line: int) -> tuple[pa.RecordBatch, int] | None:
        """Arrow's reading of ``chunk`` and its line count, if every line is one record."""
        end = len(chunk)
        while end and chunk[end - 1] in b"\r\n":
            end -= 1
        if not end:
            return None
        tail = _count_lines(chunk[end:])
        lines = _count_lines(chunk)
        try:
            table = pacsv.read_csv(
                pa.BufferReader(pa.py_buffer(chunk)[:end]),
                read_options=self.read_options,
                parse_options=self.parse_options,
                convert_options=self.convert_options,
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        rows = lines - tail + 1  # the last line before the tail has no line end here
        if table.num_rows != rows or self._open_at_end(chunk, end):
            return None
        table = table.combine_chunks()
        columns = {c: _one_chunk(table.column(c)) for c in self.columns}
        batch = _canonical(columns, self.resolved, _numbered(first_line, rows))
        return batch, lines + (not tail)

    def _open_at_end(self, chunk: bytes, end: int) -> bool:
        """Whether the last line of ``chunk[:end]`` opens a quote it does not close: Arrow
        reads that to the end as one record, and the line count still matches."""
        start = max(chunk.rfind(b"\n", 0, end), chunk.rfind(b"\r", 0, end)) + 1
        last = chunk[start:end]
        if b'"' not in last:
            return False
        return _split(last.decode("utf-8", "surrogateescape"), self.delimiter) is None

    def _careful(
        self, chunk: bytes, first_line: int, final: bool
    ) -> tuple[list[pa.RecordBatch], int, int]:
        """The line-by-line reading of ``chunk``: each record found on its physical line, a
        record that cannot be read becomes a row whose problem says why."""
        lines = chunk.splitlines(keepends=True)
        values: list[list[str | None]] = [[] for _ in self.columns]
        numbers: list[int] = []
        problems: list[str | None] = []
        i = pos = 0
        while i < len(lines):
            if not lines[i].strip(b"\r\n"):  # blank lines are counted, not read
                pos += len(lines[i])
                i += 1
                continue
            record = self._record(lines, i)
            if record.open_end and not final and len(chunk) - pos < LONGEST_RECORD:
                break  # the record goes on in the next chunk
            problem = self._problem(lines, i, record)
            if problem == UNCLOSED:
                record.lines = 1  # read on from the next line
            numbers.append(first_line + i)
            problems.append(problem)
            cells = record.cells if problem is None and record.cells else None
            for column, position in zip(values, self.positions, strict=True):
                column.append((cells[position] or None) if cells else None)
            pos += sum(len(line) for line in lines[i : i + record.lines])
            i += record.lines
        if not numbers:
            return [], pos, i
        columns = {c: pa.array(v, pa.string()) for c, v in zip(self.columns, values, strict=True)}
        batch = _canonical(
            columns, self.resolved, pa.array(numbers, pa.int64()), pa.array(problems, pa.string())
        )
        return [batch], pos, i

    def _problem(self, lines: list[bytes], i: int, record: _Record) -> str | None:
        width = len(self.header)
        if record.open_end or (
            record.lines > 1
            and (
                record.cells is None
                or len(record.cells) != width
                # a quote closed lines later by one that a delimiter does not follow
                or self._record(lines, i, strict=True).cells is None
            )
        ):
            return UNCLOSED
        if record.bad_byte is not None:
            if self.utf8:
                return f"is not valid UTF-8 text at byte {record.bad_byte + 1}"
            return f"is not valid {self.label} text"
        if record.cells is None:
            return f"cannot be read as CSV: {record.error}"
        if len(record.cells) != width:
            n = len(record.cells)
            return f"has {n} field{'s' if n != 1 else ''} where the header has {width}"
        return None

    def _record(self, lines: list[bytes], i: int, strict: bool = False) -> _Record:
        """The record starting on line ``i``, however many lines it takes."""
        record = _Record(None, 0)

        def feed() -> Iterator[str]:
            offset = 0
            for j in range(i, len(lines)):
                raw = lines[j]
                record.lines += 1
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    if record.bad_byte is None:
                        record.bad_byte = offset + exc.start
                    text = raw.decode("utf-8", "surrogateescape")
                offset += len(raw)
                yield text
            record.open_end = True

        try:
            record.cells = next(csv.reader(feed(), delimiter=self.delimiter, strict=strict), [])
        except csv.Error as exc:
            record.error = str(exc)
        return record


UNCLOSED = "has an unclosed quote"


def _one_chunk(column: pa.ChunkedArray) -> pa.Array:
    return column.chunk(0) if column.num_chunks == 1 else pa.concat_arrays(column.chunks)


def _merged(batches: list[pa.RecordBatch]) -> list[pa.RecordBatch]:
    """The pieces of one block as one batch: fewer, larger batches stage faster."""
    if len(batches) < 2:
        return batches
    return pa.Table.from_batches(batches, BATCH_SCHEMA).combine_chunks().to_batches()


# -- Parquet -----------------------------------------------------------------------------


def _parquet_file(source: Source) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(source.path)
    except (pa.ArrowException, OSError) as exc:
        raise SourceError(f"{source.path}: cannot read as Parquet: {_one_line(exc)}") from exc


def _parquet_columns(source: Source) -> dict[str, str]:
    columns = _parquet_file(source).schema_arrow.names
    return _resolve_columns(source.name, columns, source.mapping)


def _parquet(source: Source, report: Progress) -> Iterator[pa.RecordBatch]:
    pf = _parquet_file(source)
    resolved = _resolve_columns(source.name, pf.schema_arrow.names, source.mapping)
    wanted = list(dict.fromkeys(resolved.values()))
    total = max(pf.metadata.num_rows, 1)
    row = 1  # Parquet has no lines: report the 1-based row number
    for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=wanted):
        columns = {c: _as_text(source, c, batch.column(c)) for c in wanted}
        yield _canonical(columns, resolved, _numbered(row, batch.num_rows))
        row += batch.num_rows
        report(min((row - 1) / total, 1.0))


def _as_text(source: Source, name: str, column: pa.Array) -> pa.Array:
    """A column as text: dates and timestamps as their month ``YYYY-MM`` (as in Excel)."""
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    kind = column.type
    if pa.types.is_string(kind):
        return column
    try:
        if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
            return pc.strftime(column, "%Y-%m")
        return column.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise SourceError(
            f"{source.name}: column {name!r} holds {kind}, which cannot be read as text: "
            f"{_one_line(exc)}"
        ) from exc


# -- Excel -------------------------------------------------------------------------------


def _workbook(source: Source) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad workbook
        raise SourceError(
            f"{source.path}: cannot read as an Excel workbook: {_one_line(exc)}"
        ) from exc


def _blank(values: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _excel_sheets(source: Source, sheet: str | None) -> list[str]:
    """The sheets to read, each checked to have a header that names the fields."""
    wb = _workbook(source)
    try:
        titles = [ws.title for ws in wb.worksheets]
        if sheet is None or sheet.strip().lower() == ALL_SHEETS:
            filled = [ws.title for ws in wb.worksheets if not _blank_sheet(ws)]
            chosen = filled
            if not filled:
                raise SourceError(f"{source.path}: no sheet holds data.")
            if sheet is None and len(filled) > 1:
                raise SourceError(
                    f"{source.path}: {len(filled)} sheets hold data "
                    f"({', '.join(map(repr, filled))}); name one with --sheet NAME, or "
                    f"read them all with --sheet {ALL_SHEETS}."
                )
        else:
            chosen = [t for t in titles if t == sheet] or [
                t for t in titles if t.strip().lower() == sheet.strip().lower()
            ]
            if len(chosen) != 1:
                raise SourceError(
                    f"{source.path}: no sheet {sheet!r}; its sheets are "
                    f"{', '.join(map(repr, titles))}."
                )
        shown = sheet is not None and sheet.strip().lower() == ALL_SHEETS
        for title in chosen:
            part = replace(source, shown_as=f"{source.path}[{title}]" if shown else None)
            _excel_header(part, wb[title])
        return chosen
    finally:
        wb.close()


def _blank_sheet(ws: Any) -> bool:
    return all(_blank(values) for values in ws.iter_rows(values_only=True))


def _excel_header(source: Source, ws: Any) -> tuple[int, list[str], dict[str, str]]:
    """The header's sheet row, its column names, and the fields they name."""
    wanted = source.header_row
    head = list(
        itertools.islice(
            enumerate(ws.iter_rows(values_only=True), start=1), max(HINT_LINES, wanted or 0)
        )
    )
    rows = [(n, [cell_text(v) for v in values]) for n, values in head]
    if wanted is not None:
        found = [(n, cells) for n, cells in rows if n == wanted]
        if not found or _blank(found[0][1]):
            raise SourceError(f"{source.name}: row {wanted} (--header-row) is blank.")
    else:
        found = [(n, cells) for n, cells in rows if not _blank(cells)][:1]
        if not found:
            raise SourceError(f"{source.name}: sheet {ws.title!r} is empty.")
    number, cells = found[0]
    header = _header_names(cells)
    elsewhere = [(n, _header_names(c)) for n, c in rows if n != number and not _blank(c)]
    resolved = _resolve_columns(source.name, header, source.mapping, elsewhere, f"row {number}")
    return number, header, resolved


def _excel(source: Source, report: Progress) -> Iterator[pa.RecordBatch]:
    wb = _workbook(source)
    try:
        ws = wb[source.sheet]
        header_number, header, resolved = _excel_header(source, ws)
        wanted = [(col, header.index(col)) for col in dict.fromkeys(resolved.values())]
        total = max((ws.max_row or 2) - header_number, 1)
        numbers: list[int] = []
        buffer: list[tuple[object, ...]] = []

        def flush() -> pa.RecordBatch:
            columns = {
                col: pa.array(
                    [cell_text(r[i]) if i < len(r) else None for r in buffer], pa.string()
                )
                for col, i in wanted
            }
            return _canonical(columns, resolved, pa.array(numbers, pa.int64()))

        rows = ws.iter_rows(min_row=header_number + 1, values_only=True)
        for number, values in enumerate(rows, start=header_number + 1):
            if _blank(values):  # blank rows are counted, not read
                continue
            buffer.append(values)
            numbers.append(number)
            if len(buffer) == BATCH_ROWS:
                yield flush()
                buffer, numbers = [], []
                report(min((number - header_number) / total, 1.0))
        if buffer:
            yield flush()
        report(1.0)
    finally:
        wb.close()


# -- the office's fixed-width files --------------------------------------------------------


def _fixed_width(source: Source, report: Progress) -> Iterator[pa.RecordBatch]:
    layout = fixedwidth.layout_for(source.path)
    assert layout is not None  # open_source checked it
    size = max(source.path.stat().st_size, 1)
    done = 0
    for batch in fixedwidth.read_fixed_width(
        source.path, period=source.period, skip_flows=source.skip_flows, batch_rows=BATCH_ROWS
    ):
        yield batch.select(BATCH_SCHEMA.names).cast(BATCH_SCHEMA)
        done += batch.num_rows
        report(min(done * layout.line_length / size, 1.0))
    report(1.0)
