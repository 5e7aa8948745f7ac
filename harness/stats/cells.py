"""One paired test and one bootstrap interval per task × language × metric.

The test follows the metric's spec (``MetricSpec.test``, declared by the task kind): exact
McNemar for 0/1 outcomes, a paired permutation test for means of graded per-example scores,
approximate randomisation for corpus metrics. Where the data do not fit the declared test (a
"mcnemar" metric whose statistic is not 0/1) the nearest valid test is used and named in the
result. Every cell also gets a paired bootstrap percentile interval of Δ; its replicates are kept
for the suite averages, which resample each cell with the same draws.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from harness.errors import HarnessError
from harness.metrics.corpus import MetricSpec, needed_stats, reduce_means, reduce_stats
from harness.stats.bootstrap import paired_bootstrap, percentile_interval
from harness.stats.mcnemar import discordant_counts, is_binary, mcnemar_exact
from harness.stats.pairing import PairedCell
from harness.stats.permutation import paired_permutation_test
from harness.stats.randomization import approximate_randomization
from harness.stats.resampling import generator

log = logging.getLogger(__name__)


@dataclass
class CellResult:
    task: str
    lang: str
    metric: str
    n: int
    baseline: float
    treatment: float
    test: str
    p_value: float
    ci_low: float
    ci_high: float
    detail: dict[str, Any] = field(default_factory=dict)
    p_adjusted: float | None = None
    # bootstrap replicates of the metric under each run, for the suite averages (not reported)
    replicates: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def delta(self) -> float:
        return self.treatment - self.baseline

    def to_dict(self, alpha: float) -> dict:
        return {
            "task": self.task, "lang": self.lang, "metric": self.metric, "n": self.n,
            "baseline": self.baseline, "treatment": self.treatment, "delta": self.delta,
            "test": self.test, "p_value": self.p_value, "p_adjusted": self.p_adjusted,
            "ci_low": self.ci_low, "ci_high": self.ci_high,
            "significant": self.p_adjusted is not None and self.p_adjusted < alpha,
            "detail": self.detail,
        }


def _columns(cell: PairedCell, spec: MetricSpec) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    keys = needed_stats(spec)
    index = [cell.keys.index(key) for key in keys]
    return keys, cell.baseline[:, index], cell.treatment[:, index]


def choose_test(spec: MetricSpec, baseline: np.ndarray, treatment: np.ndarray) -> str:
    if spec.test not in ("mcnemar", "permutation", "randomization"):
        raise HarnessError(f"metric {spec.name}: unknown test {spec.test!r}; expected mcnemar, permutation or randomization")
    if spec.reducer != "mean":
        return "randomization"  # needs the corpus metric recomputed, whatever the spec says
    if spec.test == "mcnemar" and not (is_binary(baseline) and is_binary(treatment)):
        return "permutation"  # graded scores: McNemar would not be exact
    return spec.test


def run_cell_test(cell: PairedCell, name: str, spec: MetricSpec, resamples: int, seed: int) -> tuple[str, float, dict]:
    keys, base, treat = _columns(cell, spec)
    test = choose_test(spec, base, treat)
    rng = generator(seed, "test", cell.task, cell.lang, name)
    if test == "mcnemar":
        b, c = discordant_counts(base[:, 0], treat[:, 0])
        return test, mcnemar_exact(b, c), {"b": b, "c": c}
    if test == "permutation":
        p, exact = paired_permutation_test(100.0 * (treat[:, 0] - base[:, 0]), resamples, rng)
    else:
        p, exact = approximate_randomization({name: spec}, keys, base, treat, resamples, rng)[name]
    return test, p, {"exact": exact, "resamples": None if exact else resamples}


def compare_cell(cell: PairedCell, resamples: int, seed: int, level: float = 0.95) -> list[CellResult]:
    """Every tested metric of one paired cell."""
    if cell.n == 0:
        log.warning("%s/%s: no examples; left out of the comparison", cell.task, cell.lang)
        return []
    replicates = paired_bootstrap(cell.specs, cell.keys, cell.baseline, cell.treatment, resamples,
                                  generator(seed, "bootstrap", cell.task, cell.lang))
    base_stats = {key: cell.baseline[:, j] for j, key in enumerate(cell.keys)}
    treat_stats = {key: cell.treatment[:, j] for j, key in enumerate(cell.keys)}
    out = []
    for name, spec in cell.specs.items():
        _check_reducible(cell, name, spec, base_stats)
        test, p, detail = run_cell_test(cell, name, spec, resamples, seed)
        base_reps, treat_reps = replicates[name]
        low, high = percentile_interval(treat_reps - base_reps, level)
        out.append(CellResult(cell.task, cell.lang, name, cell.n, reduce_stats(spec, base_stats),
                              reduce_stats(spec, treat_stats), test, p, low, high, detail,
                              replicates=(base_reps, treat_reps)))
    return out


def compare_cells(cells: Sequence[PairedCell], resamples: int, seed: int, level: float = 0.95) -> list[CellResult]:
    """Every cell, on as many threads as there are cores: numpy releases the GIL while it draws,
    gathers and sums, and each cell draws from its own stream (keyed by seed, task and language),
    so the results are the same, in the same order, whatever the number of threads."""
    workers = min(len(cells), _usable_cores())
    if workers <= 1:
        results = [compare_cell(cell, resamples, seed, level) for cell in cells]
    else:
        with ThreadPoolExecutor(workers) as pool:
            results = list(pool.map(lambda cell: compare_cell(cell, resamples, seed, level), cells))
    return [result for per_cell in results for result in per_cell]


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _check_reducible(cell: PairedCell, name: str, spec: MetricSpec, stats: dict[str, np.ndarray]) -> None:
    """The resampling tests reduce statistics' means; refuse a reducer for which that is wrong."""
    direct = reduce_stats(spec, stats)
    from_means = float(reduce_means(spec, {key: np.mean(values) for key, values in stats.items()}))
    if not np.isclose(direct, from_means, rtol=1e-9, atol=1e-9):
        raise HarnessError(f"{cell.task}/{cell.lang}: metric {name} (reducer {spec.reducer!r}) is not a function of "
                           "its statistics' means, which the resampling tests require")
