"""Paired permutation test on per-example scores (QA F1 and other means of graded scores).

Under the null the two systems are exchangeable on each example, so each per-example difference
keeps or flips its sign with probability ½; the statistic is the mean difference. With few
non-zero differences every sign pattern is enumerated (the exact test, equal to
``scipy.stats.permutation_test(..., permutation_type='samples')``); otherwise signs are drawn at
random and p = (r + 1) / (R + 1).
"""

from __future__ import annotations

import numpy as np

from harness.stats.resampling import swap_totals, tail_p_value


def paired_permutation_test(differences: np.ndarray, resamples: int, rng: np.random.Generator) -> tuple[float, bool]:
    """(p-value, exact) for the mean of ``differences`` (treatment − baseline per example)."""
    differences = np.asarray(differences, dtype=np.float64)
    total = float(differences.sum())
    swapped, exact = swap_totals(differences, resamples, rng)
    # Flipping the signs of a subset S turns the total Σd into Σd − 2·Σ_S d.
    null = total - 2.0 * swapped[:, 0]
    return tail_p_value(total, null, exact), exact
