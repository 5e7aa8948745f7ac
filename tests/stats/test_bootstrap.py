import numpy as np
import pytest

from harness.metrics.corpus import MetricSpec
from harness.stats import resampling
from harness.stats.bootstrap import bootstrap_p_value, paired_bootstrap, percentile_interval
from harness.stats.resampling import bootstrap_means

ACC = {"accuracy": MetricSpec("accuracy", "mean", "correct", "mcnemar")}
F1 = {"f1": MetricSpec("f1", "mean", "token_f1", "permutation")}


def _delta_interval(specs, key, base, treat, resamples, rng):
    reps = paired_bootstrap(specs, (key,), base[:, None], treat[:, None], resamples, rng)
    (name,) = specs
    return percentile_interval(reps[name][1] - reps[name][0], 0.95)


def test_paired_bootstrap_of_identical_runs_has_zero_width():
    # Shared resample indices: an unpaired bootstrap would give a spread around 0 here.
    rng = np.random.default_rng(0)
    correct = (rng.random(500) < 0.7).astype(float)
    assert _delta_interval(ACC, "correct", correct, correct.copy(), 2000, rng) == (0.0, 0.0)


def test_percentile_interval_covers_true_delta_near_nominal_rate_for_accuracy():
    rng = np.random.default_rng(12345)
    n, simulations, covered = 300, 200, 0
    # Paired outcomes: both right 0.55, baseline only 0.10, treatment only 0.15 → true Δ = +5 points.
    probabilities = [0.55, 0.10, 0.15, 0.20]
    for _ in range(simulations):
        kind = rng.choice(4, size=n, p=probabilities)
        base = np.isin(kind, [0, 1]).astype(float)
        treat = np.isin(kind, [0, 2]).astype(float)
        low, high = _delta_interval(ACC, "correct", base, treat, 1000, rng)
        covered += low <= 5.0 <= high
    assert 0.89 <= covered / simulations <= 0.99


def test_percentile_interval_covers_true_delta_near_nominal_rate_for_graded_scores():
    rng = np.random.default_rng(54321)
    n, simulations, covered = 150, 200, 0
    for _ in range(simulations):
        base = rng.beta(2, 2, size=n)  # mean 0.5
        treat = np.clip(base + rng.normal(0.03, 0.1, size=n), -1, 2)  # true Δ = +3 points
        low, high = _delta_interval(F1, "token_f1", base, treat, 1000, rng)
        covered += low <= 3.0 <= high
    assert 0.89 <= covered / simulations <= 0.99


def test_pattern_draws_and_index_draws_resample_alike(monkeypatch):
    rng = np.random.default_rng(0)
    columns = np.stack([(rng.random(400) < 0.3), (rng.random(400) < 0.6)], axis=1).astype(float)
    by_pattern = bootstrap_means(columns, 4000, np.random.default_rng(1))
    monkeypatch.setattr(resampling, "PATTERN_COST", 10**9)
    by_index = bootstrap_means(columns, 4000, np.random.default_rng(1))
    np.testing.assert_allclose(by_pattern.mean(axis=0), columns.mean(axis=0), atol=0.003)
    np.testing.assert_allclose(by_index.mean(axis=0), columns.mean(axis=0), atol=0.003)
    np.testing.assert_allclose(by_pattern.std(axis=0), by_index.std(axis=0), rtol=0.08)
    np.testing.assert_allclose(np.corrcoef(by_pattern.T)[0, 1], np.corrcoef(by_index.T)[0, 1], atol=0.05)


def test_bootstrap_p_value_inverts_the_percentile_interval():
    assert bootstrap_p_value(np.full(999, 2.0)) == pytest.approx(2 / 1000)
    assert bootstrap_p_value(np.linspace(-1, 1, 1001)) == pytest.approx(1.0)
    reps = np.random.default_rng(0).normal(1.0, 0.5, size=9999)
    p = bootstrap_p_value(reps)
    low, _ = percentile_interval(reps, 1 - p)
    assert low == pytest.approx(0.0, abs=0.01)


def test_same_generator_seed_gives_identical_replicates():
    columns = np.random.default_rng(0).random((100, 2))
    a = bootstrap_means(columns, 500, resampling.generator(7, "xnli", "de"))
    b = bootstrap_means(columns, 500, resampling.generator(7, "xnli", "de"))
    c = bootstrap_means(columns, 500, resampling.generator(7, "xnli", "fr"))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)



