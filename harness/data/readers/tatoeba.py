"""Tatoeba (LASER data/tatoeba/v1): ``tatoeba.{xxx}-eng.{xxx}`` and ``.eng``, line i ↔ line i."""

from __future__ import annotations

from pathlib import Path

from harness.data.readers.common import fill, find_file, read_lines
from harness.errors import HarnessError
from harness.taskfiles.schema import TaskConfig


def read_tatoeba_txt(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    code = task.code(lang)
    files = task.data.local.files
    source_path = find_file(folder, fill(files["source"], lang, code), task.task)
    target_path = find_file(folder, fill(files["target"], lang, code), task.task)
    source = read_lines(source_path)
    target = read_lines(target_path)
    if len(source) != len(target):
        raise HarnessError(
            f"{source_path}: {len(source)} lines, but {target_path.name} has {len(target)}; "
            "Tatoeba files must be line-aligned"
        )
    return [{"id": str(i), "source": s, "target": t} for i, (s, t) in enumerate(zip(source, target))]
