"""Pieces shared by the families' DataLoader collate functions."""

from __future__ import annotations

import inspect
import time
from typing import Any, Iterable, Mapping


def accepted_inputs(function, inputs: Mapping[str, Any]) -> dict:
    """The entries of ``inputs`` that ``function`` takes (processors return extras such as
    token_type_ids that CLIP's text tower does not accept)."""
    parameters = inspect.signature(function).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        names = set(parameters) | set(inputs)
        # **kwargs swallows anything, but token_type_ids reaching a decoder-only text model breaks it
        names -= {"token_type_ids"} if "token_type_ids" not in parameters else set()
    else:
        names = set(parameters)
    return {key: value for key, value in inputs.items() if key in names}


def prep_seconds(items: Iterable, started: float) -> float:
    """Decode seconds the dataset measured per item, plus this collate call's preprocessing."""
    return sum(item[4] for item in items) + (time.perf_counter() - started)


def notes_for(items) -> list[dict]:
    return [{"unreadable": bool(item[3])} for item in items]


def text_limit(loaded, task_max_length: int | None) -> int:
    """Longest text in tokens: --model_args max_length, else the task's, capped by the model's."""
    tokenizer = loaded.tokenizer
    config = getattr(loaded.config, "text_config", None) or loaded.config
    limits = [loaded.args.max_length or task_max_length,
              getattr(config, "max_position_embeddings", None),
              getattr(tokenizer, "model_max_length", None)]
    usable = [int(v) for v in limits if v and int(v) < 1_000_000]
    return min(usable) if usable else 512
