"""Find the run folders under results roots and what the registry says about each."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from harness.errors import HarnessError
from harness.fileio import read_json
from harness.results.store import RESULTS


@dataclass(frozen=True)
class BoardRun:
    name: str
    path: Path
    data: Mapping = field(repr=False)
    family: str | None = None
    baseline: str | None = None  # the run this one is compared with
    intermediate: str | None = None

    @property
    def results(self) -> Mapping:
        return self.data.get("results", {})


def _folders(root: Path) -> list[Path]:
    if (root / RESULTS).is_file():
        return [root]
    if not root.is_dir():
        raise HarnessError(f"{root}: not a run folder or a folder of run folders")
    found = sorted(p for p in root.iterdir() if (p / RESULTS).is_file())
    if not found:
        raise HarnessError(f"{root}: holds no run folders (no */{RESULTS})")
    return found


def discover_runs(roots: Sequence[Path], registry=None) -> list[BoardRun]:
    """Every run under the roots, in registry order (then by name); names must be unique."""
    runs: dict[str, BoardRun] = {}
    for root in roots:
        for folder in _folders(Path(root)):
            name = folder.name
            if name in runs:
                raise HarnessError(f"{folder}: a second run named {name!r} (also {runs[name].path})")
            data = read_json(folder / RESULTS)
            if not isinstance(data, dict) or "results" not in data:
                raise HarnessError(f"{folder / RESULTS}: not a harness results file")
            entry = registry.entries.get(name) if registry else None
            runs[name] = BoardRun(name, folder, data, family=entry.family if entry else None,
                                  baseline=registry.baseline_for(name) if entry else None,
                                  intermediate=entry.intermediate if entry else None)
    order = list(registry.entries) if registry else []
    ranked = sorted(runs.values(), key=lambda r: (order.index(r.name) if r.name in order else len(order), r.name))
    return [r if r.baseline != r.name else BoardRun(r.name, r.path, r.data, r.family, None, r.intermediate)
            for r in ranked]
