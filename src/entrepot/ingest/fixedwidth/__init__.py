"""The statistics office's fixed-width detailed trade files (``HSCCIT.DAT``, ``HSCOIT.DAT``,
``HSCOCCIT.DAT``).

- :mod:`.layouts`: the three layouts, which file is which, its month, and which flows a
  richer file supersedes. The sample's writer (:mod:`entrepot.sample.office_files`) uses
  the same layouts.
- :mod:`.reader`: :func:`read_fixed_width`, the checks before a read and the loop over
  blocks of lines.
- :mod:`.blocks`: one block of lines parsed into canonical rows, vectorised.
"""

from ..batch import BATCH_SCHEMA, PROBLEM
from .blocks import FixedWidthStats
from .layouts import LAYOUTS, Column, Layout, layout_for, period_from_path, superseded_flows
from .reader import read_fixed_width

__all__ = [
    "BATCH_SCHEMA",
    "LAYOUTS",
    "PROBLEM",
    "Column",
    "FixedWidthStats",
    "Layout",
    "layout_for",
    "period_from_path",
    "read_fixed_width",
    "superseded_flows",
]
