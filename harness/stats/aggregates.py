"""Suite averages (XTREME, its categories, IGLUE, each task's language mean) with paired statistics.

The averages are the ones results.json reports, computed by harness/results/groups.py. Every
one of them is a fixed linear combination of the cell metrics (means of means), so the weights
are read off ``group_summary`` itself by probing it with unit values, and checked against it on
the real numbers: the bootstrap then averages exactly as the leaderboard does, and any change to
the averaging there carries over here. The stratified paired bootstrap resamples within each
task × language (the cells' own replicates, drawn with shared indices for both runs) and
combines the replicates with those weights. To generalise across languages rather than
examples, a sign test and a Wilcoxon signed-rank test run over the per-language deltas of the
target languages: English, the source language of both benchmarks' zero-shot protocol (and the
intermediate-training language), is left out on both sides, even where XTREME's average has it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
from scipy.stats import binomtest, wilcoxon

from harness.errors import HarnessError
from harness.results.groups import group_summary, headline
from harness.stats.bootstrap import bootstrap_p_value, percentile_interval
from harness.stats.cells import CellResult
from harness.taskfiles.schema import GroupConfig

Key = tuple[str, str, str]  # task, lang, metric
# Fine-tuning and intermediate training are in English; transfer is measured on the others.
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class Quantity:
    name: str  # "xtreme", "xtreme/classification", "xtreme/xnli", "iglue/gap", "iglue/en", "iglue/target"
    group: str
    level: str  # group, category, task, source, target, gap
    weights: Mapping[Key, float] = field(repr=False)
    offset: float
    tasks: tuple[str, ...]  # whose per-language deltas the sign and Wilcoxon tests use
    exclude: tuple[str, ...]
    complete: bool

    def value(self, values: Mapping[Key, float]) -> float:
        return self.offset + sum(w * values[key] for key, w in self.weights.items())


def _nested(values: Mapping[Key, float]) -> dict:
    results: dict = {}
    for (task, lang, metric), value in values.items():
        results.setdefault(task, {}).setdefault(lang, {})[metric] = value
    return results


def _summaries(group: GroupConfig, values: Mapping[Key, float], task_meta: Mapping) -> dict[str, tuple]:
    """name → (level, value, tasks, complete) for every average group_summary reports."""
    s = group_summary(group, _nested(values), task_meta)
    name = group.group
    out = {name: ("group", s["score"], tuple(s["tasks"]), s["complete"])}
    for category, score in s.get("categories", {}).items():
        members = tuple(group.categories[category])
        complete = all(t in s["tasks"] and not s["tasks"][t]["missing_languages"] for t in members)
        out[f"{name}/{category}"] = ("category", score, members, complete)
    for task, summary in s["tasks"].items():
        out[f"{name}/{task}"] = ("task", summary["score"], (task,), not summary["missing_languages"])
    if group.gap_language is not None:
        # source, target and gap over the same tasks (those with a source score): source − target = gap
        out[f"{name}/{group.gap_language}"] = ("source", s.get(group.gap_language), (), s["complete"])
        out[f"{name}/target"] = ("target", s.get("target"), (), s["complete"])
        out[f"{name}/gap"] = ("gap", s.get("gap"), (), s["complete"])
    return out


def group_quantities(group: GroupConfig, keys: Sequence[Key], task_meta: Mapping,
                     check: Sequence[Mapping[Key, float]] = ()) -> list[Quantity]:
    """The group's averages as weights over ``keys`` (each run's values in ``check`` verify them)."""
    keys = [key for key in keys if key[0] in group.tasks]
    if not keys:
        return []
    zero = {key: 0.0 for key in keys}
    base = _summaries(group, zero, task_meta)
    weights: dict[str, dict[Key, float]] = {name: {} for name, entry in base.items() if entry[1] is not None}
    for key in keys:
        probe = _summaries(group, {**zero, key: 1.0}, task_meta)
        for name in weights:
            w = probe[name][1] - base[name][1]
            if w != 0.0:
                weights[name][key] = w
    quantities = [Quantity(name, group.group, base[name][0], weights[name], base[name][1], base[name][2],
                           group.exclude_languages, bool(base[name][3])) for name in weights if weights[name]]
    for values in check:
        actual = _summaries(group, values, task_meta)
        for q in quantities:
            if not np.isclose(q.value(values), actual[q.name][1], rtol=1e-9, atol=1e-9):
                raise HarnessError(f"group {group.group}: average {q.name} is not linear in the cell metrics; "
                                   "the suite bootstrap cannot reproduce it")
    return quantities


def per_language_deltas(q: Quantity, cells: Sequence[CellResult], main_metric: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """Headline Δ per target language (not English), averaged over the quantity's tasks that have it."""
    by_cell: dict[tuple[str, str], dict[str, CellResult]] = {}
    for c in cells:
        by_cell.setdefault((c.task, c.lang), {})[c.metric] = c
    per_lang: dict[str, list[float]] = {}
    for (task, lang), metrics in by_cell.items():
        if task not in q.tasks or lang in q.exclude or lang == SOURCE_LANGUAGE:
            continue
        base = headline({m: r.baseline for m, r in metrics.items()}, main_metric[task])
        treat = headline({m: r.treatment for m, r in metrics.items()}, main_metric[task])
        if base is not None and treat is not None:
            per_lang.setdefault(lang, []).append(treat - base)
    return {lang: float(np.mean(deltas)) for lang, deltas in sorted(per_lang.items())}


