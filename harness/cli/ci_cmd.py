"""harness ci --candidate MODEL_OR_RUN_DIR --baseline NAME_OR_RUN_DIR --tasks … [--max-drop 1.0]

Exit 0: no significant regression beyond --max-drop; 1: at least one (the summary names them);
2: bad input; 3: an internal error (harness/cli/main.py), never read as a verdict.
"""

from __future__ import annotations

import sys
from pathlib import Path

from harness.cli.common import add_data_args, add_significance_args, batch_size, number, positive_int, split_list


_drop = number("--max-drop", float, "a number of points >= 0", lambda x: x >= 0)


def add_parser(sub) -> None:
    p = sub.add_parser("ci", help="gate a new checkpoint: fail on a significant regression against a baseline")
    p.add_argument("--candidate", required=True, help="model (checkpoint, hub id, registry name) or a run folder")
    p.add_argument("--baseline", required=True, help="run folder or checkpoints.yaml name (its run under --results)")
    p.add_argument("--tasks", required=True, help="comma-separated tasks or groups to gate on")
    p.add_argument("--results", type=Path, default=None, metavar="ROOT",
                   help="results root: where baseline runs are found and the candidate's run is written")
    p.add_argument("--max-drop", "--max_drop", dest="max_drop", type=_drop, default=1.0,
                   help="points a cell or average may drop before a significant drop fails (default 1.0)")
    p.add_argument("--summary", type=Path, default=None, metavar="FILE.md",
                   help="write the summary here (also appended to $GITHUB_STEP_SUMMARY when set)")
    p.add_argument("--checkpoints", type=Path, default=None, metavar="FILE")
    add_significance_args(p, "correction over the cells, and over the averages as their own family (default holm)")
    add_data_args(p)
    p.add_argument("--device", default=None)
    p.add_argument("--batch_size", type=batch_size, default=None, metavar="N|auto")
    p.add_argument("--limit", type=positive_int("--limit"), default=None)
    p.set_defaults(handler=run)


def run(args) -> int:
    from harness.data.sources import parse_data_dirs
    from harness.gate.regression import GateRequest, publish_summary, run_gate
    from harness.registry.checkpoints import default_registry_path, load_registry
    from harness.stats.comparison import CompareSettings
    from harness.taskfiles.index import TaskIndex

    index = TaskIndex.load(args.include_path)
    path = args.checkpoints or default_registry_path()
    registry = load_registry(path, index.tasks) if path is not None and (args.checkpoints or path.is_file()) else None
    results_root = args.results or (Path(registry.results_root) if registry and registry.results_root else None)
    request = GateRequest(
        candidate=args.candidate, baseline=args.baseline, tasks=split_list(args.tasks, "--tasks"),
        results_root=results_root, max_drop=args.max_drop,
        settings=CompareSettings(args.resamples, args.seed, args.alpha, args.correction), registry=registry,
        data_dirs=parse_data_dirs(args.data_dir, index.tasks), include_paths=args.include_path, device=args.device,
        batch_size=args.batch_size, limit=args.limit,
    )
    outcome = run_gate(request)
    publish_summary(outcome.markdown, args.summary)
    print(outcome.markdown)
    if not outcome.passed:
        names = ", ".join(r.what for r in outcome.regressions)
        print(f"harness ci: regression in {names}", file=sys.stderr)
        return 1
    return 0
