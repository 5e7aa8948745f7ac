"""Random draws shared by the paired tests: seeded generators, bootstrap resamples and swaps.

Both resampling schemes only ever need totals of per-example statistics (see
:func:`harness.metrics.corpus.reduce_means`), so they draw *how many times* each example is
taken or swapped and multiply by the statistics — a matrix product — instead of materialising
resampled rows. Where the paired rows take few distinct values (0/1 outcomes: four patterns),
the draw is over those patterns (a multinomial for the bootstrap, binomials for swaps), which has
exactly the distribution of drawing the examples themselves and costs nothing per example.
"""

from __future__ import annotations

import hashlib

import numpy as np

# Drawing per pattern costs about this many times one gathered statistic of one example
# (a multinomial or binomial draw against a float32 gather; measured with numpy 2.4): patterns are
# used while they are this much fewer than the example-statistics they replace.
PATTERN_COST = 40
SWAP_PATTERN_COST = 10
# Elements of a resamples × examples block held in memory at once.
BLOCK_ELEMENTS = 4_000_000
# Exhaustive enumeration of swaps is used while 2^k ≤ resamples; never beyond this many rows.
MAX_EXACT_ROWS = 16


def generator(seed: int, *key: str) -> np.random.Generator:
    """A generator for one named stream: the same seed and key give the same draws whatever
    else is compared in the same call (a cell's results do not depend on the other cells)."""
    digest = hashlib.sha256("\x1f".join(key).encode("utf-8")).digest()
    words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4)]
    return np.random.default_rng(np.random.SeedSequence([seed, *words]))


def _patterns(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    unique, counts = np.unique(rows, axis=0, return_counts=True)
    return unique, counts


def bootstrap_means(columns: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Column means over ``resamples`` bootstrap resamples of the rows: (n, s) → (resamples, s).

    One draw of row indices per resample serves every column, so columns of the two systems
    placed side by side are resampled together (the paired bootstrap).
    """
    columns = np.asarray(columns, dtype=np.float64)
    n, width = columns.shape
    unique, counts = _patterns(columns)
    if len(unique) * PATTERN_COST <= n * (1 + width):
        return rng.multinomial(n, counts / n, size=resamples) @ unique / n
    out = np.empty((resamples, width))
    block = max(1, BLOCK_ELEMENTS // n)
    index_type = np.int32 if n < 2**31 else np.int64
    # Gathering float32 halves the memory traffic that bounds this loop; sums accumulate in
    # float64, so the replicates differ from exact ones by float32 rounding of each statistic
    # (< 1e-6 points), far below any interval's width.
    narrow = columns.astype(np.float32)
    for start in range(0, resamples, block):
        stop = min(resamples, start + block)
        index = rng.integers(0, n, size=(stop - start, n), dtype=index_type)
        for j in range(width):
            out[start:stop, j] = np.take(narrow[:, j], index).sum(axis=1, dtype=np.float64)
    return out / n


def swap_totals(differences: np.ndarray, resamples: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """Σ over swapped examples of (treatment − baseline) statistics: (n, s) → (draws, s).

    Swapping an example's two outputs moves its difference from one system's totals to the
    other's. Examples whose outputs agree do not matter; when k examples differ and 2^k ≤
    ``resamples``, every subset is enumerated (``exact`` True: the p-value is then a plain
    fraction), otherwise each example is swapped with probability ½.
    """
    differences = np.asarray(differences, dtype=np.float64)
    if differences.ndim == 1:
        differences = differences[:, None]
    rows = differences[np.any(differences != 0, axis=1)]
    k, width = rows.shape
    if k == 0:
        return np.zeros((1, width)), True
    if k <= MAX_EXACT_ROWS and 2**k <= resamples:
        subsets = (np.arange(2**k)[:, None] >> np.arange(k)) & 1
        return subsets.astype(np.float64) @ rows, True
    unique, counts = _patterns(rows)
    if len(unique) * SWAP_PATTERN_COST <= k:
        swapped = rng.binomial(counts, 0.5, size=(resamples, len(unique)))
        return swapped @ unique, False
    out = np.empty((resamples, width))
    block = max(1, BLOCK_ELEMENTS // k)
    for start in range(0, resamples, block):
        stop = min(resamples, start + block)
        packed = rng.integers(0, 256, size=(stop - start, (k + 7) // 8), dtype=np.uint8)
        bits = np.unpackbits(packed, axis=1, count=k)
        out[start:stop] = bits.astype(np.float64) @ rows
    return out, False


def tail_p_value(observed: float, null: np.ndarray, exact: bool) -> float:
    """Two-sided p: the share of null statistics at least as extreme as the observed one.

    Ties count (|Δ*| ≥ |Δ|, with a tolerance for rounding), unlike sacreBLEU's strict count,
    which gives too-small p-values on tied data. Sampled nulls use (r + 1) / (R + 1) so that p is
    never 0; an enumerated null already contains the observed arrangement.
    """
    tolerance = 1e-9 * max(1.0, abs(observed))
    hits = int(np.count_nonzero(np.abs(null) >= abs(observed) - tolerance))
    if exact:
        return hits / len(null)
    return (hits + 1) / (len(null) + 1)
