"""Fail a candidate checkpoint only on a real regression: a cell or an average that drops by more
than ``max_drop`` points *and* is significantly worse under harness compare's paired tests
(cells after the comparison's correction, averages after the same correction over the averages).
A transfer gap (English minus the target-language mean, IGLUE's ``iglue/gap``) is better small,
so for it the regression is the gap growing by more than ``max_drop`` points.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

from harness.errors import HarnessError
from harness.stats.comparison import Comparison, CompareSettings, compare
from harness.stats.pairing import RunFolder, resolve_run_argument
from harness.stats.report import comparison_markdown
from harness.taskfiles.index import TaskIndex

log = logging.getLogger(__name__)
RESULTS = "results.json"


@dataclass
class GateRequest:
    candidate: str
    baseline: str
    tasks: Sequence[str]
    results_root: Path | None = None
    max_drop: float = 1.0
    settings: CompareSettings = field(default_factory=CompareSettings)
    registry: object | None = None
    data_dirs: dict = field(default_factory=dict)
    include_paths: Sequence[str] = ()
    device: str | None = None
    batch_size: int | None = None
    limit: int | None = None


@dataclass
class Regression:
    what: str
    delta: float
    p: float
    ci_low: float
    ci_high: float


@dataclass
class GateOutcome:
    passed: bool
    regressions: list[Regression]
    comparison: Comparison
    markdown: str
    skipped: dict[str, str] = field(default_factory=dict)  # task → which run skipped it, and why


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "candidate"


def candidate_run(request: GateRequest) -> Path:
    """The candidate's run folder: given, or made now by evaluating the candidate model."""
    given = Path(request.candidate)
    if (given / RESULTS).is_file():
        return given
    from harness.evaluator.evaluate import EvalRequest, run_eval

    root = request.results_root or Path("runs")
    out = root / _safe_name(request.candidate)
    outcome = run_eval(EvalRequest(model=request.candidate, tasks=request.tasks, data_dirs=dict(request.data_dirs),
                                   output_path=out, include_paths=request.include_paths, device=request.device,
                                   batch_size=request.batch_size, limit=request.limit,
                                   registry=getattr(request.registry, "path", None)))
    if outcome.errors:
        raise HarnessError(f"--candidate {request.candidate}: evaluation failed: {next(iter(outcome.errors.values()))}")
    return out


def _restricted(run: RunFolder, tasks: set[str], flag: str) -> RunFolder:
    missing = sorted(tasks - set(run.results))
    if missing:
        raise HarnessError(f"{flag} {run.path}: has no results for {', '.join(missing)}")
    data = dict(run.data)
    data["results"] = {t: v for t, v in run.results.items() if t in tasks}
    return replace(run, data=data)


def skipped_tasks(run: RunFolder) -> dict[str, str]:
    """Tasks the run recorded as skipped (a family or a registry entry that cannot do them)."""
    tasks = run.data.get("config", {}).get("tasks", {})
    return {task: meta["skipped"] for task, meta in tasks.items() if isinstance(meta, dict) and meta.get("skipped")}


def run_gate(request: GateRequest) -> GateOutcome:
    index = TaskIndex.load(request.include_paths)
    tasks = {t.task for t in index.expand(request.tasks)}
    base_path = resolve_run_argument(request.baseline, request.results_root, request.registry, index.tasks)[0]
    cand_path = candidate_run(request)
    base_run = RunFolder.load(base_path, f"baseline {base_path.name}")
    cand_run = RunFolder.load(cand_path, f"candidate {cand_path.name}")
    # A task either run skipped with a recorded reason has nothing to compare: named in the
    # summary, not gated (a missing task without a reason is still bad input).
    skipped = {t: f"skipped by the baseline: {r}" for t, r in skipped_tasks(base_run).items() if t in tasks}
    skipped.update({t: f"skipped by the candidate: {r}" for t, r in skipped_tasks(cand_run).items()
                    if t in tasks and t not in skipped})
    gated = tasks - set(skipped)
    if not gated:
        raise HarnessError(f"--tasks {','.join(request.tasks)}: every task was skipped by the baseline or the "
                           "candidate; nothing to gate")
    base = _restricted(base_run, gated, "--baseline")
    cand = _restricted(cand_run, gated, "--candidate")
    settings = request.settings
    comparison = compare([base], [cand], list(index.groups.values()), settings)
    regressions = [
        Regression(f"{c.task}/{c.lang} {c.metric}", c.delta, c.p_adjusted, c.ci_low, c.ci_high)
        for c in comparison.cells
        if c.delta < -request.max_drop and c.p_adjusted is not None and c.p_adjusted < settings.alpha
    ]
    # compare() has corrected the averages as their own family; reading its p_adjusted keeps the
    # gate, the leaderboard and harness compare's report from ever disagreeing on one.
    regressions += [
        Regression(f"average {a.quantity.name}" + (" (transfer gap grew)" if a.quantity.level == "gap" else ""),
                   a.delta, a.p_adjusted, a.ci_low, a.ci_high)
        for a in comparison.aggregates
        if _worse(a.quantity.level, a.delta, request.max_drop) and a.p_adjusted is not None
        and a.p_adjusted < settings.alpha
    ]
    markdown = summary_markdown(request, comparison, regressions, skipped)
    return GateOutcome(not regressions, regressions, comparison, markdown, skipped)


def _worse(level: str, delta: float, max_drop: float) -> bool:
    """Whether Δ moves an average the wrong way by more than ``max_drop``: scores regress by
    falling, a transfer gap by growing (closing it is the point of better transfer)."""
    return delta > max_drop if level == "gap" else delta < -max_drop


def summary_markdown(request: GateRequest, comparison: Comparison, regressions: list[Regression],
                     skipped: dict[str, str] | None = None) -> str:
    verdict = "FAIL" if regressions else "PASS"
    lines = [
        f"# harness ci: {verdict}",
        "",
        f"Candidate `{request.candidate}` against baseline `{request.baseline}` on {', '.join(request.tasks)}. "
        f"A regression is a drop of more than {request.max_drop:g} points (for a transfer gap, English minus the "
        f"target-language mean, a rise of more than {request.max_drop:g} points: the gap growing) that is "
        f"significant at α = {request.settings.alpha} after {request.settings.correction} correction.",
        "",
    ]
    if regressions:
        lines += ["| regression | Δ | 95% CI | p (adjusted) |", "|---|---:|---:|---:|"]
        lines += [f"| {r.what} | {r.delta:+.2f} | [{r.ci_low:+.2f}, {r.ci_high:+.2f}] | {r.p:.4f} |"
                  for r in regressions]
    else:
        lines.append("No cell or average dropped (no transfer gap grew) significantly by more than the allowed "
                     "amount.")
    if skipped:
        lines += ["", "Not gated (no results to compare):", *[f"- {task}: {why}" for task, why in sorted(skipped.items())]]
    lines += ["", "<details><summary>Full comparison</summary>", "", comparison_markdown(comparison), "",
              "</details>", ""]
    return "\n".join(lines)


def publish_summary(markdown: str, path: Path | None) -> None:
    from harness.fileio import atomic_write_text

    if path is not None:
        atomic_write_text(path, markdown)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:  # GitHub appends every step's summary
            handle.write(markdown + "\n")
