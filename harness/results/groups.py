"""Group scores, averaged exactly as the benchmarks' own scripts do.

XTREME (its evaluate.py): a task's score is the unweighted mean over its languages of the task's
headline metric (QA: (EM + F1) / 2); the overall score is the unweighted mean over tasks; each
category is the mean over its tasks. IGLUE: the mean over target languages with English left
out, English and the transfer gap (English minus the target mean) reported beside it. Nothing
here weights by example counts (lm-eval's default, which these benchmarks do not use).
"""

from __future__ import annotations

from statistics import fmean
from typing import Mapping, Sequence

from harness.taskfiles.schema import GroupConfig


def headline(metrics: Mapping[str, float], main_metric: Sequence[str]) -> float | None:
    values = [metrics.get(m) for m in main_metric]
    if any(v is None for v in values):
        return None
    return fmean(values)


def task_summary(per_lang: Mapping[str, Mapping[str, float]], main_metric: Sequence[str],
                 official_languages: Sequence[str], exclude: Sequence[str] = (),
                 gap_language: str | None = None) -> dict:
    scores = {lang: headline(m, main_metric) for lang, m in per_lang.items()}
    scores = {lang: s for lang, s in scores.items() if s is not None}
    averaged = {lang: s for lang, s in scores.items() if lang not in exclude}
    expected = [lang for lang in official_languages if lang not in exclude]
    summary = {
        "score": fmean(averaged.values()) if averaged else None,
        "metric": "+".join(main_metric) if len(main_metric) > 1 else main_metric[0],
        "languages": sorted(averaged),
        "missing_languages": [lang for lang in expected if lang not in averaged],
    }
    if gap_language is not None:
        source = scores.get(gap_language)
        summary["gap_language"] = gap_language
        summary[gap_language] = source
        summary["gap"] = source - summary["score"] if source is not None and summary["score"] is not None else None
    return summary


def group_summary(group: GroupConfig, results: Mapping[str, Mapping[str, Mapping[str, float]]],
                  task_meta: Mapping[str, Mapping]) -> dict:
    """``task_meta[task]`` gives ``main_metric`` and ``languages`` (the official list)."""
    tasks = {}
    for name in group.tasks:
        if name in results and name in task_meta:
            meta = task_meta[name]
            tasks[name] = task_summary(results[name], meta["main_metric"], meta["languages"],
                                       group.exclude_languages, group.gap_language)
            also = {metric: task_summary(results[name], [metric], meta["languages"], group.exclude_languages,
                                         group.gap_language) for metric in group.report_metrics.get(name, ())}
            if also:
                tasks[name]["also"] = also
    missing_tasks = [name for name in group.tasks if name not in tasks or tasks[name]["score"] is None]
    present = {name: t["score"] for name, t in tasks.items() if t["score"] is not None}
    out = {
        "score": fmean(present.values()) if present and not missing_tasks else None,
        "complete": not missing_tasks and all(not t["missing_languages"] for t in tasks.values()),
        "missing_tasks": missing_tasks,
        "tasks": tasks,
    }
    if group.categories:
        out["categories"] = {
            category: (fmean(present[t] for t in members) if all(t in present for t in members) else None)
            for category, members in group.categories.items()
        }
    if group.gap_language is not None:
        out.update(gap_summary(tasks, group.gap_language, bool(missing_tasks)))
    return out


def gap_summary(tasks: Mapping[str, Mapping], source: str, missing_tasks: bool) -> dict:
    """The source-language mean, the target mean and the gap over one task set: the tasks with
    both a source and a target score (a task whose English file was not given, such as MaRVL
    without NLVR2's test set, is named in ``no_source_tasks``). The gap is the difference of the
    two means shown, so source − target == gap always; the overall ``score`` beside them may
    cover more tasks."""
    with_gap = [name for name, t in tasks.items() if t.get("gap") is not None]
    complete = bool(with_gap) and not missing_tasks
    source_mean = fmean(tasks[n][source] for n in with_gap) if complete else None
    target_mean = fmean(tasks[n]["score"] for n in with_gap) if complete else None
    return {
        source: source_mean,
        "target": target_mean,
        "gap": source_mean - target_mean if complete else None,
        "gap_language": source,
        "gap_tasks": with_gap,
        "no_source_tasks": [name for name, t in tasks.items() if t.get("gap") is None and t["score"] is not None],
    }
