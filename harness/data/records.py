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
    # Further things a unit's scores depend on besides its rows (e.g. where a multimodal task's
    # images come from): sources and kinds add entries here, and resuming recomputes a unit
    # whose recorded value differs.
    identity_extra: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """The evaluated split's rows only: what ``harness compare`` checks before pairing two runs.
        ``harness score`` loads no dev split, so a dev split here would keep a scored BUCC run
        from pairing with an evaluated one. (Hashed as ``{"rows", "extra": {}}`` so fingerprints
        of tasks without extra splits are unchanged from earlier versions.)"""
        return fingerprint_rows({"rows": self.rows, "extra": {}})

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