def _one_hot_of_patterns(counts):
    """Rows of a few patterns, each row the one-hot vector of its pattern: a replicate's column
    means are then the share of each pattern in that resample."""
    return np.repeat(np.eye(len(counts)), counts, axis=0)


def test_hybrid_draws_give_the_multinomial_counts_of_drawing_rows(monkeypatch):
    counts = [30, 20, 1, 1, 1, 1]  # two patterns drawn as categories, four rows left to index draws
    columns = _one_hot_of_patterns(counts)
    n = len(columns)
    monkeypatch.setattr(resampling, "PATTERN_COST", 10)
    chosen = resampling._categories(np.array(counts), n, columns.shape[1])
    assert chosen.tolist() == [True, True, False, False, False, False]
    shares = bootstrap_means(columns, 20_000, np.random.default_rng(0))
    taken = shares * n
    # Every resample takes exactly n rows: the ragged index draws stop where the multinomial says.
    np.testing.assert_allclose(taken.sum(axis=1), n)
    np.testing.assert_allclose(taken, np.round(taken), atol=1e-6)
    p = np.array(counts) / n
    np.testing.assert_allclose(taken.mean(axis=0), n * p, rtol=0.03, atol=0.02)
    np.testing.assert_allclose(np.cov(taken.T), n * (np.diag(p) - np.outer(p, p)), rtol=0.06, atol=0.03)


def test_category_choice_takes_frequent_patterns_and_leaves_unique_rows_to_index_draws():
    assert resampling._categories(np.array([500, 400, 60, 40]), 1000, 2).all()  # 0/1 outcomes
    assert not resampling._categories(np.ones(1000, dtype=int), 1000, 2).any()  # graded: no repeats


SPAN_F1 = {"f1": MetricSpec("f1", "f1", None, "randomization")}
SPAN_KEYS = ("fn", "fp", "tp")


def _tag(entities, recall, spurious, rng):
    tp = rng.binomial(entities, recall)
    return np.stack([entities - tp, rng.poisson(spurious, size=len(entities)), tp], axis=1).astype(float)


def _population_f1(entities, recall, spurious):
    return 100 * 2 * entities * recall / (entities * (1 + recall) + spurious)


def test_corpus_f1_interval_covers_the_true_delta_near_nominal_rate():
    # Sentences with Poisson(1.5) entities; recall 0.75 → 0.80, 0.3 spurious spans per sentence on both.
    true_delta = _population_f1(1.5, 0.80, 0.3) - _population_f1(1.5, 0.75, 0.3)
    rng = np.random.default_rng(2024)
    simulations, covered = 200, 0
    for _ in range(simulations):
        entities = rng.poisson(1.5, size=300)
        base, treat = _tag(entities, 0.75, 0.3, rng), _tag(entities, 0.80, 0.3, rng)
        reps = paired_bootstrap(SPAN_F1, SPAN_KEYS, base, treat, 1000, rng)["f1"]
        low, high = percentile_interval(reps[1] - reps[0], 0.95)
        covered += low <= true_delta <= high
    assert 0.89 <= covered / simulations <= 0.99


def test_corpus_f1_replicates_match_a_row_level_bootstrap():
    """The replicates come from resampled sums of tp/fp/fn; resampling the rows themselves and
    recomputing F1 must give the same distribution."""
    from harness.metrics.corpus import reduce_stats

    rng = np.random.default_rng(5)
    entities = rng.poisson(1.5, size=400)
    base, treat = _tag(entities, 0.75, 0.3, rng), _tag(entities, 0.80, 0.3, rng)
    reps = paired_bootstrap(SPAN_F1, SPAN_KEYS, base, treat, 4000, np.random.default_rng(1))["f1"]
    deltas = reps[1] - reps[0]
    reference = np.empty(4000)
    draw = np.random.default_rng(2)
    for r in range(4000):
        rows = draw.integers(0, len(base), size=len(base))
        cols = lambda a: {k: a[rows, j] for j, k in enumerate(SPAN_KEYS)}  # noqa: E731
        reference[r] = reduce_stats(SPAN_F1["f1"], cols(treat)) - reduce_stats(SPAN_F1["f1"], cols(base))
    np.testing.assert_allclose(deltas.mean(), reference.mean(), atol=0.15)
    np.testing.assert_allclose(deltas.std(), reference.std(), rtol=0.08)
    np.testing.assert_allclose(np.quantile(deltas, [0.025, 0.975]), np.quantile(reference, [0.025, 0.975]), atol=0.4)
