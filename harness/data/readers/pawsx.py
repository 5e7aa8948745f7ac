"""PAWS-X x-final: ``{lang}/test_2k.tsv`` and ``{lang}/dev_2k.tsv`` (id, sentence1, sentence2, label)."""

from __future__ import annotations

from pathlib import Path

from harness.data.readers.common import fill, find_file, read_tsv_rows, require_columns
from harness.errors import HarnessError
from harness.taskfiles.schema import TaskConfig


def read_pawsx_tsv(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    template = task.data.local.files.get(split)
    if template is None:
        raise HarnessError(f"{task.source_file}: data.local.files has no entry for split {split!r}")
    path = find_file(folder, fill(template, lang, task.code(lang)), task.task)
    rows = read_tsv_rows(path)
    header = next(rows, None) or []
    require_columns(path, header, ["sentence1", "sentence2", "label"])
    col = {name: i for i, name in enumerate(header)}
    out = []
    for row in rows:
        # As the XTREME loaders do: keep only complete rows (a handful of translated lines are
        # broken by stray tabs or newlines).
        if len(row) != len(header):
            continue
        out.append(
            {
                "id": str(len(out)),
                "sentence1": row[col["sentence1"]],
                "sentence2": row[col["sentence2"]],
                "label": row[col["label"]],
            }
        )
    return out
