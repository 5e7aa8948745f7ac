"""Several runs per checkpoint (fine-tuning seeds): Almost Stochastic Order per cell and average.

The per-example tests pair one run of each checkpoint (the first listed); the variation between
fine-tuning seeds is a separate source of uncertainty, which ASO addresses by comparing the
distributions of the runs' scores (Dror et al. 2019; Ulmer et al. 2022). ε_min is reported in
both directions: ε_min(treatment, baseline) < τ says the treatment is almost stochastically
better, ε_min(baseline, treatment) < τ the opposite. With a correction for multiple comparisons
the confidence level is Bonferroni-adjusted: the family is every statement ASO can make here, each
cell and each average (group, category, task) with scores in every run, in both directions —
the two bounds are separate claims (at most one can fall below τ, but either can be wrong), so
N = 2 × (cells + averages) and the confidence is 1 − α/N. Derived averages (``xtreme-targets``)
are neither in the family nor tested here, so the research question's extra averages leave the
confidence of every other statement as a plain comparison of the same runs has it.
"""

from __future__ import annotations

from typing import Sequence

from harness.stats.aggregates import AggregateResult, Key
from harness.stats.aso import TAU, almost_stochastic_order
from harness.stats.cells import CellResult
from harness.stats.pairing import RunFolder, check_same_setup
from harness.stats.resampling import generator


def _run_values(run: RunFolder, keys: Sequence[Key]) -> dict[Key, float]:
    values = {}
    for task, lang, metric in keys:
        value = run.results.get(task, {}).get(lang, {}).get(metric)
        if isinstance(value, (int, float)):
            values[(task, lang, metric)] = float(value)
    return values


def _verdict(forward: float, backward: float, tau: float) -> str:
    if forward < tau:
        return "treatment better"
    if backward < tau:
        return "baseline better"
    return "no order"


def _entry(scores_base: list[float], scores_treat: list[float], confidence: float, resamples: int,
           seed: int, name: str, tau: float) -> dict:
    forward = almost_stochastic_order(scores_treat, scores_base, confidence, resamples, generator(seed, "aso", name, "+"))
    backward = almost_stochastic_order(scores_base, scores_treat, confidence, resamples, generator(seed, "aso", name, "-"))
    return {"eps_min": forward.eps_min, "eps_min_reverse": backward.eps_min,
            "violation_ratio": forward.violation_ratio, "verdict": _verdict(forward.eps_min, backward.eps_min, tau),
            "baseline_scores": scores_base, "treatment_scores": scores_treat}


def seed_comparison(baseline: Sequence[RunFolder], treatment: Sequence[RunFolder], cells: Sequence[CellResult],
                    aggregates: Sequence[AggregateResult], alpha: float, correction: str, seed: int,
                    resamples: int = 1000, tau: float = TAU) -> dict:
    out: dict = {"baseline": [r.name for r in baseline], "treatment": [r.name for r in treatment],
                 "tau": tau, "confidence_level": None, "family": None, "bonferroni": False,
                 "resamples": resamples, "cells": [],
                 "aggregates": []}
    if len(baseline) < 2 and len(treatment) < 2:
        return out
    for run in [*baseline[1:], *treatment]:
        for c in cells:
            if c.lang in run.results.get(c.task, {}):
                check_same_setup(baseline[0], run, c.task, c.lang)
    keys = [(c.task, c.lang, c.metric) for c in cells]
    base_values = [_run_values(r, keys) for r in baseline]
    treat_values = [_run_values(r, keys) for r in treatment]
    runs = base_values + treat_values
    tested = [a for a in aggregates if a.quantity.level in ("group", "category", "task")]
    # The family is fixed by which scores every run has, before any ε is computed.
    cell_keys = [key for key in keys if all(key in v for v in runs)]
    averages = [a for a in tested if all(set(a.quantity.weights) <= set(v) for v in runs)]
    family = 2 * (len(cell_keys) + len(averages))
    bonferroni = correction != "none" and family > 1
    out.update({"confidence_level": 1.0 - (alpha / family if bonferroni else alpha), "family": family,
                "bonferroni": bonferroni})
    confidence = out["confidence_level"]
    for key in cell_keys:
        entry = _entry([v[key] for v in base_values], [v[key] for v in treat_values], confidence, resamples, seed,
                       "/".join(key), tau)
        out["cells"].append({"task": key[0], "lang": key[1], "metric": key[2], **entry})
    for agg in averages:
        q = agg.quantity
        entry = _entry([q.value(v) for v in base_values], [q.value(v) for v in treat_values], confidence,
                       resamples, seed, q.name, tau)
        out["aggregates"].append({"name": q.name, "level": q.level, **entry})
    return out
