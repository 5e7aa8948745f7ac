"""Load run folders and pair two runs example by example, per task × language.

A comparison is only meaningful between runs of the same task file on the same data: runs whose
task config hashes, data fingerprints or example ids differ are refused, naming the task and
language. Only the task × language cells present in both runs are compared; the others are
listed (and logged), since leaving them out shrinks the family the correction runs over.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np

from harness.errors import HarnessError
from harness.fileio import read_json, read_jsonl
from harness.metrics.corpus import MetricSpec, needed_stats, reduce_stats

log = logging.getLogger(__name__)

RESULTS = "results.json"


def resolve_run_argument(argument: str, results_root: Path | None = None, registry=None,
                         task_names=None) -> list[Path]:
    """A command-line run argument → its run folders (several for a comma list of seeds).

    Each part is a run folder (holding results.json), a folder of that name under
    ``results_root``, or a checkpoints.yaml name: its run folder under the results root (the
    registry's ``results_root`` unless one is given) — for a recipe with several seeds
    (entries with ``seed_of``), the folders of every seed that has been run. Without a
    ``registry``, the default checkpoints.yaml is read only for a part that is not a run folder
    (checked against ``task_names``, the caller's task index with its --include_path tasks), so
    comparing plain run folders never depends on an unrelated registry file.
    """
    parts = [part.strip() for part in argument.split(",") if part.strip()]
    if not parts:
        raise HarnessError(f"run argument {argument!r}: expected a run folder or a comma-separated list of them")
    folders = []
    for part in parts:
        candidates = [Path(part)] + ([Path(results_root) / part] if results_root is not None else [])
        found = next((c for c in candidates if (c / RESULTS).is_file()), None)
        if found is None and registry is None:
            registry = _default_registry(task_names)
        if found is None and registry is not None and part in registry.entries:
            folders.extend(_registry_runs(registry, part, results_root))
            continue
        if found is None:
            where = " or ".join(str(c) for c in candidates)
            raise HarnessError(f"run {part!r}: no {RESULTS} in {where}; expected the --output_path of harness eval "
                               "or a checkpoints.yaml name")
        folders.append(found)
    return folders


def _default_registry(task_names=None):
    from harness.registry.checkpoints import default_registry_path, load_registry

    path = default_registry_path()
    return load_registry(path, task_names) if path is not None and path.is_file() else None


def _registry_runs(registry, name: str, results_root: Path | None) -> list[Path]:
    root = Path(results_root) if results_root is not None else (
        Path(registry.results_root) if registry.results_root else None)
    if root is None:
        raise HarnessError(f"run {name!r}: a checkpoints.yaml name, but no --results root is given and "
                           f"{registry.path} names no results_root")
    entry = registry.entries[name]
    names = [name] if entry.seed_of else [e.name for e in registry.seeds_of(name)]
    found = [root / n for n in names if (root / n / RESULTS).is_file()]
    if not found:
        raise HarnessError(f"run {name!r}: no {RESULTS} under {root / name}; run `harness sweep` or "
                           f"`harness eval --model {name} --output_path {root / name}` first")
    return found


@dataclass(frozen=True)
class RunFolder:
    path: Path
    data: Mapping = field(repr=False)
    name: str = ""

    @classmethod
    def load(cls, path: Path, name: str | None = None) -> "RunFolder":
        data = read_json(Path(path) / RESULTS)
        if not isinstance(data, dict) or not isinstance(data.get("results"), dict) or not isinstance(data.get("config"), dict):
            raise HarnessError(f"{Path(path) / RESULTS}: not a harness results file (needs 'results' and 'config')")
        return cls(Path(path), data, name or str(path))

    @property
    def results(self) -> Mapping[str, Mapping[str, Mapping[str, float]]]:
        return self.data["results"]

    def task_meta(self, task: str) -> Mapping:
        meta = self.data["config"].get("tasks", {}).get(task)
        if not isinstance(meta, dict) or not isinstance(meta.get("metrics"), dict):
            raise HarnessError(f"{self.path / RESULTS}: key 'config.tasks.{task}.metrics' missing; "
                               "expected the metric specs harness eval records")
        return meta

    def specs(self, task: str) -> dict[str, MetricSpec]:
        try:
            return {name: MetricSpec.from_dict(name, spec) for name, spec in self.task_meta(task)["metrics"].items()}
        except (KeyError, TypeError, AttributeError):
            raise HarnessError(f"{self.path / RESULTS}: key 'config.tasks.{task}.metrics' must map each metric to "
                               "{reducer, stat, test}") from None

    def main_metric(self, task: str) -> tuple[str, ...]:
        meta = self.task_meta(task)
        return tuple(meta.get("main_metric") or list(meta["metrics"])[:1])

    def cells(self) -> list[tuple[str, str]]:
        return [(task, lang) for task, per_lang in self.results.items() for lang in per_lang]

    def samples(self, task: str, lang: str) -> list[dict]:
        path = self.path / "samples" / task / f"{lang}.jsonl"
        if not path.is_file():
            raise HarnessError(f"{path}: file not found; comparing needs the per-example samples harness eval writes")
        return read_jsonl(path)


@dataclass(frozen=True)
class PairedCell:
    """One task × language of two runs, aligned by example id."""

    task: str
    lang: str
    ids: tuple[str, ...]
    specs: Mapping[str, MetricSpec]  # the metrics tested: the task's main metrics
    keys: tuple[str, ...]  # statistics the specs need, the columns below
    baseline: np.ndarray = field(repr=False)  # (n, len(keys))
    treatment: np.ndarray = field(repr=False)

    @property
    def n(self) -> int:
        return len(self.ids)


def check_same_setup(baseline: RunFolder, treatment: RunFolder, task: str, lang: str) -> None:
    """Refuse two runs of a cell that used different task files or different data."""
    where = f"{task}/{lang} ({baseline.name} vs {treatment.name})"
    base_meta, treat_meta = baseline.task_meta(task), treatment.task_meta(task)
    base_hash, treat_hash = base_meta.get("config_hash"), treat_meta.get("config_hash")
    if base_hash != treat_hash:
        raise HarnessError(f"{where}: task config hashes differ ({base_hash} vs {treat_hash}); "
                           "the runs used different task files and cannot be paired")
    base_print = base_meta.get("languages", {}).get(lang, {}).get("data_fingerprint")
    treat_print = treat_meta.get("languages", {}).get(lang, {}).get("data_fingerprint")
    if base_print != treat_print:
        raise HarnessError(f"{where}: data fingerprints differ ({base_print} vs {treat_print}); "
                           "the runs read different data and cannot be paired")


def common_cells(baseline: RunFolder, treatment: RunFolder) -> list[tuple[str, str]]:
    theirs = set(treatment.cells())
    return [cell for cell in baseline.cells() if cell in theirs]


def unpaired_cells(baseline: RunFolder, treatment: RunFolder) -> list[dict]:
    """The task × language cells only one of the two runs has: ``{task, lang, present_in}``."""
    mine, theirs = set(baseline.cells()), set(treatment.cells())
    out = [{"task": t, "lang": lang, "present_in": "baseline"}
           for t, lang in baseline.cells() if (t, lang) not in theirs]
    out += [{"task": t, "lang": lang, "present_in": "treatment"}
            for t, lang in treatment.cells() if (t, lang) not in mine]
    for cell in out:
        run = baseline if cell["present_in"] == "baseline" else treatment
        log.warning("%s/%s: only in %s; not compared", cell["task"], cell["lang"], run.name)
    return out


def _rows_by_id(rows: list[dict], run: RunFolder, task: str, lang: str) -> dict[str, dict]:
    by_id: dict[str, dict] = {}
    for row in rows:
        key = str(row.get("id"))
        if key in by_id:
            raise HarnessError(f"{run.path}/samples/{task}/{lang}.jsonl: duplicate example id {key!r}")
        by_id[key] = row
    return by_id


def _columns(rows: list[dict], keys: tuple[str, ...], run: RunFolder, task: str, lang: str) -> np.ndarray:
    try:
        return np.array([[row["stats"][key] for key in keys] for row in rows], dtype=np.float64).reshape(len(rows), len(keys))
    except (KeyError, TypeError, ValueError):
        raise HarnessError(f"{run.path}/samples/{task}/{lang}.jsonl: rows need numeric stats {', '.join(keys)}") from None


def pair_cell(baseline: RunFolder, treatment: RunFolder, task: str, lang: str) -> PairedCell:
    check_same_setup(baseline, treatment, task, lang)
    all_specs = baseline.specs(task)
    main = baseline.main_metric(task)
    missing = [m for m in main if m not in all_specs]
    if missing:
        raise HarnessError(f"{baseline.path / RESULTS}: task {task}: main metric {missing[0]!r} has no metric spec")
    specs = {name: all_specs[name] for name in main}
    keys = tuple(sorted({key for spec in specs.values() for key in needed_stats(spec)}))
    base_rows = _rows_by_id(baseline.samples(task, lang), baseline, task, lang)
    treat_rows = _rows_by_id(treatment.samples(task, lang), treatment, task, lang)
    if base_rows.keys() != treat_rows.keys():
        only_base = sorted(set(base_rows) - set(treat_rows))
        only_treat = sorted(set(treat_rows) - set(base_rows))
        example = (only_base or only_treat)[0]
        raise HarnessError(f"{task}/{lang} ({baseline.name} vs {treatment.name}): example ids differ "
                           f"({len(only_base)} only in the baseline, {len(only_treat)} only in the treatment, "
                           f"e.g. {example!r}); the runs cannot be paired")
    ids = tuple(base_rows)
    cell = PairedCell(task, lang, ids, specs, keys,
                      _columns([base_rows[i] for i in ids], keys, baseline, task, lang),
                      _columns([treat_rows[i] for i in ids], keys, treatment, task, lang))
    _warn_if_stale(baseline, cell, cell.baseline)
    _warn_if_stale(treatment, cell, cell.treatment)
    return cell


def _warn_if_stale(run: RunFolder, cell: PairedCell, columns: np.ndarray) -> None:
    recorded = run.results.get(cell.task, {}).get(cell.lang, {})
    stats = {key: columns[:, j] for j, key in enumerate(cell.keys)}
    for name, spec in cell.specs.items():
        value = recorded.get(name)
        if isinstance(value, (int, float)) and abs(reduce_stats(spec, stats) - value) > 1e-4:
            log.warning("%s: samples of %s/%s give %s = %.4f but results.json records %.4f",
                        run.path, cell.task, cell.lang, name, reduce_stats(spec, stats), value)


def pair_runs(baseline: RunFolder, treatment: RunFolder) -> list[PairedCell]:
    cells = common_cells(baseline, treatment)
    if not cells:
        raise HarnessError(f"{baseline.name} and {treatment.name} have no task × language in common")
    return [pair_cell(baseline, treatment, task, lang) for task, lang in cells]
