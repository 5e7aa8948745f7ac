"""Random draws shared by the paired tests: seeded generators, bootstrap resamples and swaps.

Both resampling schemes only ever need totals of per-example statistics (see
:func:`harness.metrics.corpus.reduce_means`), so they draw *how many times* each example is
taken or swapped and sum its statistics that many times, never materialising resampled rows.

- Bootstrap: the paired rows that recur (0/1 outcomes take four values, tp/fp/fn counts a few
  hundred) are drawn as categories of a multinomial — the counts of each pattern in a resample —
  and the rows that are left are drawn by index among themselves, as many as the multinomial's
  last category says. This is exactly the distribution of drawing n rows with replacement; which
  patterns to draw as categories is decided by a cost model, so graded scores (QA F1, where few
  rows repeat) fall back to plain index draws.
- Swaps: each example is swapped with probability ½, so a random byte decides eight examples at
  once; a table of the 256 subset sums of each group of eight turns one byte into one lookup.
"""

from __future__ import annotations

import hashlib

import numpy as np

# Drawing one multinomial category costs about this many times one gathered statistic of one
# example (a binomial draw against a float32 gather; measured with numpy 2.4); an index draw
# costs about one gathered statistic. Used to decide which patterns to draw as categories.
PATTERN_COST = 40
# Swapping per pattern (one binomial draw) against looking up one byte of swaps (eight examples).
SWAP_PATTERN_COST = 10
# Index draws held at once (resamples × examples in one block): 2 MB of indices stay in the
# processor's cache between the draw, the gather and the sum; 32 MB blocks measured a third slower.
BLOCK_ELEMENTS = 250_000
# Largest table of subset sums (groups of eight × 256 × statistics) built for the swaps; beyond
# it the swaps are unpacked to bits and multiplied instead (slower, same draws).
TABLE_ELEMENTS = 8_000_000
# Exhaustive enumeration of swaps is used while 2^k ≤ resamples; never beyond this many rows.
MAX_EXACT_ROWS = 16


def generator(seed: int, *key: str) -> np.random.Generator:
    """A generator for one named stream: the same seed and key give the same draws whatever
    else is compared in the same call (a cell's results do not depend on the other cells)."""
    digest = hashlib.sha256("\x1f".join(key).encode("utf-8")).digest()
    words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4)]
    return np.random.default_rng(np.random.SeedSequence([seed, *words]))


def _categories(counts: np.ndarray, n: int, width: int) -> np.ndarray:
    """Which patterns to draw as multinomial categories (a mask): the most frequent ones, as many
    as minimise the cost of their draws plus the index draws of the rows left over."""
    order = np.argsort(-counts, kind="stable")
    left = n - np.concatenate([[0], np.cumsum(counts[order])])
    cost = PATTERN_COST * np.arange(len(counts) + 1) + left * (1 + width)
    chosen = np.zeros(len(counts), dtype=bool)
    chosen[order[:int(np.argmin(cost))]] = True
    return chosen


def _gatherable(columns: np.ndarray) -> list[np.ndarray]:
    """The columns as 1-D arrays to gather from, two at a time as complex numbers (real part one
    column, imaginary part the next): one gather and one sum then serve both, which measured
    about a third faster than gathering each column (or whole rows, whose reduction is strided)."""
    complex_type = np.complex64 if columns.dtype == np.float32 else np.complex128
    out = []
    for j in range(0, columns.shape[1], 2):
        pair = np.ascontiguousarray(columns[:, j:j + 2])
        out.append(pair.view(complex_type).reshape(-1) if pair.shape[1] == 2 else pair.reshape(-1))
    return out


def _add_gathered(gatherable: list[np.ndarray], index: np.ndarray, out: np.ndarray) -> None:
    """out[:, j] += Σ along each row of ``index`` of column j, accumulated in double precision."""
    for j, values in enumerate(gatherable):
        if np.iscomplexobj(values):
            sums = np.take(values, index).sum(axis=1, dtype=np.complex128)
            out[:, 2 * j] += sums.real
            out[:, 2 * j + 1] += sums.imag
        else:
            out[:, 2 * j] += np.take(values, index).sum(axis=1, dtype=np.float64)


def bootstrap_means(columns: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Column means over ``resamples`` bootstrap resamples of the rows: (n, s) → (resamples, s).

    One draw of row indices per resample serves every column, so columns of the two systems
    placed side by side are resampled together (the paired bootstrap).
    """
    columns = np.asarray(columns, dtype=np.float64)
    n, width = columns.shape
    unique, inverse, counts = np.unique(columns, axis=0, return_inverse=True, return_counts=True)
    chosen = _categories(counts, n, width)
    if chosen.all():
        return rng.multinomial(n, counts / n, size=resamples) @ unique / n
    # Gathering float32 halves the memory traffic that bounds the index draws; sums accumulate
    # in float64, so the replicates differ from exact ones by float32 rounding of each statistic
    # (< 1e-6 points), far below any interval's width. A zero row at the end is the index of
    # draws a resample does not use.
    rest = columns[~chosen[inverse.reshape(-1)]]
    padded = np.zeros((len(rest) + 1, width), dtype=np.float32)
    padded[:-1] = rest
    gatherable = _gatherable(padded)
    probabilities = np.append(counts[chosen], len(rest)) / n
    out = np.empty((resamples, width))
    block = max(1, BLOCK_ELEMENTS // len(rest))
    for start in range(0, resamples, block):
        stop = min(resamples, start + block)
        if chosen.any():
            drawn = rng.multinomial(n, probabilities, size=stop - start)
            sums = drawn[:, :-1] @ unique[chosen]
            taken = drawn[:, -1]
            index = rng.integers(0, len(rest), size=(stop - start, int(taken.max())), dtype=np.intp)
            index[np.arange(index.shape[1]) >= taken[:, None]] = len(rest)
        else:
            sums = np.zeros((stop - start, width))
            index = rng.integers(0, n, size=(stop - start, n), dtype=np.intp)
        _add_gathered(gatherable, index, sums)
        out[start:stop] = sums
    return out / n


def _subset_sum_tables(rows: np.ndarray) -> np.ndarray:
    """(s, groups · 256): entry [j, 256·g + b] is Σ of column j over the rows of group g (rows
    8g … 8g + 7) whose bits are set in byte b, bits read as np.unpackbits reads them."""
    k, width = rows.shape
    groups = (k + 7) // 8
    padded = np.zeros((groups * 8, width))
    padded[:k] = rows
    bits = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1).astype(np.float64)
    return np.einsum("bi,giw->wgb", bits, padded.reshape(groups, 8, width)).reshape(width, groups * 256)


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
    unique, counts = np.unique(rows, axis=0, return_counts=True)
    groups = (k + 7) // 8
    if len(unique) * SWAP_PATTERN_COST <= groups:
        swapped = rng.binomial(counts, 0.5, size=(resamples, len(unique)))
        return swapped @ unique, False
    tables = _gatherable(_subset_sum_tables(rows).T) if groups * 256 * width <= TABLE_ELEMENTS else None
    offsets = np.arange(groups, dtype=np.intp) * 256
    out = np.zeros((resamples, width))
    block = max(1, BLOCK_ELEMENTS // groups)
    for start in range(0, resamples, block):
        stop = min(resamples, start + block)
        packed = rng.integers(0, 256, size=(stop - start, groups), dtype=np.uint8)
        if tables is not None:
            _add_gathered(tables, packed + offsets, out[start:stop])
        else:
            out[start:stop] = np.unpackbits(packed, axis=1, count=k).astype(np.float64) @ rows
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
