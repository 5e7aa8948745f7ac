"""harness score --predictions DIR --output_path DIR — score XTREME-layout prediction files."""

from __future__ import annotations

from pathlib import Path

from harness.cli.common import add_data_args, split_list


def add_parser(sub) -> None:
    p = sub.add_parser("score", help="score prediction files (XTREME submission layout) without a model")
    p.add_argument("--predictions", required=True, type=Path, help="folder holding <task>/test-<lang>.<ext>")
    p.add_argument("--tasks", help="comma-separated tasks or groups (default: the task folders present)")
    p.add_argument("--languages", help="comma-separated languages (default: the files present)")
    add_data_args(p)
    p.add_argument("--output_path", required=True, type=Path, help="where results.json and samples/ go")
    p.add_argument("--overwrite", action="store_true",
                   help="replace another run's results in --output_path (never the --predictions being read)")
    p.set_defaults(handler=run)


def run(args) -> int:
    import sys

    from harness.data.sources import parse_data_dirs
    from harness.results.table import results_table
    from harness.scoring.score_predictions import score_predictions
    from harness.taskfiles.index import TaskIndex

    index = TaskIndex.load(args.include_path)
    store, errors = score_predictions(
        predictions=args.predictions,
        index=index,
        tasks=split_list(args.tasks, "--tasks"),
        languages=split_list(args.languages, "--languages"),
        data_dirs=parse_data_dirs(args.data_dir, index.tasks),
        output_path=args.output_path,
        overwrite=args.overwrite,
    )
    print(results_table(store.data))
    print(f"\nresults: {args.output_path / 'results.json'}")
    for message in errors.values():
        print(f"harness: error: {message}", file=sys.stderr)
    return 2 if errors else 0
