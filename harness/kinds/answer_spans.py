"""The answer span of one question from its windows' start and end logits.

As transformers' SQuAD post-processing that XTREME's run_squad uses (v1.1, no null answer): in
each window take the ``n_best`` highest start and end logits; drop pairs that leave the context,
start at a token without max context, end before they start or are longer than
``max_answer_length`` tokens; the answer is the remaining pair with the highest start + end logit
over all windows (the earliest on ties, in window, start-rank, end-rank order). It is mapped back
to the exact characters of the context through the tokenizer's offsets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from harness.evaluator.qa_windows import QAWindow


@dataclass(frozen=True)
class AnswerSpan:
    start_char: int
    end_char: int  # exclusive
    score: float  # start logit + end logit


def top_indices(logits: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` largest values, largest first, the earlier index first on ties."""
    return np.argsort(-logits, kind="stable")[:n]


def window_best(start_logits: np.ndarray, end_logits: np.ndarray, window: QAWindow, n_best: int,
                max_answer_length: int) -> tuple[float, int, int] | None:
    """(score, start position, end position) of the best valid pair in one window."""
    if window.context_first < 0:
        return None
    start_logits = np.asarray(start_logits, dtype=np.float64)
    end_logits = np.asarray(end_logits, dtype=np.float64)
    starts, ends = top_indices(start_logits, n_best), top_indices(end_logits, n_best)
    first, last = window.context_first, window.context_last
    in_context_s = (starts >= first) & (starts <= last)
    start_ok = in_context_s.copy()
    start_ok[in_context_s] = window.max_context[starts[in_context_s] - first]
    end_ok = (ends >= first) & (ends <= last)
    length = ends[None, :] - starts[:, None] + 1
    valid = start_ok[:, None] & end_ok[None, :] & (length >= 1) & (length <= max_answer_length)
    if not valid.any():
        return None
    scores = np.where(valid, start_logits[starts][:, None] + end_logits[ends][None, :], -np.inf)
    flat = int(np.argmax(scores))
    i, j = divmod(flat, scores.shape[1])
    return float(scores[i, j]), int(starts[i]), int(ends[j])


def best_answer_span(logits: Sequence[np.ndarray], windows: Sequence[QAWindow], n_best: int,
                     max_answer_length: int) -> AnswerSpan | None:
    """``logits[k]`` is window k's (length, 2) array of start and end logits."""
    best: tuple[float, int, int, int] | None = None
    for k, (window_logits, window) in enumerate(zip(logits, windows)):
        found = window_best(window_logits[:, 0], window_logits[:, 1], window, n_best, max_answer_length)
        if found is not None and (best is None or found[0] > best[0]):
            best = (*found, k)
    if best is None:
        return None
    score, start, end, k = best
    offsets = windows[k].offsets
    start_char, end_char = offsets[start][0], offsets[end][1]
    return AnswerSpan(start_char, max(start_char, end_char), score)
