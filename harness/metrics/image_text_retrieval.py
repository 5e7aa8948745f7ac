"""Image–text retrieval ranks and Recall@K, as IGLUE's eval_retrieval.py computes them.

Captions are the annotation rows; images are the distinct images they name (IGLUE keys them by
img_path for xFlickr&CO and by wit_ix for WIT, where several captions can share one image: up to 24 in ja).
Text→image (IR): each caption ranks every image, its gold is its own image. Image→text (TR):
each image ranks every caption, and its rank is that of its best-placed own caption. Recall@K
is the share of queries whose gold is within the top K. Ties are broken by candidate order
(lower index first), as a stable sort would, so a rank never depends on chunk sizes or devices.
"""

from __future__ import annotations

from typing import Hashable, Sequence

import numpy as np

QUERY_CHUNK = 512


def group_by_image(keys: Sequence[Hashable]) -> tuple[np.ndarray, list[list[int]]]:
    """For each caption its image's index (images numbered by first appearance), and for each
    image its captions."""
    index: dict = {}
    image_of = np.empty(len(keys), dtype=np.int64)
    captions: list[list[int]] = []
    for row, key in enumerate(keys):
        if key not in index:
            index[key] = len(captions)
            captions.append([])
        image_of[row] = index[key]
        captions[index[key]].append(row)
    return image_of, captions


def ranked_candidates(similarity: np.ndarray, candidate_ok: np.ndarray | None = None):
    """Yield (query rows, candidates in rank order, rank of every candidate) chunk by chunk.
    Unusable candidates (missing images) are ranked after every usable one."""
    sim = np.asarray(similarity, dtype=np.float64)
    if candidate_ok is not None:
        sim = np.where(np.asarray(candidate_ok, dtype=bool)[None, :], sim, -np.inf)
    for start in range(0, sim.shape[0], QUERY_CHUNK):
        block = sim[start:start + QUERY_CHUNK]
        order = np.argsort(-block, axis=1, kind="stable")
        position = np.empty_like(order)
        np.put_along_axis(position, order, np.arange(block.shape[1])[None, :], axis=1)
        yield np.arange(start, start + len(block)), order, position + 1


def gold_ranks(similarity: np.ndarray, golds: Sequence[Sequence[int]], candidate_ok: np.ndarray | None = None,
               query_ok: np.ndarray | None = None) -> np.ndarray:
    """1-based rank of each query's best-placed gold candidate (queries × candidates); 0 where
    the query is unusable or none of its golds is usable (a missing image): a miss at every K."""
    n_candidates = np.asarray(similarity).shape[1]
    ok = np.ones(n_candidates, dtype=bool) if candidate_ok is None else np.asarray(candidate_ok, dtype=bool)
    ranks = np.zeros(len(golds), dtype=np.int64)
    for rows, _order, rank in ranked_candidates(similarity, ok):
        for local, query in enumerate(rows):
            usable = [g for g in golds[query] if ok[g]]
            if usable and (query_ok is None or query_ok[query]):
                ranks[query] = int(rank[local, usable].min())
    return ranks


def recall_hits(ranks: np.ndarray, k: int) -> np.ndarray:
    """Per-query 0/1: the gold candidate is within the top ``k`` (rank 0 = unusable = miss)."""
    ranks = np.asarray(ranks)
    return ((ranks >= 1) & (ranks <= k)).astype(np.int64)


def recall_at_k(ranks: np.ndarray, k: int) -> float:
    """Recall@k as a percentage of the queries."""
    hits = recall_hits(ranks, k)
    return float(hits.mean() * 100.0) if hits.size else 0.0


def top_candidates(similarity: np.ndarray, k: int, candidate_ok: np.ndarray | None = None) -> list[list[int]]:
    """Each query's ``k`` best usable candidates, best first, ties by lower index."""
    ok = None if candidate_ok is None else np.asarray(candidate_ok, dtype=bool)
    unusable = 0 if ok is None else int((~ok).sum())
    out: list[list[int]] = []
    for _rows, order, _rank in ranked_candidates(similarity, ok):
        for row in order[:, :k + unusable]:
            out.append([int(c) for c in row if ok is None or ok[c]][:k])
    return out
