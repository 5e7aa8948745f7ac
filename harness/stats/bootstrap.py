"""Paired bootstrap: resample examples once per replicate for both systems, recompute the metric.

Percentile confidence intervals (Efron & Tibshirani 1993) of Δ = treatment − baseline, and a
bootstrap p-value by inverting them: the smallest α at which the (1 − α) percentile interval
leaves out 0. So p < α exactly when the interval at level 1 − α excludes 0 (up to the resolution
of R); the intervals reported are at ``--ci_level``, set apart from ``--alpha``, so the decisions
(the * marks, the research question's verdict) read p and α, never whether an interval excludes 0.
Unlike deep-significance's ``bootstrap_test``, the two systems share the resample indices.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from harness.metrics.corpus import MetricSpec, reduce_means
from harness.stats.resampling import bootstrap_means


def paired_bootstrap(specs: Mapping[str, MetricSpec], keys: Sequence[str], baseline: np.ndarray,
                     treatment: np.ndarray, resamples: int,
                     rng: np.random.Generator) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per metric, the (baseline, treatment) replicates, each of shape (resamples,).

    ``baseline`` and ``treatment`` are (n, len(keys)) statistics of the same examples in the
    same order; placing them side by side makes one resample draw serve both.
    """
    width = len(keys)
    means = bootstrap_means(np.hstack([baseline, treatment]), resamples, rng)
    base = {key: means[:, j] for j, key in enumerate(keys)}
    treat = {key: means[:, width + j] for j, key in enumerate(keys)}
    return {name: (reduce_means(spec, base), reduce_means(spec, treat)) for name, spec in specs.items()}


def percentile_interval(replicates: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(np.asarray(replicates, dtype=np.float64), [tail, 1.0 - tail])
    return float(low), float(high)


def bootstrap_p_value(replicates: np.ndarray) -> float:
    """Two-sided p from the share of replicates on either side of 0 (ties with 0 count to both)."""
    replicates = np.asarray(replicates, dtype=np.float64)
    below = np.count_nonzero(replicates <= 0)
    above = np.count_nonzero(replicates >= 0)
    return float(min(1.0, 2.0 * (min(below, above) + 1) / (len(replicates) + 1)))
