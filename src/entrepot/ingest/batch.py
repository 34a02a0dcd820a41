"""The batch every reader yields, whatever the format.

A batch is a :class:`pyarrow.RecordBatch` of :data:`BATCH_SCHEMA`: one text column per
record field (so that validation sees exactly what the file said), then ``_line`` (the
line or sheet row each record came from, :data:`entrepot.schema.LINE`) and ``_problem``
(why a record could not be read at all, else null). Readers (:mod:`.readers`,
:mod:`.fixedwidth`) make batches; staging and the checks (:mod:`.load`, :mod:`.checks`)
take them.
"""

from __future__ import annotations

import pyarrow as pa

from ..schema import FIELD_NAMES, LINE

PROBLEM = "_problem"
"""Why a record could not be read at all (a fixed-width line of the wrong length, say),
else null. The validator rejects such a row as ``unreadable_record``."""

BATCH_ROWS = 250_000
"""Rows read at a time, in every format."""


def _batch_schema() -> pa.Schema:
    return pa.schema(
        [pa.field(name, pa.string()) for name in FIELD_NAMES]
        + [pa.field(LINE, pa.int64()), pa.field(PROBLEM, pa.string())]
    )


BATCH_SCHEMA: pa.Schema = _batch_schema()
