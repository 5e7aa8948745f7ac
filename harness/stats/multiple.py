"""Multiple-comparison adjustment over one comparison's family of cells.

Holm (1979) controls the family-wise error rate without assumptions and is the default;
Benjamini–Hochberg (1995) controls the false discovery rate (``scipy.stats.false_discovery_control``).
The family is every cell tested in one comparison, fixed before any p-value is seen.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from harness.errors import HarnessError

# The --correction choices of harness compare, ci and leaderboard (their parsers read this list,
# so scipy is imported only when BH is computed, not when the command line is built).
CORRECTIONS = ("holm", "bh", "none")


def holm(p_values: Sequence[float]) -> np.ndarray:
    p = np.asarray(p_values, dtype=np.float64)
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p, kind="stable")
    stepped = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(stepped)
    return adjusted


def benjamini_hochberg(p_values: Sequence[float]) -> np.ndarray:
    p = np.asarray(p_values, dtype=np.float64)
    if len(p) == 0:
        return p
    from scipy.stats import false_discovery_control

    return np.asarray(false_discovery_control(p, method="bh"), dtype=np.float64)


def adjust(p_values: Sequence[float], method: str) -> np.ndarray:
    if method == "holm":
        return holm(p_values)
    if method == "bh":
        return benjamini_hochberg(p_values)
    if method == "none":
        return np.asarray(p_values, dtype=np.float64)
    raise HarnessError(f"--correction {method}: expected one of {', '.join(CORRECTIONS)}")
