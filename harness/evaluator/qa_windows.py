"""Model inputs for extractive QA: (question, context window) pairs with character offsets.

As XTREME's run_squad (transformers' SQuAD feature conversion): the question's token ids are cut
to ``max_query_length``; the context is cut into windows of ``max_length`` tokens whose starts
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


def _question_lengths(tokenizer, questions: Sequence[str]) -> list[int]:
    return [len(ids) for ids in tokenizer(list(questions), add_special_tokens=False)["input_ids"]]


def _long_question_windows(tokenizer, question: str, context: str, limit: int, capacity: int, overlap: int,
                           context_first_side: bool) -> list[tuple[list, list, list, list]]:
    """Windows of a question longer than ``limit`` tokens: its token ids cut to ``limit``, as the
    official feature conversion does (cutting the text and tokenising again can segment the last
    word differently), paired with each context window through the tokenizer's own post-processor,
    so special tokens, segment ids and offsets are exactly what a tokenizer call would give."""
    backend = tokenizer.backend_tokenizer
    backend.no_truncation()  # a tokenizer call sets these again for itself
    backend.no_padding()
    cut = backend.encode(question, add_special_tokens=False)
    cut.truncate(limit)
    context_encoding = backend.encode(context, add_special_tokens=False)
    if len(context_encoding.ids) > capacity:
        context_encoding.truncate(capacity, stride=overlap)
    first, second = (context_encoding, cut) if context_first_side else (cut, context_encoding)
    combined = backend.post_process(first, second, add_special_tokens=True)
    # The post-processor pairs every part of both sides (the question's cut-off remainder too) and
    # leaves the first side's sequence ids unmarked: tell the sides apart by the template's special
    # tokens instead, and keep the windows whose question part is the cut question.
    question_side, context_side = (1, 0) if context_first_side else (0, 1)
    kept = list(zip(cut.ids, cut.offsets))  # offsets too: a repetitive question's parts may share ids
    windows = []  # (context start, encoding, its sides)
    for encoding in [combined, *combined.overflowing]:
        sides = _sides(encoding.special_tokens_mask)
        parts: dict[int, list] = {question_side: [], context_side: []}
        for i, o, s in zip(encoding.ids, encoding.offsets, sides):
            if s is not None:
                parts.setdefault(s, []).append((i, o))
        if parts[question_side] == kept:
            windows.append((parts[context_side][0][1][0] if parts[context_side] else -1, encoding, sides))
    windows.sort(key=lambda window: window[0])
    # Overflowing parts keep the segment ids of the plain encodes (all 0): take each side's and
    # each special token's segment id from the first encoding, which the template set.
    first_sides = _sides(combined.special_tokens_mask)
    side_type = {s: t for t, s in zip(combined.type_ids, first_sides) if s is not None}
    special_types = [t for t, s in zip(combined.type_ids, first_sides) if s is None]
    features = []
    for _, encoding, sides in windows:
        specials = iter(special_types)
        type_ids = [next(specials) if s is None else side_type[s] for s in sides]
        features.append((list(encoding.ids), type_ids, sides, list(encoding.offsets)))
    return features


def _sides(special_tokens_mask: Sequence[int]) -> list[int | None]:
    """Sequence ids from a pair encoding's special-tokens mask: None for the template's special
    tokens, 0 for the first run of other tokens, 1 for the second (every template — [CLS] A [SEP]
    B [SEP], XLM-R's double [SEP], XLNet's A [SEP] B [SEP] [CLS] — puts special tokens between the
    two sides)."""
    sides: list[int | None] = []
    side, in_run = -1, False
    for special in special_tokens_mask:
        if special:
            sides.append(None)
            in_run = False
            continue
        if not in_run:
            side, in_run = side + 1, True
        sides.append(side)
    return sides


def build_qa_inputs(tokenizer, questions: Sequence[str], contexts: Sequence[str], max_length: int,
                    doc_stride: int, max_query_length: int) -> QAInputs:
    if not getattr(tokenizer, "is_fast", False):
        raise HarnessError(f"{type(tokenizer).__name__}: QA needs a fast tokenizer (character offsets)")
    specials = tokenizer.num_special_tokens_to_add(pair=True)
    limit = min(max_query_length, max(1, (max_length - specials) // 2))
    if max_length - specials - 1 < 1:
        raise HarnessError(f"max_length {max_length} leaves no room for the context")
    q_lengths = _question_lengths(tokenizer, questions)
    context_first_side = tokenizer.padding_side != "right"  # XLNet-style models put the context first
    context_id = 0 if context_first_side else 1
    keys = [k for k in ("input_ids", "token_type_ids") if k in tokenizer.model_input_names]
    per_example: list[list[tuple[dict, QAWindow]]] = [[] for _ in questions]
    groups: dict[int, list[int]] = {}
    for i, length in enumerate(q_lengths):
        if length <= limit:
            groups.setdefault(length, []).append(i)
            continue
        capacity = max(1, max_length - specials - limit)
        overlap = max(0, capacity - doc_stride)
        for ids, type_ids, sequence_ids, offsets in _long_question_windows(
                tokenizer, questions[i], contexts[i], limit, capacity, overlap, context_first_side):
            feature = {"input_ids": ids, "token_type_ids": type_ids}
            per_example[i].append(({k: feature[k] for k in keys}, _window(i, sequence_ids, offsets, context_id)))
        _mark_max_context([win for _, win in per_example[i]], capacity - overlap)
    for q_length, members in sorted(groups.items()):
        capacity = max(1, max_length - specials - q_length)
        overlap = max(0, capacity - doc_stride)  # the tokenizer's "stride" is the overlap
        qs, cs = [questions[i] for i in members], [contexts[i] for i in members]
        encoded = tokenizer(*((cs, qs) if context_first_side else (qs, cs)),
                            truncation="only_first" if context_first_side else "only_second",
                            max_length=max_length, stride=overlap, return_overflowing_tokens=True,
                            return_offsets_mapping=True)
        for w, local in enumerate(encoded["overflow_to_sample_mapping"]):
            window = _window(members[local], encoded.sequence_ids(w), encoded["offset_mapping"][w], context_id)
            per_example[members[local]].append(({k: encoded[k][w] for k in keys}, window))
        for i in members:
            _mark_max_context([win for _, win in per_example[i]], capacity - overlap)
    features = [f for pairs in per_example for f, _ in pairs]
    windows = [w for pairs in per_example for _, w in pairs]
    return QAInputs(features, windows)


def _window(example: int, sequence_ids: Sequence, offsets: Sequence, context_id: int) -> QAWindow:
    context = [p for p, s in enumerate(sequence_ids) if s == context_id]
    return QAWindow(example, context[0] if context else -1, context[-1] if context else -2,
                    [tuple(o) for o in offsets], np.zeros(0, dtype=bool))


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
