"""Image–text retrieval ranks and Recall@K, as IGLUE's eval_retrieval.py computes them.

Caption i and image i belong together (IGLUE's xFlickr&CO and WIT test files pair one caption
with one image). Text→image (IR): each caption ranks every image; image→text (TR): each image
ranks every caption. Recall@K is the share of queries whose gold candidate is among the top K.
Ties are broken by candidate order (lower index first), as a stable sort would, so a rank never
depends on chunk sizes or devices.
"""

from __future__ import annotations

import numpy as np

QUERY_CHUNK = 1024


def gold_ranks(similarity: np.ndarray, candidate_ok: np.ndarray | None = None,
               query_ok: np.ndarray | None = None) -> np.ndarray:
    """1-based rank of each query's gold candidate (the same index) in ``similarity`` (queries ×
    candidates, square); 0 where the query or its gold candidate is unusable (a missing image),
    which counts as a miss at every K. Unusable candidates are left out of every ranking."""
    sim = np.asarray(similarity, dtype=np.float64)
    n = sim.shape[0]
    if sim.shape != (n, n):
        raise ValueError(f"similarity must be square (one gold candidate per query), got {sim.shape}")
    candidate_ok = np.ones(n, dtype=bool) if candidate_ok is None else np.asarray(candidate_ok, dtype=bool)
    query_ok = np.ones(n, dtype=bool) if query_ok is None else np.asarray(query_ok, dtype=bool)
    ranks = np.zeros(n, dtype=np.int64)
    columns = np.arange(n)
    for start in range(0, n, QUERY_CHUNK):
        rows = np.arange(start, min(n, start + QUERY_CHUNK))
        block = sim[rows]
        gold = block[np.arange(len(rows)), rows][:, None]
        usable = candidate_ok[None, :]
        higher = ((block > gold) & usable).sum(axis=1)
        earlier_ties = ((block == gold) & usable & (columns[None, :] < rows[:, None])).sum(axis=1)
        ranks[rows] = 1 + higher + earlier_ties
    ranks[~(query_ok & candidate_ok)] = 0
    return ranks


def recall_hits(ranks: np.ndarray, k: int) -> np.ndarray:
    """Per-query 0/1: the gold candidate is within the top ``k`` (rank 0 = unusable = miss)."""
    ranks = np.asarray(ranks)
    return ((ranks >= 1) & (ranks <= k)).astype(np.int64)


def recall_at_k(ranks: np.ndarray, k: int) -> float:
    """Recall@k as a percentage."""
    hits = recall_hits(ranks, k)
    return float(hits.mean() * 100.0) if hits.size else 0.0


def top_candidates(similarity: np.ndarray, k: int, candidate_ok: np.ndarray | None = None) -> np.ndarray:
    """Each query's ``k`` best candidates, best first, ties by lower index; unusable ones last."""
    sim = np.asarray(similarity, dtype=np.float64)
    if candidate_ok is not None:
        sim = np.where(np.asarray(candidate_ok, dtype=bool)[None, :], sim, -np.inf)
    order = np.argsort(-sim, axis=1, kind="stable")
    return order[:, :k]
