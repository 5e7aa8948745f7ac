"""Universal Dependencies release (CoNLL-U) for UD-POS: words and their UPOS tags.

Layout: a release root holding ``UD_<Language>-<Treebank>/<code>_<treebank>-ud-<split>.conllu``.
The language is the file-name prefix (``en`` in ``en_ewt-ud-test.conllu``); all treebanks of a
language are concatenated in sorted file-name order. Multiword-token ranges (``1-2``) and empty
nodes (``1.1``) are not words. As XTREME's udpos_preprocess, sentences whose word forms are all
(or all but one) ``_`` are skipped: they come from treebanks released without their text.

Rows: ``{"id", "tokens", "tags"}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from harness.data.readers.common import read_lines
from harness.errors import HarnessError
from harness.taskfiles.schema import TaskConfig

FIELDS = 10


def treebank_files(folder: Path, lang: str, split: str) -> list[Path]:
    pattern = f"*-ud-{split}.conllu"
    found = {*folder.glob(pattern), *folder.glob(f"*/{pattern}")}
    return sorted((p for p in found if p.name.split("_", 1)[0] == lang), key=lambda p: (p.name, str(p)))


def _text_withheld(forms: list[str]) -> bool:
    blanks = sum(form == "_" for form in forms)
    return blanks > 0 and blanks >= len(forms) - 1


def read_conllu(path: Path, labels: Sequence[str] | None = None) -> list[tuple[list[str], list[str]]]:
    sentences = []
    forms: list[str] = []
    tags: list[str] = []
    for lineno, line in enumerate([*read_lines(path), ""], 1):
        if not line.strip():
            if forms and not _text_withheld(forms):
                sentences.append((forms, tags))
            forms, tags = [], []
            continue
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != FIELDS:
            raise HarnessError(f"{path}:{lineno}: expected {FIELDS} tab-separated CoNLL-U fields, got {len(fields)}")
        word_id = fields[0]
        if "-" in word_id or "." in word_id:
            continue  # a multiword-token range or an empty node, not a word
        if not word_id.isdigit() or int(word_id) != len(forms) + 1:
            raise HarnessError(f"{path}:{lineno}: word id {word_id!r} out of sequence (expected {len(forms) + 1})")
        if not fields[3]:
            raise HarnessError(f"{path}:{lineno}: empty UPOS field")
        if labels is not None and fields[3] not in labels:
            raise HarnessError(f"{path}:{lineno}: unknown UPOS tag {fields[3]!r}; expected one of {', '.join(labels)}")
        forms.append(fields[1])
        tags.append(fields[3])
    return sentences


def read_ud_conllu(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    name = task.data.local.files.get(split, split)
    files = treebank_files(folder, lang, name)
    if not files:
        raise HarnessError(
            f"--data_dir {task.task}={folder}: no {lang}_*-ud-{name}.conllu files "
            "(expected a UD release root: UD_*/<code>_<treebank>-ud-<split>.conllu)"
        )
    rows = []
    for path in files:
        for forms, tags in read_conllu(path, task.labels):
            rows.append({"id": str(len(rows)), "tokens": forms, "tags": tags})
    return rows
