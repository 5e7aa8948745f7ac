from pathlib import Path

import numpy as np
import pytest

from harness.stats.comparison import CompareSettings, compare
from harness.stats.pairing import RunFolder
from harness.stats.report import research_markdown
from harness.stats.research_question import _verdict, gap_group, research_question
from harness.taskfiles.schema import GroupConfig
from tests.stats.run_folders import ACCURACY, binary_stats, write_run

TEXT = GroupConfig("xt", ("nli", "para"), Path("xt.yaml"), categories={"classification": ("nli", "para")})
MULTI = GroupConfig("ig", ("vnli", "vqa"), Path("ig.yaml"), exclude_languages=("en",), gap_language="en")


def _units(tasks, langs, rates, gains, seed):
    """Paired outcomes: the treatment turns a share of the baseline's errors into successes."""
    rng = np.random.default_rng(seed)
    units = {}
    for task in tasks:
        for lang in langs:
            base = rng.random(1000) < rates[lang]
            fixed = rng.random(1000) < gains[lang] / (1 - rates[lang])
            units.setdefault(task, {})[lang] = binary_stats(base | fixed)
    return units


TEXT_RATES, MM_RATES = {"en": 0.7, "de": 0.6, "sw": 0.5}, {"en": 0.7, "ar": 0.4, "id": 0.4}
METRICS = {t: ACCURACY for t in ("nli", "para", "vnli", "vqa")}
GROUPS = [TEXT, MULTI, gap_group(TEXT)]


def _pair(root, name, tasks, rates, gains, seed):
    def run(side, side_gains):
        return [RunFolder.load(write_run(root / f"{name}-{side}", _units(tasks, rates, rates, side_gains, seed),
                                         METRICS))]

    return run("base", dict.fromkeys(rates, 0.0)), run("treat", gains)


@pytest.fixture(scope="module")
def comparisons(tmp_path_factory):
    root = tmp_path_factory.mktemp("rq")
    settings = CompareSettings(resamples=2000, seed=0)
    # Text: +10 points everywhere. Multimodal: +10 on English only, nothing on the targets.
    text = _pair(root, "text", TEXT.tasks, TEXT_RATES, dict.fromkeys(TEXT_RATES, 0.1), 0)
    mm = _pair(root, "mm", MULTI.tasks, MM_RATES, {"en": 0.1, "ar": 0.0, "id": 0.0}, 1)
    # Text with the same English-only gain: like for like, nothing differs.
    text_en = _pair(root, "text-en", TEXT.tasks, TEXT_RATES, {"en": 0.1, "de": 0.0, "sw": 0.0}, 0)
    # Multimodal runs without English: no transfer gap.
    mm_targets = _pair(root, "mm-targets", MULTI.tasks, {"ar": 0.4, "id": 0.4}, {"ar": 0.0, "id": 0.0}, 1)
    return {name: compare(*pair, GROUPS, settings)
            for name, pair in (("text", text), ("mm", mm), ("text_en", text_en), ("mm_targets", mm_targets))}


def test_gap_group_averages_targets_for_a_group_without_one():
    derived = gap_group(TEXT)
    assert derived.group == "xt-targets" and derived.exclude_languages == ("en",) and derived.gap_language == "en"
    assert gap_group(MULTI) is MULTI


def test_research_question_rows_compare_target_language_gains(comparisons):
    text, mm = comparisons["text"], comparisons["mm"]
    rq = research_question(text, mm, TEXT, MULTI)
    rows = {r["quantity"]: r for r in rq["rows"]}
    text_gain, mm_gain = text.aggregate("xt-targets"), mm.aggregate("ig")
    assert rows["gain"]["text"] == pytest.approx(text_gain.delta)
    assert rows["gain"]["multimodal"] == pytest.approx(mm_gain.delta)
    assert rows["gain"]["difference"] == pytest.approx(text_gain.delta - mm_gain.delta)
    assert rows["gain / headroom (%)"]["text"] == pytest.approx(100 * text_gain.delta / (100 - text_gain.baseline))
    gap = rows["transfer gap change"]
    assert gap["text"] == pytest.approx(text.aggregate("xt-targets/gap").delta)
    assert gap["multimodal"] == pytest.approx(mm.aggregate("ig/gap").delta)
    # A gain that stays on English in the multimodal pair: the benefit degrades on every reading.
    assert rows["gain"]["verdict"] == "degrades" and rows["gain"]["ci_low"] > 0
    assert gap["verdict"] == "degrades" and gap["ci_high"] < 0
    assert rq["text"]["baseline_score"] == pytest.approx(text_gain.baseline)
    assert rq["text"]["official_baseline_score"] == pytest.approx(text.aggregate("xt").baseline)


def test_official_averages_are_a_reference_row_without_a_difference(comparisons):
    rq = research_question(comparisons["text"], comparisons["mm"], TEXT, MULTI)
    official = rq["rows"][-1]
    assert official["quantity"] == "gain, official averages (xt with English)"
    assert official["text"] == pytest.approx(comparisons["text"].aggregate("xt").delta)
    assert official["multimodal"] == pytest.approx(comparisons["mm"].aggregate("ig").delta)
    assert official["difference"] is None and official["verdict"] == "not compared: unlike quantities"


