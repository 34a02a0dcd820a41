"""Loading classification files: expand the paths named, recognise and parse every file
(all of them, or nothing loads), check HS editions, and write the store's tables in one
transaction through :mod:`entrepot.store.classifications`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..backends import engine_errors
from ..errors import ClassificationError, StoreError
from ..store import Store
from ..store import classifications as db
from .codes import KINDS, REGIONS, apply_overrides
from .layouts import Found, parse_found, recognise, seen, unrecognised
from .parsed import Parsed
from .readers import SUFFIXES, Table


@dataclass(frozen=True)
class ClassificationLoad:
    """What one file added.

    ``rows``: rows written (for ``csd_areas``: area names read plus partners whose area was
    set); ``overrides_applied``: published SITC codes an override replaced; ``edition``: the
    HS edition of the file's commodity codes (None when it names none); ``names``: commodity
    names stored; ``memberships``: partner group memberships stored; ``replaced`` and
    ``replaced_rows``: the HS edition(s) a ``replace=True`` load removed from the store, and
    how many rows (on the first file of the new edition).
    """

    path: Path
    kind: str
    rows: int
    overrides_applied: int = 0
    edition: str | None = None
    names: int = 0
    memberships: int = 0
    replaced: str | None = None
    replaced_rows: int = 0


def load_classifications(
    store: Store, paths: Sequence[Path], *, kind: str | None = None, replace: bool = False
) -> list[ClassificationLoad]:
    """Load classification files (or directories of them) into ``store``, all or nothing.

    Every file named, and every file in a directory named (but ``README*``,
    ``datapackage.json`` and hidden files), must be a recognised table, else nothing loads
    and the error lists those that are not; with ``kind`` a directory loads its files of
    that kind. The store holds one HS edition: a load of another edition (or of two) is an
    error unless ``replace`` is set, which removes the stored edition in the same
    transaction. A file that would store nothing is an error saying what it needs.

    Returns one :class:`ClassificationLoad` per file, in the order the files were named.
    Raises :class:`~entrepot.errors.ClassificationError` naming the file, row and field.
    """
    if kind is not None and kind not in KINDS:
        raise ClassificationError(
            f"classifications: unknown kind {kind!r}; kinds are {', '.join(KINDS)}."
        )
    if not paths:
        raise ClassificationError("classifications: no files named.")
    parsed = _expand([Path(p) for p in paths], kind)
    edition = _load_edition(parsed)
    if replace and edition is None:
        raise ClassificationError(
            "classifications: --replace (replace=True) swaps the stored HS edition, but no "
            "file in this load names an HS edition; load without it."
        )
    context = _Context(
        area_names={k: v for p in parsed for k, v in p.area_names.items()},
        group_names={k: v for p in parsed for k, v in p.group_names.items()},
        area_members=any(p.area_members for p in parsed),
        group_members=any(p.group_members for p in parsed),
    )
    # Areas update partners, so they go after every partner list.
    order = sorted(range(len(parsed)), key=lambda i: parsed[i].kind == "csd_areas")
    loads: dict[int, ClassificationLoad] = {}
    with (
        engine_errors(f"Loading classifications into {store.path}", StoreError),
        store.transaction() as con,
    ):
        removed = _check_stored_edition(con, parsed, edition, replace)
        for i in order:
            loads[i] = _write(con, parsed[i], context)
    result = [loads[i] for i in range(len(parsed))]
    if removed:
        first = next(i for i, p in enumerate(parsed) if p.edition and p.hs_rows)
        result[first] = dataclasses.replace(
            result[first], replaced=removed[0], replaced_rows=removed[1]
        )
    return result


# -- the files named ------------------------------------------------------------------------

_DESCRIPTORS = ("readme", "datapackage.json")


def _directory_files(directory: Path) -> list[Path]:
    """The files of ``directory`` a load reads: not hidden, not README* or a
    datapackage.json descriptor; in name order."""
    return sorted(
        f
        for f in directory.iterdir()
        if f.is_file()
        and not f.name.startswith(".")
        and not f.name.lower().startswith(_DESCRIPTORS)
    )


def _look(path: Path, kind: str | None) -> tuple[Found, str]:
    """A directory's file: its recognised tables, or what was seen instead."""
    if path.suffix.lower() not in {*SUFFIXES, ".xls"}:
        return [], "not a .csv, .xlsx or .json file"
    try:
        tables, found = recognise(path, kind)
    except ClassificationError as exc:
        return [], "cannot be read: " + str(exc).removeprefix("classifications: ")
    return found, "headers seen: " + seen(tables)


