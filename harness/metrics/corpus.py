"""Corpus metrics computed from per-example sufficient statistics.

As in sacreBLEU, every metric reduces each example to a few numbers (a correct flag; tp/fp/fn
counts; a per-question F1) and the corpus score is a function of their sums or means. The
samples files store these statistics, so rescoring, significance tests and bootstrap resampling
only ever resample rows of statistics and never need to know which task they test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from harness.errors import HarnessError

# Which paired test suits a metric (see harness/stats): outcomes that are 0/1 per example get
# McNemar; means of graded per-example scores a permutation test; corpus ratios approximate
# randomisation.
TESTS = ("mcnemar", "permutation", "randomization")


@dataclass(frozen=True)
class MetricSpec:
    name: str
    # "mean" (of one statistic), "ratio" (sum of ``stat`` over sum of ``per``: queries that are
    # not one per example, e.g. image→text retrieval where several captions share an image),
    # "f1", "precision" or "recall" (from tp/fp/fn sums)
    reducer: str
    stat: str | None = None  # for "mean" and "ratio"
    test: str = "mcnemar"
    per: str | None = None  # for "ratio": the statistic counting each example's queries

    def to_dict(self) -> dict:
        out = {"reducer": self.reducer, "stat": self.stat, "test": self.test}
        return {**out, "per": self.per} if self.per else out

    @classmethod
    def from_dict(cls, name: str, data: Mapping) -> "MetricSpec":
        return cls(name, data["reducer"], data.get("stat"), data.get("test", "mcnemar"), data.get("per"))


def f1_from_counts(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    """Precision, recall, F1 in [0, 1]; 0 where a denominator is 0 (as seqeval and XTREME do)."""
    precision = tp / (tp + fp) if tp + fp > 0 else 0.0
    recall = tp / (tp + fn) if tp + fn > 0 else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return precision, recall, f1


def reduce_stats(spec: MetricSpec, stats: Mapping[str, np.ndarray]) -> float:
    """The metric, as a percentage, from arrays of per-example statistics (one row per example)."""
    if spec.reducer == "mean":
        values = np.asarray(stats[spec.stat], dtype=np.float64)
        return float(values.mean() * 100.0) if values.size else 0.0
    if spec.reducer == "ratio":
        total = float(np.sum(stats[spec.per]))
        return float(np.sum(stats[spec.stat]) / total * 100.0) if total else 0.0
    if spec.reducer in ("f1", "precision", "recall"):
        tp, fp, fn = (float(np.sum(stats[key])) for key in ("tp", "fp", "fn"))
        precision, recall, f1 = f1_from_counts(tp, fp, fn)
        return {"f1": f1, "precision": precision, "recall": recall}[spec.reducer] * 100.0
    raise HarnessError(f"metric {spec.name}: unknown reducer {spec.reducer!r}")


def reduce_batched(spec: MetricSpec, stats: Mapping[str, np.ndarray]) -> np.ndarray:
    """Vectorised :func:`reduce_stats` over a leading resample axis: stats[key] is (R, n)."""
    if spec.reducer == "mean":
        values = np.asarray(stats[spec.stat], dtype=np.float64)
        return values.mean(axis=-1) * 100.0
    if spec.reducer == "ratio":
        hits = np.asarray(stats[spec.stat], dtype=np.float64).sum(axis=-1)
        total = np.asarray(stats[spec.per], dtype=np.float64).sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total > 0, hits / total, 0.0) * 100.0
    tp, fp, fn = (np.asarray(stats[key], dtype=np.float64).sum(axis=-1) for key in ("tp", "fp", "fn"))
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return {"f1": f1, "precision": precision, "recall": recall}[spec.reducer] * 100.0


def stats_columns(rows: list[Mapping], keys) -> dict[str, np.ndarray]:
    return {key: np.array([row["stats"][key] for row in rows], dtype=np.float64) for key in keys}


def needed_stats(spec: MetricSpec) -> tuple[str, ...]:
    if spec.reducer == "ratio":
        return (spec.stat, spec.per)
    return (spec.stat,) if spec.reducer == "mean" else ("tp", "fp", "fn")


def score_metrics(specs: Mapping[str, MetricSpec], rows: list[Mapping]) -> dict[str, float]:
    keys = sorted({key for spec in specs.values() for key in needed_stats(spec)})
    columns = stats_columns(rows, keys)
    return {name: reduce_stats(spec, columns) for name, spec in specs.items()}

