"""``harness sweep``: every registry checkpoint × task not yet done, locally or as a Slurm array.

Each checkpoint's run folder is ROOT/<name>; ``harness eval``'s own resumption skips finished
task × language units and tasks recorded as skipped, so a sweep can be re-run after a failure or
with more tasks. A failure in one checkpoint — bad input or a bug — is recorded and the others go
on. A Slurm array holds only the checkpoints whose run folder is not finished.
"""

from __future__ import annotations

import logging
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from harness.errors import HarnessError
from harness.fileio import read_json
from harness.registry.checkpoints import Registry
from harness.results.store import RESULTS
from harness.taskfiles.schema import TaskConfig

log = logging.getLogger(__name__)


@dataclass
class SweepOutcome:
    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    internal: list[str] = field(default_factory=list)  # failed by a bug rather than by bad input
    skipped: dict[str, dict[str, str]] = field(default_factory=dict)  # name → task → reason


def select_entries(registry: Registry, only: Sequence[str] | None) -> list[str]:
    if not only:
        return list(registry.entries)
    for name in only:
        registry.entry(name)  # raises with a suggestion
    return list(only)


def run_sweep(registry: Registry, tasks: Sequence[str], root: Path, only: Sequence[str] | None = None,
              data_dirs: dict | None = None, include_paths: Sequence[str] = (), device: str | None = None,
              batch_size: int | None = None, limit: int | None = None, overwrite: bool = False) -> SweepOutcome:
    from harness.evaluator.evaluate import EvalRequest, run_eval

    outcome = SweepOutcome()
    for name in select_entries(registry, only):
        request = EvalRequest(model=name, tasks=tasks, data_dirs=dict(data_dirs or {}), output_path=root / name,
                              include_paths=include_paths, device=device, batch_size=batch_size, limit=limit,
                              overwrite=overwrite, registry=registry.path)
        try:
            result = run_eval(request)
        except HarnessError as err:
            outcome.failed[name] = str(err)
            log.error("%s: %s", name, err)
            continue
        except Exception as err:  # a bug in one checkpoint's evaluation must not stop the others
            log.exception("%s: internal error", name)
            outcome.failed[name] = f"internal error: {type(err).__name__}: {err}"
            outcome.internal.append(name)
            continue
        skipped = {task: meta["skipped"] for task, meta in result.store.data["config"]["tasks"].items()
                   if meta.get("skipped")}
        if skipped:
            outcome.skipped[name] = skipped
        if result.errors:
            outcome.failed[name] = "; ".join(result.errors.values())
        else:
            outcome.done.append(name)
    return outcome


def _expected_languages(task: TaskConfig, data_dirs: Mapping[str, str], demo: bool) -> list[str] | None:
    from harness.data.sources import resolve_source
    from harness.evaluator.evaluate import select_languages

    try:
        available = resolve_source(task, data_dirs, demo=demo).available_languages()
    except HarnessError:
        return None  # the job itself will report it
    return select_languages(task, None, available)


def run_finished(folder: Path, tasks: Sequence[TaskConfig], data_dirs: Mapping[str, str], demo: bool,
                 limit: int | None) -> bool:
    """Whether ``harness eval`` into ``folder`` would have nothing left to do: no errors, the same
    --limit, and every task either recorded as skipped or done in every language, under its
    current config. (A changed entry is not detected here: re-run it with --overwrite.)"""
    path = folder / RESULTS
    if not path.is_file():
        return False
    try:
        data = read_json(path)
        config, results = data["config"], data["results"]
    except (HarnessError, KeyError, TypeError):
        return False
    if data.get("errors") or config.get("limit") != limit:
        return False
    for task in tasks:
        meta = config.get("tasks", {}).get(task.task)
        if not meta or meta.get("config_hash") != task.config_hash:
            return False
        if meta.get("skipped"):
            continue
        expected = _expected_languages(task, data_dirs, demo)
        if expected is None or any(lang not in meta.get("languages", {}) or lang not in results.get(task.task, {})
                                   for lang in expected):
            return False
    return True


def pending_entries(registry: Registry, names: Sequence[str], tasks: Sequence[TaskConfig], root: Path,
                    data_dirs: Mapping[str, str], limit: int | None) -> list[str]:
    return [name for name in names
            if not run_finished(root / name, tasks, data_dirs, registry.entries[name].uses_demo, limit)]


def slurm_script(registry: Registry, tasks: Sequence[str], root: Path, names: Sequence[str], gpus: int = 1,
                 data_dirs: dict | None = None, extra_args: Sequence[str] = (), partition: str | None = None,
                 time_limit: str = "24:00:00") -> str:
    """A job-array script: array task i evaluates checkpoint ``names[i]`` (torchrun inside for several
    GPUs). ``extra_args`` are further ``harness eval`` options (--limit, --device, …)."""
    if not names:
        raise HarnessError("slurm_script: no checkpoints to run")
    data = [f"--data_dir {shlex.quote(f'{t}={d}')}" for t, d in sorted((data_dirs or {}).items())]
    launcher = (f"torchrun --standalone --nproc_per_node {gpus} -m harness" if gpus > 1 else "harness")
    command = " ".join([launcher, "eval", "--checkpoints", shlex.quote(str(registry.path.resolve())),
                        "--model", '"$NAME"', "--tasks", shlex.quote(",".join(tasks)),
                        "--output_path", f'{shlex.quote(str(root.resolve()))}/"$NAME"', *data,
                        *map(shlex.quote, extra_args)])
    lines = [
        "#!/bin/bash",
        "# Written by `harness sweep --slurm`: one array task per checkpoint not yet finished.",
        "#SBATCH --job-name=harness-sweep",
        f"#SBATCH --array=0-{len(names) - 1}",
        f"#SBATCH --gres=gpu:{gpus}" if gpus else None,
        f"#SBATCH --cpus-per-task={max(4, 8 * max(gpus, 1))}",
        f"#SBATCH --time={time_limit}",
        # Slurm opens this file before the job starts and does not create its folder: the sweep does.
        f"#SBATCH --output={root.resolve()}/slurm-%A_%a.log",
        f"#SBATCH --partition={partition}" if partition else None,
        "set -euo pipefail",
        "NAMES=(" + " ".join(shlex.quote(n) for n in names) + ")",
        'NAME="${NAMES[$SLURM_ARRAY_TASK_ID]}"',
        command,
    ]
    return "\n".join(line for line in lines if line is not None) + "\n"
