"""Model inputs for word-level tagging: each word is read at its first sub-token, and sentences
longer than ``max_length`` are cut into overlapping windows of whole words, so that every word
gets a prediction (XTREME truncates them instead, dropping the words past the limit).

A word is predicted in the window where it has the most context on its poorer side, the rule
BERT's SQuAD code uses for overlapping document spans.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from harness.errors import HarnessError


@dataclass(frozen=True)
class TaggingInputs:
    features: list[dict]  # one per window: input_ids (and token_type_ids)
    positions: list[list[tuple[int, int]]]  # per sentence, per word: (window, token position)
    split_sentences: int  # sentences that needed more than one window


def word_windows(lengths: Sequence[int], capacity: int) -> list[tuple[int, int]]:
    """Word ranges [start, end) whose sub-token counts fit ``capacity``, each next window starting
    about half-way into the previous one. A word longer than ``capacity`` sits alone (and is
    truncated; only its first sub-token is read)."""
    if not lengths:
        return []
    windows = []
    start = 0
    while True:
        end, used = start, 0
        while end < len(lengths) and (end == start or used + lengths[end] <= capacity):
            used += lengths[end]
            end += 1
        windows.append((start, end))
        if end >= len(lengths):
            return windows
        next_start, covered = start + 1, lengths[start]
        while next_start < end - 1 and covered < used // 2:
            covered += lengths[next_start]
            next_start += 1
        # the next window must reach past this one, or it adds nothing
        while next_start < end and sum(lengths[next_start:end + 1]) > capacity:
            next_start += 1
        start = next_start


def assign_words(windows: Sequence[tuple[int, int]], lengths: Sequence[int]) -> list[int]:
    """For each word, the window where min(context before, context after) in sub-tokens is largest
    (the first such window on ties)."""
    offsets = [0]
    for length in lengths:
        offsets.append(offsets[-1] + length)
    best: list[tuple[float, int]] = [(-1.0, -1)] * len(lengths)
    for index, (start, end) in enumerate(windows):
        for word in range(start, end):
            score = min(offsets[word] - offsets[start], offsets[end] - offsets[word + 1])
            if score > best[word][0]:
                best[word] = (score, index)
    return [index for _, index in best]


def _first_subtokens(word_ids: Sequence[int | None], count: int) -> list[int]:
    """Each word's first sub-token position; -1 for a word that yielded none."""
    first = [-1] * count
    for position, word in enumerate(word_ids):
        if word is not None and first[word] < 0:
            first[word] = position
    return first


def build_tagging_inputs(tokenizer, sentences: Sequence[Sequence[str]], max_length: int) -> TaggingInputs:
    if not getattr(tokenizer, "is_fast", False):
        raise HarnessError(f"{type(tokenizer).__name__}: tagging needs a fast tokenizer (word ids per sub-token)")
    sentences = [list(s) for s in sentences]
    encoded = tokenizer(sentences, is_split_into_words=True, truncation=False) if sentences else None
    keys = [k for k in ("input_ids", "token_type_ids") if encoded is not None and k in encoded]
    firsts = [_first_subtokens(encoded.word_ids(i), len(s)) for i, s in enumerate(sentences)]
    # As XTREME's utils_tag: a word that yields no sub-token (a stray control character, say) is
    # read as the unknown token instead of vanishing.
    broken = [i for i, first in enumerate(firsts) if -1 in first]
    if broken:
        for i in broken:
            sentences[i] = [w if p >= 0 else tokenizer.unk_token for w, p in zip(sentences[i], firsts[i])]
        encoded = tokenizer(sentences, is_split_into_words=True, truncation=False)
        firsts = [_first_subtokens(encoded.word_ids(i), len(s)) for i, s in enumerate(sentences)]
    capacity = max_length - tokenizer.num_special_tokens_to_add(pair=False)
    if capacity < 1:
        raise HarnessError(f"max_length {max_length} leaves no room for words after the special tokens")
    features: list[dict] = []
    positions: list[list[tuple[int, int]]] = []
    pieces: list[tuple[int, int, int, list[int]]] = []  # (sentence, first word, window index, word ids)
    split = 0
    for i, sentence in enumerate(sentences):
        ids = encoded["input_ids"][i] if sentence else []
        if len(ids) <= max_length:
            if sentence:
                features.append({k: encoded[k][i] for k in keys})
            positions.append([(len(features) - 1, p) for p in firsts[i]])
            continue
        split += 1
        lengths = [0] * len(sentence)
        for word in encoded.word_ids(i):
            if word is not None:
                lengths[word] += 1
        windows = word_windows(lengths, capacity)
        chosen = assign_words(windows, lengths)
        base = len(features)
        positions.append([(base + chosen[w], -1) for w in range(len(sentence))])
        for index, (start, end) in enumerate(windows):
            features.append({})
            pieces.append((i, start, base + index, sentence[start:end]))
    if pieces:
        window_enc = tokenizer([p[3] for p in pieces], is_split_into_words=True, truncation=True, max_length=max_length)
        for j, (i, start, feature_index, words) in enumerate(pieces):
            features[feature_index] = {k: window_enc[k][j] for k in keys}
            first = _first_subtokens(window_enc.word_ids(j), len(words))
            for offset in range(len(words)):
                window, _ = positions[i][start + offset]
                if window == feature_index:
                    positions[i][start + offset] = (window, first[offset])
    return TaggingInputs(features, positions, split)
