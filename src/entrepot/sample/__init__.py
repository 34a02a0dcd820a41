"""A synthetic, deterministic sample of Hong Kong-like monthly trade records.

``generate(out)`` writes about a million monthly item × partner × mode (× origin) records
for 2023 to 2025 and the classifications they need; the figures compiled from them read
like the statistics office's releases (see :mod:`.calibration`).
"""

from __future__ import annotations

from .generator import SampleResult, generate
from .writers import FORMATS

__all__ = ["FORMATS", "SampleResult", "generate"]
