"""The project's question: does the gain from English intermediate training shrink from text
(XTREME) to vision-and-language (IGLUE) models?

Given one text pair and one multimodal pair (each baseline vs. the same model after
intermediate training), each quantity is compared as text minus multimodal with a bootstrap
interval and p-value. The two pairs are different models on different data, so their bootstrap
replicates are independent and are combined replicate by replicate.

Like is compared with like: both sides use the mean over *target* languages. English is the
language of the intermediate task and of fine-tuning, so a gain there is not transfer; IGLUE's
official average already leaves it out, XTREME's includes it, so the text side uses the derived
``<group>-targets`` average (the same tasks, English left out):

- gain: Δ of the target-language mean;
- gain / headroom: Δ / (100 − baseline) on that mean, the share of the remaining headroom the
  training closes, since IGLUE baselines sit far lower and a raw point is not worth the same;
- change in the transfer gap (English minus the target-language mean): negative is better;
- for reference, the gain on the official averages (XTREME's with English), without a difference:
  those two are not the same quantity.

"Degrades" means the multimodal benefit is significantly smaller: the difference (text −
multimodal) has a bootstrap p below α (``--alpha``) and lies above 0 for the gains, below 0 for the
gap change. The interval beside it is at ``--ci_level``, set apart from α, so it is a description,
not the test: only when ci_level = 1 − α does "excludes 0" say the same.
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
    # name, which average, how to read it, the direction in which the benefit is larger
    ("gain", "targets", _gain, +1),
    ("gain / headroom (%)", "targets", _headroom, +1),
    ("transfer gap change", "gap", _gain, -1),
)


def _average_name(group: GroupConfig, which: str) -> str:
    if which == "official":
        return group.group
    targets = gap_group(group).group
    return targets if which == "targets" else f"{targets}/gap"


def _aggregate(comparison: Comparison, group: GroupConfig, which: str, flag: str) -> AggregateResult | None:
    found = comparison.aggregate(_average_name(group, which))
    if found is None and which != "gap":
        raise HarnessError(f"{flag}: the runs give no {_average_name(group, which)} average (the tasks of "
                           f"{group.group}: {', '.join(group.tasks)}); evaluate every task of the group")
    return found


def _gap_missing_reason(comparison: Comparison, group: GroupConfig, flag: str) -> str:
    english = {c.task for c in comparison.cells if c.lang == SOURCE_LANGUAGE and c.task in group.tasks}
    if not english:
        return f"the {flag} runs have no English ({SOURCE_LANGUAGE}) results for any {group.group} task"
    return (f"the {flag} runs give no {_average_name(group, 'gap')} (the tasks with English, "
            f"{', '.join(sorted(english))}, need target languages too)")


def _interval(reps: np.ndarray, level: float) -> list[float]:
    return list(percentile_interval(reps[np.isfinite(reps)], level))


def _verdict(difference: float, p_value: float, alpha: float, direction: int) -> str:
    """Significance from p < α (the level the user asked the tests at), the side from the sign of
    text − multimodal read in the quantity's direction."""
    if not (p_value < alpha and np.isfinite(difference) and difference != 0):
        return "no significant difference"
    # a larger text benefit than multimodal: the multimodal benefit is significantly smaller
    return "degrades" if direction * difference > 0 else "improves"


def _row(label: str, basis: str, direction: int, text: tuple[float, np.ndarray], mm: tuple[float, np.ndarray],
         level: float, alpha: float, compared: bool = True) -> dict:
    (text_value, text_reps), (mm_value, mm_reps) = text, mm
    row = {"quantity": label, "basis": basis, "better": "higher" if direction > 0 else "lower",
           "text": text_value, "text_ci": _interval(text_reps, level),
           "multimodal": mm_value, "multimodal_ci": _interval(mm_reps, level),
           "difference": None, "ci_low": None, "ci_high": None, "p_value": None,
           "verdict": "not compared: unlike quantities"}
    if compared:
        difference = text_reps - mm_reps
        finite = difference[np.isfinite(difference)]
        low, high = percentile_interval(finite, level)
        p_value = bootstrap_p_value(finite)
        row.update({"difference": text_value - mm_value, "ci_low": low, "ci_high": high, "p_value": p_value,
                    "verdict": _verdict(text_value - mm_value, p_value, alpha, direction)})
    return row


def _unavailable(label: str, basis: str, direction: int, reason: str) -> dict:
    return {"quantity": label, "basis": basis, "better": "higher" if direction > 0 else "lower",
            "text": None, "text_ci": None, "multimodal": None, "multimodal_ci": None, "difference": None,
            "ci_low": None, "ci_high": None, "p_value": None, "verdict": "unavailable", "reason": reason}


def _side(comparison: Comparison, group: GroupConfig, flag: str) -> dict:
    targets = _aggregate(comparison, group, "targets", flag)
    official = _aggregate(comparison, group, "official", flag)
    return {"baseline": comparison.baseline, "treatment": comparison.treatment, "group": group.group,
            "targets": targets.quantity.name, "baseline_score": targets.baseline,
            "treatment_score": targets.treatment, "complete": targets.quantity.complete,
            "official_baseline_score": official.baseline, "official_treatment_score": official.treatment,
            "official_complete": official.quantity.complete}


def research_question(text: Comparison, multimodal: Comparison, text_group: GroupConfig,
                      multimodal_group: GroupConfig) -> dict:
    level, alpha = text.settings.level, text.settings.alpha
    sides = ((text, text_group, "--text"), (multimodal, multimodal_group, "--multimodal"))
    rows = []
    for label, which, read, direction in QUANTITIES:
        basis = "target-language mean" if which == "targets" else "English − target-language mean"
        found = [_aggregate(c, g, which, flag) for c, g, flag in sides]
        missing = [(c, g, flag) for (c, g, flag), a in zip(sides, found) if a is None]
        if missing:
            rows.append(_unavailable(label, basis, direction,
                                     "; ".join(_gap_missing_reason(*m) for m in missing)))
            continue
        rows.append(_row(label, basis, direction, read(found[0]), read(found[1]), level, alpha))
    with_english = [g.group for _, g, _ in sides if _average_name(g, "official") != _average_name(g, "targets")]
    if with_english:
        # For reference only: the headline numbers people quote, which differ in whether English counts.
        official = [_aggregate(c, g, "official", flag) for c, g, flag in sides]
        rows.append(_row(f"gain, official averages ({', '.join(with_english)} with English)", "official average",
                         +1, _gain(official[0]), _gain(official[1]), level, alpha, compared=False))
    return {
        "text": _side(text, text_group, "--text"),
        "multimodal": _side(multimodal, multimodal_group, "--multimodal"),
        "confidence_level": level,
        "alpha": alpha,
        "rows": rows,
    }
