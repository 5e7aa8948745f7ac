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
    """Indices of the ``n`` largest values along the last axis, largest first, the earlier index
    first on ties (as Python's stable ``sorted(..., reverse=True)`` in the official code)."""
    return np.argsort(-logits, axis=-1, kind="stable")[..., :n]


def window_bests(logits: Sequence[np.ndarray], windows: Sequence[QAWindow], n_best: int,
                 max_answer_length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per window: the best valid pair's score (-inf where none) and its start and end positions.

    ``logits[k]`` is window k's (length, 2) array of start and end logits. All windows are
    searched at once, padded to the longest."""
    count = len(windows)
    if not count:
        none = np.zeros(0, dtype=np.int64)
        return np.zeros(0), none, none
    longest = max(len(x) for x in logits)
    start_logits = np.full((count, longest), -np.inf)
    end_logits = np.full((count, longest), -np.inf)
    may_start = np.zeros((count, longest), dtype=bool)
    may_end = np.zeros((count, longest), dtype=bool)
    for k, (window_logits, window) in enumerate(zip(logits, windows)):
        start_logits[k, :len(window_logits)] = window_logits[:, 0]
        end_logits[k, :len(window_logits)] = window_logits[:, 1]
        if window.context_first >= 0:
            may_start[k, window.context_first:window.context_last + 1] = window.max_context
            may_end[k, window.context_first:window.context_last + 1] = True
    rows = np.arange(count)[:, None]
    starts, ends = top_indices(start_logits, n_best), top_indices(end_logits, n_best)
    length = ends[:, None, :] - starts[:, :, None] + 1
    valid = (may_start[rows, starts][:, :, None] & may_end[rows, ends][:, None, :]
             & (length >= 1) & (length <= max_answer_length))
    scores = np.where(valid, start_logits[rows, starts][:, :, None] + end_logits[rows, ends][:, None, :], -np.inf)
    flat_scores = scores.reshape(count, -1)
    flat = flat_scores.argmax(axis=1)  # the first maximum: start rank, then end rank
    i, j = np.divmod(flat, starts.shape[1])
    picked = np.arange(count)
    return flat_scores[picked, flat], starts[picked, i], ends[picked, j]


def window_best(start_logits: np.ndarray, end_logits: np.ndarray, window: QAWindow, n_best: int,
                max_answer_length: int) -> tuple[float, int, int] | None:
    """(score, start position, end position) of the best valid pair in one window."""
    pair = np.stack([np.asarray(start_logits, dtype=np.float64), np.asarray(end_logits, dtype=np.float64)], axis=-1)
    scores, starts, ends = window_bests([pair], [window], n_best, max_answer_length)
    return None if scores[0] == -np.inf else (float(scores[0]), int(starts[0]), int(ends[0]))


def answer_spans(logits: Sequence[np.ndarray], windows: Sequence[QAWindow], questions: int, n_best: int,
                 max_answer_length: int) -> list[AnswerSpan | None]:
    """The answer of each question (``windows[k].example``) from all windows' logits."""
    scores, starts, ends = window_bests(logits, windows, n_best, max_answer_length)
    best: list[int | None] = [None] * questions
    for k, window in enumerate(windows):  # windows in order: a later window wins only if strictly better
        if scores[k] > -np.inf and (best[window.example] is None or scores[k] > scores[best[window.example]]):
            best[window.example] = k
    spans: list[AnswerSpan | None] = []
    for k in best:
        if k is None:
            spans.append(None)
            continue
        offsets = windows[k].offsets
        start_char, end_char = offsets[int(starts[k])][0], offsets[int(ends[k])][1]
        spans.append(AnswerSpan(start_char, max(start_char, end_char), float(scores[k])))
    return spans


def best_answer_span(logits: Sequence[np.ndarray], windows: Sequence[QAWindow], n_best: int,
                     max_answer_length: int) -> AnswerSpan | None:
    """The answer of one question from its windows (all with the same ``example``)."""
    windows = [QAWindow(0, w.context_first, w.context_last, w.offsets, w.max_context) for w in windows]
    return answer_spans(logits, windows, 1, n_best, max_answer_length)[0]
