import numpy as np
import pytest

from harness.stats.aso import TAU, almost_stochastic_order, violation_ratio


def _grid_violation_ratio(a, b, dt=1e-5):
    """The definition integrated numerically on a fine grid, with the empirical quantile
    function written out directly (the ⌈nt⌉-th order statistic)."""
    a, b = np.sort(a), np.sort(b)
    t = np.arange(dt / 2, 1, dt)
    qa = a[np.clip(np.ceil(len(a) * t).astype(int) - 1, 0, len(a) - 1)]
    qb = b[np.clip(np.ceil(len(b) * t).astype(int) - 1, 0, len(b) - 1)]
    gap = qb - qa
    return np.sum(np.maximum(gap, 0) ** 2) / np.sum(gap**2)


@pytest.mark.parametrize("n, m, seed", [(3, 5, 0), (4, 4, 1), (7, 2, 2), (10, 6, 3)])
def test_exact_violation_ratio_equals_numerical_integral(n, m, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(0.2, 1, n), rng.normal(0, 1, m)
    assert violation_ratio(np.sort(a), np.sort(b)) == pytest.approx(_grid_violation_ratio(a, b), abs=1e-3)


def test_violation_ratio_by_hand():
    # Quantiles: A = 1 then 2, B = 0 then 3 on each half of (0, 1): B − A = −1, +1; half the
    # squared distance is where A is worse.
    assert violation_ratio(np.array([1.0, 2.0]), np.array([0.0, 3.0])) == pytest.approx(0.5)
    # A = [2, 4], B = [1, 3, 5]: steps (0,⅓] B−A = −1, (⅓,½] +1, (½,⅔] −1, (⅔,1] +1 →
    # violation ⅙ + ⅓ = ½ of a total 1.
    assert violation_ratio(np.array([2.0, 4.0]), np.array([1.0, 3.0, 5.0])) == pytest.approx(0.5)
    # A = [0, 10], B = [1, 2]: (0,½] B−A = +1 (violation), (½,1] −8 → 1 / (1 + 64).
    assert violation_ratio(np.array([0.0, 10.0]), np.array([1.0, 2.0])) == pytest.approx(1 / 65)


def test_violation_ratios_in_both_directions_sum_to_one():
    rng = np.random.default_rng(5)
    a, b = np.sort(rng.normal(size=6)), np.sort(rng.normal(size=4))
    assert violation_ratio(a, b) + violation_ratio(b, a) == pytest.approx(1.0)


def test_identical_samples_have_no_order():
    a = np.array([70.0, 71.0, 72.0])
    assert violation_ratio(a, a) == 0.5


def test_clearly_better_runs_give_eps_min_below_tau():
    better = [80.1, 80.4, 80.9, 81.2, 80.6]
    worse = [78.0, 78.3, 77.9, 78.8, 78.1]
    forward = almost_stochastic_order(better, worse, 0.95, 1000, np.random.default_rng(0))
    backward = almost_stochastic_order(worse, better, 0.95, 1000, np.random.default_rng(0))
    assert forward.violation_ratio == 0.0 and forward.eps_min < TAU
    assert backward.eps_min == 1.0


def test_eps_min_is_an_upper_bound_that_grows_with_confidence_and_is_seeded():
    rng = np.random.default_rng(9)
    a, b = rng.normal(0.5, 1, 5), rng.normal(0, 1, 5)
    low = almost_stochastic_order(a, b, 0.9, 500, np.random.default_rng(1))
    high = almost_stochastic_order(a, b, 0.99, 500, np.random.default_rng(1))
    again = almost_stochastic_order(a, b, 0.99, 500, np.random.default_rng(1))
    assert low.violation_ratio <= low.eps_min <= high.eps_min
    assert high == again
