import numpy as np
import pytest

from harness.metrics.corpus import MetricSpec, needed_stats, reduce_means, reduce_stats

SPECS = [MetricSpec("accuracy", "mean", "correct"), MetricSpec("f1", "f1", None, "randomization"),
         MetricSpec("precision", "precision", None, "randomization"),
         MetricSpec("recall", "recall", None, "randomization")]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.reducer)
def test_metric_from_statistics_means_equals_metric_from_rows(spec):
    rng = np.random.default_rng(0)
    stats = {"correct": rng.integers(0, 2, 50).astype(float), "tp": rng.integers(0, 4, 50).astype(float),
             "fp": rng.integers(0, 3, 50).astype(float), "fn": rng.integers(0, 3, 50).astype(float)}
    means = {key: stats[key].mean() for key in needed_stats(spec)}
    assert float(reduce_means(spec, means)) == pytest.approx(reduce_stats(spec, stats), rel=1e-12)


def test_reduce_means_is_vectorised_over_resamples():
    spec = SPECS[1]
    means = {"tp": np.array([1.0, 0.0, 2.0]), "fp": np.array([1.0, 0.0, 0.0]), "fn": np.array([0.0, 0.0, 2.0])}
    np.testing.assert_allclose(reduce_means(spec, means), [100 * 2 / 3, 0.0, 100 * 2 / 3])
