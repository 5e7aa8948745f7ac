import json

import numpy as np
import pytest
from scipy.stats import false_discovery_control

from tests.helpers import run_cli
from tests.stats.run_folders import ACCURACY, binary_stats, perturb_run, write_mm_suite, write_run

CONTRACT_CELL = {"task", "lang", "metric", "baseline", "treatment", "delta", "test", "p_value", "p_adjusted",
                 "ci_low", "ci_high"}
CONTRACT_TOP = {"baseline", "treatment", "cells", "aggregates", "seeds"}
# Keys beyond the contract, each documented in README's compare section.
EXTRA_TOP = {"settings", "unpaired"}
EXTRA_CELL = {"n", "significant", "detail"}
AGGREGATE = {"name", "group", "level", "baseline", "treatment", "delta", "ci_low", "ci_high", "p_value", "p_adjusted",
             "significant", "sign_test_p", "wilcoxon_p", "languages", "languages_better", "languages_worse",
             "complete", "in_family"}
SETTINGS = {"resamples", "seed", "alpha", "correction", "aso_resamples", "ci_level", "interval", "bootstrap"}


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    result = run_cli("eval", "--model", "demo", "--tasks", "xtreme", "--output_path", root / "base")
    assert result.code == 0, result.err
    return {
        "base": root / "base",
        "treat": perturb_run(root / "base", root / "treat", 0.3, seed=1),
        "treat2": perturb_run(root / "base", root / "treat2", 0.3, seed=2),
        "base2": perturb_run(root / "base", root / "base2", 0.05, seed=3),
        "root": root,
    }


def test_compare_two_demo_runs_writes_the_json_contract_and_markdown(demo_runs, tmp_path):
    result = run_cli("compare", demo_runs["base"], demo_runs["treat"], "--resamples", "500",
                     "--json", tmp_path / "c.json", "--out", tmp_path / "c.md")
    assert result.code == 0, result.err
    data = json.loads((tmp_path / "c.json").read_text())
    assert {"baseline", "treatment", "cells", "aggregates", "seeds"} <= set(data)
    assert data["baseline"] == str(demo_runs["base"]) and data["treatment"] == str(demo_runs["treat"])
    assert data["cells"] and all(CONTRACT_CELL <= set(cell) for cell in data["cells"])
    # accuracy and QA EM; BUCC and span F1; QA F1 per question
    assert {c["test"] for c in data["cells"]} == {"mcnemar", "randomization", "permutation"}
    assert any(a["name"] == "xtreme" for a in data["aggregates"])
    markdown = (tmp_path / "c.md").read_text()
    assert "## xnli" in markdown and "## Averages" in markdown
    assert markdown in result.out


def test_ci_level_flag_sets_the_interval_level_apart_from_alpha(demo_runs, tmp_path):
    result = run_cli("compare", demo_runs["base"], demo_runs["treat"], "--resamples", "200", "--alpha", "0.01",
                     "--ci-level", "0.9", "--json", tmp_path / "c.json")
    assert result.code == 0, result.err
    settings = json.loads((tmp_path / "c.json").read_text())["settings"]
    assert settings["ci_level"] == 0.9 and settings["alpha"] == 0.01
    assert "90% paired bootstrap percentile intervals" in result.out


def test_json_has_the_contract_keys_and_only_the_documented_extras(demo_runs, tmp_path):
    result = run_cli("compare", demo_runs["base"], demo_runs["treat"], "--resamples", "100",
                     "--json", tmp_path / "c.json")
    assert result.code == 0, result.err
    data = json.loads((tmp_path / "c.json").read_text())
    assert set(data) == CONTRACT_TOP | EXTRA_TOP
    assert data["cells"] and all(set(cell) == CONTRACT_CELL | EXTRA_CELL for cell in data["cells"])
    for cell in data["cells"]:
        assert isinstance(cell["task"], str) and isinstance(cell["lang"], str) and isinstance(cell["test"], str)
        assert all(isinstance(cell[k], (int, float)) for k in ("baseline", "treatment", "delta", "p_value",
                                                                "p_adjusted", "ci_low", "ci_high"))
    assert data["aggregates"] and all(set(a) == AGGREGATE for a in data["aggregates"])
    assert set(data["settings"]) == SETTINGS


def test_same_seed_gives_byte_identical_json(demo_runs, tmp_path):
    for name in ("a", "b"):
        assert run_cli("compare", demo_runs["base"], demo_runs["treat"], "--resamples", "300", "--seed", "3",
                       "--json", tmp_path / f"{name}.json").code == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_mismatched_runs_exit_2_with_one_line_naming_task_and_language(demo_runs, tmp_path):
    other = perturb_run(demo_runs["base"], tmp_path / "other", 0.0, seed=0)
    data = json.loads((other / "results.json").read_text())
    data["config"]["tasks"]["pawsx"]["config_hash"] = "0000"
    (other / "results.json").write_text(json.dumps(data))
    result = run_cli("compare", demo_runs["base"], other)
    assert result.code == 2
    assert result.err.count("\n") == 1 and "pawsx/de" in result.err and "config hashes differ" in result.err


