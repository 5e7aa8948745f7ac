import numpy as np
import pytest
from scipy.stats import permutation_test

from harness.stats.permutation import paired_permutation_test


def _scipy_exact(baseline, treatment):
    result = permutation_test((treatment, baseline), lambda x, y, axis: np.mean(x - y, axis=axis),
                              permutation_type="samples", vectorized=True, n_resamples=np.inf)
    return result.pvalue


@pytest.mark.parametrize("seed", range(6))
def test_exact_enumeration_equals_scipy_permutation_test(seed):
    rng = np.random.default_rng(seed)
    n = 10
    baseline = rng.choice([0.0, 0.25, 0.5, 1.0], size=n)  # ties and zero differences, as QA F1 has
    treatment = np.where(rng.random(n) < 0.3, baseline, rng.choice([0.0, 0.5, 1.0], size=n))
    p, exact = paired_permutation_test(100 * (treatment - baseline), 10_000, rng)
    assert exact
    assert p == pytest.approx(_scipy_exact(baseline, treatment), rel=1e-12)


def test_identical_systems_give_p_one():
    p, exact = paired_permutation_test(np.zeros(50), 1000, np.random.default_rng(0))
    assert p == 1.0 and exact


def test_sampled_test_is_close_to_exact_on_the_same_data():
    rng = np.random.default_rng(3)
    differences = rng.normal(0.3, 1.0, size=14)  # 2^14 > 1000 resamples: sampled
    p_sampled, exact = paired_permutation_test(differences, 4000, np.random.default_rng(1))
    assert not exact
    p_exact, _ = paired_permutation_test(differences, 2**14, np.random.default_rng(1))
    assert p_sampled == pytest.approx(p_exact, abs=0.03)


def test_sampled_p_value_is_never_zero():
    p, exact = paired_permutation_test(np.full(200, 5.0), 999, np.random.default_rng(0))
    assert not exact and p == pytest.approx(1 / 1000)
