"""Helpers shared by the release-layout readers."""

from __future__ import annotations

import contextlib
import csv
import sys
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from harness.errors import HarnessError, TaskStopped

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def fill(template: str, lang: str, code: str) -> str:
    return template.replace("{lang}", lang).replace("{code}", code)


def find_file(folder: Path, name: str, task: str, shared: bool = False) -> Path:
    """``folder/name``, or the same name one level down (release archives often add a folder).

    ``shared``: the file holds every language (XNLI's xnli.test.tsv), so its absence stops the
    whole task with one message instead of one per language."""
    found = _file_below(folder, Path(name))
    if found is None:
        raise (TaskStopped if shared else HarnessError)(f"--data_dir {task}={folder}: missing file {name}")
    return found


def split_template(task, split: str) -> str:
    """The task file's ``data.local.files`` entry for ``split``; its absence concerns every language."""
    template = task.data.local.files.get(split)
    if template is None:
        raise TaskStopped(f"{task.source_file}: data.local.files has no entry for split {split!r}")
    return template


def uses_language(template: str) -> bool:
    return "{lang}" in template or "{code}" in template


@contextlib.contextmanager
def every_language_reads_this():
    """A problem in a file that every language reads (a missing column, a broken line) would be
    the same for each of them: it stops the task, once."""
    try:
        yield
    except TaskStopped:
        raise
    except HarnessError as err:
        raise TaskStopped(str(err)) from None


def locate_file(folder: Path, templates: Sequence[str], lang: str, code: str) -> Path | None:
    """The first template's file that exists below ``folder``, or None.

    ``folder`` may be the release root (XVNLI/ar/test.jsonl), the task's own folder (ar/test.jsonl)
    or hold the release one level down (an archive's extra folder). (Dropping a template's first
    folder suits IGLUE, whose first folder is the task's; not :func:`find_file`'s readers: a PAWS-X
    template's first folder is the language, and DIR=…/de would then serve every language.)"""
    for template in templates:
        relative = Path(fill(template, lang, code))
        in_task_folder = folder.joinpath(*relative.parts[1:]) if len(relative.parts) > 1 else None
        if in_task_folder is not None and in_task_folder.is_file() and not (folder / relative).is_file():
            return in_task_folder
        found = _file_below(folder, relative)
        if found is not None:
            return found
    return None


def _file_below(folder: Path, relative: Path) -> Path | None:
    """``folder/relative``, else the first ``folder/*/relative`` in sorted order."""
    if (folder / relative).is_file():
        return folder / relative
    below = sorted(p for p in folder.glob(f"*/{relative}") if p.is_file())
    return below[0] if below else None


def read_tsv_rows(path: Path) -> Iterator[list[str]]:
    # The XTREME processors read these files without quote processing: XNLI and PAWS-X text holds
    # unescaped quote characters that csv's default dialect would swallow.
    with open(path, encoding="utf-8", newline="") as handle:
        yield from csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


def read_lines(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [line.rstrip("\r\n") for line in handle]


def require_columns(path: Path, header: Iterable[str], needed: Iterable[str]) -> None:
    header = list(header)
    missing = [c for c in needed if c not in header]
    if missing:
        raise HarnessError(f"{path}: missing column(s) {', '.join(missing)}; header has {', '.join(header)}")
