from pathlib import Path

import numpy as np
import pytest

from harness.metrics.corpus import MetricSpec
from harness.stats.cells import choose_test
from harness.stats.comparison import CompareSettings, compare
from harness.stats.multiple import holm
from harness.stats.pairing import RunFolder
from harness.taskfiles.schema import GroupConfig
from tests.stats.run_folders import ACCURACY, QA, SPAN_F1, write_run

GROUP = GroupConfig("suite", ("xnli", "xquad", "panx"), Path("suite.yaml"),
                    categories={"classification": ("xnli",), "qa": ("xquad",), "tagging": ("panx",)})
METRICS = {"xnli": ACCURACY, "xquad": QA, "panx": SPAN_F1}
MAIN = {"xquad": ["exact_match", "f1"]}


def _units(seed, shift):
    rng = np.random.default_rng(seed)
    units = {"xnli": {}, "xquad": {}, "panx": {}}
    for lang in ("en", "de", "sw"):
        units["xnli"][lang] = [{"correct": int(rng.random() < 0.6 + shift)} for _ in range(80)]
        units["xquad"][lang] = [{"em": int(f == 1.0), "token_f1": f}
                                for f in np.round(np.clip(rng.random(40) + shift, 0, 1), 2)]
        units["panx"][lang] = [{"tp": int(t), "fp": int(rng.integers(0, 2)), "fn": int(rng.integers(0, 2))}
                               for t in rng.integers(0, 4, size=30)]
    return units


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    made = {}
    for name, seed, shift in (("base", 0, 0.0), ("treat", 1, 0.1), ("base2", 2, 0.0), ("treat2", 3, 0.1)):
        made[name] = RunFolder.load(write_run(root / name, _units(seed, shift), METRICS, MAIN))
    return made


def test_each_metric_gets_the_test_its_spec_declares(runs):
    result = compare([runs["base"]], [runs["treat"]], [GROUP], CompareSettings(resamples=500))
    tests = {(c.task, c.metric): c.test for c in result.cells}
    assert tests == {("xnli", "accuracy"): "mcnemar", ("xquad", "exact_match"): "mcnemar",
                     ("xquad", "f1"): "permutation", ("panx", "f1"): "randomization"}


def test_adjusted_p_values_are_holm_over_every_cell_of_the_comparison(runs):
    result = compare([runs["base"]], [runs["treat"]], [GROUP], CompareSettings(resamples=500))
    np.testing.assert_allclose([c.p_adjusted for c in result.cells], holm([c.p_value for c in result.cells]))
    assert len(result.cells) == 3 * 4


def test_same_seed_gives_identical_output_and_another_seed_other_intervals(runs):
    settings = CompareSettings(resamples=400, seed=5)
    first = compare([runs["base"]], [runs["treat"]], [GROUP], settings).to_dict()
    again = compare([runs["base"]], [runs["treat"]], [GROUP], settings).to_dict()
    other = compare([runs["base"]], [runs["treat"]], [GROUP], CompareSettings(resamples=400, seed=6)).to_dict()
    assert first == again
    assert [c["ci_low"] for c in first["cells"]] != [c["ci_low"] for c in other["cells"]]
    assert [c["p_value"] for c in first["cells"] if c["test"] == "mcnemar"] == \
        [c["p_value"] for c in other["cells"] if c["test"] == "mcnemar"]


def test_aggregates_cover_the_group_its_categories_and_tasks(runs):
    result = compare([runs["base"]], [runs["treat"]], [GROUP], CompareSettings(resamples=300))
    names = [a["name"] for a in result.to_dict()["aggregates"]]
    assert names == ["suite", "suite/classification", "suite/qa", "suite/tagging",
                     "suite/xnli", "suite/xquad", "suite/panx"]


def test_several_seeds_per_checkpoint_add_almost_stochastic_order(runs):
    result = compare([runs["base"], runs["base2"]], [runs["treat"], runs["treat2"]], [GROUP],
                     CompareSettings(resamples=200, aso_resamples=200))
    seeds = result.to_dict()["seeds"]
    assert len(seeds["cells"]) == len(result.cells)
    assert {e["name"] for e in seeds["aggregates"]} >= {"suite", "suite/qa"}
    # Bonferroni over every cell and average, each in both directions.
    assert seeds["family"] == 2 * (len(result.cells) + 7) and seeds["bonferroni"]
    assert seeds["confidence_level"] == pytest.approx(1 - 0.05 / (2 * (len(result.cells) + 7)))
    entry = seeds["cells"][0]
    assert 0.0 <= entry["eps_min"] <= 1.0 and len(entry["baseline_scores"]) == 2


