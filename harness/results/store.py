"""A run folder: results.json, samples/, predictions/; atomic writes and resumption.

Layout::

    DIR/results.json                      scores, group scores, config, errors
    DIR/samples/<task>/<lang>.jsonl       one row per example: id, gold, prediction, stats, …
    DIR/predictions/<task>/test-<lang>.*  XTREME's submission layout (harness score reads it)

A task × language unit is written samples first, predictions next, results.json last, each
atomically; a unit is done once results.json lists it. An interrupted run therefore loses at most
the unit in progress, and re-running into the same folder skips finished units.
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
             writable: bool = True) -> "RunStore":
        """Open (or start) a run folder whose config must agree with ``identity`` to resume."""
        store = cls._open(folder, identity, overwrite, writable)
        store.writable = writable
        store.data["config"].update(identity)
        return store

    @classmethod
    def _open(cls, folder, identity, overwrite: bool, writable: bool) -> "RunStore":
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
                if writable:
                    store._remove_outputs()
            else:
                store = cls(folder, data)
                store.data.setdefault("errors", {})
                store.data["config"].setdefault("tasks", {})
        else:
            store = cls(folder)
        return store

    def _remove_outputs(self) -> None:
        for sub in ("samples", "predictions"):
            shutil.rmtree(self.folder / sub, ignore_errors=True)

    # ---- units --------------------------------------------------------------------------
    def unit_done(self, task: str, lang: str, task_hash: str, model_args: Mapping) -> bool:
        meta = self.data["config"]["tasks"].get(task)
        return bool(
            meta and meta.get("config_hash") == task_hash and meta.get("model_args") == dict(model_args)
            and lang in meta.get("languages", {}) and lang in self.data["results"].get(task, {})
        )

    def forget_task_if_changed(self, task: str, task_hash: str, model_args: Mapping) -> None:
        meta = self.data["config"]["tasks"].get(task)
        if meta and (meta.get("config_hash") != task_hash or meta.get("model_args") != dict(model_args)):
            self.data["results"].pop(task, None)
            self.data["config"]["tasks"].pop(task, None)

    def forget_unit(self, task: str, lang: str) -> None:
        self.data["results"].get(task, {}).pop(lang, None)
        self.data["config"]["tasks"].get(task, {}).get("languages", {}).pop(lang, None)

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

    def record_error(self, task: str, message: str) -> None:
        self.data["errors"][task] = message
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
