"""Safeguards: a load that would lose or double data is refused before it writes.

- the same file (by content) named twice in one load, or a file a load has read before
  and that was not reverted: refused, since its records would count twice (or, replacing,
  change nothing);
- a ``replace`` that would shrink a stored (period, flow) by more than ``max_shrink``
  (a correction file of three rows is not December's imports), or that replaces stored
  months from a load with rejected rows (the months would lose those rows).

Each refusal says what was seen and how to go on (``--mode``, ``--force``). Nothing is
stored when a load is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import duckdb

from ..errors import LoadRefused, SourceError
from ..periods import Period
from ..store import loads
from ..store.loads import FileSeen

DEFAULT_MAX_SHRINK = 0.5
"""A replace may shrink a stored (period, flow) by at most this share without ``--force``."""


def seen(paths: Sequence[Path]) -> list[FileSeen]:
    """Each file's SHA-256 and size, read in 1 MB chunks."""
    found = []
    for path in paths:
        digest = hashlib.sha256()
        try:
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
        except OSError as exc:
            raise SourceError(f"{path}: cannot be read: {exc.strerror or exc}.") from exc
        found.append(FileSeen(str(path), digest.hexdigest(), path.stat().st_size))
    return found


def check_files(con: duckdb.DuckDBPyConnection, files: Sequence[FileSeen]) -> None:
    """Refuse a file named twice (by content) in this load, or read by an earlier load."""
    first: dict[str, str] = {}
    for file in files:
        if file.sha256 in first:
            raise LoadRefused(
                f"{file.path} has the same content as {first[file.sha256]}: its records would "
                "count twice. Name each file once (--force loads both)."
            )
        first[file.sha256] = file.path
        before = loads.loaded_before(con, file.sha256)
        if before is not None:
            load_id, name = before
            raise LoadRefused(
                f"{file.path} has the same content as {name}, which load {load_id} read: "
                "nothing new to load. --force loads it again (with --mode append its records "
                "would count twice)."
            )


def check_replace(
    con: duckdb.DuckDBPyConnection,
    rows: str,
    prefix: str,
    *,
    rejected: int,
    max_shrink: float,
) -> None:
    """Refuse a replace of stored (period, flow)s that shrinks one by more than
    ``max_shrink``, or that comes from a load with ``rejected`` rows."""
    replaced = loads.stored_totals(con, rows, prefix)
    if not replaced:
        return
    what = "; ".join(
        f"{Period.from_key(p)} {flow}: HK${old:,.0f} stored, HK${new:,.0f} in this load"
        for p, flow, old, new in replaced[:3]
    ) + ("; …" if len(replaced) > 3 else "")
    if rejected:
        raise LoadRefused(
            f"{rejected:,} rows were rejected, and replacing would store "
            f"{len(replaced)} month(s) without them ({what}). Fix the rows, or load with "
            "--mode append or amend, or replace anyway with --force."
        )
    shrunk = [(p, f, old, new) for p, f, old, new in replaced if new < (1 - max_shrink) * old]
    if shrunk:
        p, flow, old, new = shrunk[0]
        raise LoadRefused(
            f"Replacing {Period.from_key(p)} {flow} would shrink it from HK${old:,.0f} to "
            f"HK${new:,.0f} ({(new / old - 1) * 100:+.1f}%), more than --max-shrink "
            f"{max_shrink:.0%} allows"
            + (f" ({len(shrunk) - 1} more month(s) likewise)" if len(shrunk) > 1 else "")
            + ". A correction? Load it with --mode amend (records with ids) or --mode append; "
            "or replace anyway with --force."
        )
