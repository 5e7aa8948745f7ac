"""Resolve ``--model`` into the checkpoint each task uses.

The zero-shot protocol fine-tunes a separate head per target task, so a "model" under study is
often a set of checkpoints: one per task plus the bare encoder for the retrieval tasks. A
:class:`ModelSpec` holds that mapping; a plain folder or hub id maps every task to itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection, Mapping

from harness.errors import HarnessError
from harness.models.loading import looks_like_path
from harness.models.model_args import ModelArgs

DEMO_NAME = "demo"


@dataclass(frozen=True)
class ModelSpec:
    """``args`` are the settings of ``default``; ``per_task_args[task]`` the complete settings of
    that task's own checkpoint (already merged: nothing is layered on top of them here)."""

    name: str
    default: str | None
    per_task: Mapping[str, str] = field(default_factory=dict)
    args: ModelArgs = field(default_factory=ModelArgs)
    per_task_args: Mapping[str, ModelArgs] = field(default_factory=dict)
    demo: bool = False
    description: str = ""
    registry_file: str | None = None  # set for a checkpoints.yaml entry

    def checkpoint_for(self, task: str) -> str:
        checkpoint = self.per_task.get(task, self.default)
        if checkpoint is None:
            raise HarnessError(f"--model {self.name}: no checkpoint for task {task!r} (it lists {', '.join(self.per_task)})")
        return checkpoint

    def args_for(self, task: str) -> ModelArgs:
        return self.per_task_args.get(task, self.args)

    def missing_head_reason(self, task: str, checkpoint: str) -> str | None:
        """Why a registry entry skips ``task``: it lists no checkpoint for it and its ``model`` has
        no trained head for it. None where a missing head is an error (the task's checkpoint
        was named, or ``--model`` is a plain checkpoint)."""
        if self.registry_file is None or task in self.per_task:
            return None
        listed = ", ".join(sorted(self.per_task)) or "none"
        return (f"{self.registry_file}: checkpoints.{self.name} lists no checkpoint for {task} (tasks: {listed}) "
                f"and its model {checkpoint} has no trained head for it")

    def identity(self) -> dict:
        """What a resumed run must agree on (model arguments are checked per task)."""
        return {"name": self.name, "default": self.default, "per_task": dict(sorted(self.per_task.items()))}


def demo_spec(name: str, args: ModelArgs) -> ModelSpec:
    from harness.demo.checkpoints import DEMO_VARIANTS, ensure_demo_checkpoints

    folders = ensure_demo_checkpoints(DEMO_VARIANTS[name])
    per_task = {task: str(path) for task, path in folders.items() if task != "encoder"}
    return ModelSpec(name, str(folders["encoder"]), per_task, args, demo=True,
                     description=f"tiny demo checkpoints built by the harness ({DEMO_VARIANTS[name]} recipe)")


def resolve_model_spec(model: str, args: ModelArgs, registry_path: str | Path | None = None,
                       task_names: Collection[str] | None = None) -> ModelSpec:
    """``task_names``: the tasks a registry's ``tasks:`` keys may name (default: the built-in ones)."""
    if not model:
        raise HarnessError("--model: expected a checkpoint folder, hub id, checkpoints.yaml name or 'demo'")
    from harness.demo.checkpoints import DEMO_VARIANTS

    if model in DEMO_VARIANTS:
        return demo_spec(model, args)
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise HarnessError(f"--model {model}: folder has no config.json; expected a saved checkpoint")
        return ModelSpec(model, str(path), {}, args)
    from harness.registry import find_registry_entry

    entry = find_registry_entry(model, registry_path, task_names)
    if entry is not None:
        return entry.model_spec(args)
    if looks_like_path(model) or path.suffix in (".json", ".bin", ".safetensors"):
        raise HarnessError(f"--model {model}: no such checkpoint folder")
    return ModelSpec(model, model, {}, args)
