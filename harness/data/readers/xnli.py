"""XNLI-1.0: ``xnli.{test,dev}.tsv``, one file for every language, selected by its column."""

from __future__ import annotations

from pathlib import Path

from harness.data.readers.common import (
    every_language_reads_this,
    find_file,
    read_tsv_rows,
    require_columns,
    split_template,
)
from harness.errors import HarnessError
from harness.taskfiles.schema import TaskConfig


def read_xnli_tsv(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    # One file holds every language: its problems stop the task once, not once per language.
    with every_language_reads_this():
        return _read_xnli_tsv(folder, task, lang, split)


def _read_xnli_tsv(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    path = find_file(folder, split_template(task, split), task.task, shared=True)
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
