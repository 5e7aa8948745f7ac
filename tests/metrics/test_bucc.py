"""BUCC mining against a direct, loop-by-loop transcription of the protocol in REFERENCE.md."""

import numpy as np
import pytest

from harness.metrics.bucc import (
    Collapsed,
    bucc_extract,
    bucc_margin_scores,
    bucc_optimize_threshold,
    bucc_prf,
    expand_candidates,
    mine_max,
)
from harness.metrics.retrieval import knn_cosine, l2_normalize


def reference_mine(x, y, k=4):
    """Full similarity matrix, explicit loops: what XTREME's mine_bitext computes."""
    sim = x @ y.T
    kx, ky = min(k, len(y)), min(k, len(x))
    fwd_mean = np.array([np.sort(row)[::-1][:kx].mean() for row in sim])
    bwd_mean = np.array([np.sort(col)[::-1][:ky].mean() for col in sim.T])
    candidates = []
    for i in range(len(x)):
        best = max(np.argsort(-sim[i], kind="stable")[:kx], key=lambda j: sim[i, j] / ((fwd_mean[i] + bwd_mean[j]) / 2))
        candidates.append((sim[i, best] / ((fwd_mean[i] + bwd_mean[best]) / 2), i, best))
    for j in range(len(y)):
        best = max(np.argsort(-sim[:, j], kind="stable")[:ky], key=lambda i: sim[i, j] / ((bwd_mean[j] + fwd_mean[i]) / 2))
        candidates.append((sim[best, j] / ((bwd_mean[j] + fwd_mean[best]) / 2), best, j))
    order = sorted(range(len(candidates)), key=lambda n: -candidates[n][0])
    seen_x, seen_y, out = set(), set(), []
    for n in order:
        score, i, j = candidates[n]
        if i in seen_x or j in seen_y:
            continue
        seen_x.add(i)
        seen_y.add(j)
        if score > 0:
            out.append((i, j, score))
    return out


def reference_threshold(candidates, gold):
    """XTREME's bucc_optimize loop (with the last-item case made safe)."""
    items = sorted(candidates.items(), key=lambda kv: -kv[1])
    nextract = ncorrect = 0
    threshold, best_f1 = 0.0, 0.0
    for i, (pair, score) in enumerate(items):
        nextract += 1
        ncorrect += pair in gold
        if ncorrect > 0:
            p, r = ncorrect / nextract, ncorrect / len(gold)
            f1 = 2 * p * r / (p + r)
            if f1 > best_f1:
                best_f1 = f1
                threshold = (score + items[i + 1][1]) / 2 if i + 1 < len(items) else score
    return threshold, best_f1


@pytest.mark.parametrize("seed", range(5))
def test_mining_equals_the_loop_reference(seed):
    rng = np.random.default_rng(seed)
    y = l2_normalize(rng.normal(size=(40, 16)))
    x = l2_normalize(np.vstack([y[:25] + 0.3 * rng.normal(size=(25, 16)), rng.normal(size=(10, 16))]))
    ours = mine_max(*bucc_margin_scores(x, y, k=4))
    ref = reference_mine(x, y, k=4)
    assert [(i, j) for i, j, _ in ours] == [(i, j) for i, j, _ in ref]
    np.testing.assert_allclose([s for *_, s in ours], [s for *_, s in ref], rtol=1e-5)


def test_margin_score_by_hand():
    # Two sources, three targets in 2-d; k = 2.
    x = l2_normalize(np.array([[1.0, 0.0], [0.0, 1.0]]))
    y = l2_normalize(np.array([[1.0, 0.1], [0.6, 0.8], [0.0, 1.0]]))
    x2y_idx, fwd, y2x_idx, bwd = bucc_margin_scores(x, y, k=2)
    sim = x @ y.T
    fwd_mean = np.sort(sim, axis=1)[:, ::-1][:, :2].mean(axis=1)
    bwd_mean = np.sort(sim.T, axis=1)[:, ::-1][:, :2].mean(axis=1)
    j = x2y_idx[0, 0]
    assert fwd[0, 0] == pytest.approx(sim[0, j] / ((fwd_mean[0] + bwd_mean[j]) / 2), rel=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_threshold_equals_xtreme_loop(seed):
    rng = np.random.default_rng(seed)
    candidates = {(f"s{i}", f"t{i if rng.random() < 0.6 else i + 1000}"): float(rng.random()) for i in range(60)}
    gold = {(f"s{i}", f"t{i}") for i in range(70)}
    assert bucc_optimize_threshold(candidates, gold) == pytest.approx(reference_threshold(candidates, gold))


def test_threshold_then_extract_with_greater_or_equal():
    candidates = {("a", "1"): 0.9, ("b", "2"): 0.8, ("c", "9"): 0.7, ("d", "4"): 0.6}
    gold = {("a", "1"), ("b", "2"), ("d", "4")}
    threshold, f1 = bucc_optimize_threshold(candidates, gold)
    # F1 after 1: .5, after 2: .8, after 3: .667, after 4: .857 → keep all four; last item: its own score
    assert threshold == pytest.approx(0.6)
    assert f1 == pytest.approx(6 / 7)
    assert sorted(bucc_extract(candidates, threshold)) == sorted(candidates)
    candidates[("e", "5")] = 0.1
    threshold, _ = bucc_optimize_threshold(candidates, gold)
    assert threshold == pytest.approx(0.35)  # midpoint to the next score


def test_duplicates_are_mined_once_and_then_dropped_like_xtreme():
    source = Collapsed.of([["s1", "Hallo"], ["s2", "Welt"], ["s3", "Hallo"], ["s4", "Baum "], ["s5", "Baum"]])
    target = Collapsed.of([["t1", "Hello"], ["t2", "Hello"], ["t3", "World"], ["t4", "Tree"]])
    assert source.texts == ["Hallo", "Welt", "Baum ", "Baum"] and source.ids[0] == ["s1", "s3"]
    # "Baum " and "Baum" are two texts to mine but one sentence once stripped: repeated too
    assert source.repeated == {0, 2, 3} and target.repeated == {0}
    pairs = [(0, 0, 1.2), (1, 1, 1.1), (2, 2, 1.0), (1, 2, 0.5)]
    assert expand_candidates(pairs, source, target) == {("s2", "t3"): 1.1, ("s2", "t4"): 0.5}


def test_prf_counts_sets():
    p, r, f = bucc_prf([("a", "1"), ("b", "3")], [("a", "1"), ("b", "2"), ("c", "3")])
    assert (p, r) == (0.5, pytest.approx(1 / 3))
    assert f == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))


def test_knn_in_small_chunks_equals_full_search():
    rng = np.random.default_rng(0)
    q = l2_normalize(rng.normal(size=(37, 8)))
    idx = l2_normalize(rng.normal(size=(53, 8)))
    full_s, full_i = knn_cosine(q, idx, 4)
    small_s, small_i = knn_cosine(q, idx, 4, query_chunk=5, index_chunk=7)
    np.testing.assert_array_equal(full_i, small_i)
    np.testing.assert_allclose(full_s, small_s, rtol=1e-6)
    brute = np.argsort(-(q @ idx.T), axis=1, kind="stable")[:, :4]
    np.testing.assert_array_equal(full_i, brute)


def test_top1_ties_keep_the_lower_index_whatever_the_chunking():
    idx = l2_normalize(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]))
    q = l2_normalize(np.array([[1.0, 0.0], [0.0, 1.0]]))
    for chunk in (1, 2, 4):
        _, i = knn_cosine(q, idx, 1, index_chunk=chunk)
        assert i[:, 0].tolist() == [0, 1]
