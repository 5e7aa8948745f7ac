"""``harness eval``: every task × language of a request, into a resumable run folder."""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from harness.data.sources import resolve_source, with_images
from harness.errors import HarnessError, TaskStopped
from harness.evaluator.distributed import agree_on_unit, current, init_from_env
from harness.evaluator.model_pool import ModelPool
from harness.evaluator.runner import InferenceRunner
from harness.evaluator.units import DONE, SKIPPED, TaskUnits, record_unit
from harness.kinds import get_kind
from harness.models.loading import resolve_device
from harness.models.model_args import ModelArgs
from harness.models.spec import ModelSpec, resolve_model_spec
from harness.results.environment import device_info, harness_info, library_versions
from harness.results.finalize import finalize_run
from harness.results.store import RunStore, now
from harness.taskfiles.index import TaskIndex, suggest
from harness.taskfiles.schema import TaskConfig

log = logging.getLogger(__name__)


@dataclass
class EvalRequest:
    model: str
    tasks: Sequence[str]
    languages: Sequence[str] | None = None
    model_args: ModelArgs = field(default_factory=ModelArgs)
    data_dirs: dict[str, str] = field(default_factory=dict)
    image_dirs: dict[str, str] = field(default_factory=dict)  # multimodal tasks: TASK → folder of images
    max_missing_images: float = 1.0  # percent of a language's examples; above it the task stops
    num_workers: int | None = None  # DataLoader workers decoding images; None: 0 on CPU, up to 8 on CUDA
    output_path: Path | None = None
    batch_size: int | None = None  # None: automatic token budget
    device: str | None = None
    limit: int | None = None
    include_paths: Sequence[str] = ()
    overwrite: bool = False
    seed: int = 1234
    progress: bool | None = None
    registry: Path | None = None  # checkpoints.yaml to resolve --model names in
    index: TaskIndex | None = None  # the task index already loaded (with include_paths); None: load it here


@dataclass
class EvalOutcome:
    store: RunStore
    tasks: list[TaskConfig]
    errors: dict[str, str]
    index: TaskIndex
    is_main: bool = True


def check_languages(requested: Sequence[str] | None, tasks: Sequence[TaskConfig], index: TaskIndex) -> None:
    """Every requested language must belong to some selected task. A code that some other task
    has is a real language the selection lacks — say which tasks have it rather than suggest a
    spelling; only a code no task knows gets a "did you mean"."""
    if not requested:
        return
    selected = [task.task for task in tasks]
    covered = {lang for task in tasks for lang in task.languages}
    for lang in requested:
        if lang in covered:
            lacking = [task.task for task in tasks if lang not in task.languages]
            if lacking:
                log.info("--languages %s: not a language of %s; those tasks run without it", lang, ", ".join(lacking))
            continue
        having = sorted(name for name, task in index.tasks.items() if lang in task.languages)
        if having:
            raise HarnessError(f"--languages: {lang!r} is not a language of {_names(selected)}; "
                               f"tasks that have it: {', '.join(having)}")
        hint = suggest(lang, covered) or suggest(lang, index.known_languages())
        raise HarnessError(f"--languages: {lang!r} is not a language of any task{hint}")


def _names(tasks: Sequence[str]) -> str:
    if len(tasks) == 1:
        return f"the task {tasks[0]}"
    if len(tasks) <= 6:
        return "the selected tasks (" + ", ".join(tasks) + ")"
    return f"any of the {len(tasks)} selected tasks"


def select_languages(task: TaskConfig, requested: Sequence[str] | None, available: set[str] | None) -> list[str]:
    langs = [lang for lang in task.languages if not requested or lang in requested]
    if available is not None:
        dropped = [lang for lang in langs if lang not in available]
        if dropped and requested:
            log.warning("%s: its data source has no %s", task.task, ", ".join(dropped))
        langs = [lang for lang in langs if lang in available]
    return langs


def seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def run_eval(request: EvalRequest) -> EvalOutcome:
    index = request.index if request.index is not None else TaskIndex.load(request.include_paths)
    tasks = index.expand(request.tasks)
    check_languages(request.languages, tasks, index)
    spec = resolve_model_spec(request.model, request.model_args, request.registry, index.tasks)
    dist, device_name = init_from_env(request.device)
    device = resolve_device(device_name)
    seed_everything(request.seed)
    identity = {"model": spec.identity(), "limit": request.limit}
    store = RunStore.open(request.output_path, identity, request.overwrite, writable=dist.is_main)
    dist.barrier()  # every rank has read the folder before rank 0 writes to it
    started = time.time()
    config = store.data["config"]
    config.setdefault("started_at", now())
    runner = InferenceRunner(device, request.batch_size, request.model_args.autocast, progress=request.progress,
                             num_workers=default_workers(device) if request.num_workers is None else request.num_workers)
    pool = ModelPool(device)
    errors: dict[str, str] = {}
    for task in tasks:
        try:
            _run_task(task, request, spec, store, runner, pool, errors)
        except HarnessError as err:
            # Reported once, by the CLI (one line on stderr per failure), not logged here as well.
            errors[task.task] = str(err)
            store.record_error(task.task, str(err))
    pool.release()
    config.update({
        "harness": harness_info(), "libraries": library_versions(), "device": device_info(device),
        "runner": runner.describe(), "world_size": dist.world_size, "seed": request.seed,
        "data_dirs": dict(request.data_dirs),
        **({"image_dirs": dict(request.image_dirs)} if request.image_dirs else {}),
        "checkpoints": {**config.get("checkpoints", {}), **pool.infos},
        "finished_at": now(), "duration_s": round(time.time() - started, 3),
    })
    finalize_run(store, index)
    dist.barrier()
    return EvalOutcome(store, tasks, errors, index, dist.is_main)


def default_workers(device) -> int:
    """Image-decoding workers: on CPU they would compete with the model for the same cores."""
    import os

    if getattr(device, "type", str(device)) != "cuda":
        return 0
    return max(0, min(8, (os.cpu_count() or 1) - 1))


def _run_task(task: TaskConfig, request: EvalRequest, spec: ModelSpec, store: RunStore,
              runner: InferenceRunner, pool: ModelPool, errors: dict[str, str]) -> None:
    """One task, language by language. Problems that concern the whole task stop it with one
    message: the model's loading and the kind's checks (labels that cannot be mapped, retrieval
    layer and pooling), run once before the first unit, and :class:`TaskStopped` from a data
    source that every language reads (a shared file, an unreachable hub). A language's own
    problem is recorded for that language and the loop goes on."""
    kind = get_kind(task.kind)
    source = with_images(resolve_source(task, request.data_dirs, demo=spec.demo), request.image_dirs,
                         request.max_missing_images)
    langs = select_languages(task, request.languages, source.available_languages())
    if not langs:
        log.info("%s: no languages selected; skipped", task.task)
        return
    args = spec.args_for(task.task)
    store.forget_task_if_changed(task.task, task.config_hash, args.to_dict())
    units = TaskUnits(task, kind, source, request.overwrite, request.limit, spec, args, store, pool, runner)
    skipped = 0
    for lang in langs:
        started = time.time()
        outcome, failure = None, None
        try:
            outcome = units.run(lang)
        except HarnessError as err:
            failure = err
        # Under torchrun every rank comes here once per language, whatever happened on it (its
        # data unreadable, the model not loading, out of memory on one batch): a unit that failed
        # on one rank fails on all, and the ranks stay in step.
        failure = agree_on_unit(current(), f"{task.task}/{lang}", failure)
        if isinstance(failure, TaskStopped):
            raise failure
        if failure is not None:
            _unit_failed(store, errors, task.task, lang, failure)
            continue
        if outcome is SKIPPED:
            return
        if outcome is DONE:
            skipped += 1
            continue
        record_unit(store, task, kind, lang, outcome, started)
    if skipped:
        log.info("%s: %d of %d languages already done in %s; skipped", task.task, skipped, len(langs),
                 request.output_path)


def _unit_failed(store: RunStore, errors: dict[str, str], task: str, lang: str, err: HarnessError) -> None:
    # A finished result from an earlier run stays: a unit is replaced only by a successful run.
    errors[f"{task}/{lang}"] = str(err)
    store.record_error(f"{task}/{lang}", str(err))
