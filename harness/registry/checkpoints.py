"""checkpoints.yaml: the checkpoints under study, with and without intermediate training.

    baseline: {text: NAME, vision-language: NAME}   # the reference entry of each family
    results_root: runs                               # where sweeps write ROOT/<name>/
    checkpoints:
      NAME:
        family: text | vision-language
        base: the pretrained model it started from
        intermediate: the English intermediate task (mnli, squad, …) or none
        model: default checkpoint (the bare encoder, used by the retrieval tasks)
        revision: hub revision of `model`
        tasks: {task: checkpoint | {model, revision, model_args}}   # one fine-tuned head per task
        model_args: {k: v}
        seed_of: NAME          # another fine-tuning seed of NAME's recipe
        seed: 2
        baseline: NAME         # compare against this entry instead of the family's baseline
        description: free text

``model: demo`` (or a task's ``demo``) stands for the harness's built-in demo checkpoints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from harness.errors import HarnessError
from harness.models.model_args import ModelArgs, build_model_args
from harness.taskfiles.yaml_loader import read_yaml_mapping

FAMILIES = ("text", "vision-language")
ENTRY_KEYS = {"family", "base", "intermediate", "model", "revision", "tasks", "model_args", "seed_of", "seed",
              "baseline", "description"}
TOP_KEYS = {"baseline", "results_root", "checkpoints"}
TASK_KEYS = {"model", "revision", "model_args"}


@dataclass(frozen=True)
class TaskCheckpoint:
    model: str
    revision: str | None = None
    model_args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    family: str
    base: str | None
    intermediate: str | None
    model: str | None
    revision: str | None
    tasks: Mapping[str, TaskCheckpoint]
    model_args: Mapping[str, Any]
    seed_of: str | None
    seed: int | None
    description: str
    source_file: Path
    baseline: str | None = None

    @property
    def recipe(self) -> str:
        """The name shared by all seeds of one recipe."""
        return self.seed_of or self.name

    def model_spec(self, cli_args: ModelArgs):
        from harness.models.spec import ModelSpec

        where = f"{self.source_file}: checkpoints.{self.name}"
        base_args = _args(self.model_args, {"revision": self.revision} if self.revision else {}, where)
        args = base_args.merged(cli_args)
        from harness.demo.checkpoints import DEMO_VARIANTS, ensure_demo_checkpoints

        def demo(name: str) -> dict[str, str]:
            return {k: str(v) for k, v in ensure_demo_checkpoints(DEMO_VARIANTS[name]).items()}

        uses_demo = self.model in DEMO_VARIANTS or any(t.model in DEMO_VARIANTS for t in self.tasks.values())
        default, per_task, per_task_args = self.model, {}, {}
        if self.model in DEMO_VARIANTS:
            folders = demo(self.model)
            default = folders["encoder"]
            per_task = {k: v for k, v in folders.items() if k != "encoder"}
        for task, ckpt in self.tasks.items():
            if ckpt.model in DEMO_VARIANTS:
                folders = demo(ckpt.model)
                per_task[task] = folders.get(task, folders["encoder"])
            else:
                per_task[task] = ckpt.model
            if ckpt.revision or ckpt.model_args:
                extra = {"revision": ckpt.revision} if ckpt.revision else {}
                per_task_args[task] = _args(ckpt.model_args, extra, f"{where}.tasks.{task}").merged(cli_args)
        return ModelSpec(self.name, default, per_task, args, per_task_args, demo=uses_demo,
                         description=self.description)


def _args(values: Mapping[str, Any], extra: Mapping[str, Any], where: str) -> ModelArgs:
    try:
        return build_model_args({**values, **extra})
    except HarnessError as err:
        raise HarnessError(f"{where}.model_args: {str(err).removeprefix('--model_args').strip(': ')}") from None


@dataclass(frozen=True)
class Registry:
    path: Path
    entries: Mapping[str, RegistryEntry]
    baseline: Mapping[str, str]
    results_root: str | None

    def seeds_of(self, name: str) -> list[RegistryEntry]:
        """Every entry of ``name``'s recipe, the recipe's own entry first."""
        recipe = self.entries[name].recipe
        group = [e for e in self.entries.values() if e.recipe == recipe]
        return sorted(group, key=lambda e: (e.name != recipe, e.seed or 0, e.name))

    def baseline_for(self, name: str) -> str | None:
        entry = self.entries[name]
        return entry.baseline or self.baseline.get(entry.family)

    def entry(self, name: str) -> RegistryEntry:
        if name not in self.entries:
            from harness.taskfiles.index import suggest

            raise HarnessError(f"{self.path}: no checkpoint named {name!r}{suggest(name, self.entries)}")
        return self.entries[name]


def _text(data: Mapping, key: str, where: str, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise HarnessError(f"{where}: missing required key '{key}'")
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise HarnessError(f"{where}: key '{key}' must be a non-empty string, got {value!r}")
    return value


def _mapping(data: Mapping, key: str, where: str) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise HarnessError(f"{where}: key '{key}' must be a mapping, got {type(value).__name__}")
    return value


def _entry(path: Path, name: str, data: Any) -> RegistryEntry:
    where = f"{path}: checkpoints.{name}"
    if not isinstance(data, dict):
        raise HarnessError(f"{where}: expected a mapping of keys, got {type(data).__name__}")
    for key in data:
        if key not in ENTRY_KEYS:
            raise HarnessError(f"{where}: unknown key '{key}'; expected one of {', '.join(sorted(ENTRY_KEYS))}")
    family = _text(data, "family", where, required=True)
    if family not in FAMILIES:
        raise HarnessError(f"{where}: key 'family' must be one of {', '.join(FAMILIES)}, got {family!r}")
    tasks = {}
    for task, value in _mapping(data, "tasks", where).items():
        if isinstance(value, str):
            tasks[str(task)] = TaskCheckpoint(value)
        elif isinstance(value, dict):
            unknown = set(value) - TASK_KEYS
            if unknown:
                raise HarnessError(f"{where}.tasks.{task}: unknown key '{sorted(unknown)[0]}'; expected model, revision, model_args")
            tasks[str(task)] = TaskCheckpoint(_text(value, "model", f"{where}.tasks.{task}", required=True),
                                              _text(value, "revision", f"{where}.tasks.{task}"),
                                              _mapping(value, "model_args", f"{where}.tasks.{task}"))
        else:
            raise HarnessError(f"{where}.tasks.{task}: expected a checkpoint id or a mapping, got {value!r}")
    model = _text(data, "model", where)
    if model is None and not tasks:
        raise HarnessError(f"{where}: needs 'model' or 'tasks' (which checkpoint to evaluate)")
    seed = data.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise HarnessError(f"{where}: key 'seed' must be an integer, got {seed!r}")
    intermediate = _text(data, "intermediate", where)
    return RegistryEntry(
        name=name, family=family, base=_text(data, "base", where),
        intermediate=None if intermediate in (None, "none") else intermediate,
        model=model, revision=_text(data, "revision", where), tasks=tasks,
        model_args=_mapping(data, "model_args", where), seed_of=_text(data, "seed_of", where), seed=seed,
        description=_text(data, "description", where) or "", source_file=path,
        baseline=_text(data, "baseline", where),
    )


def load_registry(path: str | Path) -> Registry:
    path = Path(path)
    if not path.is_file():
        raise HarnessError(f"{path}: checkpoint registry not found")
    data = read_yaml_mapping(path)
    for key in data:
        if key not in TOP_KEYS:
            raise HarnessError(f"{path}: unknown key '{key}'; expected one of {', '.join(sorted(TOP_KEYS))}")
    raw = data.get("checkpoints") or {}
    if not isinstance(raw, dict):
        raise HarnessError(f"{path}: key 'checkpoints' must be a mapping from name to entry")
    entries = {str(name): _entry(path, str(name), value) for name, value in raw.items()}
    for entry in entries.values():
        if entry.seed_of and entry.seed_of not in entries:
            raise HarnessError(f"{path}: checkpoints.{entry.name}.seed_of names unknown entry {entry.seed_of!r}")
        if entry.baseline and entry.baseline not in entries:
            raise HarnessError(f"{path}: checkpoints.{entry.name}.baseline names unknown entry {entry.baseline!r}")
        if entry.seed_of and entries[entry.seed_of].family != entry.family:
            raise HarnessError(f"{path}: checkpoints.{entry.name}: family differs from its seed_of entry")
    baseline = _mapping(data, "baseline", str(path))
    for family, name in baseline.items():
        if family not in FAMILIES:
            raise HarnessError(f"{path}: baseline.{family}: expected a family ({', '.join(FAMILIES)})")
        if name not in entries:
            raise HarnessError(f"{path}: baseline.{family} names unknown entry {name!r}")
        if entries[name].family != family:
            raise HarnessError(f"{path}: baseline.{family} names {name!r}, whose family is {entries[name].family}")
    return Registry(path, entries, {str(k): str(v) for k, v in baseline.items()},
                    _text(data, "results_root", str(path)))


def default_registry_path() -> Path | None:
    """HARNESS_CHECKPOINTS, else ./checkpoints.yaml, else the one shipped with the harness."""
    env = os.environ.get("HARNESS_CHECKPOINTS")
    if env:
        return Path(env)
    candidate = Path.cwd() / "checkpoints.yaml"
    if candidate.is_file():
        return candidate
    package = Path(__file__).resolve().parent.parent
    for shipped in (package / "_checkpoints.yaml", package.parent / "checkpoints.yaml"):
        if shipped.is_file():
            return shipped
    return None


def find_registry_entry(name: str, path: str | Path | None = None) -> RegistryEntry | None:
    path = Path(path) if path else default_registry_path()
    if path is None or not path.is_file():
        return None
    return load_registry(path).entries.get(name)
