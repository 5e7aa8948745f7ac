"""Read XTREME submission files (``DIR/<task>/test-<lang>.<ext>``) and score them like ``eval`` does.

The same ``TaskKind.score`` turns predictions into samples and metrics, so scoring the
``predictions/`` folder of an eval run reproduces that run's numbers.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Mapping, Sequence

from harness.data.sources import resolve_source
from harness.errors import HarnessError
from harness.kinds import get_kind
from harness.results.environment import harness_info, library_versions
from harness.results.finalize import finalize_run
from harness.results.store import RunStore, now
from harness.taskfiles.index import TaskIndex

log = logging.getLogger(__name__)


def _tasks_present(folder: Path, index: TaskIndex) -> list[str]:
    return [p.name for p in sorted(folder.iterdir()) if p.is_dir() and p.name in index.tasks]


def score_predictions(predictions: Path, index: TaskIndex, tasks: Sequence[str] | None,
                      languages: Sequence[str] | None, data_dirs: Mapping[str, str],
                      output_path: Path, overwrite: bool = False) -> tuple[RunStore, dict[str, str]]:
    """Score ``predictions`` into ``output_path``. A folder holding another run (an eval run, or a
    score of other predictions) is replaced only with ``overwrite``, and never when replacing it
    would delete the ``predictions`` folder being read."""
    if not predictions.is_dir():
        raise HarnessError(f"--predictions {predictions}: not a folder")
    names = tasks or _tasks_present(predictions, index)
    if not names:
        raise HarnessError(f"--predictions {predictions}: no task folders (expected e.g. {predictions}/xnli/test-de.tsv)")
    configs = index.expand(names)
    identity = {"model": {"predictions": str(predictions.resolve())}, "limit": None}
    store = RunStore.open(output_path, identity, overwrite, keep={"--predictions": predictions})
    store.data["config"]["started_at"] = now()
    errors: dict[str, str] = {}
    for task in configs:
        kind = get_kind(task.kind)
        folder = predictions / task.task
        wanted = [lang for lang in task.languages if not languages or lang in languages]
        present = [lang for lang in wanted if (folder / kind.submission_name(lang)).is_file()]
        if languages:
            for lang in wanted:
                if lang not in present:
                    errors[f"{task.task}/{lang}"] = f"{folder / kind.submission_name(lang)}: file not found"
        if not present:
            if tasks:
                errors.setdefault(task.task, f"{folder}: no prediction files {kind.submission_name('<lang>')}")
            continue
        try:
            source = resolve_source(task, data_dirs)
        except HarnessError as err:
            errors[task.task] = str(err)
            continue
        meta = store.task_meta(task.task)
        meta.update({"kind": task.kind, "config_hash": task.config_hash, "config_file": str(task.source_file),
                     "split": task.split, "source": source.describe(), "predictions": str(folder),
                     "metrics": {n: s.to_dict() for n, s in kind.specs_for(task).items()},
                     "main_metric": list(task.main_metric), "official_languages": list(task.languages)})
        for lang in present:
            started = time.time()
            try:
                data = source.language_data(lang)
                preds = kind.read_submission(folder / kind.submission_name(lang), task, data)
                unit = kind.score(task, data, preds)
            except HarnessError as err:
                errors[f"{task.task}/{lang}"] = str(err)
                continue
            store.record_unit(task.task, lang, unit.metrics, unit.n, unit.samples,
                              {**data.identity(), "n": unit.n,
                               "duration_s": round(time.time() - started, 3), "finished_at": now()}, None)
    for key, message in errors.items():
        store.data["errors"][key] = message
    store.data["config"].update({"harness": harness_info(), "libraries": library_versions(), "finished_at": now(),
                                 "data_dirs": dict(data_dirs)})
    finalize_run(store, index)
    return store, errors
