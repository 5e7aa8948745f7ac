"""How long `harness compare` takes at benchmark scale: 10,000 resamples × 40 languages × 5,000 examples.

Three metric shapes, each over 40 synthetic languages of 5,000 paired examples:
  accuracy  0/1 outcomes            → exact McNemar + paired bootstrap
  span F1   tp/fp/fn per sentence   → approximate randomisation + paired bootstrap
  QA F1     graded per-question F1  → paired permutation + paired bootstrap
then the suite average (stratified bootstrap over all 120 cells) and, separately, the whole
command end to end on two run folders of the accuracy shape (reading JSON included).

    PYTHONPATH=$PWD python bench/bench_compare.py [--resamples 10000] [--languages 40] [--examples 5000]
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

from harness.metrics.corpus import MetricSpec, score_metrics
from harness.results.store import RunStore
from harness.stats.aggregates import suite_aggregates
from harness.stats.cells import _usable_cores, compare_cells
from harness.stats.pairing import PairedCell
from harness.taskfiles.schema import GroupConfig

SHAPES = {
    "accuracy": {"accuracy": MetricSpec("accuracy", "mean", "correct", "mcnemar")},
    "span_f1": {"f1": MetricSpec("f1", "f1", None, "randomization")},
    "qa_f1": {"f1": MetricSpec("f1", "mean", "token_f1", "permutation")},
}


def synthetic_cell(shape: str, lang: str, n: int, rng: np.random.Generator) -> PairedCell:
    if shape == "accuracy":
        base = (rng.random(n) < 0.7)[:, None].astype(float)
        treat = np.where(rng.random((n, 1)) < 0.2, 1.0 - base, base)
        keys = ("correct",)
    elif shape == "span_f1":
        # PAN-X-like sentences: ~1.5 entities each, 80% found, a spurious span now and then; the
        # treatment tags 20% of the sentences anew.
        def tag(entities):
            tp = rng.binomial(entities, 0.8)
            fp = rng.poisson(0.3, size=len(entities))
            return np.stack([entities - tp, fp, tp], axis=1).astype(float)  # fn, fp, tp

        entities = rng.poisson(1.5, size=n)
        base = tag(entities)
        treat = np.where(rng.random((n, 1)) < 0.2, tag(entities), base)
        keys = ("fn", "fp", "tp")
    else:
        base = np.round(rng.random((n, 1)), 3)
        treat = np.clip(base + rng.normal(0.01, 0.2, size=(n, 1)), 0, 1).round(3)
        keys = ("token_f1",)
    ids = tuple(str(i) for i in range(n))
    return PairedCell(shape, lang, ids, SHAPES[shape], keys, base, treat)


def bench_stats(resamples: int, languages: int, examples: int) -> None:
    rng = np.random.default_rng(0)
    langs = [f"l{i:02d}" for i in range(languages)]
    all_cells = []
    for shape in SHAPES:
        cells = [synthetic_cell(shape, lang, examples, rng) for lang in langs]
        patterns = np.mean([len(np.unique(np.hstack([c.baseline, c.treatment]), axis=0)) for c in cells])
        start = time.perf_counter()
        all_cells += compare_cells(cells, resamples, seed=0)
        print(f"{shape:9s} {languages} languages × {examples} examples, {resamples} resamples: "
              f"{time.perf_counter() - start:6.2f} s  (distinct paired rows per language: {patterns:.0f})")
    group = GroupConfig("suite", tuple(SHAPES), Path("suite.yaml"))
    meta = {shape: {"main_metric": list(specs), "languages": langs} for shape, specs in SHAPES.items()}
    start = time.perf_counter()
    suite_aggregates(all_cells, [group], meta, 0.95)
    print(f"suite averages over {len(all_cells)} cells: {time.perf_counter() - start:6.2f} s")


def write_accuracy_run(folder: Path, languages: int, examples: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    store = RunStore(folder)
    specs = SHAPES["accuracy"]
    store.task_meta("acc").update({"config_hash": "h", "metrics": {k: s.to_dict() for k, s in specs.items()},
                                   "main_metric": ["accuracy"], "official_languages": []})
    base = np.random.default_rng(123)
    for i in range(languages):
        truth = base.random(examples) < 0.7
        correct = np.where(rng.random(examples) < 0.1, ~truth, truth)
        rows = [{"id": str(j), "stats": {"correct": int(c)}} for j, c in enumerate(correct)]
        store.record_unit("acc", f"l{i:02d}", score_metrics(specs, rows), examples, rows,
                          {"data_fingerprint": "d"}, None)


def bench_cli(resamples: int, languages: int, examples: int) -> float:
    import contextlib
    import io

    from harness.cli.main import main

    with tempfile.TemporaryDirectory() as tmp:
        write_accuracy_run(Path(tmp) / "a", languages, examples, 1)
        write_accuracy_run(Path(tmp) / "b", languages, examples, 2)
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                main(["--verbosity", "WARNING", "compare", f"{tmp}/a", f"{tmp}/b", "--resamples", str(resamples),
                      "--json", f"{tmp}/c.json", "--out", f"{tmp}/c.md"])
            except SystemExit as exit_:
                if exit_.code:
                    raise
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resamples", type=int, default=10_000)
    parser.add_argument("--languages", type=int, default=40)
    parser.add_argument("--examples", type=int, default=5000)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {_usable_cores()} cores (cells run on threads), "
          f"numpy {np.__version__}\n")
    bench_stats(args.resamples, args.languages, args.examples)
    elapsed = bench_cli(args.resamples, args.languages, args.examples)
    print(f"end to end (harness compare on two run folders, accuracy shape, reading files): {elapsed:6.2f} s")


if __name__ == "__main__":
    main()
