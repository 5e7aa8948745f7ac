"""The score table the CLI prints after a run."""

from __future__ import annotations

from typing import Mapping

from tabulate import tabulate


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{0.0 if abs(value) < 0.005 else value:.2f}"  # no "-0.00" from rounding noise in gaps
    return str(value)


def results_table(data: Mapping) -> str:
    rows = []
    tasks_meta = data.get("config", {}).get("tasks", {})
    for task, per_lang in data.get("results", {}).items():
        main = tasks_meta.get(task, {}).get("main_metric", [])
        for lang, metrics in sorted(per_lang.items()):
            ordered = [m for m in main if m in metrics] + [m for m in metrics if m not in main and m != "n"]
            shown = "  ".join(f"{m}={_fmt(metrics[m])}" for m in ordered[1:])
            rows.append([task, lang, ordered[0] if ordered else "", _fmt(metrics.get(ordered[0])) if ordered else "",
                         metrics.get("n", ""), shown])
    table = tabulate(rows, headers=["task", "lang", "metric", "score", "n", "other metrics"], tablefmt="github",
                     disable_numparse=True)
    return table + _groups_table(data.get("groups", {}))


def _task_note(summary: Mapping) -> str:
    """English (or whichever source language) and the gap beside a task's target mean."""
    extra = ""
    if "gap" in summary:
        source = summary.get("gap_language")
        extra = (f"{source}={_fmt(summary.get(source))} " if source else "") + f"gap={_fmt(summary['gap'])}"
    if summary.get("missing_languages"):
        extra += f" ({len(summary['languages'])} of {len(summary['languages']) + len(summary['missing_languages'])} languages)"
    return extra.strip()


def _gap_note(group: Mapping) -> str:
    """Source mean, target mean and gap over the same tasks (source − target = gap), naming the
    tasks left out for want of a source-language score."""
    source = group.get("gap_language")
    shown = f"{source}={_fmt(group.get(source))} target={_fmt(group.get('target'))} " if source else ""
    note = f"{shown}gap={_fmt(group['gap'])}"
    if group.get("no_source_tasks"):
        note += f" (no {_language_name(source)}: {', '.join(group['no_source_tasks'])})"
    return note


def _language_name(code: str | None) -> str:
    return {"en": "English"}.get(code or "", code or "source")


def _groups_table(groups: Mapping) -> str:
    if not groups:
        return ""
    rows = []
    for name, group in groups.items():
        for task, summary in group.get("tasks", {}).items():
            rows.append([name, task, summary["metric"], _fmt(summary["score"]), _task_note(summary)])
            for metric, also in summary.get("also", {}).items():
                rows.append([name, f"{task} [{metric}]", metric, _fmt(also["score"]), _task_note(also)])
        for category, score in group.get("categories", {}).items():
            rows.append([name, f"[{category}]", "mean of tasks", _fmt(score), ""])
        note = "" if group.get("complete") else "incomplete: " + (
            f"missing {', '.join(group['missing_tasks'])}" if group.get("missing_tasks") else "language subset")
        if "gap" in group:
            note = f"{_gap_note(group)} " + note
        rows.append([name, "[overall]", "mean of tasks", _fmt(group.get("score")), note.strip()])
    return "\n\n" + tabulate(rows, headers=["group", "task", "averaged", "score", "notes"], tablefmt="github",
                             disable_numparse=True)
