from pathlib import Path
from statistics import fmean

import numpy as np
import pytest
from scipy.stats import binomtest, wilcoxon

from harness.stats.aggregates import group_quantities, per_language_deltas, sign_test, suite_aggregates, wilcoxon_test
from harness.stats.cells import CellResult
from harness.taskfiles.schema import GroupConfig

XTREME_LIKE = GroupConfig("xt", ("xnli", "xquad", "tatoeba"), Path("xt.yaml"),
                          categories={"classification": ("xnli",), "qa": ("xquad",), "retrieval": ("tatoeba",)})
IGLUE_LIKE = GroupConfig("ig", ("xvnli", "marvl"), Path("ig.yaml"), exclude_languages=("en",), gap_language="en")
META = {
    "xnli": {"main_metric": ["accuracy"], "languages": ["en", "de", "fr"]},
    "xquad": {"main_metric": ["exact_match", "f1"], "languages": ["en", "de"]},
    "tatoeba": {"main_metric": ["accuracy"], "languages": ["de", "fr", "ja"]},
    "xvnli": {"main_metric": ["accuracy"], "languages": ["en", "ar", "es"]},
    "marvl": {"main_metric": ["accuracy"], "languages": ["id", "sw"]},
}
CELLS = [("xnli", "en", "accuracy"), ("xnli", "de", "accuracy"), ("xnli", "fr", "accuracy"),
         ("xquad", "en", "exact_match"), ("xquad", "en", "f1"), ("xquad", "de", "exact_match"), ("xquad", "de", "f1"),
         ("tatoeba", "de", "accuracy"), ("tatoeba", "fr", "accuracy"),
         ("xvnli", "en", "accuracy"), ("xvnli", "ar", "accuracy"), ("xvnli", "es", "accuracy"),
         ("marvl", "id", "accuracy"), ("marvl", "sw", "accuracy")]


def _values(seed):
    rng = np.random.default_rng(seed)
    return {key: float(rng.uniform(20, 90)) for key in CELLS}


def test_xtreme_averages_are_task_means_of_language_means_with_qa_headline_em_f1():
    v = _values(0)
    quantities = {q.name: q for q in group_quantities(XTREME_LIKE, CELLS, META, [v])}
    xnli = fmean([v[("xnli", lang, "accuracy")] for lang in ("en", "de", "fr")])
    xquad = fmean([(v[("xquad", lang, "exact_match")] + v[("xquad", lang, "f1")]) / 2 for lang in ("en", "de")])
    tatoeba = fmean([v[("tatoeba", lang, "accuracy")] for lang in ("de", "fr")])
    assert quantities["xt"].value(v) == pytest.approx(fmean([xnli, xquad, tatoeba]))
    assert quantities["xt/qa"].value(v) == pytest.approx(xquad)
    assert quantities["xt/xnli"].value(v) == pytest.approx(xnli)
    assert not quantities["xt"].complete  # tatoeba lacks ja
    assert quantities["xt/xnli"].complete


def test_iglue_averages_leave_english_out_and_report_english_and_the_gap():
    v = _values(1)
    quantities = {q.name: q for q in group_quantities(IGLUE_LIKE, CELLS, META, [v])}
    xvnli_targets = fmean([v[("xvnli", lang, "accuracy")] for lang in ("ar", "es")])
    marvl = fmean([v[("marvl", lang, "accuracy")] for lang in ("id", "sw")])
    assert quantities["ig"].value(v) == pytest.approx(fmean([xvnli_targets, marvl]))
    assert quantities["ig/en"].value(v) == pytest.approx(v[("xvnli", "en", "accuracy")])
    assert quantities["ig/gap"].value(v) == pytest.approx(v[("xvnli", "en", "accuracy")] - xvnli_targets)
    assert ("xvnli", "en", "accuracy") not in quantities["ig"].weights
    # the target mean over the gap's tasks (MaRVL has no English here): source − target = gap
    target = quantities["ig/target"]
    assert target.level == "target" and target.value(v) == pytest.approx(xvnli_targets)
    assert quantities["ig/en"].value(v) - target.value(v) == pytest.approx(quantities["ig/gap"].value(v))