def _expand(paths: list[Path], kind: str | None) -> list[Parsed]:
    recognised: list[tuple[Path, Found]] = []
    missing: list[tuple[Path, str]] = []
    first_tables: list[Table] = []
    for path in paths:
        if path.is_file():
            tables, found = recognise(path, kind)
            first_tables = first_tables or tables
            if found:
                recognised.append((path, found))
            else:
                missing.append((path, "headers seen: " + seen(tables)))
        elif path.is_dir():
            files = _directory_files(path)
            looks = [(f, *_look(f, kind)) for f in files]
            hits = [(f, found) for f, found, _ in looks if found]
            if not hits and (kind or len(paths) == 1):
                looked = ", ".join(f.name for f in files) or "no files"
                raise ClassificationError(
                    f"classifications: directory {path} holds no classification table "
                    f"entrepot recognises (looked at: {looked}). Known kinds: "
                    f"{', '.join(KINDS)}."
                )
            recognised.extend(hits)
            if kind is None:  # a forced kind loads the files of that kind
                missing.extend((f, what) for f, found, what in looks if not found)
        else:
            raise ClassificationError(f"classifications: {path} does not exist.")
    if missing and len(paths) == 1 and paths[0].is_file():
        raise unrecognised(paths[0], first_tables, kind)
    if missing:
        raise _not_recognised(missing, recognised)
    return [parse_found(path, found) for path, found in recognised]


def _not_recognised(
    missing: list[tuple[Path, str]], recognised: list[tuple[Path, Found]]
) -> ClassificationError:
    files = "; ".join(f"{path.name} ({what})" for path, what in missing)
    known = ", ".join(f"{path.name} ({found[0][1]})" for path, found in recognised)
    count = (
        f"{len(missing)} files are not classification tables"
        if len(missing) > 1
        else "1 file is not a classification table"
    )
    return ClassificationError(
        f"classifications: nothing was loaded: {count} entrepot recognises: {files}. "
        "Name only classification files"
        + (f" (recognised: {known})" if known else "")
        + f", or force a kind with --kind. Known kinds: {', '.join(KINDS)}."
    )


# -- HS editions ----------------------------------------------------------------------------


def _load_edition(parsed: list[Parsed]) -> str | None:
    """The one HS edition of the files loaded (None when none names one)."""
    editions: dict[str, list[str]] = {}
    for p in parsed:
        if p.edition and p.hs_rows:
            editions.setdefault(p.edition, []).append(p.path.name)
    if len(editions) > 1:
        listed = " and ".join(f"{e} ({', '.join(files)})" for e, files in sorted(editions.items()))
        raise ClassificationError(
            f"classifications: this load mixes HS editions: {listed}; the store holds one "
            "edition at a time. Load the tables of one edition (with --replace to swap the "
            "edition stored)."
        )
    return next(iter(editions), None)


def _check_stored_edition(
    con: Any, parsed: list[Parsed], edition: str | None, replace: bool
) -> tuple[str, int] | None:
    """Refuse a load of another HS edition than the one stored, or with ``replace`` remove
    the stored one; the edition(s) removed and their rows."""
    if edition is None:
        return None
    rewritten = {("commodity_sitc", p.path.name) for p in parsed if p.commodities} | {
        ("commodities", p.path.name) for p in parsed if p.names
    }
    others: dict[str, set[str]] = {}
    for table, stored, source in db.stored_editions(con):
        if stored != edition and (table, source) not in rewritten:
            others.setdefault(stored, set()).add(source)
    if not others:
        return None
    held = ", ".join(f"{e} (from {', '.join(sorted(s))})" for e, s in sorted(others.items()))
    if not replace:
        first = next(p.path.name for p in parsed if p.edition == edition and p.hs_rows)
        raise ClassificationError(
            f"classifications: {first} is {edition} but the store holds {held}; HS editions "
            f"are never mixed. Load tables of the stored edition, or replace it by {edition} "
            "with --replace (replace=True), which removes the stored edition's rows in the "
            "same transaction."
        )
    return ", ".join(sorted(others)), db.remove_other_editions(con, edition)


# -- writing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What the whole load holds, for files whose rows need another file's."""

    area_names: dict[str, str]
    group_names: dict[str, str]
    area_members: bool
    group_members: bool


