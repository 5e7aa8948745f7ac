"""IGLUE release layouts (Bugliarello et al., 2022): the five tasks' annotation files.

Rows name their images by the file name the annotation implies; ``harness.data.images`` finds
them below ``--image_dir``. Layouts (``data.local.files`` in the task files give the templates,
each a list of alternatives tried in order): the release copy's ``XVNLI/{lang}/test.jsonl``,
``xGQA/{lang}/{test,dev}.json``, ``marvl/marvl-{lang}.jsonl``, ``xFlickrCO/{lang}/test.jsonl``,
``wit/test_{lang}.jsonl``, and the e-bug/iglue repository's ``datasets/`` folder, which puts
them under ``annotations/`` (``XVNLI/annotations/{lang}/test.jsonl``,
``marvl/zero_shot/annotations/marvl-{lang}.jsonl``,
``xGQA/annotations/zero_shot/testdev_balanced_questions_{lang}.json``, …). MaRVL's English is
NLVR2's public test set (MaRVL models are fine-tuned on NLVR2): IGLUE's
``nlvr2/annotations/test.jsonl`` or NLVR2's own ``nlvr2/data/test1.json``, JSON lines either way.
``--data_dir`` may point at the release root or at the task's own folder.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import urlsplit

from harness.data.readers.common import fill, locate_file
from harness.errors import HarnessError
from harness.taskfiles.schema import TaskConfig


def annotation_templates(task: TaskConfig, lang: str, split: str) -> tuple[str, ...]:
    """The file templates for a language's split: a language's own entry (``test_en``) first."""
    choices = task.data.local.file_choices
    templates = choices.get(f"{split}_{lang}") or choices.get(split)
    if templates is None:
        raise HarnessError(f"{task.source_file}: data.local.files has no entry for split {split!r}")
    return templates


def annotation_file(folder: Path, task: TaskConfig, lang: str, split: str) -> Path:
    templates = annotation_templates(task, lang, split)
    found = locate_file(folder, templates, lang, task.code(lang))
    if found is None:
        names = " or ".join(fill(t, lang, task.code(lang)) for t in templates)
        raise HarnessError(f"--data_dir {task.task}={folder}: missing file {names}")
    return found


def read_jsonl_records(path: Path) -> Iterator[tuple[int, dict]]:
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise HarnessError(f"{path}:{lineno}: not valid JSON ({err.msg})") from None
            if not isinstance(record, dict):
                raise HarnessError(f"{path}:{lineno}: expected a JSON object per line")
            yield lineno, record


def require_keys(path: Path, lineno: int | str, record: dict, keys: Sequence[str]) -> None:
    missing = [key for key in keys if key not in record]
    if missing:
        raise HarnessError(f"{path}:{lineno}: missing key(s) {', '.join(missing)}; the record has "
                           f"{', '.join(record) or 'no keys'}")


def read_xvnli_jsonl(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    path = annotation_file(folder, task, lang, split)
    rows = []
    for lineno, record in read_jsonl_records(path):
        require_keys(path, lineno, record, ("gold_label", "sentence2", "Flikr30kID"))
        # The premise is the Flickr30k image; sentence1 (its caption) is not shown to the model.
        rows.append({"id": str(record.get("pairID", len(rows))), "images": [f"{record['Flikr30kID']}.jpg"],
                     "hypothesis": record["sentence2"], "label": str(record["gold_label"])})
    return rows


def read_xgqa_json(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    path = annotation_file(folder, task, lang, split)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise HarnessError(f"{path}: not valid JSON ({err.msg} at line {err.lineno})") from None
    if not isinstance(data, dict):
        raise HarnessError(f"{path}: expected GQA's mapping from question id to question")
    rows = []
    for qid, record in data.items():
        if not isinstance(record, dict):
            raise HarnessError(f"{path}: question {qid!r} is not a JSON object")
        require_keys(path, f"question {qid}", record, ("question", "imageId", "answer"))
        rows.append({"id": str(qid), "images": [f"{record['imageId']}.jpg"], "question": record["question"],
                     "label": str(record["answer"])})
    return rows


def nlvr2_image_names(identifier: str) -> list[str]:
    # NLVR2 names a pair's images after the identifier without its final sentence index:
    # test1-0-1-0 → test1-0-1-img0.png, test1-0-1-img1.png.
    stem = identifier.rsplit("-", 1)[0]
    return [f"{stem}-img0.png", f"{stem}-img1.png"]


def read_marvl_jsonl(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    path = annotation_file(folder, task, lang, split)
    rows = []
    for lineno, record in read_jsonl_records(path):
        if "sentence" in record and "caption" not in record:  # NLVR2, the English source
            require_keys(path, lineno, record, ("identifier", "sentence", "label"))
            rows.append({"id": str(record["identifier"]), "images": nlvr2_image_names(str(record["identifier"])),
                         "image_hints": [], "hypothesis": record["sentence"],
                         "label": str(record["label"]).strip().lower()})
            continue
        require_keys(path, lineno, record, ("caption", "left_img", "right_img", "label"))
        # MaRVL reuses file names across languages and concepts (images/{lang}/{concept}/{file}).
        hints = [str(record.get("language", lang)), str(record.get("concept", ""))]
        rows.append({"id": str(record.get("id", len(rows))), "images": [record["left_img"], record["right_img"]],
                     "image_hints": hints, "hypothesis": record["caption"],
                     "label": str(record["label"]).strip().lower()})
    return rows


def read_xflickrco_jsonl(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    path = annotation_file(folder, task, lang, split)
    rows = []
    for lineno, record in read_jsonl_records(path):
        require_keys(path, lineno, record, ("sentences", "img_path"))
        sentences = record["sentences"]
        if isinstance(sentences, str):
            sentences = [sentences]
        if not isinstance(sentences, list) or len(sentences) != 1:
            raise HarnessError(f"{path}:{lineno}: expected one caption in 'sentences' (IGLUE's test files have "
                               f"one per image), got {len(sentences) if isinstance(sentences, list) else sentences!r}")
        rows.append({"id": str(record.get("id", len(rows))), "images": [record["img_path"]],
                     "image_key": record["img_path"], "caption": sentences[0]})
    return rows


def url_basename(url: str) -> str:
    return posixpath.basename(urlsplit(url).path)


def read_wit_jsonl(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    path = annotation_file(folder, task, lang, split)
    rows = []
    for lineno, record in read_jsonl_records(path):
        require_keys(path, lineno, record, ("image_url", "caption_reference_description"))
        # IGLUE's evaluation keys WIT's images by wit_ix, which several captions share (up to 20):
        # one candidate image per wit_ix; rows are numbered, as wit_ix is not unique.
        rows.append({"id": str(len(rows)), "images": [url_basename(record["image_url"])],
                     "image_key": str(record.get("wit_ix", record["image_url"])),
                     "caption": record["caption_reference_description"]})
    return rows
