"""Δ against a baseline run, with significance from harness compare's paired tests."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from harness.errors import HarnessError
from harness.leaderboard.runs import BoardRun
from harness.stats.bootstrap import percentile_interval
from harness.stats.cells import CellResult
from harness.stats.comparison import Comparison, CompareSettings, compare
from harness.stats.pairing import RunFolder
from harness.taskfiles.schema import GroupConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delta:
    delta: float
    ci_low: float | None
    ci_high: float | None
    p_adjusted: float | None
    significant: bool


@dataclass
class BoardComparison:
    columns: dict[str, Delta]  # leaderboard column key → Δ of that average
    cells: dict[tuple[str, str], Delta]  # (task, lang) → Δ of the task's headline metric
    note: str | None = None  # why there is no significance (runs could not be paired)


def column_key(group: str, level: str, name: str) -> str:
    """The leaderboard column (scores.columns_for) an average of harness compare fills."""
    suffix = name.split("/", 1)[1] if "/" in name else ""
    if level == "group":
        return group
    if level == "task":
        return f"{group}/{suffix}"
    if level in ("target", "gap"):
        return f"{group}/[{level}]"
    return f"{group}/[{suffix}]"  # category, source language


def board_comparison(base: BoardRun, run: BoardRun, groups: Sequence[GroupConfig],
                     settings: CompareSettings, derived_groups: Sequence[GroupConfig] = ()) -> BoardComparison:
    """``derived_groups`` (xtreme-targets, for the research-question chart) give Δ and CI, outside
    the correction's family and so never a *."""
    try:
        result: Comparison = compare([RunFolder.load(base.path, base.name)], [RunFolder.load(run.path, run.name)],
                                     groups, settings, derived_groups)
    except HarnessError as err:
        log.warning("%s vs %s: no significance marks: %s", run.name, base.name, err)
        return BoardComparison({}, {}, note=f"not paired with {base.name}: {err}")
    columns = {}
    # compare() corrected the row's averages as their own family; its p_adjusted is read as it is,
    # so a * here always means what harness compare and harness ci say about the same runs.
    for agg in result.aggregates:
        key = column_key(agg.quantity.group, agg.quantity.level, agg.quantity.name)
        p = agg.p_adjusted
        columns[key] = Delta(agg.delta, agg.ci_low, agg.ci_high, p, p is not None and p < settings.alpha)
    cells = {}
    main = {task: list(meta["main_metric"]) for task, meta in result.task_meta.items()}
    by_task_lang: dict[tuple[str, str], list] = {}
    for cell in result.cells:
        if cell.metric in main.get(cell.task, []):
            by_task_lang.setdefault((cell.task, cell.lang), []).append(cell)
    for key, members in by_task_lang.items():
        delta = sum(c.delta for c in members) / len(members)
        low, high = headline_interval(members, settings.level)
        # QA's headline is (EM + F1) / 2: marked only when both are significant the same way.
        significant = all(c.p_adjusted is not None and c.p_adjusted < settings.alpha and c.delta * delta > 0
                          for c in members)
        cells[key] = Delta(delta, low, high,
                           max(c.p_adjusted for c in members if c.p_adjusted is not None) if members else None,
                           significant)
    return BoardComparison(columns, cells)


def headline_interval(members: Sequence[CellResult], level: float) -> tuple[float | None, float | None]:
    """CI of a cell's headline: the metric's own, or for QA's (EM + F1) / 2 the percentile interval
    of the averaged bootstrap replicates. harness compare resamples every metric of a task ×
    language with the same indices, so replicate i of EM and of F1 come from one resample."""
    if len(members) == 1:
        return members[0].ci_low, members[0].ci_high
    if not members or any(c.replicates is None for c in members):
        return None, None
    deltas = np.mean([treated - base for base, treated in (c.replicates for c in members)], axis=0)
    return percentile_interval(deltas, level)
