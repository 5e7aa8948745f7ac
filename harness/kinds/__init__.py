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
# The metric names each kind scores (its ``metric_specs``), so that the task-file schema can check
# ``metrics:`` without importing the kind's module (and torch); a test keeps the two in step. A
# kind missing here is imported to ask.
_METRICS: dict[str, tuple[str, ...]] = {
    "pair_classification": ("accuracy",),
    "bitext_retrieval": ("accuracy", "accuracy_reverse"),
    "bitext_mining": ("f1", "precision", "recall"),
    "image_text_classification": ("accuracy",),
    "visual_question_answering": ("accuracy",),
    "image_text_retrieval": ("ir_r1", "ir_r5", "ir_r10", "tr_r1", "tr_r5", "tr_r10"),
    "token_tagging": ("f1", "precision", "recall", "accuracy"),
    "extractive_qa": ("exact_match", "f1"),
}
_CACHE: dict[str, object] = {}


def register_kind(name: str, target: str, metrics: tuple[str, ...] | None = None) -> None:
    _KINDS[name] = target
    _CACHE.pop(name, None)
    if metrics is None:
        _METRICS.pop(name, None)
    else:
        _METRICS[name] = tuple(metrics)


def kind_names() -> list[str]:
    return sorted(_KINDS)


def kind_metric_names(name: str) -> tuple[str, ...]:
    """The metrics a registered kind can score (the names a task file may list under ``metrics``)."""
    if name not in _METRICS:
        _METRICS[name] = tuple(get_kind(name).metric_specs)
    return _METRICS[name]


def get_kind(name: str):
    if name not in _CACHE:
        target = _KINDS.get(name)
        if target is None:
            raise HarnessError(f"unknown task kind {name!r}; expected one of {', '.join(sorted(_KINDS))}")
        module, attr = target.split(":")
        _CACHE[name] = getattr(importlib.import_module(module), attr)()
    return _CACHE[name]
