"""The audit trail: which loads brought what, and which months they revised."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from ..errors import InputError, NotInStoreError
from . import Store


def loads(store: Store) -> pd.DataFrame:
    """One row per load: id, when it finished, how (mode; ``revert`` with the load it
    undid), files, rows read/stored/rejected, value."""
    return store.frame(
        "SELECT load_id, finished, coalesce(mode, 'replace') AS mode, reverts, files, "
        "rows_read, rows_stored, rows_rejected, value FROM loads ORDER BY load_id",
    )


def revisions(store: Store) -> pd.DataFrame:
    """One row per (month, flow) a load replaced, with the old and new totals."""
    return store.frame(
        "SELECT revision_id, load_id, period, flow, revised_at, old_value, new_value "
        "FROM revisions ORDER BY revision_id",
    )


def load_as_of(store: Store, when: str) -> int:
    """The load that ``when`` names: a load id, or a date (``YYYY-MM-DD``, the end of that
    day) or time (ISO), meaning the last load finished by then."""
    text = when.strip()
    if text.isdigit():
        load_id = int(text)
        if not store.scalar("SELECT count(*) FROM loads WHERE load_id = ?", [load_id]):
            raise NotInStoreError(f"There is no load {load_id}; 'entrepot history' lists them.")
        return load_id
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"--as-of {when!r} is neither a load id nor a date (YYYY-MM-DD or an ISO time)."
        ) from None
    if len(text) == 10:  # a date: the end of that day
        moment = moment.replace(hour=23, minute=59, second=59, microsecond=999999)
    load_id = store.scalar("SELECT max(load_id) FROM loads WHERE finished <= ?", [moment])
    if load_id is None:
        raise NotInStoreError(f"No load had finished by {when}: the store held nothing then.")
    return int(load_id)


def periods_revised(store: Store) -> pd.DataFrame:
    """Each month held, with when the load that last changed its cells finished."""
    return store.frame(
        "SELECT c.period, max(l.finished) AS last_revised FROM "
        "(SELECT DISTINCT period, load_id FROM cells) c LEFT JOIN loads l USING (load_id) "
        "GROUP BY c.period ORDER BY c.period"
    )
