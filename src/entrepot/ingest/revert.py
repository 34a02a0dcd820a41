"""Undo a load: its cells leave, the cells it replaced come back, in one transaction.

The revert is a load of its own (mode ``revert``) with a revision for each (period, flow)
it changed, so that the history shows it and a revert can itself be reverted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..backends import engine_errors
from ..errors import StoreError
from ..store import Store, annual, loads
from ..store.loads import Revision


@dataclass
class RevertReport:
    """What a revert did: the load it undid, its own id, and the months it changed."""

    reverted: int
    load_id: int
    cells: int
    value: float
    revisions: list[Revision] = field(default_factory=list)


def revert(store: Store, load_id: int) -> RevertReport:
    """Undo load ``load_id`` in ``store`` (see :func:`entrepot.store.loads.revert`)."""
    started = datetime.now()
    with (
        engine_errors(f"Reverting load {load_id} in {store.path} (rolled back)", StoreError),
        store.transaction() as con,
    ):
        revert_id = loads.next_load_id(con)
        stored = loads.revert(con, load_id, revert_id=revert_id, when=started)
        annual.revert(con, load_id, revert_id=revert_id)
        loads.record_load(
            con,
            revert_id,
            started=started,
            files=[f"revert of load {load_id}"],
            rows_read=0,
            rows_stored=0,
            rows_rejected=0,
            cells=stored.cells,
            value=stored.value,
            mode="revert",
            reverts=load_id,
        )
    return RevertReport(load_id, revert_id, stored.cells, stored.value, stored.revisions)
