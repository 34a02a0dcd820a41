"""The command line: each command parses its options, calls one library function and
renders the result (or the error, as one line without a traceback, exiting non-zero).

One module per group of commands, named after what they work on: :mod:`.records` (ingest,
history), :mod:`.values` (summary), :mod:`.compilations` (compile, indices, diagnostics),
:mod:`.index_numbers` (index), :mod:`.classifications`, :mod:`.sample`; :mod:`.app` holds
the application and the shared options, :mod:`.render` the formatting.
"""

from __future__ import annotations

# Importing the command modules registers their commands on ``app``.
from . import (
    bridge,
    claims,
    classifications,
    compilations,
    datasets,
    facts,
    index_numbers,
    mirror,
    profile,
    records,
    release,
    sample,
    series,
    serve,
    values,
)
from .app import app

__all__ = [
    "app",
    "bridge",
    "claims",
    "classifications",
    "compilations",
    "datasets",
    "facts",
    "index_numbers",
    "mirror",
    "profile",
    "records",
    "release",
    "sample",
    "series",
    "serve",
    "values",
]
