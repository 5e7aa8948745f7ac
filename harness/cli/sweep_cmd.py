"""harness sweep --checkpoints checkpoints.yaml --tasks xtreme,iglue --results ROOT [--slurm FILE]

Exit 0: every checkpoint done (skipped tasks included); 2: a checkpoint failed on bad input; 3: a
checkpoint failed with an internal error. Either way the other checkpoints ran.
"""

from __future__ import annotations

import sys
from pathlib import Path

from harness.cli.common import add_data_args, batch_size, positive_int, split_list


def add_parser(sub) -> None:
    p = sub.add_parser("sweep", help="evaluate every registry checkpoint on tasks (resumable), or write a Slurm array")
    p.add_argument("--checkpoints", type=Path, default=Path("checkpoints.yaml"), help="the registry (default ./checkpoints.yaml)")
    p.add_argument("--tasks", required=True, help="comma-separated tasks or groups")
    p.add_argument("--results", type=Path, default=None, help="results root: one run folder per checkpoint "
                   "(default: the registry's results_root)")
    p.add_argument("--only", help="comma-separated checkpoint names (default: all)")
    add_data_args(p)
    p.add_argument("--device", default=None)
    p.add_argument("--batch_size", type=batch_size, default=None, metavar="N|auto")
    p.add_argument("--limit", type=positive_int("--limit"), default=None)
    p.add_argument("--overwrite", action="store_true",
                   help="re-evaluate finished units and skipped tasks (and, with --slurm, every checkpoint)")
    p.add_argument("--slurm", type=Path, default=None, metavar="FILE",
                   help="write a Slurm job-array script to FILE (checkpoints not yet finished) instead of running")
    p.add_argument("--gpus", type=int, default=1, help="GPUs per Slurm job (torchrun when > 1)")
    p.add_argument("--partition", default=None, help="Slurm partition")
    p.set_defaults(handler=run)


def eval_options(args) -> list[str]:
    """The ``harness eval`` options a Slurm job needs to run what a local sweep would."""
    options = [f"--include_path={p}" for p in args.include_path]
    if args.limit is not None:
        options.append(f"--limit={args.limit}")
    if args.batch_size is not None:
        options.append(f"--batch_size={args.batch_size}")
    if args.device:
        options.append(f"--device={args.device}")
    if args.overwrite:
        options.append("--overwrite")
    return options


def run(args) -> int:
    from tabulate import tabulate

    from harness.cli.main import INTERNAL_ERROR
    from harness.data.sources import parse_data_dirs
    from harness.errors import HarnessError
    from harness.fileio import atomic_write_text
    from harness.registry.checkpoints import load_registry
    from harness.registry.sweep import pending_entries, run_sweep, select_entries, slurm_script
    from harness.taskfiles.index import TaskIndex

    index = TaskIndex.load(args.include_path)
    registry = load_registry(args.checkpoints, index.tasks)
    root = args.results or (Path(registry.results_root) if registry.results_root else None)
    if root is None:
        raise HarnessError("--results: no results root given and the registry names no results_root")
    tasks = split_list(args.tasks, "--tasks")
    configs = index.expand(tasks)  # unknown names fail before anything runs
    data_dirs = parse_data_dirs(args.data_dir, index.tasks)
    only = split_list(args.only, "--only")
    if args.slurm:
        names = select_entries(registry, only)
        pending = names if args.overwrite else pending_entries(registry, names, configs, root, data_dirs, args.limit)
        if not pending:
            print(f"all {len(names)} checkpoints are finished in {root}; nothing to submit (--overwrite re-runs them)")
            return 0
        root.mkdir(parents=True, exist_ok=True)
        atomic_write_text(args.slurm, slurm_script(registry, tasks, root, pending, args.gpus, data_dirs,
                                                   eval_options(args), args.partition))
        print(f"wrote {args.slurm}: {len(pending)} of {len(names)} checkpoints "
              f"({', '.join(pending)}); submit with `sbatch {args.slurm}`")
        return 0
    outcome = run_sweep(registry, tasks, root, only, data_dirs, args.include_path, args.device, args.batch_size,
                        args.limit, args.overwrite)
    rows = [[name, "done", root / name] for name in outcome.done]
    rows += [[name, "internal error" if name in outcome.internal else "failed", message[:120]]
             for name, message in outcome.failed.items()]
    print(tabulate(rows, headers=["checkpoint", "status", "run folder / error"], tablefmt="github"))
    for name, skipped in outcome.skipped.items():
        print(f"{name}: skipped {', '.join(sorted(skipped))} (reasons in {root / name / 'results.json'})")
    for name, message in outcome.failed.items():
        print(f"harness: error: {name}: {message}", file=sys.stderr)
    if outcome.internal:
        return INTERNAL_ERROR
    return 2 if outcome.failed else 0
