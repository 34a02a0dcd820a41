"""The audit trail: which loads brought what, and which months they revised."""

from __future__ import annotations

import pandas as pd

from . import Store


def loads(store: Store) -> pd.DataFrame:
    """One row per load: id, when it finished, files, rows read/stored/rejected, value."""
    return store.frame(
        "SELECT load_id, finished, files, rows_read, rows_stored, rows_rejected, value "
        "FROM loads ORDER BY load_id",
    )


def revisions(store: Store) -> pd.DataFrame:
    """One row per (month, flow) a load replaced, with the old and new totals."""
    return store.frame(
        "SELECT revision_id, load_id, period, flow, revised_at, old_value, new_value "
        "FROM revisions ORDER BY revision_id",
    )
