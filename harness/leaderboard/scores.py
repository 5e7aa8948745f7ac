"""The numbers a leaderboard shows, recomputed from each run's results with the current groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from harness.results.groups import group_summary
from harness.taskfiles.schema import GroupConfig


@dataclass(frozen=True)
class Column:
    key: str  # "xtreme/xnli", "xtreme", "xtreme/[classification]", "iglue/[en]", "iglue/[target]", "iglue/[gap]"
    title: str
    group: str
    task: str | None = None


def run_task_meta(data: Mapping) -> dict:
    return {task: {"main_metric": info.get("main_metric", []), "languages": info.get("official_languages", [])}
            for task, info in data.get("config", {}).get("tasks", {}).items()}


def board_groups(groups: Sequence[GroupConfig], task_names: set[str]) -> list[GroupConfig]:
    covering = [g for g in groups if set(g.tasks) & task_names]
    return sorted(covering, key=lambda g: (g.group != "xtreme", g.group))


def columns_for(groups: Sequence[GroupConfig], task_names: set[str]) -> list[Column]:
    columns: list[Column] = []
    for group in groups:
        for task in group.tasks:
            if task in task_names:
                columns.append(Column(f"{group.group}/{task}", task, group.group, task))
        columns.append(Column(group.group, f"{group.group.upper()} avg", group.group))
        for category in group.categories:
            columns.append(Column(f"{group.group}/[{category}]", category, group.group))
        if group.gap_language:
            # source, target and gap over the same tasks (those with a source score): source − target = gap
            columns.append(Column(f"{group.group}/[{group.gap_language}]", f"{group.gap_language} (source)", group.group))
            columns.append(Column(f"{group.group}/[target]", "target (same tasks)", group.group))
            columns.append(Column(f"{group.group}/[gap]", "transfer gap", group.group))
    return columns


def run_values(data: Mapping, groups: Sequence[GroupConfig]) -> dict[str, float | bool | None]:
    """Column key → value (None where the run lacks it), and ``<key>/complete`` for the group
    and task columns: whether the score covers every official language (else it gets a †)."""
    meta = run_task_meta(data)
    results = data.get("results", {})
    values: dict[str, float | bool | None] = {}
    for group in groups:
        summary = group_summary(group, results, meta)
        for task, task_summary in summary["tasks"].items():
            values[f"{group.group}/{task}"] = task_summary["score"]
            values[f"{group.group}/{task}/complete"] = not task_summary["missing_languages"]
        values[group.group] = summary["score"]
        values[f"{group.group}/complete"] = summary["complete"]
        for category, score in summary.get("categories", {}).items():
            values[f"{group.group}/[{category}]"] = score
        if group.gap_language:
            values[f"{group.group}/[{group.gap_language}]"] = summary.get(group.gap_language)
            values[f"{group.group}/[target]"] = summary.get("target")
            values[f"{group.group}/[gap]"] = summary.get("gap")
    return values


def language_values(data: Mapping, task: str) -> dict[str, float | None]:
    meta = run_task_meta(data).get(task)
    per_lang = data.get("results", {}).get(task, {})
    if not meta:
        return {}
    main = meta["main_metric"]
    out = {}
    for lang, metrics in per_lang.items():
        values = [metrics.get(m) for m in main]
        out[lang] = None if any(v is None for v in values) else sum(values) / len(values)
    return out
