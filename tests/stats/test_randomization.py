import itertools

import numpy as np
import pytest

from harness.metrics.corpus import MetricSpec, reduce_stats
from harness.stats.randomization import approximate_randomization

F1 = MetricSpec("f1", "f1", None, "randomization")
KEYS = ("fn", "fp", "tp")


def _delta(spec, base_rows, treat_rows):
    cols = lambda rows: {k: rows[:, j] for j, k in enumerate(KEYS)}  # noqa: E731
    return reduce_stats(spec, cols(treat_rows)) - reduce_stats(spec, cols(base_rows))


def _brute_force_p(spec, base, treat):
    """Every swap pattern, the corpus F1 recomputed from the swapped rows themselves."""
    observed = abs(_delta(spec, base, treat))
    hits = total = 0
    for mask in itertools.product([False, True], repeat=len(base)):
        mask = np.array(mask)[:, None]
        swapped = abs(_delta(spec, np.where(mask, treat, base), np.where(mask, base, treat)))
        hits += swapped >= observed - 1e-9
        total += 1
    return hits / total


@pytest.mark.parametrize("seed", range(5))
def test_exact_randomization_equals_brute_force_over_all_swaps(seed):
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 3, size=(8, 3)).astype(float)
    treat = base.copy()
    treat[rng.random(8) < 0.6] = rng.integers(0, 3, size=3)
    p, exact = approximate_randomization({"f1": F1}, KEYS, base, treat, 10_000, rng)["f1"]
    assert exact
    assert p == pytest.approx(_brute_force_p(F1, base, treat), rel=1e-12)


def test_ties_are_counted_so_identical_systems_give_p_one():
    # sacreBLEU counts strictly greater |Δ*| and would report 1/(R+1) here.
    rng = np.random.default_rng(0)
    base = rng.integers(0, 4, size=(300, 3)).astype(float)
    p, _ = approximate_randomization({"f1": F1}, KEYS, base, base.copy(), 999, rng)["f1"]
    assert p == 1.0


def test_mirror_swaps_tie_with_the_observed_difference():
    # Two examples whose outputs are exchanged between the systems: Δ = 0, every swap ties.
    base = np.array([[0, 0, 2], [1, 1, 0]], dtype=float)
    treat = base[::-1].copy()
    p, exact = approximate_randomization({"f1": F1}, KEYS, base, treat, 100, np.random.default_rng(0))["f1"]
    assert exact and p == 1.0


def test_sampled_randomization_agrees_with_a_slow_row_level_reference():
    rng = np.random.default_rng(7)
    n = 60
    base = rng.integers(0, 4, size=(n, 3)).astype(float)
    treat = base + (rng.random((n, 1)) < 0.3) * np.array([-1.0, 0.0, 1.0])  # turn some fn into tp
    treat = np.clip(treat, 0, None)
    resamples = 3000
    p, exact = approximate_randomization({"f1": F1}, KEYS, base, treat, resamples, np.random.default_rng(1))["f1"]
    assert not exact
    reference_rng = np.random.default_rng(2)
    observed = abs(_delta(F1, base, treat))
    hits = 0
    for _ in range(resamples):
        mask = (reference_rng.random(n) < 0.5)[:, None]
        hits += abs(_delta(F1, np.where(mask, treat, base), np.where(mask, base, treat))) >= observed - 1e-9
    assert p == pytest.approx((hits + 1) / (resamples + 1), abs=0.03)


def test_mean_metric_randomization_matches_reduce_stats_direction():
    spec = MetricSpec("accuracy", "mean", "correct", "randomization")
    base = np.array([[1], [0], [0], [1], [0]], dtype=float)
    treat = np.array([[1], [1], [1], [1], [1]], dtype=float)
    p, exact = approximate_randomization({"accuracy": spec}, ("correct",), base, treat, 10_000,
                                         np.random.default_rng(0))["accuracy"]
    assert exact and p == pytest.approx(2 / 8)  # 3 discordant examples: only all-or-none swaps reach |Δ|


def test_subset_sum_tables_give_the_same_swaps_as_unpacked_bits(monkeypatch):
    from harness.stats import resampling

    rng = np.random.default_rng(4)
    differences = rng.integers(-3, 4, size=(203, 3)).astype(float)  # not a multiple of eight rows
    by_table, _ = resampling.swap_totals(differences, 500, np.random.default_rng(9))
    monkeypatch.setattr(resampling, "TABLE_ELEMENTS", 0)
    by_bits, _ = resampling.swap_totals(differences, 500, np.random.default_rng(9))
    np.testing.assert_array_equal(by_table, by_bits)
