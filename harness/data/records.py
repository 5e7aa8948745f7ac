"""What a data source hands to a task kind for one task × language."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def fingerprint_rows(rows: Any) -> str:
    """A content hash of loaded examples: equal for equal data, whichever source it came from."""
    canonical = json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=list)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


@dataclass
class LanguageData:
    task: str
    lang: str
    split: str
    rows: Any  # canonical rows; their shape belongs to the task kind
    source: str  # where the rows came from, for the results' config
    extra_splits: dict[str, Any] = field(default_factory=dict)  # e.g. BUCC's dev split
    images: Any = None  # multimodal tasks: a harness.data.images.ImageStore
    resources: dict[str, Path] = field(default_factory=dict)  # side files (xGQA: GQA's answer vocabulary)
    # Further things a unit's scores depend on besides its rows: sources and kinds add entries
    # here, and resuming recomputes a unit whose recorded value differs.
    identity_extra: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """The evaluated split: what ``harness compare`` checks before pairing two runs. Its rows;
        for multimodal tasks also which images the store has for them and the side files'
        contents, so a unit computed while images were missing is not taken as done once they
        are supplied. ``harness score`` loads no dev split, so a dev split here would keep a
        scored BUCC run from pairing with an evaluated one. (Hashed as ``{"rows", "extra": {}}``
        so fingerprints of text tasks are unchanged from earlier versions.)"""
        parts: dict[str, Any] = {"rows": self.rows, "extra": {}}
        if self.images is not None and hasattr(self.images, "fingerprint"):
            parts["images"] = self.images.fingerprint(self.rows)
        if self.resources:
            parts["resources"] = {name: file_digest(path) for name, path in sorted(self.resources.items())}
        return fingerprint_rows(parts)

    @property
    def extra_fingerprints(self) -> dict[str, str]:
        """One fingerprint per extra split (BUCC's dev split, which picks the threshold)."""
        return {split: fingerprint_rows(rows) for split, rows in sorted(self.extra_splits.items())}

    def identity(self) -> dict[str, Any]:
        """What a finished task × language unit depends on besides the task config and the model:
        the source, the fingerprints of every split read, and ``identity_extra``. Recorded with
        the unit; a re-run whose identity differs recomputes the unit instead of skipping it."""
        identity: dict[str, Any] = {"source": self.source, "data_fingerprint": self.fingerprint}
        if self.extra_splits:
            identity["extra_fingerprints"] = self.extra_fingerprints
        identity.update(self.identity_extra)
        return identity
