import numpy as np
import pytest

from harness.errors import HarnessError
from harness.stats.multiple import adjust, benjamini_hochberg, holm

P = [0.04, 0.002, 0.03, 0.01]


def test_holm_matches_reference_check_values():
    np.testing.assert_allclose(holm(P), [0.06, 0.008, 0.06, 0.03], rtol=1e-12)


def test_benjamini_hochberg_matches_reference_check_values():
    np.testing.assert_allclose(benjamini_hochberg(P), [0.04, 0.008, 0.04, 0.02], rtol=1e-12)


def test_holm_is_capped_at_one_and_keeps_order_with_ties():
    adjusted = holm([0.5, 0.5, 0.01])
    np.testing.assert_allclose(adjusted, [1.0, 1.0, 0.03])


def test_adjust_none_returns_raw_p_and_empty_family_is_empty():
    np.testing.assert_array_equal(adjust(P, "none"), P)
    assert adjust([], "holm").size == 0
    assert adjust([], "bh").size == 0


def test_adjust_rejects_unknown_method():
    with pytest.raises(HarnessError, match="--correction bonferroni"):
        adjust(P, "bonferroni")
