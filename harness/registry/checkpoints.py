"""checkpoints.yaml: the checkpoints under study, with and without intermediate training.

    baseline: {text: NAME, vision-language: NAME}   # the reference entry of each family
    results_root: runs                               # where sweeps write ROOT/<name>/
    checkpoints:
      NAME:
        family: text | vision-language
        base: the pretrained model it started from
        intermediate: the English intermediate task (mnli, squad, …) or none
        model: default checkpoint (the bare encoder, used by the retrieval tasks)
        revision: hub revision of `model` (only of `model`: each head under tasks has its own)
        tasks: {task: checkpoint | {model, revision, model_args}}   # one fine-tuned head per task
        model_args: {k: v}     # for every checkpoint of the entry; a head's own model_args win
        seed_of: NAME          # another fine-tuning seed of NAME's recipe
        seed: 2
        baseline: NAME         # compare against this entry instead of the family's baseline
        description: free text

``model: demo`` (or a task's ``demo``) stands for the harness's built-in demo checkpoints.

Settings, weakest first: the entry's ``model_args`` < a head's own ``revision`` and ``model_args``
< ``--model_args`` on the command line. A task the entry lists no head for falls back to
``model``; where ``model`` has no trained head for it (a bare encoder given XNLI), the task is
skipped with the reason recorded, since the registry says which checkpoints exist. Everything is
validated when the file is read: keys, ``model_args`` values, task names. Relative paths in
``prompts`` and ``answer_vocabulary`` are read from the registry's folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection, Mapping

from harness.errors import HarnessError
from harness.models.model_args import ModelArgs, build_model_args
from harness.taskfiles.yaml_loader import read_yaml_mapping

FAMILIES = ("text", "vision-language")
ENTRY_KEYS = {"family", "base", "intermediate", "model", "revision", "tasks", "model_args", "seed_of", "seed",
              "baseline", "description"}
TOP_KEYS = {"baseline", "results_root", "checkpoints"}
TASK_KEYS = {"model", "revision", "model_args"}
FILE_ARGS = ("prompts", "answer_vocabulary")  # model_args naming files, read relative to the registry


@dataclass(frozen=True)
class TaskCheckpoint:
    model: str
    model_args: ModelArgs = field(default_factory=ModelArgs)  # with the head's own revision


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    family: str
    base: str | None
    intermediate: str | None
    model: str | None
    revision: str | None
    tasks: Mapping[str, TaskCheckpoint]
    model_args: ModelArgs  # validated at load; never holds a revision (that is `revision`, of `model`)
    seed_of: str | None
    seed: int | None
    description: str
    source_file: Path
    baseline: str | None = None

    @property
    def recipe(self) -> str:
        """The name shared by all seeds of one recipe."""
        return self.seed_of or self.name

    @property
    def uses_demo(self) -> bool:
        """Whether the entry names the built-in demo checkpoints (its tasks then read the demo data)."""
        from harness.demo.checkpoints import DEMO_VARIANTS

        return self.model in DEMO_VARIANTS or any(t.model in DEMO_VARIANTS for t in self.tasks.values())

    def model_spec(self, cli_args: ModelArgs):
        from harness.demo.checkpoints import DEMO_VARIANTS, ensure_demo_checkpoints
        from harness.models.spec import ModelSpec

        def demo(name: str) -> dict[str, str]:
            return {k: str(v) for k, v in ensure_demo_checkpoints(DEMO_VARIANTS[name]).items()}

        # The entry's revision pins `model` only; a head is another repository with its own history.
        default_args = self.model_args.merged(ModelArgs(revision=self.revision)).merged(cli_args)
        head_args = self.model_args.merged(cli_args)
        default, per_task, per_task_args = self.model, {}, {}
        if self.model in DEMO_VARIANTS:
            folders = demo(self.model)
            default = folders["encoder"]
            per_task = {k: v for k, v in folders.items() if k != "encoder"}
            per_task_args = {k: head_args for k in per_task}
        for task, ckpt in self.tasks.items():
            if ckpt.model in DEMO_VARIANTS:
                folders = demo(ckpt.model)
                per_task[task] = folders.get(task, folders["encoder"])
            else:
                per_task[task] = ckpt.model
            per_task_args[task] = self.model_args.merged(ckpt.model_args).merged(cli_args)
        return ModelSpec(self.name, default, per_task, default_args, per_task_args, demo=self.uses_demo,
                         description=self.description, registry_file=str(self.source_file))


def _args(values: Mapping[str, Any], where: str, folder: Path) -> ModelArgs:
    values = dict(values)
    for key in FILE_ARGS:
        if isinstance(values.get(key), str) and not Path(values[key]).expanduser().is_absolute():
            values[key] = str(folder / values[key])
    try:
        return build_model_args(values)
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


def _task_checkpoint(path: Path, where: str, task: str, value: Any) -> TaskCheckpoint:
    where = f"{where}.tasks.{task}"
    if isinstance(value, str) and value.strip():
        return TaskCheckpoint(value)
    if not isinstance(value, dict):
        raise HarnessError(f"{where}: expected a checkpoint id or a mapping with model, revision, model_args; "
                           f"got {value!r}")
    unknown = sorted(set(value) - TASK_KEYS)
    if unknown:
        raise HarnessError(f"{where}: unknown key '{unknown[0]}'; expected model, revision, model_args")
    model = _text(value, "model", where, required=True)
    args = _mapping(value, "model_args", where)
    revision = _text(value, "revision", where)
    if revision and args.get("revision") not in (None, revision):
        raise HarnessError(f"{where}: revision {revision!r} and model_args.revision {args['revision']!r} differ; "
                           "give it once")
    return TaskCheckpoint(model, _args({**args, **({"revision": revision} if revision else {})}, where, path.parent))


def _entry(path: Path, name: str, data: Any, task_names: Collection[str]) -> RegistryEntry:
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
        if str(task) not in task_names:
            from harness.taskfiles.index import suggest

            raise HarnessError(f"{where}.tasks: unknown task {str(task)!r}; expected a task name "
                               f"(harness tasks lists them){suggest(str(task), task_names)}")
        tasks[str(task)] = _task_checkpoint(path, where, str(task), value)
    model = _text(data, "model", where)
    if model is None and not tasks:
        raise HarnessError(f"{where}: needs 'model' or 'tasks' (which checkpoint to evaluate)")
    seed = data.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise HarnessError(f"{where}: key 'seed' must be an integer, got {seed!r}")
    model_args = _mapping(data, "model_args", where)
    if "revision" in model_args:
        # Every head would inherit it; the entry's revision belongs to `model` alone.
        raise HarnessError(f"{where}.model_args: key 'revision' is not taken here; expected the entry's own "
                           "'revision' key (the revision of model) or a revision under tasks.<task>")
    intermediate = _text(data, "intermediate", where)
    return RegistryEntry(
        name=name, family=family, base=_text(data, "base", where),
        intermediate=None if intermediate in (None, "none") else intermediate,
        model=model, revision=_text(data, "revision", where), tasks=tasks,
        model_args=_args(model_args, where, path.parent), seed_of=_text(data, "seed_of", where), seed=seed,
        description=_text(data, "description", where) or "", source_file=path,
        baseline=_text(data, "baseline", where),
    )


def _builtin_task_names() -> set[str]:
    from harness.taskfiles.index import TaskIndex

    return set(TaskIndex.load().tasks)


def load_registry(path: str | Path, task_names: Collection[str] | None = None) -> Registry:
    """``task_names``: what ``tasks:`` keys may name (default: the built-in tasks; commands with
    ``--include_path`` pass their own index's)."""
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
    names = set(task_names) if task_names is not None else _builtin_task_names()
    entries = {str(name): _entry(path, str(name), value, names) for name, value in raw.items()}
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


def find_registry_entry(name: str, path: str | Path | None = None,
                        task_names: Collection[str] | None = None) -> RegistryEntry | None:
    path = Path(path) if path else default_registry_path()
    if path is None or not path.is_file():
        return None
    return load_registry(path, task_names).entries.get(name)