def test_more_runs_are_each_compared_with_the_first(demo_runs, tmp_path):
    result = run_cli("compare", demo_runs["base"], demo_runs["treat"], demo_runs["treat2"], "--resamples", "200",
                     "--json", tmp_path / "c.json")
    assert result.code == 0, result.err
    data = json.loads((tmp_path / "c.json").read_text())
    assert [c["treatment"] for c in data["comparisons"]] == [str(demo_runs["treat"]), str(demo_runs["treat2"])]
    assert all(c["baseline"] == str(demo_runs["base"]) for c in data["comparisons"])


def test_bh_correction_reports_raw_and_adjusted_p(demo_runs, tmp_path):
    result = run_cli("compare", demo_runs["base"], demo_runs["treat"], "--correction", "bh", "--resamples", "200",
                     "--json", tmp_path / "c.json")
    assert result.code == 0, result.err
    cells = json.loads((tmp_path / "c.json").read_text())["cells"]
    np.testing.assert_allclose([c["p_adjusted"] for c in cells],
                               false_discovery_control([c["p_value"] for c in cells], method="bh"))


def test_seed_lists_add_almost_stochastic_order(demo_runs, tmp_path):
    base = f"{demo_runs['base']},{demo_runs['base2']}"
    treat = f"{demo_runs['treat']},{demo_runs['treat2']}"
    result = run_cli("compare", base, treat, "--resamples", "200", "--aso_resamples", "300", "--json",
                     tmp_path / "c.json")
    assert result.code == 0, result.err
    data = json.loads((tmp_path / "c.json").read_text())
    seeds = data["seeds"]
    assert data["settings"]["aso_resamples"] == 300 and seeds["resamples"] == 300
    assert "(300 bootstrap resamples)" in result.out and "each in both directions" in result.out
    assert len(seeds["baseline"]) == 2 and seeds["cells"] and seeds["aggregates"]
    assert "almost stochastic order" in result.out


@pytest.mark.parametrize("args, message", [
    (["ONE"], "expected BASELINE TREATMENT"),
    (["--alpha", "2", "A", "B"], "--alpha 2"),
    (["--ci_level", "95", "A", "B"], "--ci_level 95: expected a confidence level between 0 and 1"),
    (["--text", "a,b"], "--text and --multimodal go together"),
    (["--correction", "sidak", "A", "B"], "invalid choice"),
    (["missing-a", "missing-b"], "run 'missing-a': no results.json"),
])
def test_bad_arguments_exit_2_with_one_line(args, message):
    result = run_cli("compare", *args)
    assert result.code == 2
    assert message in result.err and result.err.count("\n") == 1


@pytest.fixture(scope="module")
def mm_runs(tmp_path_factory):
    """A small multimodal suite (its task and group files) and a pair of runs on it."""
    root = tmp_path_factory.mktemp("mm")
    tasks = write_mm_suite(root)
    rng = np.random.default_rng(0)
    base = {t: {lang: rng.random(300) < 0.5 for lang in ("en", "ar", "id")} for t in ("mm_nli", "mm_vqa")}
    treat = {t: {lang: v | (rng.random(300) < (0.2 if lang == "en" else 0.0)) for lang, v in per.items()}
             for t, per in base.items()}
    metrics = {"mm_nli": ACCURACY, "mm_vqa": ACCURACY}
    for name, outcomes in (("mm_base", base), ("mm_treat", treat)):
        write_run(root / name, {t: {lang: binary_stats(v) for lang, v in per.items()} for t, per in outcomes.items()},
                  metrics)
    return {"tasks": tasks, "pair": f"{root / 'mm_base'},{root / 'mm_treat'}"}


def test_research_question_table_from_text_and_multimodal_pairs(demo_runs, mm_runs, tmp_path):
    result = run_cli("compare", "--text", f"{demo_runs['base']},{demo_runs['treat']}",
                     "--multimodal", mm_runs["pair"], "--multimodal_group", "mm_suite",
                     "--include_path", mm_runs["tasks"], "--resamples", "500",
                     "--json", tmp_path / "rq.json")
    assert result.code == 0, result.err
    rq = json.loads((tmp_path / "rq.json").read_text())["research_question"]
    assert [r["quantity"] for r in rq["rows"]] == ["gain", "gain / headroom (%)", "transfer gap change",
                                                   "gain, official averages (xtreme with English)"]
    assert rq["text"]["targets"] == "xtreme-targets" and rq["multimodal"]["targets"] == "mm_suite"
    assert rq["multimodal"]["group"] == "mm_suite" and rq["text"]["group"] == "xtreme"
    assert 'What "degrades" means' in result.out


