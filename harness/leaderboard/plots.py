"""Optional PNG plots (matplotlib is an optional extra): per-language Δ with CIs, and the research
question's XTREME-gain vs IGLUE-gain chart, both on target languages (English left out), as
harness compare --text/--multimodal compares them: XTREME's official average includes English,
IGLUE's does not, so the text side is the derived ``xtreme-targets`` average."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Mapping, Sequence

from harness.leaderboard.runs import BoardRun
from harness.leaderboard.scores import run_task_meta
from harness.leaderboard.significance import BoardComparison, Delta

log = logging.getLogger(__name__)
# the research question: the same checkpoint pair on both suites' target-language means
GAIN_GROUPS = ("xtreme-targets", "iglue")
GAIN_LABELS = {"xtreme-targets": "XTREME targets", "iglue": "IGLUE"}
DELTA_CAPTION = ("QA tasks: Δ of (EM + F1) / 2 and the 95% CI of that average "
                 "(paired bootstrap; EM and F1 share each resample).")


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


def delta_rows(comparison: BoardComparison | None) -> list[tuple[tuple[str, str], Delta]]:
    """The (task, lang) cells with a CI, in a stable order: what a run's Δ plot shows."""
    return sorted((k, d) for k, d in (comparison.cells.items() if comparison else []) if d.ci_low is not None)


def research_question_gains(runs: Sequence[BoardRun], comparisons: Mapping[str, BoardComparison],
                            groups: Sequence[str] = GAIN_GROUPS) -> list[tuple[str, str, Delta]]:
    """(run, group, Δ) for every group average each compared run has: XTREME and IGLUE gains of the
    same checkpoint pair side by side, whichever family the checkpoint is filed under."""
    gains = []
    for run in runs:
        comparison = comparisons.get(run.name)
        for group in groups:
            delta = comparison.columns.get(group) if comparison else None
            if delta is not None and delta.ci_low is not None:
                gains.append((run.name, group, delta))
    return gains


def write_plots(out: Path, runs: Sequence[BoardRun], comparisons: Mapping[str, BoardComparison],
                groups: Sequence[str] = GAIN_GROUPS) -> list[str]:
    """File names of the plots written (empty without matplotlib)."""
    plt = _pyplot()
    if plt is None:
        log.warning("matplotlib is not installed: no plots (pip install 'harness[plots]')")
        return []
    written = [name for run in runs if (name := _delta_plot(plt, out, run, delta_rows(comparisons.get(run.name))))]
    gains = research_question_gains(runs, comparisons, groups)
    if gains:
        written.append(_gain_plot(plt, out, gains))
    return written


def has_averaged_headline(run: BoardRun, cells) -> bool:
    """Whether a plotted cell's headline averages several metrics (QA's (EM + F1) / 2), read from the
    run's main metrics as build.py titles the task pages — not from a list of task names."""
    meta = run_task_meta(run.data)
    return any(len(meta.get(task, {}).get("main_metric", ())) > 1 for (task, _), _ in cells)


def _delta_plot(plt, out: Path, run: BoardRun, cells) -> str | None:
    if not cells:
        return None
    qa = has_averaged_headline(run, cells)
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.22 * len(cells) + 1 + (0.4 if qa else 0))))
    colours = ["tab:red" if d.significant and d.delta < 0 else "tab:green" if d.significant else "tab:gray"
               for _, d in cells]
    for y, ((_, d), colour) in enumerate(zip(cells, colours)):
        ax.errorbar([d.delta], [y], xerr=[[d.delta - d.ci_low], [d.ci_high - d.delta]], fmt="o", markersize=3,
                    color=colour, capsize=2)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(cells)), [f"{task}/{lang}" for (task, lang), _ in cells], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(f"Δ vs {run.baseline} (points, 95% CI)")
    ax.set_title(run.name)
    if qa:
        fig.text(0.01, 0.005, DELTA_CAPTION, fontsize=6, wrap=True, va="bottom")
    fig.tight_layout(rect=(0, 0.04 if qa else 0, 1, 1))
    name = f"delta-{run.name}.png"
    _save(plt, fig, out / name)
    return name


def _gain_plot(plt, out: Path, gains: Sequence[tuple[str, str, Delta]]) -> str:
    colour = {"xtreme-targets": "tab:blue", "iglue": "tab:orange"}
    fig, ax = plt.subplots(figsize=(6, 3 + 0.3 * len(gains)))
    for y, (_, group, d) in enumerate(gains):
        ax.errorbar([d.delta], [y], xerr=[[d.delta - d.ci_low], [d.ci_high - d.delta]], fmt="o",
                    color=colour.get(group, "tab:gray"), capsize=3)
    ax.set_yticks(range(len(gains)), [f"{name} ({GAIN_LABELS.get(group, group)})" for name, group, _ in gains],
                  fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("gain on the target-language mean, English left out (points, 95% CI)")
    ax.set_title("Gain from intermediate training: XTREME vs IGLUE")
    fig.tight_layout()
    _save(plt, fig, out / "research-question.png")
    return "research-question.png"


def _save(plt, fig, path: Path) -> None:
    """Written beside the target and renamed over it, as every harness output is: a reader never
    sees half a PNG, and an interrupted write leaves the previous one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            # bbox "tight": a title or axis label wider than the axes is kept whole, not clipped
            fig.savefig(handle, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    finally:
        plt.close(fig)
