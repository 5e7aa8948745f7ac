"""Almost Stochastic Order for comparing score distributions over several runs (seeds).

Definitions (del Barrio et al. 2018; Dror et al. 2019; with the bootstrap of Ulmer et al. 2022,
which resamples each side at its own size): with quantile functions F⁻¹ (system A) and G⁻¹
(system B), the violation ratio

    ε_W2(F, G) = ∫_{F⁻¹(t) < G⁻¹(t)} (F⁻¹(t) − G⁻¹(t))² dt  /  ∫₀¹ (F⁻¹(t) − G⁻¹(t))² dt

is the share of the squared Wasserstein-2 distance where A is worse than B (0: A stochastically
dominates B; 0.5: no order). The test's statistic is the upper confidence bound

    ε_min = ε_W2(F_n, G_m) − √((n + m)/(nm)) · σ̂ · Φ⁻¹(1 − confidence),

σ̂ the bootstrap standard deviation of √(nm/(n + m)) · ε_W2(F*_n, G*_m). ε_min < 0.5 favours A;
τ = 0.2 is the stricter threshold Ulmer et al. recommend. Empirical quantile functions are step
functions, so the integrals are computed exactly over the merged steps instead of on a grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

TAU = 0.2


@dataclass(frozen=True)
class AsoResult:
    eps_min: float  # upper bound on the violation ratio of "A is better than B"
    violation_ratio: float
    confidence_level: float


def _steps(n: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """On the steps of both empirical quantile functions (breakpoints i/n and j/m, written over the
    common denominator nm so that they stay integers): the index into each sorted sample on each
    step, and the step widths."""
    points = np.union1d(np.arange(1, n + 1) * m, np.arange(1, m + 1) * n)
    widths = np.diff(points, prepend=0) / (n * m)
    # F_n⁻¹(t) is the ⌈nt⌉-th order statistic; on the step ending at p/(nm), nt ends at p/m.
    index_a = -(-points // m) - 1
    index_b = -(-points // n) - 1
    return index_a, index_b, widths


def violation_ratio(sorted_a: np.ndarray, sorted_b: np.ndarray) -> np.ndarray:
    """ε_W2 of A over B from sorted samples (any leading batch shape); 0.5 where the two coincide."""
    sorted_a, sorted_b = np.asarray(sorted_a, dtype=np.float64), np.asarray(sorted_b, dtype=np.float64)
    index_a, index_b, widths = _steps(sorted_a.shape[-1], sorted_b.shape[-1])
    gap = sorted_b[..., index_b] - sorted_a[..., index_a]  # > 0 where A is worse
    distance = (gap**2 * widths).sum(axis=-1)
    violation = (np.maximum(gap, 0.0) ** 2 * widths).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(distance > 0, violation / np.where(distance > 0, distance, 1.0), 0.5)


def almost_stochastic_order(scores_a, scores_b, confidence_level: float = 0.95, resamples: int = 1000,
                            rng: np.random.Generator | None = None) -> AsoResult:
    """ε_min for "A (higher is better) is almost stochastically larger than B"."""
    a = np.sort(np.asarray(scores_a, dtype=np.float64))
    b = np.sort(np.asarray(scores_b, dtype=np.float64))
    if a.size == 0 or b.size == 0:
        raise ValueError("almost stochastic order needs at least one score on each side")
    rng = rng if rng is not None else np.random.default_rng(0)
    n, m = a.size, b.size
    ratio = float(violation_ratio(a, b))
    boot_a = np.sort(a[rng.integers(0, n, size=(resamples, n))], axis=1)
    boot_b = np.sort(b[rng.integers(0, m, size=(resamples, m))], axis=1)
    scale = np.sqrt(n * m / (n + m))
    sigma = float(np.std(scale * (violation_ratio(boot_a, boot_b) - ratio)))
    eps_min = ratio - sigma / scale * norm.ppf(1.0 - confidence_level)
    return AsoResult(float(np.clip(eps_min, 0.0, 1.0)), ratio, confidence_level)
