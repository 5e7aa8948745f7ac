"""BUCC 2018: ``{l}-en.{split}.{l}`` / ``.en`` as ``id<TAB>sentence``, gold ``{l}-en.{split}.gold``.

XTREME uses the ``sample`` release as dev and the ``training`` release as test.
"""

from __future__ import annotations

from pathlib import Path

from harness.data.readers.common import find_file, read_lines, split_template
from harness.errors import HarnessError
from harness.taskfiles.schema import TaskConfig


def _id_sentences(path: Path) -> list[list[str]]:
    out = []
    for lineno, line in enumerate(read_lines(path), 1):
        if not line:
            continue
        parts = line.split("\t", 1)
        if len(parts) != 2:
            raise HarnessError(f"{path}:{lineno}: expected id<TAB>sentence")
        out.append(parts)
    return out


def _gold(path: Path) -> list[list[str]]:
    out = []
    for lineno, line in enumerate(read_lines(path), 1):
        if not line:
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise HarnessError(f"{path}:{lineno}: expected src_id<TAB>en_id")
        out.append(parts)
    return out


def read_bucc_release(folder: Path, task_name: str, lang: str, release: str, gold_required: bool = True) -> dict:
    stem = f"{lang}-en.{release}"
    paths = {side: find_file(folder, f"{stem}.{suffix}", task_name) for side, suffix in (("source", lang), ("target", "en"))}
    sides = {side: _id_sentences(path) for side, path in paths.items()}
    for side, rows in sides.items():
        if not rows:
            raise HarnessError(f"{paths[side]}: no sentences (expected id<TAB>sentence lines)")
    try:
        gold_path = find_file(folder, f"{stem}.gold", task_name)
    except HarnessError:
        if gold_required:
            raise
        return {**sides, "gold": []}
    gold = _gold(gold_path)
    known = {side: {sid for sid, _ in rows} for side, rows in sides.items()}
    for lineno, (sid, tid) in enumerate(gold, 1):
        if sid not in known["source"] or tid not in known["target"]:
            missing = sid if sid not in known["source"] else tid
            raise HarnessError(f"{gold_path}: gold pair {lineno} names id {missing!r}, which is not in the sentence files")
    return {**sides, "gold": gold}


def read_bucc_txt(folder: Path, task: TaskConfig, lang: str, split: str) -> dict:
    release = split_template(task, split)
    return read_bucc_release(folder, task.task, lang, release)
