"""Optional PNG plots (matplotlib is an optional extra): per-language Δ with CIs, and the research
question's XTREME-gain vs IGLUE-gain chart."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Mapping, Sequence

from harness.leaderboard.runs import BoardRun
from harness.leaderboard.significance import BoardComparison

log = logging.getLogger(__name__)


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


def write_plots(out: Path, runs: Sequence[BoardRun], comparisons: Mapping[str, BoardComparison],
                group_keys: Mapping[str, str]) -> list[str]:
    """File names of the plots written (empty without matplotlib)."""
    plt = _pyplot()
    if plt is None:
        log.warning("matplotlib is not installed: no plots (pip install 'harness[plots]')")
        return []
    written = []
    for run in runs:
        comparison = comparisons.get(run.name)
        cells = sorted((k, d) for k, d in (comparison.cells.items() if comparison else []) if d.ci_low is not None)
        if not cells:
            continue
        fig, ax = plt.subplots(figsize=(7, max(2.5, 0.22 * len(cells) + 1)))
        labels = [f"{task}/{lang}" for (task, lang), _ in cells]
        deltas = [d.delta for _, d in cells]
        errors = [[d.delta - d.ci_low for _, d in cells], [d.ci_high - d.delta for _, d in cells]]
        colours = ["tab:red" if d.significant and d.delta < 0 else "tab:green" if d.significant else "tab:gray"
                   for _, d in cells]
        for y, (delta, low, high, colour) in enumerate(zip(deltas, errors[0], errors[1], colours)):
            ax.errorbar([delta], [y], xerr=[[low], [high]], fmt="o", markersize=3, color=colour, capsize=2)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(range(len(cells)), labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel(f"Δ vs {run.baseline} (points, 95% CI)")
        ax.set_title(run.name)
        fig.tight_layout()
        name = f"delta-{run.name}.png"
        fig.savefig(out / name, dpi=110, metadata={"Software": None})
        plt.close(fig)
        written.append(name)
    gains = []
    for run in runs:
        comparison = comparisons.get(run.name)
        key = group_keys.get(run.family or "")
        if comparison and key and key in comparison.columns:
            gains.append((run.name, key, comparison.columns[key]))
    if gains:
        fig, ax = plt.subplots(figsize=(6, 3 + 0.3 * len(gains)))
        for y, (name, key, d) in enumerate(gains):
            ax.errorbar([d.delta], [y], xerr=[[d.delta - d.ci_low], [d.ci_high - d.delta]], fmt="o",
                        color="tab:blue" if key.startswith("xtreme") else "tab:orange", capsize=3)
        ax.set_yticks(range(len(gains)), [f"{n} ({k.upper()})" for n, k, _ in gains], fontsize=8)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("gain from intermediate training (points, 95% CI)")
        ax.set_title("Gain from intermediate training: XTREME vs IGLUE")
        fig.tight_layout()
        fig.savefig(out / "research-question.png", dpi=110, metadata={"Software": None})
        plt.close(fig)
        written.append("research-question.png")
    return written
