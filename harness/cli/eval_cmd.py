"""harness eval --model MODEL --tasks T1,T2|GROUP …"""

from __future__ import annotations

import sys
from pathlib import Path

from harness.cli.common import add_data_args, batch_size, percentage, positive_int, split_list, workers


def model_args_keys() -> str:
    """Every --model_args key, read from harness/models/model_args.py so the help cannot miss one."""
    from harness.models.model_args import EXTRA_KEYS, KEYS

    return f"{', '.join(KEYS)}; read by some task kinds only: {', '.join(EXTRA_KEYS)}"


def add_parser(sub) -> None:
    p = sub.add_parser("eval", help="evaluate a model on tasks")
    p.add_argument("--model", required=True,
                   help="checkpoint folder, hub id, checkpoints.yaml name, or 'demo' (offline tiny checkpoints)")
    p.add_argument("--checkpoints", type=Path, default=None, metavar="FILE",
                   help="checkpoint registry for --model names (default: $HARNESS_CHECKPOINTS, ./checkpoints.yaml)")
    p.add_argument("--tasks", required=True, help="comma-separated task and group names (e.g. xtreme,iglue)")
    p.add_argument("--languages", help="comma-separated two-letter codes to keep (default: every language)")
    p.add_argument("--model_args", default="", help=f"k=v,… : {model_args_keys()}")
    add_data_args(p)
    p.add_argument("--image_dir", action="append", metavar="TASK=DIR", default=[],
                   help="images for a multimodal TASK (IGLUE): found by the file name its annotations imply, "
                        "anywhere below DIR (repeatable)")
    p.add_argument("--max_missing_images", type=percentage, default=1.0, metavar="PCT",
                   help="percent of a language's examples whose images may be missing or unreadable (scored as "
                        "wrong) before the task stops; default 1")
    p.add_argument("--num_workers", type=workers, default=None, metavar="N|auto",
                   help="DataLoader workers decoding images (default auto: 0 on CPU, up to 8 on CUDA)")
    p.add_argument("--output_path", type=Path, help="run folder: results.json, samples/, predictions/")
    p.add_argument("--batch_size", type=batch_size, default=None, metavar="N|auto",
                   help="examples per batch, or auto (token budget, halved on CUDA out-of-memory); default auto")
    p.add_argument("--device", default=None, help="cpu or cuda[:N] (default: cuda when available)")
    p.add_argument("--limit", type=positive_int("--limit"), default=None,
                   help="only the first N examples per language (for smoke tests; recorded in results)")
    p.add_argument("--overwrite", action="store_true", help="recompute units already in --output_path")
    p.add_argument("--seed", type=int, default=1234)
    p.set_defaults(handler=run)


def run(args) -> int:
    from harness.data.images import parse_image_dirs
    from harness.data.sources import parse_data_dirs
    from harness.evaluator.evaluate import EvalRequest, run_eval
    from harness.models.model_args import parse_model_args
    from harness.results.table import results_table
    from harness.taskfiles.index import TaskIndex

    index = TaskIndex.load(args.include_path)
    request = EvalRequest(
        model=args.model,
        tasks=split_list(args.tasks, "--tasks"),
        languages=split_list(args.languages, "--languages"),
        model_args=parse_model_args(args.model_args),
        data_dirs=parse_data_dirs(args.data_dir, index.tasks),
        image_dirs=parse_image_dirs(args.image_dir, index.tasks),
        max_missing_images=args.max_missing_images,
        num_workers=args.num_workers,
        output_path=args.output_path,
        batch_size=args.batch_size,
        device=args.device,
        limit=args.limit,
        include_paths=args.include_path,
        overwrite=args.overwrite,
        seed=args.seed,
        registry=args.checkpoints,
        index=index,  # loaded once: a second load would repeat its --include_path override warnings
    )
    outcome = run_eval(request)
    if not outcome.is_main:  # under torchrun, rank 0 reports
        return 2 if outcome.errors else 0
    print(results_table(outcome.store.data))
    for task, meta in outcome.store.data["config"].get("tasks", {}).items():
        if meta.get("skipped"):
            print(f"skipped {task}: {meta['skipped']}")
    if args.output_path:
        print(f"\nresults: {args.output_path / 'results.json'}")
    for where, message in outcome.errors.items():
        print(f"harness: error: {message}", file=sys.stderr)
    return 2 if outcome.errors else 0