def test_one_run_per_side_reports_no_aso(runs):
    seeds = compare([runs["base"]], [runs["treat"]], [GROUP], CompareSettings(resamples=100)).seeds
    assert seeds["cells"] == [] and seeds["confidence_level"] is None


def test_a_mcnemar_metric_with_graded_scores_falls_back_to_the_permutation_test():
    spec = MetricSpec("f1", "mean", "token_f1", "mcnemar")
    assert choose_test(spec, np.array([[0.5], [1.0]]), np.array([[1.0], [0.0]])) == "permutation"
    assert choose_test(spec, np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])) == "mcnemar"
    assert choose_test(MetricSpec("f1", "f1", None, "permutation"), None, None) == "randomization"


def test_cells_on_threads_give_the_same_results_in_the_same_order(runs, monkeypatch):
    from harness.stats import cells

    settings = CompareSettings(resamples=300, seed=2)
    monkeypatch.setattr(cells, "_usable_cores", lambda: 1)
    one = compare([runs["base"]], [runs["treat"]], [GROUP], settings).to_dict()
    monkeypatch.setattr(cells, "_usable_cores", lambda: 4)
    four = compare([runs["base"]], [runs["treat"]], [GROUP], settings).to_dict()
    assert one == four


def test_interval_level_is_set_apart_from_alpha(runs):
    strict = compare([runs["base"]], [runs["treat"]], [GROUP], CompareSettings(resamples=400, alpha=0.01)).to_dict()
    assert strict["settings"]["ci_level"] == 0.95 and strict["settings"]["alpha"] == 0.01
    narrow = compare([runs["base"]], [runs["treat"]], [GROUP],
                     CompareSettings(resamples=400, alpha=0.01, ci_level=0.8)).to_dict()
    for wide, inner in zip(strict["cells"], narrow["cells"]):
        assert wide["ci_low"] <= inner["ci_low"] <= inner["ci_high"] <= wide["ci_high"]
    assert any(w["ci_high"] - w["ci_low"] > i["ci_high"] - i["ci_low"]
               for w, i in zip(strict["cells"], narrow["cells"]))
    # The tests' p-values do not depend on the interval level.
    assert [c["p_value"] for c in strict["cells"]] == [c["p_value"] for c in narrow["cells"]]


def test_unpaired_cells_are_listed_in_the_json_and_the_report_and_left_out_of_the_family(tmp_path):
    from harness.stats.report import comparison_markdown

    units = _units(0, 0.0)
    base = RunFolder.load(write_run(tmp_path / "a", units, METRICS, MAIN))
    del units["xnli"]["sw"]
    treat = RunFolder.load(write_run(tmp_path / "b", units, METRICS, MAIN))
    result = compare([base], [treat], [GROUP], CompareSettings(resamples=100))
    assert result.to_dict()["unpaired"] == [{"task": "xnli", "lang": "sw", "present_in": "baseline"}]
    assert len(result.cells) == 3 * 4 - 1
    np.testing.assert_allclose([c.p_adjusted for c in result.cells], holm([c.p_value for c in result.cells]))
    assert "xnli/sw (only in the baseline)" in comparison_markdown(result)


def test_averages_are_their_own_family_and_their_mark_follows_the_adjusted_p(runs):
    from harness.stats.report import comparison_markdown

    result = compare([runs["base"]], [runs["treat"]], [GROUP], CompareSettings(resamples=300))
    raw = [a.p_value for a in result.aggregates]
    np.testing.assert_allclose([a.p_adjusted for a in result.aggregates], holm(raw))
    first = result.aggregates[0]
    first.p_value, first.p_adjusted = 0.03, 0.09  # significant before the correction, not after
    entry = first.to_dict(0.05)
    assert entry["p_adjusted"] == 0.09 and not entry["significant"]
    (row,) = [line for line in comparison_markdown(result).splitlines() if line.startswith(f"| {first.quantity.name} ")]
    fields = [f.strip() for f in row.strip("|").split("|")]
    assert fields[5:7] == ["0.0300", "0.0900"] and fields[-1] == ""


def test_aso_uses_the_resamples_it_is_given(runs, monkeypatch):
    from harness.stats import seeds

    used = []
    real = seeds.almost_stochastic_order
    monkeypatch.setattr(seeds, "almost_stochastic_order", lambda a, b, confidence, resamples, rng:
                        used.append(resamples) or real(a, b, confidence, 5, rng))
    result = compare([runs["base"], runs["base2"]], [runs["treat"], runs["treat2"]], [GROUP],
                     CompareSettings(resamples=100, aso_resamples=123))
    assert set(used) == {123} and result.seeds["resamples"] == 123
