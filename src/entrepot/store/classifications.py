"""The store's classification tables: every read and write the classification loader and
``entrepot classifications show`` make.

Writes take the connection of an open :meth:`Store.transaction` and plain rows; each
replaces what an earlier load of a file with the same name (``source``) wrote, then
upserts, so across files the last loaded wins per code. ``sitc`` has no source: its rows
are upserted. Reads take the :class:`Store` and return plain data.

Tables (migrations 2 and 5): ``commodity_sitc(commodity, sitc, source, edition)``,
``commodities(commodity, name, unit, source, edition)``, ``sitc(code, level, name)``,
``partners(code, name, region, area, source)``,
``partner_groups(code, grouping, grouping_name, source)`` and
``classification_overrides(commodity, published_sitc, sitc, source, reason)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import duckdb
import pyarrow as pa

from ..backends import engine_errors
from ..errors import StoreError
from . import Store

__all__ = [
    "StoredOverride",
    "classification_counts",
    "classification_overrides",
    "commodity_names",
    "name_areas",
    "name_partner_groups",
    "partner_groups",
    "remove_other_editions",
    "set_areas",
    "stored_editions",
    "write_commodity_names",
    "write_commodity_sitc",
    "write_partner_groups",
    "write_partners",
    "write_sitc",
]

Connection = duckdb.DuckDBPyConnection

COUNTED: dict[str, str] = {
    "commodity_sitc": "commodity → SITC",
    "commodities": "commodities with names",
    "sitc": "SITC codes with names",
    "partners": "partners",
    "partner_groups": "partner group memberships",
    "modes": "transport modes",
    "classification_overrides": "SITC overrides applied",
}
"""The tables :func:`classification_counts` counts, and what their rows are."""


class StoredOverride(NamedTuple):
    """One commodity whose published SITC code an override replaced."""

    commodity: str
    published_sitc: str
    sitc: str
    source: str
    reason: str


def _strings(values: Iterable[str | None]) -> pa.Array:
    return pa.array(list(values), pa.string())


def _with_rows(con: Connection, columns: dict[str, Any], *statements: str) -> list[tuple[Any, ...]]:
    """Run ``statements`` with ``columns`` visible as the table ``_rows``; the last
    statement's result."""
    con.register("_rows", pa.table(columns))
    try:
        result: list[tuple[Any, ...]] = []
        for statement in statements:
            result = con.execute(statement).fetchall()
        return result
    finally:
        con.unregister("_rows")


def _writing(table: str, source: str) -> Any:
    return engine_errors(f"Writing {table} from {source}", StoreError)


def _replace(
    con: Connection,
    table: str,
    source: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str | None]],
    **constant: str | None,
) -> int:
    """Replace the rows an earlier load of ``source`` wrote to ``table`` by ``rows`` (text
    tuples in ``columns`` order), each with ``source`` and the ``constant`` columns; upserted
    by the table's key, so across sources the last loaded wins. Returns the rows stored."""
    with _writing(table, source):
        con.execute(f"DELETE FROM {table} WHERE source = ?", [source])
        data = {c: _strings(r[i] for r in rows) for i, c in enumerate(columns)}
        data |= {c: _strings(v for _ in rows) for c, v in {"source": source, **constant}.items()}
        names = ", ".join(data)
        _with_rows(con, data, f"INSERT OR REPLACE INTO {table} ({names}) SELECT {names} FROM _rows")
    return len(rows)


# -- writes --------------------------------------------------------------------------------


def write_commodity_sitc(
    con: Connection,
    rows: Sequence[tuple[str, str]],
    overrides: Sequence[tuple[str, str, str, str]],
    source: str,
    edition: str | None,
) -> int:
    """Store ``(commodity, sitc)`` rows from ``source`` (of HS ``edition``), and the
    overrides applied to them as ``(commodity, published sitc, sitc, reason)``; the rows
    stored."""
    with _writing("commodity_sitc", source):
        con.execute("DELETE FROM commodity_sitc WHERE source = ?", [source])
        con.execute("DELETE FROM classification_overrides WHERE source = ?", [source])
        _with_rows(
            con,
            {
                "commodity": _strings(r[0] for r in rows),
                "sitc": _strings(r[1] for r in rows),
                "source": _strings(source for _ in rows),
                "edition": _strings(edition for _ in rows),
            },
            # Overrides describe the stored mapping: drop those of the rows replaced here.
            "DELETE FROM classification_overrides WHERE commodity IN (SELECT commodity FROM _rows)",
            "INSERT OR REPLACE INTO commodity_sitc (commodity, sitc, source, edition) "
            "SELECT commodity, sitc, source, edition FROM _rows",
        )
        if overrides:
            _with_rows(
                con,
                {
                    "commodity": _strings(o[0] for o in overrides),
                    "published_sitc": _strings(o[1] for o in overrides),
                    "sitc": _strings(o[2] for o in overrides),
                    "source": _strings(source for _ in overrides),
                    "reason": _strings(o[3] for o in overrides),
                },
                "INSERT INTO classification_overrides "
                "SELECT commodity, published_sitc, sitc, source, reason FROM _rows",
            )
    return len(rows)


def write_commodity_names(
    con: Connection,
    rows: Sequence[tuple[str, str, str | None]],
    source: str,
    edition: str | None,
) -> int:
    """Store ``(commodity, name, unit)`` rows from ``source``; the rows stored."""
    return _replace(
        con, "commodities", source, ("commodity", "name", "unit"), rows, edition=edition
    )