def test_research_question_sides_take_seed_lists_joined_by_plus(demo_runs, mm_runs, tmp_path):
    text = f"{demo_runs['base']}+{demo_runs['base2']},{demo_runs['treat']}+{demo_runs['treat2']}"
    result = run_cli("compare", "--text", text, "--multimodal", mm_runs["pair"], "--multimodal_group", "mm_suite",
                     "--include_path", mm_runs["tasks"], "--resamples", "100", "--json", tmp_path / "rq.json")
    assert result.code == 0, result.err
    text_seeds = json.loads((tmp_path / "rq.json").read_text())["comparisons"][0]["seeds"]
    assert text_seeds["baseline"] == [str(demo_runs["base"]), str(demo_runs["base2"])]
    assert text_seeds["treatment"] == [str(demo_runs["treat"]), str(demo_runs["treat2"])] and text_seeds["cells"]


def test_research_question_pair_with_an_empty_seed_exits_2():
    result = run_cli("compare", "--text", "a+,b", "--multimodal", "c,d")
    assert result.code == 2 and "expected BASE,TREAT" in result.err and "B1+B2,T1+T2" in result.err


def test_the_research_question_leaves_the_official_averages_p_values_as_they_are(demo_runs, mm_runs, tmp_path):
    # xtreme-targets is derived for the question: it must not join the averages' correction family
    # or the ASO family, or `--text A,B` would report other adjusted p-values for xtreme than `A B`.
    base, treat = f"{demo_runs['base']},{demo_runs['base2']}", f"{demo_runs['treat']},{demo_runs['treat2']}"
    common = ["--resamples", "200", "--aso_resamples", "20"]
    plain = run_cli("compare", base, treat, *common, "--json", tmp_path / "plain.json")
    assert plain.code == 0, plain.err
    question = run_cli("compare", "--text", f"{base.replace(',', '+')},{treat.replace(',', '+')}",
                       "--multimodal", mm_runs["pair"], "--multimodal_group", "mm_suite",
                       "--include_path", mm_runs["tasks"], *common, "--json", tmp_path / "rq.json")
    assert question.code == 0, question.err
    plain_data = json.loads((tmp_path / "plain.json").read_text())
    text_data = json.loads((tmp_path / "rq.json").read_text())["comparisons"][0]

    def adjusted(data):
        return {a["name"]: a["p_adjusted"] for a in data["aggregates"] if a["in_family"]}

    assert adjusted(text_data) == adjusted(plain_data) and "xtreme" in adjusted(plain_data)
    derived = [a for a in text_data["aggregates"] if not a["in_family"]]
    assert {a["name"] for a in derived} >= {"xtreme-targets", "xtreme-targets/gap"}
    assert all(a["p_adjusted"] is None and a["p_value"] is not None for a in derived)
    assert text_data["seeds"]["family"] == plain_data["seeds"]["family"]
    assert text_data["seeds"]["confidence_level"] == plain_data["seeds"]["confidence_level"]
    assert any(line.startswith("| xtreme-targets ") and "‡" in line for line in question.out.splitlines())


def test_comparing_run_folders_never_reads_the_registry(tmp_path, monkeypatch):
    from tests.runs_factory import make_run

    monkeypatch.delenv("HARNESS_CHECKPOINTS", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "checkpoints.yaml").write_text("checkpoints: {broken: {family: not-a-family}}\n")
    a = make_run(tmp_path / "a", "a", {"de": [1, 0, 1, 1]})
    b = make_run(tmp_path / "b", "b", {"de": [1, 1, 1, 1]})
    result = run_cli("compare", a, b, "--resamples", "50")
    assert result.code == 0, result.err
    named = run_cli("compare", a, "broken", "--resamples", "50")  # a name does read it, and names the problem
    assert named.code == 2 and "checkpoints.yaml" in named.err


def test_registry_names_are_checked_against_the_include_path_tasks(mm_runs, tmp_path, monkeypatch):
    import shutil

    monkeypatch.delenv("HARNESS_CHECKPOINTS", raising=False)
    monkeypatch.chdir(tmp_path)
    base, treat = mm_runs["pair"].split(",")
    shutil.copytree(base, tmp_path / "runs" / "mm-a")
    shutil.copytree(treat, tmp_path / "runs" / "mm-b")
    (tmp_path / "checkpoints.yaml").write_text(
        "results_root: runs\ncheckpoints:\n  mm-a: {family: vision-language, model: x, tasks: {mm_nli: y}}\n"
        "  mm-b: {family: vision-language, model: z}\n")
    result = run_cli("compare", "mm-a", "mm-b", "--include_path", mm_runs["tasks"], "--resamples", "50")
    assert result.code == 0, result.err
