"""Run folders built in tests: results.json and samples/ written by the real RunStore."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from harness.metrics.corpus import MetricSpec, score_metrics
from harness.results.store import RunStore

ACCURACY = {"accuracy": MetricSpec("accuracy", "mean", "correct", "mcnemar")}
SPAN_F1 = {"f1": MetricSpec("f1", "f1", None, "randomization")}
QA = {"exact_match": MetricSpec("exact_match", "mean", "em", "mcnemar"),
      "f1": MetricSpec("f1", "mean", "token_f1", "permutation")}


def write_run(folder: Path, units: Mapping[str, Mapping[str, Sequence[Mapping]]],
              metrics: Mapping[str, Mapping[str, MetricSpec]], main: Mapping[str, Sequence[str]] | None = None,
              official: Mapping[str, Sequence[str]] | None = None, config_hash: Mapping[str, str] | None = None,
              fingerprint: str = "data", ids: Mapping[str, Sequence[str]] | None = None) -> Path:
    """``units[task][lang]`` is a list of per-example stats dicts; ids are "0", "1", … unless given."""
    store = RunStore(Path(folder))
    for task, per_lang in units.items():
        specs = metrics[task]
        meta = store.task_meta(task)
        meta.update({
            "config_hash": (config_hash or {}).get(task, f"hash-{task}"),
            "metrics": {name: spec.to_dict() for name, spec in specs.items()},
            "main_metric": list((main or {}).get(task, list(specs)[:1])),
            "official_languages": list((official or {}).get(task, list(per_lang))),
        })
        for lang, stats in per_lang.items():
            keys = (ids or {}).get(f"{task}/{lang}") or [str(i) for i in range(len(stats))]
            rows = [{"id": key, "stats": dict(s)} for key, s in zip(keys, stats)]
            store.record_unit(task, lang, score_metrics(specs, rows), len(rows), rows,
                              {"data_fingerprint": f"{fingerprint}-{task}-{lang}"}, None)
    return Path(folder)


def binary_stats(correct: Sequence[int], key: str = "correct") -> list[dict]:
    return [{key: int(c)} for c in correct]


def perturb_run(source: Path, target: Path, rate: float, seed: int) -> Path:
    """A copy of a run folder in which a share ``rate`` of 0/1 outcomes and tp/fn counts change,
    with results.json rescored from the new samples (a stand-in for another checkpoint)."""
    shutil.copytree(source, target)
    rng = np.random.default_rng(seed)
    data = json.loads((target / "results.json").read_text())
    for task, per_lang in data["results"].items():
        specs = {name: MetricSpec.from_dict(name, spec) for name, spec in data["config"]["tasks"][task]["metrics"].items()}
        for lang in per_lang:
            path = target / "samples" / task / f"{lang}.jsonl"
            rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
            for row in rows:
                stats = row["stats"]
                if rng.random() < rate:
                    for key in ("correct", "correct_reverse"):
                        if key in stats:
                            stats[key] = 1 - stats[key]
                    if stats.get("fn", 0) > 0:
                        stats["tp"], stats["fn"] = stats["tp"] + 1, stats["fn"] - 1
            path.write_text("".join(json.dumps(row) + "\n" for row in rows))
            per_lang[lang].update({k: round(v, 6) for k, v in score_metrics(specs, rows).items()})
    (target / "results.json").write_text(json.dumps(data, indent=2))
    return target


MM_TASK = """task: {name}
kind: pair_classification
languages: [en, ar, id]
metrics: [accuracy]
data:
  demo: xnli
"""
MM_GROUP = """group: mm_suite
tasks: [mm_nli, mm_vqa]
exclude_languages: [en]
gap_language: en
"""
MM_TASKS = ("mm_nli", "mm_vqa")


def write_mm_suite(root: Path) -> Path:
    """A small multimodal-shaped suite (IGLUE's: English excluded from the average, a transfer
    gap to English): two accuracy tasks on en, ar, id and their group, as an --include_path folder."""
    tasks = root / "tasks"
    tasks.mkdir()
    for name in MM_TASKS:
        (tasks / f"{name}.yaml").write_text(MM_TASK.format(name=name))
    (tasks / "mm_suite.yaml").write_text(MM_GROUP)
    return tasks
