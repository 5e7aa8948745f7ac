"""A run folder: results.json, samples/, predictions/; atomic writes and resumption.

Layout::

    DIR/results.json                      scores, group scores, config, errors
    DIR/samples/<task>/<lang>.jsonl       one row per example: id, gold, prediction, stats, …
    DIR/predictions/<task>/test-<lang>.*  XTREME's submission layout (harness score reads it)

A task × language unit is written samples first, predictions next, results.json last, each
atomically; a unit is done once results.json lists it. An interrupted run therefore loses at most
the unit in progress, and re-running into the same folder skips finished units — those whose task
config, model args and data identity (source and fingerprints, :meth:`LanguageData.identity`)
all match. A unit is replaced only by a successful new run: a failed recompute keeps the
finished unit and records the error beside it.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from harness.errors import HarnessError
from harness.fileio import atomic_write_json, atomic_write_jsonl, atomic_write_text, read_json, read_jsonl

RESULTS = "results.json"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class RunStore:
    # Under torchrun every rank keeps the same in-memory state (so all make the same resume
    # decisions) but only rank 0 writes.
    writable = True

    def __init__(self, folder: Path | None, data: dict | None = None):
        self.folder = folder
        self.data = data or {"results": {}, "groups": {}, "config": {"tasks": {}}, "errors": {}}

    # ---- opening ------------------------------------------------------------------------
    @classmethod
    def open(cls, folder: str | Path | None, identity: Mapping[str, Any], overwrite: bool,
             writable: bool = True, keep: Mapping[str, Path] | None = None) -> "RunStore":
        """Open (or start) a run folder whose config must agree with ``identity`` to resume.

        A folder holding another run is replaced only with ``overwrite``, and never when that
        would delete a folder named in ``keep`` (flag → folder, e.g. the ``--predictions`` being
        read): the user is told to choose another ``--output_path`` instead."""
        store = cls._open(folder, identity, overwrite, writable, keep or {})
        store.writable = writable
        store.data["config"].update(identity)
        return store

    @classmethod
    def _open(cls, folder, identity, overwrite: bool, writable: bool, keep: Mapping[str, Path]) -> "RunStore":
        if folder is None:
            return cls(None)
        folder = Path(folder)
        if folder.exists() and not folder.is_dir():
            raise HarnessError(f"--output_path {folder}: exists and is not a folder")
        path = folder / RESULTS
        if path.is_file():
            data = read_json(path)
            if not isinstance(data, dict) or "results" not in data or "config" not in data:
                raise HarnessError(f"{path}: not a harness results file; choose another --output_path")
            previous = {key: data["config"].get(key) for key in identity}
            if previous != dict(identity):
                if not overwrite:
                    differing = [k for k in identity if previous.get(k) != identity[k]]
                    raise HarnessError(
                        f"{path}: holds a run with different {', '.join(differing)}; pass --overwrite to replace "
                        "it or choose another --output_path"
                    )
                store = cls(folder)
                store._refuse_removing(keep)
                if writable:
                    store._remove_outputs()
            else:
                store = cls(folder, data)
                store.data.setdefault("errors", {})
                store.data["config"].setdefault("tasks", {})
        else:
            store = cls(folder)
        return store

    def _removed_folders(self) -> list[Path]:
        return [self.folder / sub for sub in ("samples", "predictions")]

    def _refuse_removing(self, keep: Mapping[str, Path]) -> None:
        for flag, kept in keep.items():
            kept = Path(kept).resolve()
            for removed in self._removed_folders():
                removed = removed.resolve()
                if kept == removed or removed in kept.parents:
                    raise HarnessError(
                        f"--output_path {self.folder}: replacing the run there would delete {removed}, which holds "
                        f"{flag} {kept}; choose another --output_path"
                    )

    def _remove_outputs(self) -> None:
        for folder in self._removed_folders():
            shutil.rmtree(folder, ignore_errors=True)

    # ---- units --------------------------------------------------------------------------
    def unit_recorded(self, task: str, lang: str, task_hash: str, model_args: Mapping) -> bool:
        """Whether a result for the unit is recorded under this task config and these model args
        (whether it is also for the same data, :meth:`unit_done` tells)."""
        meta = self.data["config"]["tasks"].get(task)
        return bool(meta and meta.get("config_hash") == task_hash and meta.get("model_args") == dict(model_args)
                    and lang in meta.get("languages", {}) and lang in self.data["results"].get(task, {}))

    def unit_done(self, task: str, lang: str, task_hash: str, model_args: Mapping,
                  data_identity: Mapping[str, Any]) -> bool:
        """Whether the unit is finished for this task config, model args and data identity
        (every key of ``data_identity`` must equal the one recorded with the unit)."""
        if not self.unit_recorded(task, lang, task_hash, model_args):
            return False
        recorded = self.data["config"]["tasks"][task]["languages"][lang]
        return all(recorded.get(key) == value for key, value in data_identity.items())

    def forget_task_if_changed(self, task: str, task_hash: str, model_args: Mapping) -> None:
        meta = self.data["config"]["tasks"].get(task)
        if meta and (meta.get("config_hash") != task_hash or meta.get("model_args") != dict(model_args)):
            self.data["results"].pop(task, None)
            self.data["config"]["tasks"].pop(task, None)

    def task_meta(self, task: str) -> dict:
        return self.data["config"]["tasks"].setdefault(task, {"languages": {}})

    def record_unit(self, task: str, lang: str, metrics: Mapping[str, float], n: int, samples: list[dict],
                    unit_meta: Mapping[str, Any], submission: tuple[str, str] | None) -> None:
        if self.folder is not None and self.writable:
            atomic_write_jsonl(self.samples_path(task, lang), samples)
            if submission is not None:
                name, text = submission
                atomic_write_text(self.folder / "predictions" / task / name, text)
        self.data["results"].setdefault(task, {})[lang] = {**{k: _round(v) for k, v in metrics.items()}, "n": n}
        self.task_meta(task)["languages"][lang] = dict(unit_meta)
        self.data["errors"].pop(task, None)
        self.data["errors"].pop(f"{task}/{lang}", None)
        self.save()

    def record_error(self, key: str, message: str) -> None:
        """An error for a task (``key`` = task) or one unit (``task/lang``); a finished result
        already there is kept (a failed recompute does not erase it)."""
        self.data["errors"][key] = message
        self.save()

    def samples_path(self, task: str, lang: str) -> Path:
        return self.folder / "samples" / task / f"{lang}.jsonl"

    def read_samples(self, task: str, lang: str) -> list[dict]:
        return read_jsonl(self.samples_path(task, lang))

    # ---- whole file ---------------------------------------------------------------------
    def save(self) -> None:
        if self.folder is not None and self.writable:
            ordered = {key: self.data.get(key, {}) for key in ("results", "groups", "config", "errors")}
            atomic_write_json(self.folder / RESULTS, ordered)


def _round(value):
    return round(value, 6) if isinstance(value, float) else value
