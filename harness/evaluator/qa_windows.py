"""Model inputs for extractive QA: (question, context window) pairs with character offsets.

As XTREME's run_squad (transformers' SQuAD feature conversion): the question is cut to
``max_query_length`` tokens; the context is cut into windows of ``max_length`` tokens whose starts
are ``doc_stride`` context tokens apart; a token seen in several windows counts as "max context"
only in the window where min(left context, right context) + 0.01 × window length is largest, and
an answer may start only at a max-context token.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from harness.errors import HarnessError

log = logging.getLogger(__name__)


@dataclass
class QAWindow:
    example: int  # index of its question
    context_first: int  # position of the window's first context token (-1: none)
    context_last: int
    offsets: list[tuple[int, int]]  # character span in the context of every position
    max_context: np.ndarray  # bool, for positions context_first..context_last


@dataclass
class QAInputs:
    features: list[dict]  # input_ids (and token_type_ids), one per window
    windows: list[QAWindow]


def max_context_owner(starts: Sequence[int], lengths: Sequence[int]) -> np.ndarray:
    """For each context token (global index), the window in which it has maximal context."""
    total = max((s + n for s, n in zip(starts, lengths)), default=0)
    scores = np.full((len(starts), total), -np.inf)
    for k, (start, length) in enumerate(zip(starts, lengths)):
        g = np.arange(start, start + length)
        scores[k, start:start + length] = np.minimum(g - start, start + length - 1 - g) + 0.01 * length
    return scores.argmax(axis=0)


def _truncate_questions(tokenizer, questions: Sequence[str], limit: int) -> tuple[list[str], list[int]]:
    encoded = tokenizer(list(questions), add_special_tokens=False, return_offsets_mapping=True)
    texts, lengths, cut = [], [], []
    for i, (text, offsets) in enumerate(zip(questions, encoded["offset_mapping"])):
        if len(offsets) > limit:
            texts.append(text[:offsets[limit - 1][1]])
            cut.append(i)
        else:
            texts.append(text)
        lengths.append(len(offsets))
    if cut:  # a cut inside a word can re-tokenise differently: count again
        again = tokenizer([texts[i] for i in cut], add_special_tokens=False)["input_ids"]
        for i, ids in zip(cut, again):
            lengths[i] = len(ids)
    return texts, lengths


def build_qa_inputs(tokenizer, questions: Sequence[str], contexts: Sequence[str], max_length: int,
                    doc_stride: int, max_query_length: int) -> QAInputs:
    if not getattr(tokenizer, "is_fast", False):
        raise HarnessError(f"{type(tokenizer).__name__}: QA needs a fast tokenizer (character offsets)")
    specials = tokenizer.num_special_tokens_to_add(pair=True)
    limit = min(max_query_length, max(1, (max_length - specials) // 2))
    if max_length - specials - 1 < 1:
        raise HarnessError(f"max_length {max_length} leaves no room for the context")
    questions, q_lengths = _truncate_questions(tokenizer, questions, limit)
    context_first_side = tokenizer.padding_side != "right"  # XLNet-style models put the context first
    context_id = 0 if context_first_side else 1
    groups: dict[int, list[int]] = {}
    for i, length in enumerate(q_lengths):
        groups.setdefault(length, []).append(i)
    per_example: list[list[tuple[dict, QAWindow]]] = [[] for _ in questions]
    for q_length, members in sorted(groups.items()):
        capacity = max(1, max_length - specials - q_length)
        overlap = max(0, capacity - doc_stride)  # the tokenizer's "stride" is the overlap
        qs, cs = [questions[i] for i in members], [contexts[i] for i in members]
        encoded = tokenizer(*((cs, qs) if context_first_side else (qs, cs)),
                            truncation="only_first" if context_first_side else "only_second",
                            max_length=max_length, stride=overlap, return_overflowing_tokens=True,
                            return_offsets_mapping=True)
        keys = [k for k in ("input_ids", "token_type_ids") if k in encoded]
        for w, local in enumerate(encoded["overflow_to_sample_mapping"]):
            sequence_ids = encoded.sequence_ids(w)
            context = [p for p, s in enumerate(sequence_ids) if s == context_id]
            window = QAWindow(members[local], context[0] if context else -1, context[-1] if context else -2,
                              [tuple(o) for o in encoded["offset_mapping"][w]], np.zeros(0, dtype=bool))
            per_example[members[local]].append(({k: encoded[k][w] for k in keys}, window))
        for i in members:
            _mark_max_context([win for _, win in per_example[i]], capacity - overlap)
    features = [f for pairs in per_example for f, _ in pairs]
    windows = [w for pairs in per_example for _, w in pairs]
    return QAInputs(features, windows)


def _mark_max_context(windows: list[QAWindow], advance: int) -> None:
    lengths = [max(0, w.context_last - w.context_first + 1) for w in windows]
    starts = [k * advance for k in range(len(windows))]
    def starts_where_expected(k: int) -> bool:
        previous, current = windows[k - 1], windows[k]
        if not lengths[k] or lengths[k - 1] <= advance:
            return True
        return current.offsets[current.context_first] == previous.offsets[previous.context_first + advance]

    consistent = all(starts_where_expected(k) for k in range(1, len(windows)))
    if not consistent:  # a tokenizer that does not overflow as expected: no max-context filter
        log.warning("context windows do not advance by %d tokens; every window may start an answer", advance)
        for w, n in zip(windows, lengths):
            w.max_context = np.ones(n, dtype=bool)
        return
    owner = max_context_owner(starts, lengths)
    for k, (w, start, n) in enumerate(zip(windows, starts, lengths)):
        w.max_context = owner[start:start + n] == k
