import numpy as np
import pytest

from harness.metrics.corpus import MetricSpec, reduce_batched, reduce_stats
from harness.metrics.image_text_retrieval import (gold_ranks, group_by_image, recall_at_k, recall_hits,
                                                  top_candidates)

# captions (rows) × images (columns); caption i belongs to image i
SIM = np.array([
    [0.9, 0.1, 0.3, 0.2],   # gold first                      → IR rank 1
    [0.5, 0.4, 0.6, 0.1],   # two images score higher          → rank 3
    [0.2, 0.2, 0.2, 0.2],   # all tied: earlier images first   → rank 3
    [0.1, 0.8, 0.7, 0.75],  # 0.8 and 0.75 > 0.75? only 0.8    → rank 2
])


def test_ir_ranks_and_recall_match_a_hand_computed_matrix():
    ranks = gold_ranks(SIM, [[0], [1], [2], [3]])
    assert ranks.tolist() == [1, 3, 3, 2]
    assert recall_at_k(ranks, 1) == 25.0
    assert recall_at_k(ranks, 2) == 50.0
    assert recall_at_k(ranks, 5) == 100.0


def test_tr_ranks_each_image_by_its_best_placed_caption():
    # images are queries over captions: column j of SIM
    ranks = gold_ranks(SIM.T, [[0], [1], [2], [3]])
    # image 0 column (.9 .5 .2 .1) → 1; image 1 (.1 .4 .2 .8) → 2; image 2 (.3 .6 .2 .7) → 4;
    # image 3 (.2 .1 .2 .75) → 1
    assert ranks.tolist() == [1, 2, 4, 1]
    shared = gold_ranks(SIM.T[:1], [[2, 1]])  # an image with two captions: the better one counts
    assert shared.tolist() == [2]


def test_missing_images_leave_the_pool_and_count_as_misses():
    ok = np.array([True, True, False, True])
    ir = gold_ranks(SIM, [[0], [1], [2], [3]], candidate_ok=ok)
    assert ir.tolist() == [1, 2, 0, 2]  # caption 1 no longer loses to image 2; caption 2's image is gone
    tr = gold_ranks(SIM.T, [[0], [1], [2], [3]], query_ok=ok)
    assert tr.tolist() == [1, 2, 0, 1]
    assert recall_hits(ir, 1).tolist() == [1, 0, 0, 0]
    assert top_candidates(SIM, 3, candidate_ok=ok)[1] == [0, 1, 3]


def test_ranks_do_not_depend_on_chunk_size(monkeypatch):
    rng = np.random.default_rng(0)
    sim = np.round(rng.normal(size=(50, 50)), 1)  # rounding makes ties
    golds = [[i] for i in range(50)]
    expected = gold_ranks(sim, golds)
    import harness.metrics.image_text_retrieval as module

    monkeypatch.setattr(module, "QUERY_CHUNK", 7)
    assert gold_ranks(sim, golds).tolist() == expected.tolist()
    order = np.argsort(-sim, axis=1, kind="stable")
    assert expected.tolist() == [int(np.where(order[i] == i)[0][0]) + 1 for i in range(50)]
    assert top_candidates(sim, 10) == order[:, :10].tolist()


def test_captions_sharing_an_image_become_one_candidate():
    image_of, captions = group_by_image(["wit-3", "wit-1", "wit-3", "wit-2"])
    assert image_of.tolist() == [0, 1, 0, 2]
    assert captions == [[0, 2], [1], [3]]


def test_ratio_reducer_averages_over_the_marked_queries():
    spec = MetricSpec("tr_r1", "ratio", "tr_hit1", per="tr_query")
    stats = {"tr_hit1": np.array([1, 0, 0, 1, 0]), "tr_query": np.array([1, 0, 1, 1, 0])}
    assert reduce_stats(spec, stats) == pytest.approx(200 / 3)
    batched = reduce_batched(spec, {k: np.stack([v, v[::-1]]) for k, v in stats.items()})
    assert batched == pytest.approx([200 / 3, 200 / 3])
    assert MetricSpec.from_dict("tr_r1", spec.to_dict()) == spec
