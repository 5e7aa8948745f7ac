"""BUCC 2018 mining as XTREME does it (its third_party/utils_retrieve.py, after LASER).

1. L2-normalised embeddings; k nearest neighbours (k = 4) in both directions.
2. Ratio margin: score(x, y) = cos(x, y) / ((mean of x's k forward cosines + mean of y's k
   backward cosines) / 2).
3. "max" retrieval: each source's best candidate and each target's best candidate, pooled and
   taken greedily one-to-one by descending score; pairs scoring <= 0 are dropped.
4. Duplicate sentences are collapsed before mining (text_load_unify); afterwards a mined pair whose
   source or target text occurs more than once in its file is dropped, as read_sent2id /
   read_candidate2score do: such sentences can never be extracted, while gold pairs among them
   stay in the recall denominator.
5. The threshold maximising F1 against a gold set (the dev "sample" release) is the midpoint
   between the last kept and the next candidate score; test pairs with score >= threshold are
   kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from harness.metrics.corpus import f1_from_counts
from harness.metrics.retrieval import knn_cosine


def bucc_margin_scores(x: np.ndarray, y: np.ndarray, k: int = 4, device: str | None = None, knn=knn_cosine):
    """Forward (x→y) and backward (y→x) candidate indices with their ratio-margin scores.

    ``knn`` is the nearest-neighbour search (signature of :func:`knn_cosine`), e.g. one that
    shards the queries across processes."""
    x2y_sim, x2y_idx = knn(x, y, k, device=device)
    y2x_sim, y2x_idx = knn(y, x, k, device=device)
    x2y_mean = x2y_sim.mean(axis=1)
    y2x_mean = y2x_sim.mean(axis=1)
    fwd = x2y_sim / ((x2y_mean[:, None] + y2x_mean[x2y_idx]) / 2)
    bwd = y2x_sim / ((y2x_mean[:, None] + x2y_mean[y2x_idx]) / 2)
    return x2y_idx, fwd, y2x_idx, bwd


def mine_max(x2y_idx, fwd, y2x_idx, bwd, threshold: float = 0.0) -> list[tuple[int, int, float]]:
    """Greedy one-to-one pairs (x index, y index, score) by descending score, score > threshold."""
    nx, ny = len(fwd), len(bwd)
    fwd_best = x2y_idx[np.arange(nx), fwd.argmax(axis=1)]
    bwd_best = y2x_idx[np.arange(ny), bwd.argmax(axis=1)]
    src = np.concatenate([np.arange(nx), bwd_best])
    trg = np.concatenate([fwd_best, np.arange(ny)])
    scores = np.concatenate([fwd.max(axis=1), bwd.max(axis=1)]).astype(np.float64)
    seen_src, seen_trg, pairs = set(), set(), []
    for i in np.argsort(-scores, kind="stable"):
        s, t = int(src[i]), int(trg[i])
        if s in seen_src or t in seen_trg:
            continue
        seen_src.add(s)
        seen_trg.add(t)
        if scores[i] > threshold:
            pairs.append((s, t, float(scores[i])))
    return pairs


@dataclass
class Collapsed:
    """Unique sentences, the ids that carry each (in file order), and which of them repeat."""

    texts: list[str]
    ids: list[list[str]]
    repeated: frozenset[int] = frozenset()  # unique texts whose stripped form occurs more than once

    @classmethod
    def of(cls, id_sentences: Sequence[Sequence[str]]) -> "Collapsed":
        by_text: dict[str, list[str]] = {}
        stripped: dict[str, int] = {}
        for sid, text in id_sentences:
            by_text.setdefault(text, []).append(sid)
            stripped[text.strip()] = stripped.get(text.strip(), 0) + 1
        texts = list(by_text)
        repeated = frozenset(i for i, text in enumerate(texts) if stripped[text.strip()] > 1)
        return cls(texts, list(by_text.values()), repeated)


def expand_candidates(pairs, source: Collapsed, target: Collapsed) -> dict[tuple[str, str], float]:
    """Mined sentence pairs → (source id, target id) candidates with their scores, leaving out
    pairs with a repeated sentence on either side (XTREME's read_candidate2score)."""
    candidates: dict[tuple[str, str], float] = {}
    for s, t, score in pairs:
        if s in source.repeated or t in target.repeated:
            continue
        key = (source.ids[s][0], target.ids[t][0])
        candidates[key] = max(score, candidates.get(key, score))
    return candidates


def bucc_optimize_threshold(candidates: Mapping[tuple[str, str], float], gold: Iterable[tuple[str, str]]) -> tuple[float, float]:
    """The threshold maximising F1 against ``gold``, and that F1 (0–1)."""
    gold = set(map(tuple, gold))
    items = sorted(candidates.items(), key=lambda item: -item[1])
    if not items or not gold:
        return 0.0, 0.0
    scores = np.array([score for _, score in items])
    correct = np.cumsum([pair in gold for pair, _ in items])
    extracted = np.arange(1, len(items) + 1)
    precision = correct / extracted
    recall = correct / len(gold)
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(correct > 0, 2 * precision * recall / (precision + recall), 0.0)
    best = int(np.argmax(f1))  # first index reaching the best F1, as XTREME's strict '>' loop
    if f1[best] <= 0:
        return 0.0, 0.0
    threshold = (scores[best] + scores[best + 1]) / 2 if best + 1 < len(scores) else scores[best]
    return float(threshold), float(f1[best])


def bucc_extract(candidates: Mapping[tuple[str, str], float], threshold: float) -> list[tuple[str, str]]:
    return [pair for pair, score in candidates.items() if score >= threshold]


def bucc_prf(extracted: Iterable[tuple[str, str]], gold: Iterable[tuple[str, str]]) -> tuple[float, float, float]:
    """Precision, recall, F1 (0–1) of extracted pairs against gold pairs."""
    extracted = set(map(tuple, extracted))
    gold = set(map(tuple, gold))
    tp = len(extracted & gold)
    return f1_from_counts(tp, len(extracted) - tp, len(gold) - tp)
