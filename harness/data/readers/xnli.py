"""XNLI-1.0: ``xnli.{test,dev}.tsv``, one file for every language, selected by its column."""

from __future__ import annotations

from pathlib import Path

from harness.data.readers.common import find_file, read_tsv_rows, require_columns
from harness.errors import HarnessError
from harness.taskfiles.schema import TaskConfig


def read_xnli_tsv(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    name = task.data.local.files.get(split)
    if name is None:
        raise HarnessError(f"{task.source_file}: data.local.files has no entry for split {split!r}")
    path = find_file(folder, name, task.task)
    rows = read_tsv_rows(path)
    header = next(rows, None) or []
    require_columns(path, header, ["language", "gold_label", "sentence1", "sentence2"])
    col = {name: i for i, name in enumerate(header)}
    out = []
    for lineno, row in enumerate(rows, 2):
        if len(row) < len(header):
            raise HarnessError(f"{path}:{lineno}: expected {len(header)} tab-separated fields, got {len(row)}")
        if row[col["language"]] != task.code(lang):
            continue
        out.append(
            {
                "id": str(len(out)),
                "sentence1": row[col["sentence1"]],
                "sentence2": row[col["sentence2"]],
                "label": row[col["gold_label"]],
            }
        )
    return out
