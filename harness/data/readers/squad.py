"""SQuAD v1.1 JSON for extractive QA: XQuAD, MLQA and TyDiQA-GoldP.

- XQuAD: ``xquad.{lang}.json``.
- MLQA: ``{split}-context-{context}-question-{question}.json``; the task's code for a language is
  ``ctx.q`` for the cross-lingual pairs and the language itself otherwise.
- TyDiQA-GoldP: one file for all languages; a question's language is the prefix of its id
  (``arabic-…``), as XTREME splits it.

Rows: ``{"id", "title", "context", "question", "answers": [{"text", "answer_start"}]}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from harness.data.readers.common import every_language_reads_this, fill, find_file, split_template, uses_language
from harness.errors import HarnessError
from harness.fileio import read_json
from harness.taskfiles.schema import TaskConfig


def _shape_error(path: Path, where: str) -> HarnessError:
    return HarnessError(f"{path}: not SQuAD v1.1 JSON ({where}; expected data[].paragraphs[].qas[])")


def read_squad_file(path: Path, keep: Callable[[str], bool] = lambda qid: True) -> list[dict]:
    document = read_json(path)
    articles = document.get("data") if isinstance(document, dict) else None
    if not isinstance(articles, list):
        raise _shape_error(path, "no 'data' list")
    rows, seen = [], set()
    for a, article in enumerate(articles):
        try:
            for paragraph in article["paragraphs"]:
                context = paragraph["context"]
                for qa in paragraph["qas"]:
                    qid = str(qa["id"])
                    if not keep(qid):
                        continue
                    if qid in seen:
                        raise HarnessError(f"{path}: question id {qid!r} appears twice")
                    seen.add(qid)
                    answers = [{"text": ans["text"], "answer_start": int(ans["answer_start"])} for ans in qa["answers"]]
                    rows.append({"id": qid, "title": article.get("title", ""), "context": context,
                                 "question": qa["question"], "answers": answers})
        except (AttributeError, KeyError, TypeError, ValueError) as err:
            raise _shape_error(path, f"article {a}: {type(err).__name__} {err}") from None
    return rows


def _template(task: TaskConfig, split: str) -> str:
    return split_template(task, split)


def read_squad_json(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    code = task.code(lang)
    context, _, question = code.partition(".")
    name = fill(_template(task, split), lang, code)
    name = name.replace("{context}", context).replace("{question}", question or context)
    return read_squad_file(find_file(folder, name, task.task))


def read_tydiqa_goldp(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    prefix = f"{task.code(lang)}-"
    template = _template(task, split)
    if uses_language(template):
        return read_squad_file(find_file(folder, fill(template, lang, task.code(lang)), task.task),
                               keep=lambda qid: qid.startswith(prefix))
    # TyDiQA-GoldP's dev file holds every language: its problems stop the task once.
    with every_language_reads_this():
        path = find_file(folder, template, task.task, shared=True)
        return read_squad_file(path, keep=lambda qid: qid.startswith(prefix))