def sign_test(deltas: Sequence[float]) -> float:
    positive = sum(d > 0 for d in deltas)
    nonzero = sum(d != 0 for d in deltas)
    return float(binomtest(positive, nonzero, 0.5).pvalue) if nonzero else 1.0


def wilcoxon_test(deltas: Sequence[float]) -> float:
    nonzero = [d for d in deltas if d != 0]
    if not nonzero:
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns about small samples; the exact test is used
        return float(wilcoxon(nonzero).pvalue)


@dataclass
class AggregateResult:
    quantity: Quantity
    baseline: float
    treatment: float
    ci_low: float
    ci_high: float
    p_value: float
    language_deltas: dict[str, float]
    sign_test_p: float | None
    wilcoxon_p: float | None
    replicates: tuple[np.ndarray, np.ndarray] = field(repr=False)
    p_adjusted: float | None = None  # over the comparison's averages, their own family
    in_family: bool = True  # False: a derived average (xtreme-targets), no adjusted p, not in ASO's family

    @property
    def delta(self) -> float:
        return self.treatment - self.baseline

    def to_dict(self, alpha: float) -> dict:
        deltas = list(self.language_deltas.values())
        return {
            "name": self.quantity.name, "group": self.quantity.group, "level": self.quantity.level,
            "baseline": self.baseline, "treatment": self.treatment, "delta": self.delta,
            "ci_low": self.ci_low, "ci_high": self.ci_high, "p_value": self.p_value, "p_adjusted": self.p_adjusted,
            "significant": self.p_adjusted is not None and self.p_adjusted < alpha,
            "sign_test_p": self.sign_test_p, "wilcoxon_p": self.wilcoxon_p,
            "languages": len(deltas), "languages_better": sum(d > 0 for d in deltas),
            "languages_worse": sum(d < 0 for d in deltas), "complete": self.quantity.complete,
            "in_family": self.in_family,
        }


def aggregate(q: Quantity, cells: Sequence[CellResult], main_metric: Mapping[str, Sequence[str]],
              level: float) -> AggregateResult:
    by_key = {(c.task, c.lang, c.metric): c for c in cells}
    base_reps = q.offset + sum(w * by_key[key].replicates[0] for key, w in q.weights.items())
    treat_reps = q.offset + sum(w * by_key[key].replicates[1] for key, w in q.weights.items())
    low, high = percentile_interval(treat_reps - base_reps, level)
    deltas = per_language_deltas(q, cells, main_metric) if q.tasks else {}
    tested = q.level in ("group", "category", "task") and bool(deltas)
    return AggregateResult(
        q, q.value({k: c.baseline for k, c in by_key.items()}), q.value({k: c.treatment for k, c in by_key.items()}),
        low, high, bootstrap_p_value(treat_reps - base_reps), deltas,
        sign_test(list(deltas.values())) if tested else None,
        wilcoxon_test(list(deltas.values())) if tested else None,
        (np.asarray(base_reps, dtype=np.float64), np.asarray(treat_reps, dtype=np.float64)),
    )


def suite_aggregates(cells: Sequence[CellResult], groups: Sequence[GroupConfig], task_meta: Mapping,
                     level: float) -> list[AggregateResult]:
    keys = [(c.task, c.lang, c.metric) for c in cells]
    checks = [{(c.task, c.lang, c.metric): c.baseline for c in cells},
              {(c.task, c.lang, c.metric): c.treatment for c in cells}]
    main_metric = {task: meta["main_metric"] for task, meta in task_meta.items()}
    out = []
    for group in groups:
        for q in group_quantities(group, keys, task_meta, checks):
            out.append(aggregate(q, cells, main_metric, level))
    return out
