"""The project's question: does the gain from English intermediate training shrink from text
(XTREME) to vision-and-language (IGLUE) models?

Given one text pair and one multimodal pair (each baseline vs. the same model after
intermediate training), three quantities are compared, each as text minus multimodal with a
bootstrap interval and p-value. The two pairs are different models on different data, so their
bootstrap replicates are independent and are combined replicate by replicate:

- gain: Δ of the benchmark's own average (XTREME: mean over tasks; IGLUE: target languages);
- gain / headroom: Δ / (100 − baseline), the share of the remaining headroom the training closes,
  since IGLUE baselines sit far lower and a raw point is not worth the same on both;
- change in the transfer gap (English minus the target-language mean): negative is better.

"Degrades" means the multimodal benefit is significantly smaller: for the gains a difference
(text − multimodal) whose interval lies above 0; for the gap change one whose interval lies below 0.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from harness.errors import HarnessError
from harness.stats.aggregates import SOURCE_LANGUAGE, AggregateResult
from harness.stats.bootstrap import bootstrap_p_value, percentile_interval
from harness.stats.comparison import Comparison
from harness.taskfiles.schema import GroupConfig


def gap_group(group: GroupConfig) -> GroupConfig:
    """The group with a transfer gap: itself when it defines one (IGLUE), otherwise a copy that
    averages the non-English languages and reports English beside them (XTREME)."""
    if group.gap_language is not None:
        return group
    return replace(group, group=f"{group.group}-targets", categories={}, exclude_languages=(SOURCE_LANGUAGE,),
                   gap_language=SOURCE_LANGUAGE)


def _gain(a: AggregateResult) -> tuple[float, np.ndarray]:
    base, treat = a.replicates
    return a.delta, treat - base


def _headroom(a: AggregateResult) -> tuple[float, np.ndarray]:
    base, treat = a.replicates
    with np.errstate(divide="ignore", invalid="ignore"):
        reps = 100.0 * (treat - base) / (100.0 - base)
    return 100.0 * a.delta / (100.0 - a.baseline) if a.baseline < 100 else float("nan"), reps


QUANTITIES = (
    # name, which aggregate, how to read it, the direction in which the benefit is larger
    ("gain", "score", _gain, +1),
    ("gain / headroom (%)", "score", _headroom, +1),
    ("transfer gap change", "gap", _gain, -1),
)


def _aggregate(comparison: Comparison, group: GroupConfig, which: str, flag: str) -> AggregateResult | None:
    name = group.group if which == "score" else f"{gap_group(group).group}/gap"
    found = comparison.aggregate(name)
    if found is None and which == "score":
        raise HarnessError(f"{flag}: the runs give no {group.group} average (its tasks: {', '.join(group.tasks)}); "
                           "evaluate every task of the group")
    return found


def _interval(reps: np.ndarray, level: float) -> list[float]:
    return list(percentile_interval(reps[np.isfinite(reps)], level))


def _verdict(low: float, high: float, direction: int) -> str:
    if (direction > 0 and low > 0) or (direction < 0 and high < 0):
        return "degrades"  # the multimodal benefit is significantly smaller
    if (direction > 0 and high < 0) or (direction < 0 and low > 0):
        return "improves"
    return "no significant difference"


def research_question(text: Comparison, multimodal: Comparison, text_group: GroupConfig,
                      multimodal_group: GroupConfig) -> dict:
    level = text.settings.level
    rows = []
    for label, which, read, direction in QUANTITIES:
        text_agg = _aggregate(text, text_group, which, "--text")
        mm_agg = _aggregate(multimodal, multimodal_group, which, "--multimodal")
        if text_agg is None or mm_agg is None:
            continue
        text_value, text_reps = read(text_agg)
        mm_value, mm_reps = read(mm_agg)
        difference = text_reps - mm_reps
        finite = difference[np.isfinite(difference)]
        low, high = percentile_interval(finite, level)
        rows.append({
            "quantity": label, "better": "higher" if direction > 0 else "lower",
            "text": text_value, "text_ci": _interval(text_reps, level),
            "multimodal": mm_value, "multimodal_ci": _interval(mm_reps, level),
            "difference": text_value - mm_value, "ci_low": low, "ci_high": high,
            "p_value": bootstrap_p_value(finite), "verdict": _verdict(low, high, direction),
        })
    text_score, mm_score = text.aggregate(text_group.group), multimodal.aggregate(multimodal_group.group)
    return {
        "text": {"baseline": text.baseline, "treatment": text.treatment, "group": text_group.group,
                 "baseline_score": text_score.baseline, "treatment_score": text_score.treatment,
                 "complete": text_score.quantity.complete},
        "multimodal": {"baseline": multimodal.baseline, "treatment": multimodal.treatment,
                       "group": multimodal_group.group, "baseline_score": mm_score.baseline,
                       "treatment_score": mm_score.treatment, "complete": mm_score.quantity.complete},
        "confidence_level": level,
        "rows": rows,
    }