def _cells(base, treat, resamples=50, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for key in CELLS:
        noise = rng.normal(0, 1, resamples)
        out.append(CellResult(*key, 100, base[key], treat[key], "mcnemar", 0.5, -1.0, 1.0,
                              replicates=(base[key] + noise, treat[key] + noise + rng.normal(0, 0.5, resamples))))
    return out


def test_suite_bootstrap_combines_each_cells_replicates_with_the_group_weights():
    base, treat = _values(2), _values(3)
    cells = _cells(base, treat)
    results = {a.quantity.name: a for a in suite_aggregates(cells, [XTREME_LIKE, IGLUE_LIKE], META, 0.95)}
    by_key = {(c.task, c.lang, c.metric): c for c in cells}
    expected = np.mean([by_key[("tatoeba", lang, "accuracy")].replicates[1] for lang in ("de", "fr")], axis=0)
    np.testing.assert_allclose(results["xt/tatoeba"].replicates[1], expected)
    assert results["xt"].delta == pytest.approx(
        results["xt"].quantity.value(treat) - results["xt"].quantity.value(base))
    assert results["ig/gap"].sign_test_p is None  # a gap is not a mean over languages


def test_identical_runs_give_zero_delta_and_p_one():
    base = _values(4)
    cells = [CellResult(*key, 100, base[key], base[key], "mcnemar", 1.0, 0.0, 0.0,
                        replicates=(np.full(99, base[key]), np.full(99, base[key]))) for key in CELLS]
    for a in suite_aggregates(cells, [XTREME_LIKE, IGLUE_LIKE], META, 0.95):
        assert a.delta == pytest.approx(0.0, abs=1e-9)
        assert (a.ci_low, a.ci_high) == pytest.approx((0.0, 0.0), abs=1e-9)
        assert a.p_value == 1.0


def test_per_language_deltas_average_over_the_tasks_having_the_language():
    base, treat = _values(5), _values(6)
    cells = _cells(base, treat)
    (q,) = [q for q in group_quantities(XTREME_LIKE, CELLS, META) if q.name == "xt"]
    deltas = per_language_deltas(q, cells, {t: m["main_metric"] for t, m in META.items()})
    d = {key: treat[key] - base[key] for key in CELLS}
    assert deltas["fr"] == pytest.approx(fmean([d[("xnli", "fr", "accuracy")], d[("tatoeba", "fr", "accuracy")]]))
    assert deltas["de"] == pytest.approx(fmean([d[("xnli", "de", "accuracy")],
                                                (d[("xquad", "de", "exact_match")] + d[("xquad", "de", "f1")]) / 2,
                                                d[("tatoeba", "de", "accuracy")]]))
    # English is in XTREME's average but is the source language: the tests over languages leave it out.
    assert set(deltas) == {"de", "fr"}


def test_language_tests_leave_out_english_on_both_benchmarks():
    base, treat = _values(5), _values(6)
    results = {a.quantity.name: a for a in suite_aggregates(_cells(base, treat), [XTREME_LIKE, IGLUE_LIKE], META, 0.95)}
    d = {key: treat[key] - base[key] for key in CELLS}
    xnli = results["xt/xnli"]
    assert xnli.language_deltas == pytest.approx({lang: d[("xnli", lang, "accuracy")] for lang in ("de", "fr")})
    assert xnli.sign_test_p == pytest.approx(sign_test([d[("xnli", lang, "accuracy")] for lang in ("de", "fr")]))
    assert set(results["ig"].language_deltas) == {"ar", "es", "id", "sw"}
    assert results["xt/xnli"].to_dict(0.05)["languages"] == 2


def test_sign_and_wilcoxon_tests_match_scipy_and_ignore_zero_deltas():
    deltas = [1.5, 0.7, -0.2, 2.1, 0.0, 0.9, 1.1, -0.4]
    nonzero = [d for d in deltas if d != 0]
    assert sign_test(deltas) == pytest.approx(binomtest(5, 7, 0.5).pvalue)
    assert wilcoxon_test(deltas) == pytest.approx(wilcoxon(nonzero).pvalue)
    assert sign_test([0.0, 0.0]) == 1.0 and wilcoxon_test([0.0]) == 1.0


def test_an_average_over_english_alone_has_no_test_over_languages():
    cells = [c for c in _cells(_values(7), _values(8)) if c.task == "xnli" and c.lang == "en"]
    (xnli,) = [a for a in suite_aggregates(cells, [XTREME_LIKE], META, 0.95) if a.quantity.name == "xt/xnli"]
    assert xnli.language_deltas == {} and xnli.sign_test_p is None and xnli.wilcoxon_p is None


def test_stratified_suite_interval_covers_the_true_average_delta_near_nominal_rate():
    from harness.stats.cells import compare_cell
    from harness.stats.pairing import PairedCell
    from tests.stats.run_folders import ACCURACY

    group = GroupConfig("suite", ("nli", "para"), Path("suite.yaml"))
    langs = ("de", "sw", "ja")
    meta = {task: {"main_metric": ["accuracy"], "languages": list(langs)} for task in group.tasks}
    # Per task × language: P(baseline right), P(treatment right) with correlated outcomes. Unequal
    # gains and rates, so the average's variance mixes strata of different spread.
    truth = {("nli", "de"): (0.70, 0.75), ("nli", "sw"): (0.50, 0.52), ("nli", "ja"): (0.60, 0.66),
             ("para", "de"): (0.80, 0.81), ("para", "sw"): (0.55, 0.62), ("para", "ja"): (0.65, 0.65)}
    true_delta = 100 * np.mean([np.mean([truth[(t, lang)][1] - truth[(t, lang)][0] for lang in langs])
                                for t in group.tasks])
    rng = np.random.default_rng(77)
    simulations, covered = 150, 0
    for sim in range(simulations):
        cells = []
        for (task, lang), (p_base, p_treat) in truth.items():
            n = 150 if lang == "sw" else 250
            shared = rng.random(n)  # one latent difficulty per example: the two runs' outcomes correlate
            base = (shared < p_base).astype(float)[:, None]
            treat = np.where(rng.random(n) < 0.7, shared < p_treat, rng.random(n) < p_treat).astype(float)[:, None]
            paired = PairedCell(task, lang, tuple(map(str, range(n))), ACCURACY, ("correct",), base, treat)
            cells += compare_cell(paired, 500, seed=sim)
        (suite,) = [a for a in suite_aggregates(cells, [group], meta, 0.95) if a.quantity.name == "suite"]
        covered += suite.ci_low <= true_delta <= suite.ci_high
    assert 0.89 <= covered / simulations <= 0.99