def _unique(rows: list[tuple[Any, ...]], what: str) -> list[tuple[Any, ...]]:
    """Rows keyed by their first field; identical repeats are dropped, conflicting ones
    are an error. The last field of each row is its place in the file."""
    kept: dict[Any, tuple[Any, ...]] = {}
    for row in rows:
        old = kept.get(row[0])
        if old is not None and old[:-1] != row[:-1]:
            raise ClassificationError(
                f"classifications: {row[-1]}: {what} {row[0]!r} appears again with "
                f"{row[1]!r} ({old[-1]} has {old[1]!r})"
            )
        kept.setdefault(row[0], row)
    return list(kept.values())


def _write(con: Any, p: Parsed, context: _Context) -> ClassificationLoad:
    source = p.path.name
    load = ClassificationLoad(p.path, p.kind, 0, edition=p.edition if p.hs_rows else None)
    if p.names:
        names = [r[:3] for r in _unique(list(p.names), "commodity")]
        n = db.write_commodity_names(con, names, source, p.edition)
        load = dataclasses.replace(load, rows=n, names=n)
    if p.commodities:
        rows = [(c, s) for c, s, _ in _unique(list(p.commodities), "commodity")]
        mapped, applied = apply_overrides(rows)
        n = db.write_commodity_sitc(con, mapped, applied, source, p.edition)
        load = dataclasses.replace(load, rows=n, overrides_applied=len(applied))
    if p.sitc:
        codes = [r[:3] for r in _unique(list(p.sitc), "SITC code")]
        load = dataclasses.replace(load, rows=db.write_sitc(con, codes, source))
    if p.partners:
        partners = [r[:4] for r in _unique(list(p.partners), "partner code")]
        load = dataclasses.replace(load, rows=db.write_partners(con, partners, source))
    if p.correlations:
        correlated = sorted(set(p.correlations))
        stored = db.write_hs_correlation(con, correlated, source)
        load = dataclasses.replace(load, rows=stored)
    if p.kind == "csd_areas":
        load = _write_areas(con, p, context, load)
    if load.rows == 0 and load.memberships == 0:
        raise ClassificationError(
            f"classifications: {source} holds no {p.kind} rows to store; nothing was loaded."
        )
    return load


def _write_areas(
    con: Any, p: Parsed, context: _Context, load: ClassificationLoad
) -> ClassificationLoad:
    source = p.path.name
    rows = 0
    if p.area_names:
        # Names for the area codes an earlier load of the memberships alone stored.
        renamed = db.name_areas(con, p.area_names, source)
        if not (renamed or p.area_members or context.area_members):
            raise ClassificationError(
                f"classifications: {source} names areas, but no stored partner has one of "
                "its area codes and no area memberships (areacnty.csv) are loaded with it; "
                "nothing was loaded. Load it with areacnty.csv and the country codes "
                "(csd_country_codes.csv)."
            )
        rows += len(p.area_names)
    if p.area_members:
        areas = _areas(p.area_members, context.area_names)
        updated = db.set_areas(con, areas, source)
        if not updated:
            raise ClassificationError(
                f"classifications: {source} sets the area of partners already stored, and "
                f"none of its {len(areas)} countries is in the store; nothing was loaded. "
                "Load the country codes (csd_country_codes.csv) first or with it."
            )
        rows += updated
    memberships = 0
    if p.group_members:
        groups = {(c, g): context.group_names.get(g) for c, g, _ in p.group_members}
        memberships = db.write_partner_groups(
            con, [(c, g, name) for (c, g), name in groups.items()], source
        )
    if p.group_names:
        renamed = db.name_partner_groups(con, p.group_names, source)
        if not (renamed or p.group_members or context.group_members):
            raise ClassificationError(
                f"classifications: {source} names regional groupings, but no stored partner "
                "belongs to one and no memberships (regcnty) are loaded with it; nothing "
                "was loaded. Load it with the memberships."
            )
    return dataclasses.replace(load, rows=rows, memberships=memberships)


def _areas(members: list[tuple[str, str]], names: dict[str, str]) -> dict[str, str]:
    """Country → area name (else code). A later listing replaces an earlier one, but an
    area named in REGIONS is not replaced by one that is not (geography.xlsx lists the
    European countries again under 900 EUROPE)."""
    areas: dict[str, str] = {}
    for country, code in members:
        area = names.get(code, code)
        old = areas.get(country)
        if old is None or area in REGIONS or old not in REGIONS:
            areas[country] = area
    return areas
