"""Task kinds: one module per kind of task; a task file names its kind.

Entries are lazy "module:Class" strings so that the CLI starts without importing torch for
kinds it does not use.
"""

from __future__ import annotations

import importlib

from harness.errors import HarnessError

_KINDS: dict[str, str] = {
    "pair_classification": "harness.kinds.pair_classification:PairClassification",
    "bitext_retrieval": "harness.kinds.bitext_retrieval:BitextRetrieval",
    "bitext_mining": "harness.kinds.bitext_mining:BitextMining",
    "image_text_classification": "harness.kinds.image_text_classification:ImageTextClassification",
    "visual_question_answering": "harness.kinds.visual_question_answering:VisualQuestionAnswering",
    "image_text_retrieval": "harness.kinds.image_text_retrieval:ImageTextRetrieval",
    "token_tagging": "harness.kinds.token_tagging:TokenTagging",
    "extractive_qa": "harness.kinds.extractive_qa:ExtractiveQA",
}
_CACHE: dict[str, object] = {}


def register_kind(name: str, target: str) -> None:
    _KINDS[name] = target


def kind_names() -> list[str]:
    return sorted(_KINDS)


def get_kind(name: str):
    if name not in _CACHE:
        target = _KINDS.get(name)
        if target is None:
            raise HarnessError(f"unknown task kind {name!r}; expected one of {', '.join(sorted(_KINDS))}")
        module, attr = target.split(":")
        _CACHE[name] = getattr(importlib.import_module(module), attr)()
    return _CACHE[name]
