import numpy as np
import pytest
from scipy.stats import binomtest

from harness.stats.mcnemar import discordant_counts, mcnemar_exact


@pytest.mark.parametrize("b, c, expected", [(15, 5, 0.04138946533203125), (6, 0, 0.03125), (10, 10, 1.0)])
def test_mcnemar_matches_reference_check_values(b, c, expected):
    assert mcnemar_exact(b, c) == pytest.approx(expected, rel=1e-12)


def test_mcnemar_without_discordant_pairs_is_one():
    assert mcnemar_exact(0, 0) == 1.0


@pytest.mark.parametrize("b, c", [(0, 1), (1, 0), (3, 9), (40, 25), (100, 130), (7, 7), (0, 30)])
def test_mcnemar_equals_scipy_binomtest_on_discordant_pairs(b, c):
    assert mcnemar_exact(b, c) == pytest.approx(binomtest(min(b, c), b + c, 0.5).pvalue, rel=1e-12)


def test_discordant_counts_count_each_direction():
    baseline = np.array([1, 1, 0, 0, 1, 0])
    treatment = np.array([1, 0, 1, 1, 0, 0])
    assert discordant_counts(baseline, treatment) == (2, 2)
    assert discordant_counts(baseline, baseline) == (0, 0)
