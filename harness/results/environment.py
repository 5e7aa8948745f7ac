"""What a results file records about the software and machine that produced it."""

from __future__ import annotations

import importlib.metadata
import platform
import subprocess
from pathlib import Path

from harness import __version__

LIBRARIES = ("torch", "transformers", "datasets", "tokenizers", "numpy", "scipy", "huggingface_hub")


def library_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_commit() -> str | None:
    """The harness checkout's commit (with '-dirty' for local changes); None when installed."""
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("-dirty" if dirty else "") if commit else None


def harness_info() -> dict:
    return {"version": __version__, "git_commit": git_commit()}


def device_info(device) -> dict:
    info = {"device": str(device), "platform": platform.platform(), "processor": platform.machine()}
    try:
        import torch

        info["torch_threads"] = torch.get_num_threads()
        if getattr(device, "type", str(device)).startswith("cuda") and torch.cuda.is_available():
            info["gpu"] = torch.cuda.get_device_name(device)
    except ImportError:
        pass
    return info
