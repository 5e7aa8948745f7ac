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

    @property
    def fingerprint(self) -> str:
        """Rows and extra splits; for multimodal tasks also which images the store has for them,
        and the side files' contents — so a unit computed while images were missing is not taken
        as done once they are supplied."""
        parts: dict[str, Any] = {"rows": self.rows, "extra": self.extra_splits}
        if self.images is not None and hasattr(self.images, "fingerprint"):
            parts["images"] = self.images.fingerprint(self.rows)
        if self.resources:
            parts["resources"] = {name: file_digest(path) for name, path in sorted(self.resources.items())}
        return fingerprint_rows(parts)
