"""One task's task × language units in ``harness eval``: whether an earlier run finished a unit,
loading the model once the first unit needs it, predicting, scoring and recording."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from harness.errors import HarnessError, MissingHeadError, TaskStopped
from harness.evaluator.model_pool import ModelPool
from harness.evaluator.runner import InferenceRunner
from harness.models.model_args import ModelArgs
from harness.models.spec import ModelSpec
from harness.results.store import RunStore, now
from harness.taskfiles.schema import TaskConfig

log = logging.getLogger(__name__)

SKIPPED = object()  # the model cannot do the task (recorded with the task): its remaining languages too
DONE = object()  # finished by an earlier run into the same folder


@dataclass
class UnitRun:
    data: Any
    identity: dict  # data.identity(), computed once: it stats every image and hashes side files
    predictions: Any
    unit: Any  # the kind's scored unit


@dataclass
class TaskUnits:
    """The units of one task: the model is loaded and checked once the first unit needs it."""

    task: TaskConfig
    kind: Any
    source: Any
    overwrite: bool
    limit: int | None
    spec: ModelSpec
    args: ModelArgs
    store: RunStore
    pool: ModelPool
    runner: InferenceRunner
    loaded: Any = None

    def run(self, lang: str):
        """DONE, SKIPPED, or the unit computed (:class:`UnitRun`); a HarnessError fails the unit
        (a :class:`TaskStopped`, the task)."""
        task = self.task
        args_record = self.args.to_dict()
        data = identity = None
        if not self.overwrite and self.store.unit_recorded(task.task, lang, task.config_hash, args_record):
            # Done only if it was computed from the same data: read the data to compare.
            try:
                data = self.source.language_data(lang, self.kind.extra_splits, self.limit)
                identity = data.identity()
            except HarnessError as err:
                # Re-running a finished hub run offline, say: nothing to compare with, and
                # nothing better to put in the recorded result's place.
                log.warning("%s/%s: kept the recorded result unchecked: its data cannot be read now to "
                            "confirm it is unchanged (%s)", task.task, lang, err)
                return DONE
            if self.store.unit_done(task.task, lang, task.config_hash, args_record, identity):
                return DONE
        if self.loaded is None:
            try:
                self.loaded = _prepare_task(task, self.kind, self.spec, self.args, self.source, self.store,
                                            self.pool, self.overwrite)
            except TaskStopped:
                raise
            except HarnessError as err:  # the model or the task's checks: every language would fail the same way
                raise TaskStopped(str(err)) from err
        if self.loaded is SKIPPED:
            return SKIPPED
        if data is None:
            data = self.source.language_data(lang, self.kind.extra_splits, self.limit)
            identity = data.identity()
        predictions = self.kind.predict(task, data, self.loaded, self.runner)
        return UnitRun(data, identity, predictions, self.kind.score(task, data, predictions))


def record_unit(store: RunStore, task: TaskConfig, kind, lang: str, done: UnitRun, started: float) -> None:
    unit = done.unit
    unit_meta = {**done.identity, "n": unit.n, "duration_s": round(time.time() - started, 3),
                 "finished_at": now(), **({"info": unit.info} if unit.info else {})}
    submission = (kind.submission_name(lang), kind.format_submission(done.data, done.predictions))
    store.record_unit(task.task, lang, unit.metrics, unit.n, unit.samples, unit_meta, submission)
    log.info("%s/%s: %s", task.task, lang, ", ".join(f"{k}={v:.2f}" for k, v in unit.metrics.items()
                                                    if isinstance(v, float)))


def _prepare_task(task: TaskConfig, kind, spec: ModelSpec, args: ModelArgs, source, store: RunStore,
                  pool: ModelPool, overwrite: bool):
    """Load the model and run the checks that concern the whole task, once, before its first unit."""
    checkpoint = spec.checkpoint_for(task.task)
    meta = store.task_meta(task.task)
    args_record = args.to_dict()
    if meta.get("skipped") and meta.get("checkpoint") == checkpoint and not overwrite:
        # Same checkpoint, settings and task config (else forget_task_if_changed dropped it): same answer.
        log.info("%s: skipped: %s", task.task, meta["skipped"])
        return SKIPPED
    try:
        loaded = pool.get(checkpoint, kind.model_role, args)
    except MissingHeadError:
        skip_reason = spec.missing_head_reason(task.task, checkpoint)
        if skip_reason is None:
            raise
    else:
        skip = getattr(kind, "skip_reason", None)
        skip_reason = skip(task, loaded) if skip else None
    if skip_reason:
        # A model family that cannot do the task (a generative VLM on retrieval, say), or a registry
        # entry without a head for it: recorded, not an error, and done until something changes.
        meta.update({"kind": task.kind, "config_hash": task.config_hash, "checkpoint": checkpoint,
                     "model_args": args_record, "skipped": skip_reason})
        store.save()
        log.warning("%s: skipped: %s", task.task, skip_reason)
        return SKIPPED
    kind.check_task(task, loaded)
    meta.pop("skipped", None)
    meta.update({
        "kind": task.kind, "config_hash": task.config_hash, "config_file": str(task.source_file),
        "split": task.split, "source": source.describe(), "checkpoint": checkpoint, "model_args": args_record,
        "metrics": {name: s.to_dict() for name, s in kind.specs_for(task).items()},
        "main_metric": list(task.main_metric), "official_languages": list(task.languages),
    })
    return loaded
