"""What a data source hands to a task kind for one task × language."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


def fingerprint_rows(rows: Any) -> str:
    """A content hash of loaded examples: equal for equal data, whichever source it came from."""
    canonical = json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=list)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass
class LanguageData:
    task: str
    lang: str
    split: str
    rows: Any  # canonical rows; their shape belongs to the task kind
    source: str  # where the rows came from, for the results' config
    extra_splits: dict[str, Any] = field(default_factory=dict)  # e.g. BUCC's dev split
    images: Any = None  # multimodal tasks: a harness.data.images.ImageStore (not fingerprinted)

    @property
    def fingerprint(self) -> str:
        return fingerprint_rows({"rows": self.rows, "extra": self.extra_splits})
