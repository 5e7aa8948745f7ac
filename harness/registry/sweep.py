"""``harness sweep``: every registry checkpoint × task not yet done, locally or as a Slurm array.

Each checkpoint's run folder is ROOT/<name>; ``harness eval``'s own resumption skips finished
task × language units, so a sweep can be re-run after a failure or with more tasks. A failure
in one checkpoint is reported and the others go on.
"""

from __future__ import annotations

import logging
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from harness.errors import HarnessError
from harness.registry.checkpoints import Registry

log = logging.getLogger(__name__)


@dataclass
class SweepOutcome:
    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def select_entries(registry: Registry, only: Sequence[str] | None) -> list[str]:
    if not only:
        return list(registry.entries)
    for name in only:
        registry.entry(name)  # raises with a suggestion
    return list(only)


def run_sweep(registry: Registry, tasks: Sequence[str], root: Path, only: Sequence[str] | None = None,
              data_dirs: dict | None = None, include_paths: Sequence[str] = (), device: str | None = None,
              batch_size: int | None = None, limit: int | None = None) -> SweepOutcome:
    from harness.evaluator.evaluate import EvalRequest, run_eval

    outcome = SweepOutcome()
    for name in select_entries(registry, only):
        request = EvalRequest(model=name, tasks=tasks, data_dirs=dict(data_dirs or {}), output_path=root / name,
                              include_paths=include_paths, device=device, batch_size=batch_size, limit=limit,
                              registry=registry.path)
        try:
            result = run_eval(request)
        except HarnessError as err:
            outcome.failed[name] = str(err)
            log.error("%s: %s", name, err)
            continue
        if result.errors:
            outcome.failed[name] = "; ".join(result.errors.values())
        else:
            outcome.done.append(name)
    return outcome


def slurm_script(registry: Registry, tasks: Sequence[str], root: Path, only: Sequence[str] | None = None,
                 gpus: int = 1, data_dirs: dict | None = None, extra_args: Sequence[str] = (),
                 partition: str | None = None, time_limit: str = "24:00:00") -> str:
    """A job-array script: array task i evaluates checkpoint i (torchrun inside for several GPUs)."""
    names = select_entries(registry, only)
    data = [f"--data_dir {shlex.quote(f'{t}={d}')}" for t, d in sorted((data_dirs or {}).items())]
    launcher = (f"torchrun --standalone --nproc_per_node {gpus} -m harness" if gpus > 1 else "harness")
    command = " ".join([launcher, "eval", "--checkpoints", shlex.quote(str(registry.path.resolve())),
                        "--model", '"$NAME"', "--tasks", shlex.quote(",".join(tasks)),
                        "--output_path", f'{shlex.quote(str(root.resolve()))}/"$NAME"', *data,
                        *map(shlex.quote, extra_args)])
    lines = [
        "#!/bin/bash",
        "# Written by `harness sweep --slurm`: one array task per checkpoint of the registry.",
        "#SBATCH --job-name=harness-sweep",
        f"#SBATCH --array=0-{len(names) - 1}",
        f"#SBATCH --gres=gpu:{gpus}" if gpus else None,
        f"#SBATCH --cpus-per-task={max(4, 8 * max(gpus, 1))}",
        f"#SBATCH --time={time_limit}",
        f"#SBATCH --output={root.resolve()}/slurm-%A_%a.log",
        f"#SBATCH --partition={partition}" if partition else None,
        "set -euo pipefail",
        "NAMES=(" + " ".join(shlex.quote(n) for n in names) + ")",
        'NAME="${NAMES[$SLURM_ARRAY_TASK_ID]}"',
        command,
    ]
    return "\n".join(line for line in lines if line is not None) + "\n"
