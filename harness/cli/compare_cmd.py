"""harness compare BASELINE TREATMENT [MORE...] — paired significance tests between runs.

Δ = treatment − baseline; with more runs, each is compared with the first. A run argument is a
run folder (or a comma list of folders: several fine-tuning seeds of one checkpoint).
``--text BASE,TREAT --multimodal BASE,TREAT`` compares the two pairs and answers the research
question (does the intermediate-training gain shrink from XTREME to IGLUE?); there the comma
splits the pair, so several seeds of one side are joined by ``+`` (``B1+B2,T1+T2``).

JSON (``--json``): the first comparison's ``baseline``, ``treatment``, ``cells``, ``aggregates``,
``seeds``, ``unpaired`` and ``settings`` at the top level (README lists every key); ``comparisons`` (every comparison, same shape) when
there are several; ``research_question`` with ``--text/--multimodal``.
"""

from __future__ import annotations

import math
from pathlib import Path

from harness.cli.common import add_significance_args, open_unit_interval, positive_int
from harness.errors import HarnessError


def add_parser(sub) -> None:
    p = sub.add_parser("compare", help="paired significance tests between runs (Δ = treatment − baseline)")
    p.add_argument("runs", nargs="*", metavar="RUN",
                   help="BASELINE TREATMENT [MORE...]: run folders (--output_path of harness eval); "
                        "A1,A2,A3 lists several seeds of one checkpoint")
    p.add_argument("--text", metavar="BASE,TREAT",
                   help="text model pair for the research question: a run folder (or checkpoints.yaml name) each; "
                        "several seeds of one side joined by +, e.g. B1+B2,T1+T2")
    p.add_argument("--multimodal", metavar="BASE,TREAT",
                   help="vision-language model pair for the research question (same form as --text)")
    p.add_argument("--text_group", default="xtreme", help="the text benchmark's group (default xtreme)")
    p.add_argument("--multimodal_group", default="iglue", help="the multimodal benchmark's group (default iglue)")
    p.add_argument("--json", type=Path, metavar="FILE", help="write the results as JSON")
    p.add_argument("--out", type=Path, metavar="FILE.md", help="write the Markdown report (also printed)")
    add_significance_args(p, "multiple-comparison correction over the cells, and over the averages as their own "
                             "family (default holm)")
    p.add_argument("--ci_level", "--ci-level", dest="ci_level",
                   type=open_unit_interval("--ci_level", "a confidence level"), default=0.95,
                   help="confidence level of the bootstrap percentile intervals (default 0.95), independent of --alpha")
    p.add_argument("--aso_resamples", "--aso-resamples", dest="aso_resamples", type=positive_int("--aso_resamples"),
                   default=1000, help="bootstrap resamples of Almost Stochastic Order over seeds (default 1000, "
                                      "deep-significance's)")
    p.add_argument("--results", type=Path, metavar="ROOT", help="folder in which run names are looked up")
    p.add_argument("--checkpoints", type=Path, metavar="FILE", default=None,
                   help="registry whose names may be given as runs (default: $HARNESS_CHECKPOINTS, ./checkpoints.yaml)")
    p.add_argument("--include_path", action="append", metavar="DIR", default=[],
                   help="extra folder of task and group YAML files (repeatable)")
    p.set_defaults(handler=run)


def _load(argument: str, root: Path | None, registry=None, task_names=None):
    from harness.stats.pairing import RunFolder, resolve_run_argument

    return [RunFolder.load(path, str(path)) for path in resolve_run_argument(argument, root, registry, task_names)]


def _pair(value: str, flag: str, root: Path | None, registry=None, task_names=None):
    """BASE,TREAT, each side one run or several seeds joined by + (the comma already splits the pair)."""
    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 2 or not all(parts) or not all(all(seed.strip() for seed in part.split("+")) for part in parts):
        raise HarnessError(f"{flag} {value}: expected BASE,TREAT (two runs; several seeds of one side joined by +, "
                           "e.g. B1+B2,T1+T2)")
    return tuple(_load(",".join(seed.strip() for seed in part.split("+")), root, registry, task_names)
                 for part in parts)


def _group(index, name: str, flag: str):
    from harness.taskfiles.index import suggest

    if name not in index.groups:
        raise HarnessError(f"{flag} {name}: unknown group{suggest(name, index.groups)}")
    return index.groups[name]


def _clean(value):
    """JSON-safe: numpy numbers to Python, NaN and infinities to null."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run(args) -> int:
    from harness.fileio import atomic_write_json, atomic_write_text
    from harness.stats.comparison import CompareSettings, compare
    from harness.stats.report import full_markdown
    from harness.stats.research_question import gap_group, research_question
    from harness.taskfiles.index import TaskIndex

    index = TaskIndex.load(args.include_path)
    registry = None
    if args.checkpoints:
        from harness.registry.checkpoints import load_registry

        registry = load_registry(args.checkpoints, index.tasks)
    settings = CompareSettings(args.resamples, args.seed, args.alpha, args.correction, ci_level=args.ci_level,
                               aso_resamples=args.aso_resamples)
    groups = list(index.groups.values())
    rq = None
    if args.text or args.multimodal:
        if not (args.text and args.multimodal):
            raise HarnessError("--text and --multimodal go together: give both pairs (BASE,TREAT)")
        if args.runs:
            raise HarnessError("give either BASELINE TREATMENT [MORE...] or --text/--multimodal, not both")
        text_group = _group(index, args.text_group, "--text_group")
        mm_group = _group(index, args.multimodal_group, "--multimodal_group")
        # The English-free averages the question compares (xtreme-targets) are derived: reported, but
        # outside the averages' correction and ASO families, so the official averages' adjusted p
        # are those of a plain `harness compare` of the same runs.
        derived = [g for g in (gap_group(text_group), gap_group(mm_group)) if g.group not in index.groups]
        text = compare(*_pair(args.text, "--text", args.results, registry, index.tasks), groups, settings, derived)
        multimodal = compare(*_pair(args.multimodal, "--multimodal", args.results, registry, index.tasks), groups,
                             settings, derived)
        comparisons = [text, multimodal]
        rq = research_question(text, multimodal, text_group, mm_group)
    else:
        if len(args.runs) < 2:
            raise HarnessError("compare: expected BASELINE TREATMENT [MORE...] (run folders) or --text/--multimodal")
        sides = [_load(argument, args.results, registry, index.tasks) for argument in args.runs]
        comparisons = [compare(sides[0], side, groups, settings) for side in sides[1:]]
    report = full_markdown(comparisons, rq)
    if args.json:
        payload = comparisons[0].to_dict()
        if len(comparisons) > 1:
            payload["comparisons"] = [c.to_dict() for c in comparisons]
        if rq is not None:
            payload["research_question"] = rq
        atomic_write_json(args.json, _clean(payload))
    if args.out:
        atomic_write_text(args.out, report)
    print(report, end="")
    return 0
