"""Paired approximate randomisation for corpus metrics (span F1, BUCC F1, or any reducer).

Each example's two outputs are swapped between the systems with probability ½ and the corpus
metric is recomputed from the swapped per-example statistics (Noreen 1989; Riezler & Maxwell
2005); p = (r + 1) / (R + 1) where r counts |Δ*| ≥ |Δ|, ties included (REFERENCE.md §4). The
swaps act on the statistics' totals, so the metric comes from
:func:`harness.metrics.corpus.reduce_means` and this module never knows which task it tests.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from harness.metrics.corpus import MetricSpec, reduce_means
from harness.stats.resampling import swap_totals, tail_p_value


def approximate_randomization(specs: Mapping[str, MetricSpec], keys: Sequence[str], baseline: np.ndarray,
                              treatment: np.ndarray, resamples: int,
                              rng: np.random.Generator) -> dict[str, tuple[float, bool]]:
    """(p-value, exact) per metric; ``baseline`` and ``treatment`` are (n, len(keys)) statistics.

    One set of swaps serves every metric of the cell.
    """
    baseline = np.asarray(baseline, dtype=np.float64)
    treatment = np.asarray(treatment, dtype=np.float64)
    n = len(baseline)
    base_totals, treat_totals = baseline.sum(axis=0), treatment.sum(axis=0)
    shifts, exact = swap_totals(treatment - baseline, resamples, rng)
    base_null = (base_totals + shifts) / n
    treat_null = (treat_totals - shifts) / n
    out = {}
    for name, spec in specs.items():
        observed = (reduce_means(spec, dict(zip(keys, treat_totals / n)))
                    - reduce_means(spec, dict(zip(keys, base_totals / n))))
        null = (reduce_means(spec, {key: treat_null[:, j] for j, key in enumerate(keys)})
                - reduce_means(spec, {key: base_null[:, j] for j, key in enumerate(keys)}))
        out[name] = (tail_p_value(float(observed), null, exact), exact)
    return out
