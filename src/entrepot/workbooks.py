"""Excel cells as text: how every reader of workbooks (records, classifications) sees them."""

from __future__ import annotations


def cell_text(value: object) -> str | None:
    """A cell as the text a CSV would hold: None for an empty cell, whole floats without
    ``.0`` (Excel stores 85423190 as 85423190.0), dates as their month ``YYYY-MM``.

    >>> cell_text(85423190.0), cell_text(1.5), cell_text(None)
    ('85423190', '1.5', None)
    """
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m"))
    return str(value)
