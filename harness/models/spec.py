"""Resolve ``--model`` into the checkpoint each task uses.

The zero-shot protocol fine-tunes a separate head per target task, so a "model" under study is
often a set of checkpoints: one per task plus the bare encoder for the retrieval tasks. A
:class:`ModelSpec` holds that mapping; a plain folder or hub id maps every task to itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from harness.errors import HarnessError
from harness.models.loading import looks_like_path
from harness.models.model_args import ModelArgs

DEMO_NAME = "demo"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    default: str | None
    per_task: Mapping[str, str] = field(default_factory=dict)
    args: ModelArgs = field(default_factory=ModelArgs)
    per_task_args: Mapping[str, ModelArgs] = field(default_factory=dict)
    demo: bool = False
    description: str = ""

    def checkpoint_for(self, task: str) -> str:
        checkpoint = self.per_task.get(task, self.default)
        if checkpoint is None:
            raise HarnessError(f"--model {self.name}: no checkpoint for task {task!r} (it lists {', '.join(self.per_task)})")
        return checkpoint

    def args_for(self, task: str) -> ModelArgs:
        specific = self.per_task_args.get(task)
        return specific.merged(self.args) if specific else self.args

    def identity(self) -> dict:
        """What a resumed run must agree on (model arguments are checked per task)."""
        return {"name": self.name, "default": self.default, "per_task": dict(sorted(self.per_task.items()))}


def demo_spec(name: str, args: ModelArgs) -> ModelSpec:
    from harness.demo.checkpoints import DEMO_VARIANTS, ensure_demo_checkpoints

    folders = ensure_demo_checkpoints(DEMO_VARIANTS[name])
    per_task = {task: str(path) for task, path in folders.items() if task != "encoder"}
    return ModelSpec(name, str(folders["encoder"]), per_task, args, demo=True,
                     description=f"tiny demo checkpoints built by the harness ({DEMO_VARIANTS[name]} recipe)")


def resolve_model_spec(model: str, args: ModelArgs, registry_path: str | Path | None = None) -> ModelSpec:
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

    entry = find_registry_entry(model, registry_path)
    if entry is not None:
        return entry.model_spec(args)
    if looks_like_path(model) or path.suffix in (".json", ".bin", ".safetensors"):
        raise HarnessError(f"--model {model}: no such checkpoint folder")
    return ModelSpec(model, model, {}, args)