def write_sitc(con: Connection, rows: Sequence[tuple[str, int, str]], source: str) -> int:
    """Upsert ``(code, level, name)`` SITC rows; the rows stored."""
    with _writing("sitc", source):
        _with_rows(
            con,
            {
                "code": _strings(r[0] for r in rows),
                "level": pa.array([r[1] for r in rows], pa.int32()),
                "name": _strings(r[2] for r in rows),
            },
            "INSERT OR REPLACE INTO sitc SELECT code, level, name FROM _rows",
        )
    return len(rows)


def write_partners(
    con: Connection, rows: Sequence[tuple[str, str, str | None, str | None]], source: str
) -> int:
    """Store ``(code, name, region, area)`` partners from ``source``; the rows stored."""
    return _replace(con, "partners", source, ("code", "name", "region", "area"), rows)


def write_hs_correlation(
    con: Connection, rows: Sequence[tuple[str, str, str, str, str]], source: str
) -> int:
    """Store ``(new_edition, new_code, old_edition, old_code, relationship)`` rows from
    ``source`` (replacing what it wrote before); the rows stored."""
    columns = ("new_edition", "new_code", "old_edition", "old_code", "relationship")
    return _replace(con, "hs_correlation", source, columns, rows)


def name_areas(con: Connection, names: Mapping[str, str], source: str) -> int:
    """Replace stored area codes by their ``names``; the partners renamed."""
    with _writing("partners", source):
        ((renamed,),) = _with_rows(
            con,
            {"code": _strings(names), "name": _strings(names.values())},
            "UPDATE partners SET area = r.name FROM _rows r WHERE partners.area = r.code",
        )
    return int(renamed)


def set_areas(con: Connection, areas: Mapping[str, str], source: str) -> int:
    """Set the ``area`` of the stored partners ``areas`` maps; the partners updated."""
    with _writing("partners", source):
        ((updated,),) = _with_rows(
            con,
            {"code": _strings(areas), "area": _strings(areas.values())},
            "UPDATE partners SET area = r.area FROM _rows r WHERE partners.code = r.code",
        )
    return int(updated)


def write_partner_groups(
    con: Connection, rows: Sequence[tuple[str, str, str | None]], source: str
) -> int:
    """Store ``(code, grouping, grouping_name)`` memberships from ``source``; the rows."""
    return _replace(con, "partner_groups", source, ("code", "grouping", "grouping_name"), rows)


def name_partner_groups(con: Connection, names: Mapping[str, str], source: str) -> int:
    """Name the stored groupings ``names`` gives codes of; the memberships renamed."""
    with _writing("partner_groups", source):
        ((renamed,),) = _with_rows(
            con,
            {"grouping": _strings(names), "name": _strings(names.values())},
            "UPDATE partner_groups SET grouping_name = r.name FROM _rows r "
            "WHERE partner_groups.grouping = r.grouping",
        )
    return int(renamed)


# -- HS editions ---------------------------------------------------------------------------


def stored_editions(con: Connection) -> list[tuple[str, str, str]]:
    """``(table, edition, source)`` of the stored rows that name an HS edition, in
    ``commodity_sitc`` and ``commodities``."""
    with engine_errors("Reading the stored HS editions", StoreError):
        rows = con.execute(
            "SELECT DISTINCT * FROM ("
            " SELECT 'commodity_sitc', edition, source FROM commodity_sitc UNION ALL"
            " SELECT 'commodities', edition, source FROM commodities)"
            " WHERE edition IS NOT NULL ORDER BY ALL"
        ).fetchall()
    return [(str(t), str(e), str(s)) for t, e, s in rows]


def remove_other_editions(con: Connection, keep: str) -> int:
    """Delete the rows of every HS edition but ``keep`` (and their overrides); the rows
    deleted. Rows without an edition stay."""
    with engine_errors(f"Replacing the stored HS edition by {keep}", StoreError):
        con.execute(
            "DELETE FROM classification_overrides WHERE commodity IN"
            " (SELECT commodity FROM commodity_sitc WHERE edition <> ?)",
            [keep],
        )
        deleted = 0
        for table in ("commodity_sitc", "commodities"):
            ((n,),) = con.execute(f"DELETE FROM {table} WHERE edition <> ?", [keep]).fetchall()
            deleted += int(n)
    return deleted


# -- reads ---------------------------------------------------------------------------------


def classification_counts(store: Store) -> dict[str, int]:
    """Rows in each classification table, by table name (see :data:`COUNTED`)."""
    return {table: int(store.scalar(f"SELECT count(*) FROM {table}")) for table in COUNTED}


def classification_overrides(store: Store, limit: int | None = 20) -> list[StoredOverride]:
    """The overrides applied to the stored mapping, by commodity (the first ``limit``)."""
    sql = (
        "SELECT commodity, published_sitc, sitc, source, reason FROM classification_overrides "
        "ORDER BY commodity" + (f" LIMIT {int(limit)}" if limit is not None else "")
    )
    return [StoredOverride(*row) for row in store.query(sql)]


def commodity_names(store: Store, codes: Iterable[str] | None = None) -> dict[str, str]:
    """Commodity code → name, for ``codes`` (all when None)."""
    if codes is None:
        rows = store.query("SELECT commodity, name FROM commodities ORDER BY commodity")
    else:
        rows = store.query(
            "SELECT commodity, name FROM commodities WHERE list_contains(?, commodity) "
            "ORDER BY commodity",
            [list(codes)],
        )
    return dict(rows)


def partner_groups(store: Store, code: str | None = None) -> dict[str, list[str]]:
    """Partner code → the names (else codes) of the groupings it belongs to, for ``code``
    (all partners when None)."""
    rows = store.query(
        "SELECT code, list(coalesce(grouping_name, grouping) ORDER BY grouping) "
        "FROM partner_groups WHERE ?::VARCHAR IS NULL OR code = ? GROUP BY code ORDER BY code",
        [code, code],
    )
    return {c: list(groups) for c, groups in rows}
