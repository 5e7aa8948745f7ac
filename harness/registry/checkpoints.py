"""Look up a ``--model`` name in checkpoints.yaml.

Minimal for now: the full registry (per-task mappings, families, seeds) is built on this.
"""

from __future__ import annotations

import os
from pathlib import Path


def default_registry_path() -> Path | None:
    env = os.environ.get("HARNESS_CHECKPOINTS")
    if env:
        return Path(env)
    candidate = Path.cwd() / "checkpoints.yaml"
    return candidate if candidate.is_file() else None


def find_registry_entry(name: str, path: str | Path | None = None):
    return None
