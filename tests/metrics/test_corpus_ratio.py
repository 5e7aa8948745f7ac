import numpy as np
import pytest

from harness.metrics.corpus import MetricSpec, needed_stats, reduce_batched, reduce_stats, score_metrics

ACCURACY = MetricSpec("accuracy", "ratio", "correct", "randomization", per="tokens")


def test_ratio_is_a_ratio_of_sums_not_a_mean_of_ratios():
    rows = [{"stats": {"correct": 1, "tokens": 1}}, {"stats": {"correct": 1, "tokens": 9}}]
    assert score_metrics({"accuracy": ACCURACY}, rows)["accuracy"] == pytest.approx(20.0)
    assert needed_stats(ACCURACY) == ("correct", "tokens")


def test_batched_ratio_matches_the_single_reduction():
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, 10, size=(4, 7))
    correct = np.minimum(tokens, rng.integers(0, 10, size=(4, 7)))
    batched = reduce_batched(ACCURACY, {"correct": correct, "tokens": tokens})
    single = [reduce_stats(ACCURACY, {"correct": correct[r], "tokens": tokens[r]}) for r in range(4)]
    np.testing.assert_allclose(batched, single)
    assert reduce_stats(ACCURACY, {"correct": np.zeros(2), "tokens": np.zeros(2)}) == 0.0


def test_spec_round_trips_through_its_dict():
    assert MetricSpec.from_dict("accuracy", ACCURACY.to_dict()) == ACCURACY
    assert "per" not in MetricSpec("f1", "f1", None, "randomization").to_dict()
