"""Exact McNemar test for paired 0/1 outcomes (accuracy, exact match, retrieval hits).

Only the discordant examples carry information: b where the baseline alone is right, c where the
treatment alone is. Under the null each is equally likely, so min(b, c) is binomial(b + c, ½) and
the two-sided p-value is ``scipy.stats.binomtest(min(b, c), b + c, 0.5)`` (REFERENCE.md §4).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binom


def discordant_counts(baseline: np.ndarray, treatment: np.ndarray) -> tuple[int, int]:
    """(b, c): examples right only under the baseline, and right only under the treatment."""
    baseline = np.asarray(baseline) != 0
    treatment = np.asarray(treatment) != 0
    return int(np.count_nonzero(baseline & ~treatment)), int(np.count_nonzero(~baseline & treatment))


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact p-value; 1 when no example is discordant."""
    if b + c == 0:
        return 1.0
    # The binomial(·, ½) is symmetric, so the two-sided p is twice the smaller tail (capped at 1).
    return float(min(1.0, 2.0 * binom.cdf(min(b, c), b + c, 0.5)))


def is_binary(values: np.ndarray) -> bool:
    values = np.asarray(values)
    return bool(np.all((values == 0) | (values == 1)))