def test_an_english_only_gain_on_both_sides_is_no_difference(comparisons):
    # XTREME's official average counts English, IGLUE's does not: compared on them, the text
    # gain would look larger. On target languages both gains are about zero.
    rq = research_question(comparisons["text_en"], comparisons["mm"], TEXT, MULTI)
    gain = rq["rows"][0]
    assert gain["quantity"] == "gain" and abs(gain["text"]) < 2 and abs(gain["difference"]) < 2
    assert gain["verdict"] == "no significant difference"
    assert comparisons["text_en"].aggregate("xt").delta > 2  # what the official average would have said


def test_a_missing_transfer_gap_is_shown_as_unavailable_with_the_reason(comparisons):
    rq = research_question(comparisons["text"], comparisons["mm_targets"], TEXT, MULTI)
    (gap,) = [r for r in rq["rows"] if r["quantity"] == "transfer gap change"]
    assert gap["verdict"] == "unavailable" and gap["text"] is None
    assert "--multimodal runs have no English (en) results for any ig task" in gap["reason"]
    markdown = research_markdown(rq)
    assert "transfer gap change: unavailable: the --multimodal runs have no English" in markdown


def test_verdict_reads_each_quantity_in_its_own_direction():
    assert _verdict(1.2, 0.001, 0.05, +1) == "degrades"
    assert _verdict(-1.2, 0.001, 0.05, +1) == "improves"
    assert _verdict(1.2, 0.2, 0.05, +1) == "no significant difference"
    assert _verdict(-1.2, 0.001, 0.05, -1) == "degrades"
    assert _verdict(1.2, 0.001, 0.05, -1) == "improves"
    assert _verdict(float("nan"), 0.001, 0.05, +1) == "no significant difference"


def _fixed_comparison(names_and_gains, alpha):
    """A comparison whose averages have the given bootstrap replicates of the gain."""
    from harness.stats.aggregates import AggregateResult, Quantity
    from harness.stats.comparison import Comparison

    aggregates = []
    for name, gains in names_and_gains.items():
        level = "gap" if name.endswith("/gap") else "group"
        quantity = Quantity(name, name.split("/")[0], level, {}, 0.0, (), (), True)
        base = np.full(len(gains), 50.0)
        aggregates.append(AggregateResult(quantity, 50.0, 50.0 + float(np.mean(gains)), 0.0, 0.0, 0.5, {}, None,
                                          None, (base, base + gains)))
    return Comparison("b", "t", [], aggregates, {}, CompareSettings(alpha=alpha))


@pytest.mark.parametrize("alpha, verdict", [(0.05, "degrades"), (0.01, "no significant difference")])
def test_verdict_follows_alpha_not_the_interval_level(alpha, verdict):
    # 15 of 1000 replicates of text − multimodal fall below 0: p = 2 × 16 / 1001 ≈ 0.032, while the
    # 95% interval (--ci_level, apart from --alpha) excludes 0 either way.
    gains = np.where(np.arange(1000) < 15, -1.0, 2.0)
    zero = np.zeros(1000)
    text = _fixed_comparison({"xt": gains, "xt-targets": gains, "xt-targets/gap": zero}, alpha)
    mm = _fixed_comparison({"ig": zero, "ig/gap": zero}, alpha)
    rq = research_question(text, mm, TEXT, MULTI)
    gain = rq["rows"][0]
    assert gain["quantity"] == "gain" and gain["p_value"] == pytest.approx(32 / 1001)
    assert gain["ci_low"] > 0
    assert gain["verdict"] == verdict and rq["alpha"] == alpha
    assert f"α = {alpha:g}" in research_markdown(rq)


def test_difference_of_gains_rejects_at_about_alpha_when_the_gains_are_equal():
    from harness.stats.aggregates import suite_aggregates
    from harness.stats.cells import compare_cell
    from harness.stats.comparison import Comparison
    from harness.stats.pairing import PairedCell

    text_group = GroupConfig("xt", ("nli",), Path("xt.yaml"))
    mm_group = GroupConfig("ig", ("vnli",), Path("ig.yaml"), exclude_languages=("en",), gap_language="en")
    # Different baselines, the same gains: +4 points on every target language, +6 on English.
    text_truth = {"en": (0.80, 0.86), "de": (0.70, 0.74), "sw": (0.55, 0.59)}
    mm_truth = {"en": (0.60, 0.66), "ar": (0.35, 0.39), "id": (0.40, 0.44)}
    settings = CompareSettings(resamples=400)
    rng = np.random.default_rng(11)

    def side(task, truth, groups, sim):
        cells = []
        for lang, (p_base, p_treat) in truth.items():
            shared = rng.random(400)
            base = (shared < p_base).astype(float)[:, None]
            treat = np.where(rng.random(400) < 0.8, shared < p_treat, rng.random(400) < p_treat).astype(float)[:, None]
            cell = PairedCell(task, lang, tuple(map(str, range(400))), ACCURACY, ("correct",), base, treat)
            cells += compare_cell(cell, settings.resamples, seed=sim)
        meta = {task: {"main_metric": ["accuracy"], "languages": list(truth)}}
        return Comparison("b", "t", cells, suite_aggregates(cells, groups, meta, settings.level), {}, settings)

    simulations, rejected = 150, {"gain": 0, "transfer gap change": 0}
    for sim in range(simulations):
        text = side("nli", text_truth, [text_group, gap_group(text_group)], sim)
        mm = side("vnli", mm_truth, [mm_group], sim)
        for row in research_question(text, mm, text_group, mm_group)["rows"]:
            if row["quantity"] in rejected:
                rejected[row["quantity"]] += row["p_value"] < 0.05
    for quantity, count in rejected.items():
        assert 0.01 <= count / simulations <= 0.11, (quantity, count)
