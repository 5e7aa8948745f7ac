"""Assemble the leaderboard folder: README.md, <task>.md, and plots."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

from harness.fileio import atomic_write_text
from harness.leaderboard.plots import write_plots
from harness.leaderboard.render import summary_markdown, task_markdown
from harness.leaderboard.runs import BoardRun
from harness.leaderboard.scores import board_groups, columns_for, run_values
from harness.leaderboard.significance import BoardComparison, board_comparison
from harness.stats.comparison import CompareSettings
from harness.stats.research_question import gap_group
from harness.taskfiles.index import TaskIndex

log = logging.getLogger(__name__)


def build_leaderboard(runs: Sequence[BoardRun], index: TaskIndex, out: Path, settings: CompareSettings,
                      plots: bool = True) -> list[Path]:
    task_names = {task for run in runs for task in run.results}
    groups = board_groups(list(index.groups.values()), task_names)
    columns = columns_for(groups, task_names)
    values = {run.name: run_values(run.data, groups) for run in runs}
    by_name = {run.name: run for run in runs}
    # The research-question chart compares like with like, target languages on both suites: IGLUE's
    # average already leaves English out, XTREME's English-free average is derived (xtreme-targets).
    derived = [gap_group(g) for g in groups if g.gap_language is None]
    comparisons: dict[str, BoardComparison] = {}
    for run in runs:
        if run.baseline and run.baseline in by_name:
            comparisons[run.name] = board_comparison(by_name[run.baseline], run, groups, settings, derived)
    correction = {"holm": "Holm", "bh": "Benjamini–Hochberg", "none": "no"}[settings.correction]
    settings_line = (f"* marks Δ significant at α = {settings.alpha} after {correction} correction (paired tests "
                     f"of harness compare — per language over all cells of the comparison, for averages over "
                     f"the row's averages; {settings.resamples} resamples, seed {settings.seed}).")
    out.mkdir(parents=True, exist_ok=True)
    names = write_plots(out, runs, comparisons) if plots else []
    written = []
    readme = summary_markdown(runs, columns, values, comparisons, settings_line, names)
    atomic_write_text(out / "README.md", readme)
    written.append(out / "README.md")
    for task in sorted(task_names):
        if task not in index.tasks:
            continue
        config = index.tasks[task]
        metric = " + ".join(config.main_metric) if len(config.main_metric) > 1 else config.main_metric[0]
        if len(config.main_metric) > 1:
            metric = f"({metric}) / 2"
        excluded = next((g.exclude_languages for g in groups if task in g.tasks and g.exclude_languages), ())
        atomic_write_text(out / f"{task}.md", task_markdown(task, metric, runs, comparisons, settings_line,
                                                            tuple(excluded)))
        written.append(out / f"{task}.md")
    return written + [out / n for n in names]

