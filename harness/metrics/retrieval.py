"""Nearest-neighbour search by cosine similarity, in chunks so memory stays bounded.

The similarity matrix of a BUCC-sized corpus (400k × 400k) is never built: queries and index are
cut into blocks, and only each query's running top-k is kept.
"""

from __future__ import annotations

import numpy as np

DEFAULT_QUERY_CHUNK = 4096
DEFAULT_INDEX_CHUNK = 32768


def l2_normalize(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


def knn_cosine(
    queries: np.ndarray,
    index: np.ndarray,
    k: int,
    device: str | None = None,
    query_chunk: int = DEFAULT_QUERY_CHUNK,
    index_chunk: int = DEFAULT_INDEX_CHUNK,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-k cosine similarities and indices of ``index`` rows for each query row.

    Inputs must already be L2-normalised. Results are sorted by descending similarity; equal
    similarities keep the lower index first (as an exhaustive flat index does), so results do
    not depend on the chunk sizes."""
    import torch

    k = min(k, len(index))
    nq = len(queries)
    out_sims = np.empty((nq, k), dtype=np.float32)
    out_idx = np.empty((nq, k), dtype=np.int64)
    if nq == 0 or k == 0:
        return out_sims[:, :k], out_idx[:, :k]
    dev = torch.device(device or "cpu")
    index_t = torch.from_numpy(np.ascontiguousarray(index, dtype=np.float32))
    blocks = [index_t[s:s + index_chunk].to(dev) for s in range(0, len(index), index_chunk)]
    for q0 in range(0, nq, query_chunk):
        q = torch.from_numpy(np.ascontiguousarray(queries[q0:q0 + query_chunk], dtype=np.float32)).to(dev)
        best_s = torch.full((len(q), k), -float("inf"), device=dev)
        best_i = torch.full((len(q), k), -1, dtype=torch.long, device=dev)
        offset = 0
        for block in blocks:
            sims = q @ block.T
            if k == 1:  # max() returns the first maximal index, so exact ties keep the lower one
                top_s, top_i = sims.max(dim=1, keepdim=True)
            else:
                top_s, top_i = torch.topk(sims, min(k, block.shape[0]), dim=1)
            cand_s = torch.cat([best_s, top_s], dim=1)
            cand_i = torch.cat([best_i, top_i + offset], dim=1)
            # Order by (similarity desc, index asc): sort by index first, then stably by similarity.
            by_index = torch.argsort(torch.where(cand_i < 0, torch.iinfo(torch.long).max, cand_i), dim=1)
            cand_s, cand_i = cand_s.gather(1, by_index), cand_i.gather(1, by_index)
            order = torch.argsort(cand_s, dim=1, descending=True, stable=True)[:, :k]
            best_s, best_i = cand_s.gather(1, order), cand_i.gather(1, order)
            offset += block.shape[0]
        out_sims[q0:q0 + len(q)] = best_s.cpu().numpy()
        out_idx[q0:q0 + len(q)] = best_i.cpu().numpy()
    return out_sims, out_idx


def top1_retrieval(queries: np.ndarray, index: np.ndarray, device: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """For each (normalised) query, the index row with the highest cosine, and that cosine."""
    sims, idx = knn_cosine(queries, index, 1, device=device)
    return idx[:, 0], sims[:, 0]
