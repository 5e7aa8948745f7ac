"""Span F1 for tagging as seqeval 1.2.2 computes it, reduced to per-sentence statistics.

XTREME's evaluate.py scores both PAN-X (IOB2) and UD-POS (bare UPOS tags) with seqeval's default
``f1_score(gold_sentences, predicted_sentences)``. seqeval reads every tag as a one-character
prefix and a type: the type is what follows the first ``-`` after the first character, or the
rest of the tag, or ``_`` when that is empty. So ``B-PER`` is (B, PER) and ``NOUN`` is (N, OUN).
Its chunker then applies the IOBES boundary rules to those prefixes. On bare UPOS tags this means:

- a run of equal tags is one chunk (``NOUN NOUN`` is a single span), except that
- ``SCONJ`` and ``SYM`` (prefix S) are one chunk per word, and ``INTJ`` runs behave as I- runs;
- ``X`` has the empty type ``_``, the same as the ``O`` that seqeval puts between sentences, so
  an ``X`` run at the end of a sentence is carried across the separator: it is dropped unless the
  next sentence starts with ``X``, and a sentence-initial ``X`` run can inherit the start offset
  of the previous sentence's last chunk.

To reproduce those numbers exactly, chunks are found on the whole flattened sequence (sentences
joined by ``O``, as seqeval does) and each chunk is credited to the sentence holding its last
word. The per-sentence (tp, fp, fn) then sum to exactly seqeval's corpus counts, so the corpus
precision, recall and F1 are recomputed from sums (harness/metrics/corpus.py).
"""

from __future__ import annotations

from typing import Iterable, Sequence

_CLOSED_AFTER = frozenset("ES")
_OPEN_BEFORE = frozenset("BI")
_CLOSES_OPEN = frozenset("BSO")
_NO_TYPE = frozenset("O.")


def seqeval_prefix_and_type(tag: str) -> tuple[str, str]:
    """seqeval's reading of a tag (no suffix scheme): first character, and the type."""
    return tag[0], tag[1:].split("-", 1)[-1] or "_"


def _chunk_ends(prev_prefix: str, prefix: str, prev_type: str, type_: str) -> bool:
    if prev_prefix in _CLOSED_AFTER:
        return True
    if prev_prefix in _OPEN_BEFORE and prefix in _CLOSES_OPEN:
        return True
    return prev_prefix not in _NO_TYPE and prev_type != type_


def _chunk_starts(prev_prefix: str, prefix: str, prev_type: str, type_: str) -> bool:
    if prefix in "BS":
        return True
    if prefix in "EI" and prev_prefix in "ESO":
        return True
    return prefix not in _NO_TYPE and prev_type != type_


def seqeval_chunks(tags: Iterable[str]) -> list[tuple[str, int, int]]:
    """(type, first, last) for every chunk of one flat tag sequence, in seqeval's order."""
    chunks = []
    prev_prefix, prev_type, begin = "O", "", 0
    position = -1
    for position, tag in enumerate([*tags, "O"]):
        if not tag:
            raise ValueError("empty tag")
        prefix, type_ = seqeval_prefix_and_type(tag)
        if _chunk_ends(prev_prefix, prefix, prev_type, type_):
            chunks.append((prev_type, begin, position - 1))
        if _chunk_starts(prev_prefix, prefix, prev_type, type_):
            begin = position
        prev_prefix, prev_type = prefix, type_
    return chunks


def _flatten(sentences: Sequence[Sequence[str]]) -> tuple[list[str], list[int]]:
    """seqeval's flattening of nested lists (an ``O`` after each sentence), and each position's sentence."""
    flat: list[str] = []
    owner: list[int] = []
    for index, sentence in enumerate(sentences):
        flat.extend(sentence)
        flat.append("O")
        owner.extend([index] * (len(sentence) + 1))
    return flat, owner


def sentence_span_stats(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> list[dict[str, int]]:
    """Per-sentence tp / fp / fn whose sums are seqeval's corpus counts for these sentences.

    ``gold`` and ``predicted`` must hold the same number of sentences with equal lengths (the
    callers check this with file and line numbers)."""
    if len(gold) != len(predicted) or any(len(g) != len(p) for g, p in zip(gold, predicted)):
        raise ValueError("gold and predicted tag sequences differ in shape")
    flat_gold, owner = _flatten(gold)
    flat_pred, _ = _flatten(predicted)
    gold_chunks = set(seqeval_chunks(flat_gold))
    pred_chunks = set(seqeval_chunks(flat_pred))
    stats = [{"tp": 0, "fp": 0, "fn": 0} for _ in gold]
    # A chunk's last position is always a word: seqeval never ends a chunk on an "O".
    for chunk in gold_chunks:
        stats[owner[chunk[2]]]["fn" if chunk not in pred_chunks else "tp"] += 1
    for chunk in pred_chunks - gold_chunks:
        stats[owner[chunk[2]]]["fp"] += 1
    return stats


def sentence_token_stats(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, int]:
    """Correct tags and words of one sentence: token accuracy is sum(correct) / sum(tokens)."""
    return {"correct": sum(g == p for g, p in zip(gold, predicted)), "tokens": len(gold)}
