"""harness leaderboard RESULTS_ROOT... --out leaderboard/"""

from __future__ import annotations

from pathlib import Path

from harness.cli.common import add_significance_args


def add_parser(sub) -> None:
    p = sub.add_parser("leaderboard", help="leaderboard markdown (and plots) from run folders")
    p.add_argument("roots", nargs="+", type=Path, metavar="RESULTS_ROOT",
                   help="run folders, or folders holding one run folder per checkpoint")
    p.add_argument("--out", type=Path, default=Path("leaderboard"), help="output folder (default leaderboard/)")
    p.add_argument("--checkpoints", type=Path, default=None, metavar="FILE",
                   help="registry giving families and baselines (default: $HARNESS_CHECKPOINTS, ./checkpoints.yaml)")
    add_significance_args(p, "correction over each run's cells, and over its averages as their own family "
                             "(default holm)")
    p.add_argument("--no_plots", action="store_true", help="markdown only")
    p.add_argument("--include_path", action="append", metavar="DIR", default=[])
    p.set_defaults(handler=run)


def run(args) -> int:
    from harness.leaderboard.build import build_leaderboard
    from harness.leaderboard.runs import discover_runs
    from harness.registry.checkpoints import default_registry_path, load_registry
    from harness.stats.comparison import CompareSettings
    from harness.taskfiles.index import TaskIndex

    index = TaskIndex.load(args.include_path)
    path = args.checkpoints or default_registry_path()
    registry = load_registry(path, index.tasks) if path is not None and (args.checkpoints or path.is_file()) else None
    runs = discover_runs(args.roots, registry)
    settings = CompareSettings(args.resamples, args.seed, args.alpha, args.correction)
    written = build_leaderboard(runs, index, args.out, settings, plots=not args.no_plots)
    for path in written:
        print(path)
    return 0
