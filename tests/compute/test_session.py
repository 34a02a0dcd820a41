"""The Spark session entrepot starts: settings a user relies on."""

from __future__ import annotations

import pytest


@pytest.mark.spark
def test_spark_session_leaves_the_terminal_to_entrepots_progress(_spark: object) -> None:
    # Spark's console bar would write over entrepot's own; the UI is off too.
    conf = _spark.conf  # type: ignore[attr-defined]
    assert conf.get("spark.ui.showConsoleProgress") == "false"
    assert conf.get("spark.ui.enabled") == "false"
