"""What a data source hands to a task kind for one task × language."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.fileio import file_sha256


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
    images: Any = None  # multimodal tasks: a harness.data.images.ImageStore
    resources: dict[str, Path] = field(default_factory=dict)  # side files (xGQA: GQA's answer vocabulary)

    @property
    def fingerprint(self) -> str:
        """The evaluated split's rows: what ``harness compare`` checks before pairing two runs.
        Rows only: ``harness score`` attaches no images and reads no dev split, and a scored run
        must pair with the evaluated one over the same annotations. (Hashed as ``{"rows", "extra":
        {}}``, as earlier versions did, so recorded fingerprints stay valid.)"""
        return fingerprint_rows({"rows": self.rows, "extra": {}})

    @property
    def extra_fingerprints(self) -> dict[str, str]:
        """One fingerprint per extra split (BUCC's dev split, which picks the threshold)."""
        return {split: fingerprint_rows(rows) for split, rows in sorted(self.extra_splits.items())}

    def identity(self) -> dict[str, Any]:
        """What a finished task × language unit depends on besides the task config and the model:
        the source, the fingerprints of every split read, and for multimodal tasks which images
        the store has for the rows and the side files' contents — so a unit computed while images
        were missing is redone once they are supplied. Recorded with the unit; a re-run whose
        identity differs recomputes the unit instead of skipping it. (Stats every image and hashes
        the side files: compute it once per unit.)"""
        identity: dict[str, Any] = {"source": self.source, "data_fingerprint": self.fingerprint}
        if self.extra_splits:
            identity["extra_fingerprints"] = self.extra_fingerprints
        if self.images is not None:
            identity["image_fingerprint"] = self.images.fingerprint(self.rows)
        if self.resources:
            identity["resource_fingerprints"] = {name: file_sha256(path)[:16]
                                                 for name, path in sorted(self.resources.items())}
        return identity
