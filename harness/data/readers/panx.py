"""PAN-X (WikiANN as split by Rahimi et al., 2019): ``{lang}/{train,dev,test}`` files with
``lang:token<TAB>tag`` lines and a blank line between sentences.

Rows: ``{"id", "tokens", "tags"}``. As XTREME's panx_preprocess, the ``lang:`` prefix is dropped
from each token.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from harness.data.readers.common import fill, find_file, read_lines, split_template
from harness.errors import HarnessError
from harness.taskfiles.schema import TaskConfig


def read_tagged_sentences(path: Path, prefix: str | None = None, labels: Sequence[str] | None = None) -> list[dict]:
    """``token<TAB>tag`` lines, blank lines between sentences; ``prefix`` (e.g. ``en:``) is cut
    from tokens that carry it. A gold tag outside ``labels`` stops with its file and line: it
    could never be predicted, and would be scored silently otherwise."""
    rows: list[dict] = []
    tokens: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if tokens:
            rows.append({"id": str(len(rows)), "tokens": list(tokens), "tags": list(tags)})
            tokens.clear()
            tags.clear()

    for lineno, line in enumerate(read_lines(path), 1):
        if not line.strip():
            flush()
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[1].strip():
            raise HarnessError(f"{path}:{lineno}: expected token<TAB>tag, got {line[:60]!r}")
        token, tag = parts[0], parts[1].strip()
        if labels is not None and tag not in labels:
            raise HarnessError(f"{path}:{lineno}: unknown tag {tag!r}; expected one of {', '.join(labels)}")
        if prefix and token.startswith(prefix):
            token = token[len(prefix):]
        tokens.append(token.strip())
        tags.append(tag)
    flush()
    return rows


def read_panx_tsv(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    template = split_template(task, split)
    code = task.code(lang)
    path = find_file(folder, fill(template, lang, code), task.task)
    return read_tagged_sentences(path, prefix=f"{code}:", labels=task.labels)
