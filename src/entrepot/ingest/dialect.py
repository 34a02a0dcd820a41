"""Dialect: how a CSV file is written, found from its first megabyte when it is opened.

Unless given, the encoding comes from a byte-order mark, else from the zero bytes of UTF-16
written without one, else it is UTF-8; the header is the first line that is not blank (or
the one --header-row names); the delimiter is the default (a comma, a tab for .tsv) unless
another splits the header into known names. Detection must not mistake damage for a
dialect: a file taken for UTF-8 whose header, or more than one of whose first lines, is not
UTF-8 is in another encoding and is refused with a guess at it, but a lone bad line is a
damaged record, left for the parser to reject. A header read as one column means the
delimiter is another, not that the file has one column.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, SourceError
from ..schema import FIELD_NAMES
from .columns import HINT_LINES, header_names, missing_fields, resolve_columns

if TYPE_CHECKING:
    from .readers import Source

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
"""The delimiters a CSV header is sniffed for, and their names (``--delimiter`` takes
either)."""


@dataclass(frozen=True)
class CsvLayout:
    """How a CSV file is written and where its records start (found by :func:`sniff_csv`)."""

    encoding: str
    """Python codec of the text: ``utf-8``, ``utf-16-le``, ``big5``, …"""
    bom: int
    """Bytes of the byte-order mark before the text."""
    delimiter: str
    header: tuple[str, ...]
    header_line: int
    data_offset: int
    """Bytes of the text, as UTF-8, up to the line after the header."""


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


def delimiter_option(text: str | None) -> str | None:
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


def encoding_option(text: str | None) -> str | None:
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


def encoding_label(encoding: str) -> str:
    """``utf-16-le`` → ``UTF-16``; other encodings by their codec name."""
    if encoding.startswith("utf"):
        return encoding.upper().removesuffix("-LE").removesuffix("-BE")
    return encoding


def sniff_csv(
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
    label = encoding_label(encoding)
    try:
        text = lines[index].decode("utf-8").removeprefix("\ufeff").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path}: the header on line {index + 1} is not {label} text "
            f"(byte 0x{lines[index][exc.start]:02X}); name its encoding with --encoding."
        ) from exc
    default = "\t" if path.suffix.lower() == ".tsv" else ","
    chosen = delimiter or _choose_delimiter(text, default, source.mapping)
    cells = split_line(text, chosen)
    if cells is None:
        raise SourceError(f"{path}: the header on line {index + 1} has an unclosed quote.")
    if len(cells) == 1 and missing_fields(cells, source.mapping) != []:
        # Not a file of one column: its delimiter is another (a --map would not help).
        one = (
            f"{path}: the header on line {index + 1} is one column, {text!r}, "
            f"read {_delimited(chosen)}"
        )
        for other in DELIMITERS:
            if other != chosen and len(split_line(text, other) or ()) > 1:
                raise SourceError(
                    f"{one}; it looks {_delimited(other)}: read it with "
                    f"--delimiter {DELIMITERS[other]}."
                )
        raise SourceError(f"{one}; name its delimiter with --delimiter.")
    header = header_names(cells)
    elsewhere = []
    for i, line in enumerate(lines[:HINT_LINES]):
        row = split_line(line.decode("utf-8", "replace").removeprefix("\ufeff"), chosen)
        if i != index and row and line.strip(b"\r\n"):
            elsewhere.append((i + 1, row))
    resolve_columns(str(path), header, source.mapping, elsewhere, at=f"line {index + 1}")
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
    if marked and encoding_label(marked) == encoding_label(given):
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
                f"{path}: is not {encoding_label(encoding)} text ({exc.reason} at byte "
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
    split = {d: split_line(header, d) or [] for d in candidates}
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


def split_line(line: str, delimiter: str) -> list[str] | None:
    """One line's cells, or None when a quoted cell runs past its end."""
    ended = False

    def feed() -> Iterator[str]:
        nonlocal ended
        yield line
        ended = True

    row = next(csv.reader(feed(), delimiter=delimiter), [])
    return None if ended else row
